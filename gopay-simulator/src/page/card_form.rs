//! The simulator's own card form behind API v4's `card_form_url` (`/gw/v4/card-form`), the
//! stand-in for GoPay's card iframe: card number, expiry and CVC, accepted only for the
//! simulator's test cards. Its script ([`script`]) builds the payload in the browser, so
//! nothing typed reaches the simulator (or its request log); opened with
//! `?origin=<shop origin>` it posts the payload to the framing page for exactly that origin.
//! It stays frameable (that is its purpose); its policy lets only its own script run.

use std::fmt::Write as _;

use crate::gateway::form;
use crate::gateway::responses::Reply;
use crate::gateway::v4::card_payload::{CONTENT_TYPE, FORM_CARDS};
use crate::gateway::v4::cards::{Behaviour, KEY_ID};
use crate::page::escape;
use crate::page::html::{frame, message};

/// Where the page loads its script from.
const SCRIPT: &str = "/gw/v4/card-form.js";

/// Only the page's own script runs, it talks to no server, and its form goes nowhere; no
/// `frame-ancestors`: any shop may frame it.
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; \
                      base-uri 'none'; form-action 'none'";

/// The page's own look besides the gateway's.
const STYLE: &str = "\
input{width:100%;box-sizing:border-box;padding:.55rem;font-size:1rem;border:1px solid #b8c0cc;border-radius:8px}\
.row{display:flex;gap:.75rem}.row>div{flex:1}\
#tokenize{width:100%;margin-top:1rem;background:#1e8e3e;color:#fff}\
.warn{background:#fbe9e9;color:#8a1f1f;padding:.6rem .8rem;border-radius:8px;font-size:.9rem}\
#payload{display:block;word-break:break-all;font-size:.8rem;background:#eef1f5;padding:.5rem;border-radius:6px}\
code{font-size:.95rem}";

/// What the customer reads of each test card's behaviour.
fn label(behaviour: Behaviour) -> &'static str {
    match behaviour {
        Behaviour::Frictionless => "paid at once",
        Behaviour::Challenge => "3-D Secure challenge",
        Behaviour::Declined => "declined by the bank",
    }
}

/// `GET /gw/v4/card-form[?origin=<shop origin>]`: the form. 400 when `origin` is given but is
/// no origin (`http` or `https`, a host, an optional port, nothing after).
pub(crate) fn show(query: &str) -> Reply {
    let origin = match form::parse(query.as_bytes()) {
        Some(fields) => form::get(&fields, "origin").map(str::to_owned),
        None => return bad_origin(),
    };
    if origin.as_deref().is_some_and(|o| !is_origin(o)) {
        return bad_origin();
    }
    Reply {
        policy: Some(POLICY),
        ..Reply::html(200, page(origin.as_deref()))
    }
}

/// `GET /gw/v4/card-form.js`: the form's script.
pub(crate) fn script() -> Reply {
    Reply::file(
        "application/javascript;charset=UTF-8",
        include_bytes!("card_form.js").to_vec(),
    )
}

fn bad_origin() -> Reply {
    message(
        400,
        "Bad origin",
        "The origin parameter names the framing shop's origin, e.g. https://shop.example or \
         http://127.0.0.1:8080, with no path.",
    )
}

/// Whether `text` is a serialised origin: `http` or `https`, `://`, a host name, IPv4
/// address or bracketed IPv6 address, and an optional port.
fn is_origin(text: &str) -> bool {
    let Some(rest) = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
    else {
        return false;
    };
    // The host (`None` for a bracketed IPv6 address, checked here) and the port if any.
    let (host, port) = match rest.strip_prefix('[') {
        Some(inner) => {
            let Some((address, after)) = inner.split_once(']') else {
                return false;
            };
            let address_ok = !address.is_empty()
                && address
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
            let port = match after.strip_prefix(':') {
                Some(port) => Some(port),
                None if after.is_empty() => None,
                None => return false,
            };
            if !address_ok {
                return false;
            }
            (None, port)
        }
        None => match rest.split_once(':') {
            Some((host, port)) => (Some(host), Some(port)),
            None => (Some(rest), None),
        },
    };
    let host_ok = host.is_none_or(|host| {
        !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    });
    let port_ok = port.is_none_or(|port| {
        port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u16>().is_ok_and(|p| p > 0)
    });
    host_ok && port_ok
}

