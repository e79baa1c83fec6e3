//! How a cache reaches its server: TLS settings when the URL asks for TLS (with any extra
//! roots trusted), and the idle connections, shared by clones of the cache.

use super::{Host, Pool, TlsSettings};
use crate::error::Error;

/// The TLS settings and idle connections of type `C` of one cache.
pub(crate) struct Connections<C> {
    /// For `rediss://` and `memcaches://`.
    pub(crate) tls: Option<TlsSettings>,
    /// Extra roots trusted, as DER, kept to rebuild `tls` when another is added.
    #[cfg_attr(not(feature = "extra-roots"), allow(dead_code))]
    extra_roots: Vec<Vec<u8>>,
    pub(crate) pool: Pool<C>,
}

impl<C> Connections<C> {
    /// Connections to the server at `url_host`, over TLS when `tls`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when TLS cannot be set up.
    pub(crate) fn new(url_host: &Host, tls: bool) -> Result<Connections<C>, Error> {
        Connections::with_roots(url_host, tls, Vec::new())
    }

    fn with_roots(
        url_host: &Host,
        tls: bool,
        extra_roots: Vec<Vec<u8>>,
    ) -> Result<Connections<C>, Error> {
        let tls = match tls {
            true => Some(TlsSettings::new(url_host.clone(), &extra_roots)?),
            false => None,
        };
        Ok(Connections {
            tls,
            extra_roots,
            pool: Pool::new(),
        })
    }

    /// New connections that also trust the certificate authorities in `pem`, with a pool
    /// of their own. `schemes` names the URL's plain and TLS schemes, for the error.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when `pem` holds no usable certificate, or when these connections
    /// do not use TLS.
    #[cfg(feature = "extra-roots")]
    pub(crate) fn trusting(
        &self,
        url_host: &Host,
        pem: &[u8],
        schemes: (&str, &str),
    ) -> Result<Connections<C>, Error> {
        if self.tls.is_none() {
            let (plain, tls) = schemes;
            return Err(Error::config(format!(
                "a root certificate was added for a {plain}:// URL, which does not use TLS: \
                 use {tls}://"
            )));
        }
        let mut roots = self.extra_roots.clone();
        for cert in crate::pem_roots::certificates(pem, roots.len())? {
            roots.push(cert.der().to_vec());
        }
        Connections::with_roots(url_host, true, roots)
    }
}
