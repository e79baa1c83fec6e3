//! Throwaway certificate authorities for the TLS cache servers (`rediss://`, `memcaches://`):
//! a CA and a server certificate it signed, written as PEM files that the server reads, and a
//! rustls client trusting that CA, with which the tests look at what the server stored.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};

use super::ScratchDir;

/// How long the support clients wait for a server before giving up.
const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// A byte stream to a server, plain or TLS.
pub trait Stream: Read + Write + Send {}

impl<T: Read + Write + Send> Stream for T {}

/// A CA made for one server, the server's certificate and key it signed, as PEM files in a
/// private directory that is removed when this is dropped.
pub struct TlsFiles {
    dir: ScratchDir,
    ca_pem: String,
    /// The certificate's first name: the name the support client checks, whatever address
    /// it connects to.
    server_name: String,
}

impl TlsFiles {
    /// A new CA and a server certificate for `localhost` and `127.0.0.1`.
    pub fn localhost() -> TlsFiles {
        TlsFiles::for_names(&["localhost", "127.0.0.1"])
    }

    /// A new CA and a server certificate for `names` only: a server using it is trusted
    /// (through [`ca_pem`](Self::ca_pem)) but has the wrong name for `127.0.0.1` unless
    /// `names` lists it.
    pub fn for_names(names: &[&str]) -> TlsFiles {
        let ca = new_ca("gopay test cache CA");
        let (cert_pem, key_pem) = server_certificate(&ca, names);
        let dir = ScratchDir::new("tls");
        let files = TlsFiles {
            ca_pem: ca.pem(),
            server_name: names[0].to_owned(),
            dir,
        };
        write_private(&files.ca_file(), &files.ca_pem);
        write_private(&files.cert_file(), &cert_pem);
        write_private(&files.key_file(), &key_pem);
        files
    }

    /// The CA certificate (PEM), for a client to trust.
    pub fn ca_pem(&self) -> &[u8] {
        self.ca_pem.as_bytes()
    }

    pub fn ca_file(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    /// The server certificate (PEM; its chain is just itself, the CA being the trust root).
    pub fn cert_file(&self) -> PathBuf {
        self.dir.join("server.pem")
    }

    /// The server certificate's private key (PKCS#8 PEM).
    pub fn key_file(&self) -> PathBuf {
        self.dir.join("server.key")
    }

    /// A TLS connection to the server on `127.0.0.1:port` using these files, checked for
    /// the certificate's first name; see [`connect`].
    pub fn connect(&self, port: u16) -> io::Result<Box<dyn Stream>> {
        connect(port, &self.server_name, self.ca_pem())
    }
}

/// A TLS connection to the server on `127.0.0.1:port`, trusting only the CA `ca_pem` and
/// expecting a certificate for `server_name`. The handshake is done here, so that a server
/// that does not speak TLS, or has another CA or name, fails here rather than later.
pub fn connect(port: u16, server_name: &str, ca_pem: &[u8]) -> io::Result<Box<dyn Stream>> {
    let mut tcp = connect_plain(port)?;
    let name = ServerName::try_from(server_name.to_owned()).map_err(io::Error::other)?;
    let mut connection =
        rustls::ClientConnection::new(client_config(ca_pem)?, name).map_err(io::Error::other)?;
    while connection.is_handshaking() {
        connection.complete_io(&mut tcp)?;
    }
    Ok(Box::new(rustls::StreamOwned::new(connection, tcp)))
}

/// The PEM of a CA that signed none of the test servers' certificates: trusting only it, a
/// client must refuse every one of them.
pub fn untrusted_ca_pem() -> Vec<u8> {
    new_ca("gopay untrusted CA").pem().into_bytes()
}

/// A plain TCP connection to `127.0.0.1:port` with the support clients' timeouts.
pub fn connect_plain(port: u16) -> io::Result<TcpStream> {
    let tcp = TcpStream::connect(("127.0.0.1", port))?;
    tcp.set_read_timeout(Some(IO_TIMEOUT))?;
    tcp.set_write_timeout(Some(IO_TIMEOUT))?;
    Ok(tcp)
}

/// What a TLS-only server answers `request` sent in plain text, until it closes the
/// connection: no bytes, or a TLS alert, never a reply of the plain protocol.
pub fn plain_text_answer(port: u16, request: &[u8]) -> Vec<u8> {
    let mut tcp = connect_plain(port).expect("connect to the TLS port");
    let mut answer = Vec::new();
    if tcp.write_all(request).is_ok() {
        // A reset (the server gave up on the handshake) ends the answer like a close does.
        let _ = tcp.read_to_end(&mut answer);
    }
    answer
}

fn new_ca(common_name: &str) -> rcgen::CertifiedIssuer<'static, rcgen::KeyPair> {
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, common_name);
    rcgen::CertifiedIssuer::self_signed(params, rcgen::KeyPair::generate().unwrap()).unwrap()
}

/// A certificate for `names` signed by `ca`, and its key, both PEM. It serves as a client
/// certificate too: cluster nodes present it to each other over the TLS cluster bus.
fn server_certificate(
    ca: &rcgen::CertifiedIssuer<'static, rcgen::KeyPair>,
    names: &[&str],
) -> (String, String) {
    let names: Vec<String> = names.iter().map(|name| (*name).to_owned()).collect();
    let mut params = rcgen::CertificateParams::new(names).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "gopay test cache server");
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, ca).unwrap();
    (cert.pem(), key.serialize_pem())
}

/// A rustls client trusting only the CA `ca_pem`, with TLS 1.2 and 1.3 as the servers offer.
fn client_config(ca_pem: &[u8]) -> io::Result<Arc<rustls::ClientConfig>> {
    let ca = CertificateDer::from_pem_slice(ca_pem).map_err(io::Error::other)?;
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca).map_err(io::Error::other)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(Arc::new(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(io::Error::other)?
            .with_root_certificates(roots)
            .with_no_client_auth(),
    ))
}

/// Writes `contents` to a new file only its owner can read (it may be a private key).
fn write_private(path: &std::path::Path, contents: &str) {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .and_then(|mut file| file.write_all(contents.as_bytes()))
        .unwrap_or_else(|e| panic!("could not write {}: {e}", path.display()));
}
