//! The part of memcached's text protocol that the token cache needs: keys made valid,
//! `get`, `gets`, `set`, `add`, `cas` and `delete` out, and their replies in, each bounded
//! in size.

/// The longest value accepted: a cached token is a few hundred bytes, and anything larger
/// is refused from its `VALUE` header without reading it.
pub(crate) const MAX_VALUE: usize = 16 * 1024;

/// The longest line accepted (without its `\r\n`): a status, an error or a `VALUE` header
/// (`VALUE`, a key of at most 250 bytes and three numbers fit with room to spare).
pub(crate) const MAX_LINE: usize = 1024;

/// The longest key memcached accepts.
pub(crate) const MAX_KEY: usize = 250;

/// What ends a retrieval reply.
const END: &[u8] = b"END\r\n";

/// No well-formed reply this parser accepts is longer: a `VALUE` header line, the data, its
/// `\r\n` and `END\r\n`. A reader never needs to buffer more than this to get a verdict.
pub(crate) const MAX_REPLY: usize = MAX_LINE + 2 + MAX_VALUE + 2 + END.len();

/// The first words of every line this client understands.
const FIRST_WORDS: &[&[u8]] = &[
    b"VALUE",
    b"END",
    b"STORED",
    b"NOT_STORED",
    b"EXISTS",
    b"NOT_FOUND",
    b"DELETED",
    b"ERROR",
    b"CLIENT_ERROR",
    b"SERVER_ERROR",
];

/// One reply of the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reply {
    /// `VALUE <key> <flags> <bytes> [<cas unique>]`, the data and `END`: the value stored
    /// under the command's key, with its CAS unique for `gets`.
    Value { data: Vec<u8>, cas: Option<u64> },
    /// `END` alone: nothing is stored under the key.
    Miss,
    /// `STORED`.
    Stored,
    /// `NOT_STORED`: an `add` found the key taken.
    NotStored,
    /// `EXISTS`: a `cas` found the value changed since its `gets`.
    Exists,
    /// `NOT_FOUND`: no such key (`delete`, `cas`).
    NotFound,
    /// `DELETED`.
    Deleted,
    /// `ERROR`, `CLIENT_ERROR …` or `SERVER_ERROR …`: only the code word is kept, since the
    /// rest may quote the command.
    Error(&'static str),
}

/// A reply this client refuses; the connection it came on is not reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Malformed {
    /// A line that is no reply of the text protocol.
    UnknownReply,
    /// A line longer than its cap, or holding a bare `\r` or `\n`.
    BadLine,
    /// A `VALUE` header whose fields are missing, extra or not plain decimal numbers.
    BadHeader,
    /// A `VALUE` for another key than the command's.
    WrongKey,
    /// A value over [`MAX_VALUE`].
    TooLarge,
    /// Data not followed by `\r\n` and `END\r\n`.
    BadTerminator,
}

impl Malformed {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Malformed::UnknownReply => "memcached sent a reply of an unknown kind",
            Malformed::BadLine => "memcached sent a malformed or over-long line",
            Malformed::BadHeader => "memcached sent a malformed VALUE header",
            Malformed::WrongKey => "memcached sent the value of another key",
            Malformed::TooLarge => "memcached sent a value over the 16 KiB cap",
            Malformed::BadTerminator => "memcached sent a malformed value",
        }
    }
}

/// `text` as a memcached key, or `None` when it is empty or longer than [`MAX_KEY`] bytes.
/// Memcached keys hold no spaces or control characters: every byte outside printable ASCII,
/// and `%` itself, is written `%XX`, so different texts stay different keys.
pub(crate) fn key(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'%' => out.push_str("%25"),
            0x21..=0x7e => out.push(char::from(byte)),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    (!out.is_empty() && out.len() <= MAX_KEY).then_some(out)
}

/// `get <key>` (`gets` with `cas`: the CAS unique too). `key` comes from [`key`].
pub(crate) fn retrieval(key: &str, with_cas: bool) -> Vec<u8> {
    let command = if with_cas { "gets" } else { "get" };
    format!("{command} {key}\r\n").into_bytes()
}