/// The card number in groups of four, as printed on cards.
fn grouped(pan: &str) -> String {
    pan.as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The page; `origin` (checked) is where the payload is posted.
fn page(origin: Option<&str>) -> String {
    let mut body = String::from("<section>");
    body.push_str(
        "<p class=\"warn\" id=\"test-only\">Test cards only. This simulated form encrypts \
         nothing: never type a real card number.</p>",
    );
    let origin_attribute = origin
        .map(|o| format!(" data-origin=\"{}\"", escape(o)))
        .unwrap_or_default();
    let _ = write!(
        body,
        "<form id=\"card-form\" autocomplete=\"off\" novalidate data-kid=\"{}\" data-cty=\"{}\"{origin_attribute}>\
         <label for=\"card-number\">Card number</label>\
         <input id=\"card-number\" inputmode=\"numeric\" autocomplete=\"off\" placeholder=\"{}\">\
         <div class=\"row\"><div><label for=\"expiry\">Expiry</label>\
         <input id=\"expiry\" autocomplete=\"off\" placeholder=\"MM/YY\"></div>\
         <div><label for=\"cvc\">CVC</label>\
         <input id=\"cvc\" inputmode=\"numeric\" autocomplete=\"off\" placeholder=\"123\"></div></div>\
         <button type=\"submit\" id=\"tokenize\">Use this card</button></form>\
         <noscript><p class=\"error\">The card form needs JavaScript.</p></noscript>\
         <p class=\"error\" id=\"error\" hidden></p>\
         <div id=\"payload-box\" hidden><p class=\"muted\">Payload for <code>POST /cards/tokens</code> \
         or an <code>ENCRYPTED_CARD</code> charge:</p><code id=\"payload\"></code></div>",
        escape(KEY_ID),
        escape(CONTENT_TYPE),
        grouped(FORM_CARDS[0].pan),
    );
    body.push_str(
        "</section><section><p class=\"muted\">The simulator's test cards (any expiry not \
         past, any three-digit CVC):</p><table id=\"test-cards\">",
    );
    for card in &FORM_CARDS {
        let _ = write!(
            body,
            "<tr data-pan=\"{}\" data-card=\"{}\"><td><code>{}</code></td><td>{}</td></tr>",
            card.pan,
            card.behaviour.name(),
            grouped(card.pan),
            label(card.behaviour),
        );
    }
    let _ = write!(body, "</table></section><script src=\"{SCRIPT}\"></script>");
    frame(
        "GoPay – card form",
        STYLE,
        "<small>simulated card form</small>",
        &body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_checked() {
        for good in [
            "https://shop.example",
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "https://[::1]:8443",
            "http://[::1]",
            "https://a-b.c.example:65535",
        ] {
            assert!(is_origin(good), "{good}");
        }
        for bad in [
            "",
            "*",
            "null",
            "shop.example",
            "ftp://shop.example",
            "javascript:alert(1)",
            "https://",
            "https://shop.example/",
            "https://shop.example/path",
            "https://shop.example?x",
            "https://shop.example:",
            "https://shop.example:0",
            "https://shop.example:65536",
            "https://shop.example:80:80",
            "https://user@shop.example",
            "https://[::1",
            "https://[]",
            "https://[::1]x",
            "https://sh\"op.example",
            "https://shop example",
        ] {
            assert!(!is_origin(bad), "{bad}");
        }
    }

    #[test]
    fn the_origin_is_escaped_and_a_bad_one_refused() {
        let reply = show("origin=http%3A%2F%2F127.0.0.1%3A8080&other=x");
        assert_eq!(reply.status, 200);
        assert_eq!(reply.policy, Some(POLICY));
        let html = String::from_utf8(reply.body).unwrap();
        assert!(
            html.contains(" data-origin=\"http://127.0.0.1:8080\""),
            "{html}"
        );
        assert!(html.contains(&format!("data-kid=\"{KEY_ID}\"")));
        assert!(html.contains("4068 2110 0002 0002"));
        let plain = String::from_utf8(show("").body).unwrap();
        assert!(!plain.contains("data-origin"));
        assert_eq!(show("origin=%22%3E%3Cscript%3E").status, 400);
        assert_eq!(show("origin=%zz").status, 400);
        assert_eq!(show("origin=").status, 400);
    }

    #[test]
    fn card_numbers_are_grouped() {
        assert_eq!(grouped("4068211000020002"), "4068 2110 0002 0002");
    }
}
