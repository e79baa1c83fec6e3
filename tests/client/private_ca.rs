//! An HTTPS gateway on 127.0.0.1 behind a certificate authority made for the test: refused
//! until its root is added (feature `extra-roots`), then trusted.
#![cfg(feature = "extra-roots")]

use crate::support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use base64::Engine as _;
use gopay::{Client, Error};

/// A CA made for this test and an HTTPS gateway on 127.0.0.1 whose certificate it signed.
struct TlsGateway {
    url: String,
    ca_pem: String,
    /// TLS connections whose handshake completed.
    handshakes: Arc<AtomicUsize>,
    /// HTTP requests answered.
    requests: Arc<AtomicUsize>,
}

const TLS_TOKEN: &str = "ToKeN-tls-1";

impl TlsGateway {
    fn start() -> TlsGateway {
        let (ca_pem, chain, key) = certificates();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = Arc::new(
            rustls::ServerConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(chain, key)
                .unwrap(),
        );
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let gateway = TlsGateway {
            url: format!(
                "https://127.0.0.1:{}",
                listener.local_addr().unwrap().port()
            ),
            ca_pem,
            handshakes: Arc::default(),
            requests: Arc::default(),
        };
        let (handshakes, requests) = (gateway.handshakes.clone(), gateway.requests.clone());
        std::thread::spawn(move || {
            for tcp in listener.incoming().flatten() {
                let (config, handshakes, requests) =
                    (config.clone(), handshakes.clone(), requests.clone());
                std::thread::spawn(move || {
                    let mut connection = rustls::ServerConnection::new(config).unwrap();
                    let mut tcp = tcp;
                    while connection.is_handshaking() {
                        if connection.complete_io(&mut tcp).is_err() {
                            return;
                        }
                    }
                    handshakes.fetch_add(1, Ordering::SeqCst);
                    serve_http(
                        BufReader::new(rustls::StreamOwned::new(connection, tcp)),
                        &requests,
                    );
                });
            }
        });
        gateway
    }

    fn config(&self) -> gopay::Config {
        gopay::Config::new(
            support::GOID,
            support::CLIENT_ID,
            support::CLIENT_SECRET,
            self.url.clone(),
        )
    }
}

/// A test CA (PEM), and a certificate chain and key for `localhost` and 127.0.0.1 it signed.
fn certificates() -> (
    String,
    Vec<rustls::pki_types::CertificateDer<'static>>,
    rustls::pki_types::PrivateKeyDer<'static>,
) {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "gopay test firewall CA");
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().unwrap())
        .unwrap();
    let mut leaf_params =
        rcgen::CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .unwrap();
    leaf_params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_key = rcgen::KeyPair::generate().unwrap();
    let leaf = leaf_params.signed_by(&leaf_key, &ca).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
    (ca.pem(), vec![leaf.der().clone()], key)
}

/// Answers token requests and status reads on one connection until it closes.
fn serve_http(mut stream: BufReader<impl Read + Write>, requests: &AtomicUsize) {
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            support::CLIENT_ID,
            support::CLIENT_SECRET
        ))
    );
    let bearer = format!("Bearer {TLS_TOKEN}");
    while let Some((method, path, authorization)) = read_request(&mut stream) {
        requests.fetch_add(1, Ordering::SeqCst);
        let id = path
            .strip_prefix("/api/payments/payment/")
            .and_then(|id| id.parse::<u64>().ok());
        let (status, body) = match (method.as_str(), path.as_str(), id) {
            ("POST", "/api/oauth2/token", _) if authorization == basic => (
                200,
                format!(
                    r#"{{"token_type":"bearer","access_token":"{TLS_TOKEN}","expires_in":1800}}"#
                ),
            ),
            ("GET", _, Some(id)) if authorization == bearer => {
                (200, support::payment_json(id, "PAID"))
            }
            _ => (
                403,
                r#"{"errors":[{"scope":"G","error_code":200,"error_name":"UNAUTHORIZED"}]}"#
                    .to_owned(),
            ),
        };
        let answer = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        if stream.get_mut().write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}

/// One request's method, path and `Authorization`, its body read and dropped.
fn read_request(stream: &mut impl BufRead) -> Option<(String, String, String)> {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read_until(b'\n', &mut head).ok()? == 0 {
            return None;
        }
    }
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut request = httparse::Request::new(&mut headers);
    request.parse(&head).ok()?;
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).into_owned())
            .unwrap_or_default()
    };
    let length: usize = header("Content-Length").parse().unwrap_or(0);
    let authorization = header("Authorization");
    let mut body = vec![0; length];
    stream.read_exact(&mut body).ok()?;
    Some((
        request.method?.to_owned(),
        request.path?.to_owned(),
        authorization,
    ))
}

#[test]
fn a_private_ca_is_refused_until_added_as_a_root() {
    let gw = TlsGateway::start();
    let err = Client::builder(gw.config())
        .max_retries(0)
        .build()
        .unwrap()
        .get_status(7)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                request_sent: false,
                timeout: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(gw.handshakes.load(Ordering::SeqCst), 0);
    assert_eq!(gw.requests.load(Ordering::SeqCst), 0, "nothing was sent");

    let client = Client::builder(gw.config())
        .add_root_certificate_pem(&gw.ca_pem)
        .build()
        .unwrap();
    let status = client.get_status(7).unwrap();
    assert_eq!(status.id, 7);
    assert_eq!(gw.requests.load(Ordering::SeqCst), 2, "token and status");
}

#[test]
fn a_pem_bundle_may_hold_several_roots() {
    let gw = TlsGateway::start();
    let (other_ca, _, _) = certificates();
    let bundle = format!("{other_ca}\n{}", gw.ca_pem);
    let client = Client::builder(gw.config())
        .add_root_certificate_pem(bundle.as_bytes())
        .build()
        .unwrap();
    assert_eq!(client.get_status(9).unwrap().id, 9);

    // The other CA alone does not vouch for the gateway.
    let err = Client::builder(gw.config())
        .add_root_certificate_pem(other_ca)
        .max_retries(0)
        .build()
        .unwrap()
        .get_status(9)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                request_sent: false,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_bad_root_pem_is_a_config_error() {
    let gw = TlsGateway::start();
    let (_, _, key) = certificates();
    let key_pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        base64::engine::general_purpose::STANDARD.encode(key.secret_der())
    );
    for pem in [
        "not a certificate".to_owned(),
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_owned(),
        key_pem,
    ] {
        let err = Client::builder(gw.config())
            .add_root_certificate_pem(&pem)
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
    }
}
