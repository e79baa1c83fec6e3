//! Extra root certificates given as PEM (feature `extra-roots`), checked once for every
//! place that trusts them: the client's HTTPS and the token caches' TLS.

use ureq::tls::{parse_pem, Certificate, PemItem};

use crate::error::Error;

/// The certificates of one PEM text (the `n`th given, counted from 0 in messages as n + 1),
/// each a well-formed DER sequence.
///
/// # Errors
///
/// [`Error::Config`] when `pem` holds no `CERTIFICATE` block, a private key, invalid PEM or
/// a certificate that is not one whole DER sequence.
pub(crate) fn certificates(pem: &[u8], n: usize) -> Result<Vec<Certificate<'static>>, Error> {
    let bad = |why: &str| Error::config(format!("root certificate PEM #{} {why}", n + 1));
    let mut found = Vec::new();
    for item in parse_pem(pem) {
        match item {
            Ok(PemItem::Certificate(cert)) if is_der_sequence(cert.der()) => found.push(cert),
            Ok(PemItem::Certificate(_)) => return Err(bad("holds a malformed certificate")),
            // A key is no authority: whoever passed one meant something else.
            Ok(_) => return Err(bad("holds a private key, not only certificates")),
            Err(_) => return Err(bad("is not valid PEM")),
        }
    }
    if found.is_empty() {
        return Err(bad("holds no CERTIFICATE block"));
    }
    Ok(found)
}

/// Whether `der` is one whole DER SEQUENCE, as every X.509 certificate is: catches base64
/// that decodes to something else, which rustls would otherwise skip without a word.
fn is_der_sequence(der: &[u8]) -> bool {
    let [0x30, first, rest @ ..] = der else {
        return false;
    };
    let (length, content) = match *first {
        short @ 0..=0x7f => (usize::from(short), rest),
        long @ 0x81..=0x84 => {
            let octets = usize::from(long & 0x7f);
            if rest.len() < octets {
                return false;
            }
            let (length, content) = rest.split_at(octets);
            let length = length
                .iter()
                .fold(0usize, |n, &b| (n << 8) | usize::from(b));
            (length, content)
        }
        _ => return false,
    };
    length == content.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_pems_are_config_errors() {
        let garbage =
            b"-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";
        for pem in [
            &b""[..],
            b"not pem at all",
            b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
            garbage,
        ] {
            let err = certificates(pem, 0).unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{err:?}");
            assert!(err.to_string().contains("PEM #1"), "{err}");
        }
    }

    #[test]
    fn der_sequences_are_recognised() {
        assert!(is_der_sequence(&[0x30, 0x02, 0x05, 0x00]));
        assert!(is_der_sequence(&[0x30, 0x81, 0x01, 0x00]));
        assert!(!is_der_sequence(&[0x30, 0x03, 0x05, 0x00]));
        assert!(!is_der_sequence(&[0x31, 0x00]));
        assert!(!is_der_sequence(&[]));
    }
}
