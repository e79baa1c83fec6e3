//! `application/x-www-form-urlencoded` bodies and URL query strings.

/// The name/value pairs of a form body or query string, percent- and `+`-decoded; `None`
/// when a pair is not valid UTF-8 after decoding.
pub(crate) fn parse(body: &[u8]) -> Option<Vec<(String, String)>> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Some((decode(name)?, decode(value)?))
        })
        .collect()
}

/// The first value of `name`.
pub(crate) fn get<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_pairs() {
        let fields = parse(b"amount=1000&note=a+b%2Bc%C5%BE&flag&=x").unwrap();
        assert_eq!(get(&fields, "amount"), Some("1000"));
        assert_eq!(get(&fields, "note"), Some("a b+cž"));
        assert_eq!(get(&fields, "flag"), Some(""));
        assert_eq!(get(&fields, "missing"), None);
        assert!(parse(b"").unwrap().is_empty());
        assert!(parse(b"a=%zz").is_none());
        assert!(parse(b"a=%4").is_none());
        assert!(parse(b"a=%ff").is_none());
        assert!(parse(&[0xff]).is_none());
    }
}
