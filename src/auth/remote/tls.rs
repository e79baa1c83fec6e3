//! TLS to a cache server through rustls (the version and ring provider ureq already
//! brings): Mozilla's roots plus any extra ones, TLS 1.2 or 1.3, the server's name checked.

use std::fmt;
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, RootCertStore};

use super::{Host, Node};
use crate::error::Error;

/// How connections to one cache are secured: the rustls configuration, and the host of
/// the cache's URL, whose name certificates are checked against.
#[derive(Clone)]
pub(crate) struct TlsSettings {
    config: Arc<ClientConfig>,
    url_host: Host,
}

impl TlsSettings {
    /// Settings trusting Mozilla's roots and the extra DER certificates, for the cache at
    /// `url_host`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when an extra certificate is not a usable root.
    pub(crate) fn new(url_host: Host, extra_roots: &[Vec<u8>]) -> Result<TlsSettings, Error> {
        let mut roots = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        for (n, der) in extra_roots.iter().enumerate() {
            roots.add(CertificateDer::from(der.clone())).map_err(|_| {
                Error::config(format!(
                    "root certificate #{} is not a usable certificate authority",
                    n + 1
                ))
            })?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .map_err(|_| Error::config("TLS 1.2 and 1.3 are not available"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(TlsSettings {
            config: Arc::new(config),
            url_host,
        })
    }

    /// A client session for `node`. Its certificate must name the node's host name; a node
    /// given only by address (a cluster's redirect) must hold a certificate for the URL's
    /// host name, as a cluster's nodes share the certificate of its endpoint.
    pub(crate) fn session(&self, node: &Node) -> Result<rustls::ClientConnection, Error> {
        let name = match (&node.host, &self.url_host) {
            (Host::Name(name), _) | (Host::Ip(_), Host::Name(name)) => {
                ServerName::try_from(name.clone())
                    .map_err(|_| Error::config("the host name is not a valid TLS server name"))?
            }
            (Host::Ip(ip), Host::Ip(_)) => ServerName::IpAddress((*ip).into()),
        };
        rustls::ClientConnection::new(Arc::clone(&self.config), name)
            .map_err(|_| Error::config("could not start a TLS session"))
    }
}

impl fmt::Debug for TlsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TlsSettings")
    }
}