/// `<command> <key> 0 <exptime> <bytes> [<cas unique>]` and the data: a `set`, `add` or
/// `cas` (with `cas`). Flags are always 0. `key` comes from [`key`].
pub(crate) fn storage(
    command: &str,
    key: &str,
    exptime: i64,
    data: &[u8],
    cas: Option<u64>,
) -> Vec<u8> {
    let mut out = format!("{command} {key} 0 {exptime} {}", data.len()).into_bytes();
    if let Some(cas) = cas {
        out.extend_from_slice(format!(" {cas}").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    out
}

/// `delete <key>`. `key` comes from [`key`].
pub(crate) fn delete(key: &str) -> Vec<u8> {
    format!("delete {key}\r\n").into_bytes()
}

/// Parses the reply at the start of `buf` to a command on `key`.
///
/// - `Ok(Some((reply, used)))`: a complete reply, made of the first `used` bytes.
/// - `Ok(None)`: a valid beginning; read more. Never returned once `buf` holds
///   [`MAX_REPLY`] bytes or more, so a reader never buffers past that cap.
/// - `Err(_)`: not a reply this client accepts, whatever follows.
pub(crate) fn parse(buf: &[u8], key: &[u8]) -> Result<Option<(Reply, usize)>, Malformed> {
    let Some(first) = line(buf)? else {
        return Ok(None);
    };
    let header = first.len() + 2;
    let (word, rest) = match first.iter().position(|&b| b == b' ') {
        Some(space) => (&first[..space], Some(&first[space + 1..])),
        None => (first, None),
    };
    let reply = match (word, rest) {
        (b"VALUE", Some(fields)) => return value(fields, key, &buf[header..], header),
        (b"END", None) => Reply::Miss,
        (b"STORED", None) => Reply::Stored,
        (b"NOT_STORED", None) => Reply::NotStored,
        (b"EXISTS", None) => Reply::Exists,
        (b"NOT_FOUND", None) => Reply::NotFound,
        (b"DELETED", None) => Reply::Deleted,
        (b"ERROR", None) => Reply::Error("ERROR"),
        // Only the code: the text may quote the command (a key, the value).
        (b"CLIENT_ERROR", _) => Reply::Error("CLIENT_ERROR"),
        (b"SERVER_ERROR", _) => Reply::Error("SERVER_ERROR"),
        _ => return Err(Malformed::UnknownReply),
    };
    Ok(Some((reply, header)))
}

/// The rest of a `VALUE` reply, after its header's first word: `<key> <flags> <bytes>
/// [<cas unique>]`, then `data` holds the value, `\r\n` and `END\r\n`.
fn value(
    fields: &[u8],
    key: &[u8],
    data: &[u8],
    header: usize,
) -> Result<Option<(Reply, usize)>, Malformed> {
    let mut fields = fields.split(|&b| b == b' ');
    let (Some(named), Some(flags), Some(length)) = (fields.next(), fields.next(), fields.next())
    else {
        return Err(Malformed::BadHeader);
    };
    let cas = fields.next();
    if fields.next().is_some() {
        return Err(Malformed::BadHeader);
    }
    if named != key {
        return Err(Malformed::WrongKey);
    }
    number(flags)
        .filter(|&flags| u32::try_from(flags).is_ok())
        .ok_or(Malformed::BadHeader)?;
    if length.is_empty() || !length.iter().all(u8::is_ascii_digit) {
        return Err(Malformed::BadHeader);
    }
    // All digits: too large for a u64 is too large too.
    let length = number(length)
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| n <= MAX_VALUE)
        .ok_or(Malformed::TooLarge)?;
    let cas = match cas {
        Some(cas) => Some(number(cas).ok_or(Malformed::BadHeader)?),
        None => None,
    };
    let total = length + 2 + END.len();
    // What has arrived must agree with the terminators, so a wrong byte gets its verdict
    // at once; only the missing part of this very reply is ever waited for.
    let seen = data.len().min(total);
    let expected_tail = [&b"\r\n"[..], END].concat();
    if seen > length && data[length..seen] != expected_tail[..seen - length] {
        return Err(Malformed::BadTerminator);
    }
    if seen < total {
        return Ok(None);
    }
    Ok(Some((
        Reply::Value {
            data: data[..length].to_vec(),
            cas,
        },
        header + total,
    )))
}

/// The line at the start of `buf`, without its `\r\n`, if it is complete; an error once it
/// is longer than [`MAX_LINE`], holds a bare `\r` or `\n`, or starts with no word of the
/// protocol.
fn line(buf: &[u8]) -> Result<Option<&[u8]>, Malformed> {
    for (i, &byte) in buf.iter().enumerate().take(MAX_LINE + 2) {
        match byte {
            b'\r' => {
                return match buf.get(i + 1) {
                    None => Ok(None),
                    Some(b'\n') if i <= MAX_LINE => Ok(Some(&buf[..i])),
                    Some(_) => Err(Malformed::BadLine),
                };
            }
            b'\n' => return Err(Malformed::BadLine),
            _ if i >= MAX_LINE => return Err(Malformed::BadLine),
            _ => {}
        }
    }
    // An incomplete line: garbage is refused before its end arrives.
    let word = buf.split(|&b| b == b' ').next().unwrap_or_default();
    let known = if word.len() < buf.len() {
        FIRST_WORDS.contains(&word)
    } else {
        FIRST_WORDS.iter().any(|known| known.starts_with(word))
    };
    if known {
        Ok(None)
    } else {
        Err(Malformed::UnknownReply)
    }
}

/// A decimal `u64`: at least one digit and nothing else.
fn number(text: &[u8]) -> Option<u64> {
    if text.is_empty() || text.len() > 20 || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    text.iter().try_fold(0u64, |value, &digit| {
        value.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const KEY: &[u8] = b"gopay:k";

    fn complete(input: &[u8]) -> Reply {
        let (reply, used) = parse(input, KEY).unwrap().expect("a complete reply");
        assert_eq!(used, input.len(), "{input:?}");
        reply
    }

    #[test]
    fn keys_are_made_valid_and_stay_distinct() {
        assert_eq!(
            key("gopay:1744960415-https://gw/api-payment-all").unwrap(),
            "gopay:1744960415-https://gw/api-payment-all"
        );
        assert_eq!(key("a b\r\n\u{7f}\u{0}").unwrap(), "a%20b%0D%0A%7F%00");
        assert_eq!(key("50%").unwrap(), "50%25");
        assert_eq!(key("50%25").unwrap(), "50%2525");
        assert_eq!(key("é").unwrap(), "%C3%A9");
        assert_eq!(key(""), None);
        assert_eq!(key(&"k".repeat(MAX_KEY)).unwrap().len(), MAX_KEY);
        assert_eq!(key(&"k".repeat(MAX_KEY + 1)), None);
        // Encoding may push a key over the limit.
        assert_eq!(key(&" ".repeat(84)), None);
        assert_eq!(key(&" ".repeat(83)).unwrap().len(), 249);
    }

    #[test]
    fn encodes_commands() {
        assert_eq!(retrieval("k", false), b"get k\r\n");
        assert_eq!(retrieval("k", true), b"gets k\r\n");
        assert_eq!(
            storage("set", "k", 60, b"a b\r\n", None),
            b"set k 0 60 5\r\na b\r\n\r\n"
        );
        assert_eq!(
            storage("cas", "k:lock", -1, b"owner", Some(42)),
            b"cas k:lock 0 -1 5 42\r\nowner\r\n"
        );
        assert_eq!(delete("k"), b"delete k\r\n");
    }

    #[test]
    fn parses_every_accepted_reply() {
        assert_eq!(complete(b"END\r\n"), Reply::Miss);
        assert_eq!(complete(b"STORED\r\n"), Reply::Stored);
        assert_eq!(complete(b"NOT_STORED\r\n"), Reply::NotStored);
        assert_eq!(complete(b"EXISTS\r\n"), Reply::Exists);
        assert_eq!(complete(b"NOT_FOUND\r\n"), Reply::NotFound);
        assert_eq!(complete(b"DELETED\r\n"), Reply::Deleted);
        assert_eq!(
            complete(b"VALUE gopay:k 0 5\r\na\r\nb\x00\r\nEND\r\n"),
            Reply::Value {
                data: b"a\r\nb\x00".to_vec(),
                cas: None
            }
        );
        assert_eq!(
            complete(b"VALUE gopay:k 4294967295 0 18446744073709551615\r\n\r\nEND\r\n"),
            Reply::Value {
                data: Vec::new(),
                cas: Some(u64::MAX)
            }
        );
    }

    #[test]
    fn keeps_only_the_code_of_an_error() {
        assert_eq!(complete(b"ERROR\r\n"), Reply::Error("ERROR"));
        assert_eq!(
            complete(b"CLIENT_ERROR bad data chunk hunter2\r\n"),
            Reply::Error("CLIENT_ERROR")
        );
        assert_eq!(
            complete(b"SERVER_ERROR out of memory storing object\r\n"),
            Reply::Error("SERVER_ERROR")
        );
        assert_eq!(complete(b"SERVER_ERROR\r\n"), Reply::Error("SERVER_ERROR"));
    }

    #[test]
    fn reports_where_a_reply_ends_and_ignores_what_follows() {
        assert_eq!(
            parse(b"STORED\r\nSTORED\r\n", KEY).unwrap(),
            Some((Reply::Stored, 8))
        );
    }

    #[test]
    fn waits_for_the_rest_of_a_valid_beginning() {
        for input in [
            &b""[..],
            b"S",
            b"STO",
            b"STORED",
            b"STORED\r",
            b"SERVER_ERROR some",
            b"VALUE",
            b"VALUE gopay:k 0 5",
            b"VALUE gopay:k 0 5\r\n",
            b"VALUE gopay:k 0 5\r\nabcde",
            b"VALUE gopay:k 0 5\r\nabcde\r\n",
            b"VALUE gopay:k 0 5\r\nabcde\r\nEN",
            b"VALUE gopay:k 0 5\r\nabcde\r\nEND\r",
        ] {
            assert_eq!(parse(input, KEY), Ok(None), "{input:?}");
        }
    }

    #[test]
    fn refuses_malformed_replies() {
        let cases: &[(&[u8], Malformed)] = &[
            (b"HTTP/1.1 400 Bad Request\r\n", Malformed::UnknownReply),
            (b"HTTP", Malformed::UnknownReply),
            (b"+OK\r\n", Malformed::UnknownReply),
            (b"\r\n", Malformed::UnknownReply),
            (b"stored\r\n", Malformed::UnknownReply),
            (b"STORED \r\n", Malformed::UnknownReply),
            (b"STOREDX", Malformed::UnknownReply),
            (b"END x\r\n", Malformed::UnknownReply),
            (b"VALUE\r\n", Malformed::UnknownReply),
            (b"ERRORS", Malformed::UnknownReply),
            (b"STORED\n", Malformed::BadLine),
            (b"STO\rRED\r\n", Malformed::BadLine),
            (b"VALUE gopay:k 0\r\n", Malformed::BadHeader),
            (b"VALUE gopay:k 0 5 1 2\r\n", Malformed::BadHeader),
            (b"VALUE gopay:k  0 5\r\n", Malformed::BadHeader),
            (b"VALUE gopay:k x 5\r\n", Malformed::BadHeader),
            (b"VALUE gopay:k 4294967296 5\r\n", Malformed::BadHeader),
            (b"VALUE gopay:k 0 -5\r\n", Malformed::BadHeader),
            (b"VALUE gopay:k 0 +5\r\n", Malformed::BadHeader),
            (b"VALUE gopay:k 0 \r\n", Malformed::BadHeader),
            (b"VALUE gopay:k 0 5 x\r\n", Malformed::BadHeader),
            (
                b"VALUE gopay:k 0 5 18446744073709551616\r\n",
                Malformed::BadHeader,
            ),
            (b"VALUE gopay:other 0 5\r\n", Malformed::WrongKey),
            (b"VALUE gopay:k2 0 5\r\n", Malformed::WrongKey),
            (b"VALUE  gopay:k 0 5\r\n", Malformed::WrongKey),
            (b"VALUE gopay:k 0 16385\r\n", Malformed::TooLarge),
            (b"VALUE gopay:k 0 1048576\r\n", Malformed::TooLarge),
            (
                b"VALUE gopay:k 0 99999999999999999999999\r\n",
                Malformed::TooLarge,
            ),
            (b"VALUE gopay:k 0 3\r\nabcd", Malformed::BadTerminator),
            (
                b"VALUE gopay:k 0 3\r\nabc\r\nVALUE",
                Malformed::BadTerminator,
            ),
            (
                b"VALUE gopay:k 0 3\r\nabc\r\nEND\n",
                Malformed::BadTerminator,
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(parse(input, KEY), Err(*expected), "{input:?}");
        }
    }

    #[test]
    fn a_value_at_the_cap_is_accepted_and_one_byte_more_is_not() {
        let mut at_cap = format!("VALUE gopay:k 0 {MAX_VALUE} 1\r\n").into_bytes();
        at_cap.extend(std::iter::repeat_n(b'x', MAX_VALUE));
        at_cap.extend_from_slice(b"\r\nEND\r\n");
        assert!(at_cap.len() <= MAX_REPLY);
        assert!(matches!(complete(&at_cap), Reply::Value { data, .. } if data.len() == MAX_VALUE));
        let over = format!("VALUE gopay:k 0 {}\r\n", MAX_VALUE + 1);
        assert_eq!(parse(over.as_bytes(), KEY), Err(Malformed::TooLarge));
    }

    #[test]
    fn an_endless_line_is_refused_at_its_cap() {
        let mut endless = b"SERVER_ERROR ".to_vec();
        endless.resize(MAX_LINE, b'a');
        assert_eq!(parse(&endless, KEY), Ok(None));
        endless.push(b'a');
        assert_eq!(parse(&endless, KEY), Err(Malformed::BadLine));
    }

    /// What a verdict-seeking reader would do: the verdict on `input`, and how many bytes
    /// it had to buffer to reach it, feeding `chunk` bytes at a time.
    fn feed(input: &[u8], chunk: usize) -> (Result<Option<(Reply, usize)>, Malformed>, usize) {
        let mut seen = 0;
        loop {
            seen = (seen + chunk.max(1)).min(input.len());
            let verdict = parse(&input[..seen], KEY);
            if !matches!(verdict, Ok(None)) || seen == input.len() {
                return (verdict, seen);
            }
        }
    }

    fn reply_like() -> impl Strategy<Value = Vec<u8>> {
        let header = prop_oneof![
            proptest::sample::select(FIRST_WORDS).prop_map(<[u8]>::to_vec),
            Just(b"VALUE gopay:k ".to_vec()),
            Just(b"SERVER_ERROR ".to_vec()),
            any::<i64>().prop_map(|n| format!("VALUE gopay:k 0 {n}\r\n").into_bytes()),
            (0usize..=MAX_VALUE + 2, any::<u64>())
                .prop_map(|(n, cas)| format!("VALUE gopay:k 0 {n} {cas}\r\n").into_bytes()),
        ];
        (
            header,
            proptest::collection::vec(
                prop_oneof![Just(b'\r'), Just(b'\n'), Just(b' '), any::<u8>()],
                0..64,
            ),
        )
            .prop_map(|(mut head, tail)| {
                head.extend(tail);
                head
            })
    }

    proptest! {
        #[test]
        fn no_input_panics_or_needs_more_than_the_cap(
            input in prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..256),
                reply_like(),
            ],
            chunk in 1usize..8,
        ) {
            let (verdict, _) = feed(&input, chunk);
            if let Ok(Some((_, used))) = verdict {
                prop_assert!(used <= input.len());
                prop_assert!(used <= MAX_REPLY);
            }
        }

        #[test]
        fn a_long_input_always_gets_a_verdict_within_the_cap(
            head in reply_like(),
            filler in any::<u8>(),
        ) {
            let mut input = head;
            input.resize(MAX_REPLY + 16, filler);
            let (verdict, seen) = feed(&input, 4096);
            prop_assert!(!matches!(verdict, Ok(None)));
            prop_assert!(seen <= MAX_REPLY + 4096);
            prop_assert!(!matches!(parse(&input[..MAX_REPLY], KEY), Ok(None)));
        }

        #[test]
        fn every_value_round_trips(
            value in proptest::collection::vec(any::<u8>(), 0..512),
            cas in proptest::option::of(any::<u64>()),
        ) {
            let mut wire = format!("VALUE gopay:k 7 {}", value.len()).into_bytes();
            if let Some(cas) = cas {
                wire.extend_from_slice(format!(" {cas}").as_bytes());
            }
            wire.extend_from_slice(b"\r\n");
            wire.extend_from_slice(&value);
            wire.extend_from_slice(b"\r\nEND\r\n");
            prop_assert_eq!(
                parse(&wire, KEY),
                Ok(Some((Reply::Value { data: value, cas }, wire.len())))
            );
        }

        #[test]
        fn every_text_makes_a_valid_key_or_none(text in ".{0,300}") {
            if let Some(key) = key(&text) {
                prop_assert!(!key.is_empty() && key.len() <= MAX_KEY);
                prop_assert!(key.bytes().all(|b| (0x21..=0x7e).contains(&b)));
            }
        }
    }
}
