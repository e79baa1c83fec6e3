//! What a shop passes on from its customer's page, checked before anything is sent: the
//! page's origin, which becomes a request header, and the https URL Apple's JavaScript handed
//! the page. Neither is quoted in an error: either may carry what a page should not have sent.

use crate::error::Error;

/// What an origin looks like, for the errors.
const ORIGIN_SHAPE: &str = "must be scheme://host[:port] as window.location.origin gives it, \
                            e.g. https://shop.example";

/// Checks that `origin` is a web origin as browsers serialise it: `https` or `http`, `://`, a
/// host (a name, an IPv4 address or a bracketed IPv6 address) and an optional port; no user
/// information, path (not even `/`), query, fragment, whitespace or control character.
///
/// # Errors
///
/// [`Error::InvalidInput`] for the field `origin`, saying what is wrong.
pub(crate) fn check_origin(origin: &str) -> Result<(), Error> {
    let refuse = |why: &str| {
        Err(Error::invalid_input(
            "origin",
            format!("{ORIGIN_SHAPE}: {why}"),
        ))
    };
    if origin.is_empty() {
        return refuse("it is empty");
    }
    if !is_visible_ascii(origin) {
        return refuse(
            "it has whitespace, a control character or non-ASCII text (an international \
             domain goes in its xn-- form)",
        );
    }
    let Some((scheme, authority)) = origin.split_once("://") else {
        return refuse("it has no scheme");
    };
    if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
        return refuse("its scheme is not https or http");
    }
    if authority.contains('@') {
        return refuse("it has user information");
    }
    if authority.contains(['/', '?', '#', '\\']) {
        return refuse("it has a path, query or fragment (not even a trailing / belongs)");
    }
    let Some((host, port)) = split_host_port(authority) else {
        return refuse("its host or port is malformed");
    };
    if !is_host(host) {
        return refuse("its host is not a name or an IP address");
    }
    if let Some(port) = port {
        if !is_port(port) {
            return refuse("its port is not a number from 1 to 65535");
        }
    }
    Ok(())
}

/// Checks that `url` (the input `field`) is an absolute https URL with a host, and no
/// whitespace, control character or user information.
///
/// # Errors
///
/// [`Error::InvalidInput`] for `field`, saying what is wrong.
pub(crate) fn check_https_url(field: &'static str, url: &str) -> Result<(), Error> {
    let refuse = |why: &str| {
        Err(Error::invalid_input(
            field,
            format!("must be an https URL: {why}"),
        ))
    };
    if !is_visible_ascii(url) {
        return refuse("it is empty or has whitespace, a control character or non-ASCII text");
    }
    let Some(rest) = url
        .get(.."https://".len())
        .filter(|scheme| scheme.eq_ignore_ascii_case("https://"))
        .map(|scheme| &url[scheme.len()..])
    else {
        return refuse("it does not start with https://");
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return refuse("it has user information");
    }
    match split_host_port(authority) {
        Some((host, port)) if is_host(host) && port.is_none_or(is_port) => Ok(()),
        _ => refuse("its host or port is malformed"),
    }
}

/// Every byte printable ASCII, and at least one: no space, tab, line break or other control.
fn is_visible_ascii(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_graphic())
}

/// `host[:port]` or `[ipv6][:port]` split into host and port; `None` when the brackets or
/// colons do not fit either form.
fn split_host_port(authority: &str) -> Option<(&str, Option<&str>)> {
    let (host, after) = if authority.starts_with('[') {
        let end = authority.find(']')? + 1;
        authority.split_at(end)
    } else {
        match authority.find(':') {
            Some(colon) => authority.split_at(colon),
            None => (authority, ""),
        }
    };
    match after {
        "" => Some((host, None)),
        _ => after.strip_prefix(':').map(|port| (host, Some(port))),
    }
}

/// A DNS name or IPv4 address (letters, digits, `-`, dot-separated non-empty labels), or an
/// IPv6 address in brackets.
fn is_host(host: &str) -> bool {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner.contains(':')
            && inner
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
    }
    !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// A TCP port a page can be served from: 1–65535, digits only.
fn is_port(port: &str) -> bool {
    !port.is_empty()
        && port.len() <= 5
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u16>().is_ok_and(|p| p != 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn origins_browsers_send_are_accepted() {
        for origin in [
            "https://shop.example",
            "HTTPS://Shop.Example",
            "http://localhost:8080",
            "https://127.0.0.1:8443",
            "https://[::1]:8443",
            "https://[2001:db8::1]",
            "https://xn--obchod-3qa.example",
        ] {
            assert!(check_origin(origin).is_ok(), "{origin}");
        }
    }

    #[test]
    fn anything_more_or_less_than_an_origin_is_refused() {
        for origin in [
            "",
            "shop.example",
            "https://",
            "https://shop.example/",
            "https://shop.example/pay",
            "https://shop.example?x=1",
            "https://shop.example#top",
            "https://user@shop.example",
            "https://user:pw@shop.example",
            "https://shop.example\r\nX-Injected: 1",
            "https://shop.example\n",
            "https://shop.example ",
            " https://shop.example",
            "https://shop\t.example",
            "https://shop.example\0",
            "https://obchod-č.example",
            "ftp://shop.example",
            "javascript://shop.example",
            "https://shop..example",
            "https://.shop.example",
            "https://shop.example:",
            "https://shop.example:0",
            "https://shop.example:65536",
            "https://shop.example:80:80",
            "https://shop.example:+80",
            "https://[::1",
            "https://[::1]x",
            "https://[zz]",
            "https://shop_example.cz\\evil",
            "null",
        ] {
            let err = check_origin(origin).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{origin:?}");
            let text = err.to_string();
            assert!(text.contains("origin"), "{text}");
        }
    }

    #[test]
    fn a_refused_origin_is_never_quoted() {
        let err = check_origin("https://shop.example\r\nSet-Cookie: a=b").unwrap_err();
        assert!(!err.to_string().contains("Set-Cookie"), "{err}");
        assert!(!format!("{err:?}").contains("Set-Cookie"), "{err:?}");
    }

    #[test]
    fn validation_urls_must_be_https_with_a_host() {
        let ok = "https://apple-pay-gateway.apple.com/paymentservices/startSession";
        assert!(check_https_url("validation_url", ok).is_ok());
        assert!(check_https_url("validation_url", "HTTPS://h.example:443/p?q#f").is_ok());
        for bad in [
            "",
            "http://apple-pay-gateway.apple.com/paymentservices/startSession",
            "apple-pay-gateway.apple.com/paymentservices/startSession",
            "https://",
            "https:///path",
            "https://user@apple.com/x",
            "https://apple.com/a b",
            "https://apple.com/\r\n",
            "https://apple.com:99999/x",
            "javascript:alert(1)",
        ] {
            let err = check_https_url("validation_url", bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad:?}");
            assert!(err.to_string().contains("validation_url"), "{err}");
        }
    }
}
