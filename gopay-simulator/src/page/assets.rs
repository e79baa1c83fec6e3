//! The static files of the gateway: the inline-gateway script and the instruments' images.

use crate::gateway::responses::Reply;

/// `GET /gp-gw/js/embed.js`: the inline-gateway script (`_gopay.checkout`).
pub(crate) fn embed_js() -> Reply {
    Reply::file(
        "application/javascript;charset=UTF-8",
        include_bytes!("embed.js").to_vec(),
    )
}

/// `GET /images/checkout/{name}.png` and `{name}@2x.png`, the image URLs the instruments
/// endpoint advertises: a badge with the name, as SVG (browsers go by the content type, not
/// the extension). `None` for a file name of another shape.
pub(crate) fn image(file: &str) -> Option<Reply> {
    let stem = file.strip_suffix(".png")?;
    let (name, scale) = match stem.strip_suffix("@2x") {
        Some(name) => (name, 2),
        None => (stem, 1),
    };
    let plain = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
    if name.is_empty() || name.len() > 64 || !name.chars().all(plain) {
        return None;
    }
    Some(Reply::file(
        "image/svg+xml",
        badge(name, scale).into_bytes(),
    ))
}

/// A 56×28 badge (times `scale`) with `name` in a colour derived from it. `name` is plain
/// ASCII (checked by the caller), so it needs no escaping.
fn badge(name: &str, scale: u32) -> String {
    let hue = name
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        % 360;
    let text = name.replace('_', " ").to_uppercase();
    let size = if text.len() > 8 { 6 } else { 8 };
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 56 28\">\
         <rect width=\"56\" height=\"28\" rx=\"4\" fill=\"hsl({hue},55%,38%)\"/>\
         <text x=\"28\" y=\"17\" text-anchor=\"middle\" font-family=\"sans-serif\" \
         font-size=\"{size}\" font-weight=\"bold\" fill=\"#fff\">{text}</text></svg>",
        w = 56 * scale,
        h = 28 * scale,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_answer_for_plain_names_only() {
        let reply = image("payment_card@2x.png").unwrap();
        assert_eq!(reply.content_type, "image/svg+xml");
        let svg = String::from_utf8(reply.body).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("width=\"112\""));
        assert!(svg.contains("PAYMENT CARD"));
        assert!(image("gibaczpx.png").is_some());
        assert!(image("payment_card.gif").is_none());
        assert!(image("<x>.png").is_none());
        assert!(image(".png").is_none());
    }
}
