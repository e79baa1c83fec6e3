//! The part of RESP2, the Redis wire protocol, that the token cache needs: commands out as
//! arrays of bulk strings, and simple string, error, integer and bulk replies in, each
//! bounded in size.

/// The longest bulk reply accepted: a cached token is a few hundred bytes, and anything
/// larger is refused from its length header without reading it.
pub(crate) const MAX_BULK: usize = 16 * 1024;

/// The longest simple string or error line accepted (without its `\r\n`).
pub(crate) const MAX_LINE: usize = 1024;

/// The longest length or integer header accepted (sign and digits of an `i64`).
const MAX_NUMBER: usize = 20;

/// No well-formed reply this parser accepts is longer: `$`, the length, `\r\n`, the data
/// and `\r\n`. A reader never needs to buffer more than this to get a verdict.
pub(crate) const MAX_REPLY: usize = 1 + MAX_NUMBER + 2 + MAX_BULK + 2;

/// One reply of the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reply {
    /// `+OK`.
    Simple(Vec<u8>),
    /// `-ERR …`: only its first word (the error code) is kept, since the rest may quote
    /// the command's arguments.
    Error(String),
    /// `:1`.
    Integer(i64),
    /// `$3\r\nabc`, or `None` for the nil reply `$-1`.
    Bulk(Option<Vec<u8>>),
    /// A Redis Cluster redirect, `-MOVED <slot> <host>:<port>` or `-ASK <slot> <host>:<port>`:
    /// the node is kept as written (an empty host means the node that answered).
    Redirect { ask: bool, node: String },
}

/// A reply this client refuses; the connection it came on is not reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Malformed {
    /// A type byte other than `+ - : $` (arrays are never expected).
    UnexpectedType,
    /// A line longer than its cap, or not ended by `\r\n`.
    BadLine,
    /// An integer or length that is not a plain decimal number.
    BadNumber,
    /// A bulk length over [`MAX_BULK`] (or negative other than the nil `-1`).
    TooLarge,
    /// Bulk data not followed by `\r\n`.
    BadTerminator,
}

impl Malformed {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Malformed::UnexpectedType => "Redis sent a reply of an unexpected type",
            Malformed::BadLine => "Redis sent a malformed or over-long line",
            Malformed::BadNumber => "Redis sent a malformed number",
            Malformed::TooLarge => "Redis sent a reply over the 16 KiB cap",
            Malformed::BadTerminator => "Redis sent a malformed bulk reply",
        }
    }
}

/// Encodes a command as RESP: an array of bulk strings.
pub(crate) fn encode(args: &[&[u8]]) -> Vec<u8> {
    let size: usize = args.iter().map(|a| a.len() + 16).sum();
    let mut out = Vec::with_capacity(16 + size);
    out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
    for arg in args {
        out.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
        out.extend_from_slice(arg);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Parses the reply at the start of `buf`.
///
/// - `Ok(Some((reply, used)))`: a complete reply, made of the first `used` bytes.
/// - `Ok(None)`: a valid beginning; read more. Never returned once `buf` holds
///   [`MAX_REPLY`] bytes or more, so a reader never buffers past that cap.
/// - `Err(_)`: not a reply this client accepts, whatever follows.
pub(crate) fn parse(buf: &[u8]) -> Result<Option<(Reply, usize)>, Malformed> {
    let Some(&kind) = buf.first() else {
        return Ok(None);
    };
    let rest = &buf[1..];
    match kind {
        b'+' | b'-' => {
            let Some(line) = line(rest, MAX_LINE)? else {
                return Ok(None);
            };
            let used = 1 + line.len() + 2;
            let reply = if kind == b'+' {
                Reply::Simple(line.to_vec())
            } else {
                redirect(line).unwrap_or_else(|| Reply::Error(error_code(line)))
            };
            Ok(Some((reply, used)))
        }
        b':' => {
            let Some(digits) = line(rest, MAX_NUMBER)? else {
                return Ok(None);
            };
            let value = number(digits)?;
            Ok(Some((Reply::Integer(value), 1 + digits.len() + 2)))
        }
        b'$' => {
            let Some(digits) = line(rest, MAX_NUMBER)? else {
                return Ok(None);
            };
            let header = 1 + digits.len() + 2;
            let length = number(digits)?;
            if length == -1 {
                return Ok(Some((Reply::Bulk(None), header)));
            }
            let length = usize::try_from(length).map_err(|_| Malformed::TooLarge)?;
            if length > MAX_BULK {
                return Err(Malformed::TooLarge);
            }
            let data = &buf[header..];
            if data.len() < length + 2 {
                // Only the missing part of this very reply is ever waited for.
                return Ok(None);
            }
            if &data[length..length + 2] != b"\r\n" {
                return Err(Malformed::BadTerminator);
            }
            Ok(Some((
                Reply::Bulk(Some(data[..length].to_vec())),
                header + length + 2,
            )))
        }
        _ => Err(Malformed::UnexpectedType),
    }
}

/// The line at the start of `buf`, without its `\r\n`, if it is complete; an error once it
/// is longer than `cap` or holds a bare `\r` or `\n`.
fn line(buf: &[u8], cap: usize) -> Result<Option<&[u8]>, Malformed> {
    for (i, &byte) in buf.iter().enumerate().take(cap + 2) {
        match byte {
            b'\r' => {
                return match buf.get(i + 1) {
                    None => Ok(None),
                    Some(b'\n') if i <= cap => Ok(Some(&buf[..i])),
                    Some(_) => Err(Malformed::BadLine),
                };
            }
            b'\n' => return Err(Malformed::BadLine),
            _ if i >= cap => return Err(Malformed::BadLine),
            _ => {}
        }
    }
    Ok(None)
}

/// A decimal `i64`: an optional `-` and at least one digit, nothing else.
fn number(text: &[u8]) -> Result<i64, Malformed> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', digits)) => (true, digits),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(Malformed::BadNumber);
    }
    let mut value: i64 = 0;
    for &digit in digits {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(digit - b'0')))
            .ok_or(Malformed::BadNumber)?;
    }
    Ok(if negative { -value } else { value })
}

/// The redirect on a `MOVED` or `ASK` error line: the code, a slot number and a node of
/// printable ASCII, nothing more.
fn redirect(line: &[u8]) -> Option<Reply> {
    let line = std::str::from_utf8(line).ok()?;
    let mut words = line.split(' ');
    let ask = match words.next()? {
        "MOVED" => false,
        "ASK" => true,
        _ => return None,
    };
    let slot = words.next()?;
    let node = words.next()?;
    let valid_slot =
        !slot.is_empty() && slot.len() <= 5 && slot.bytes().all(|b| b.is_ascii_digit());
    let valid_node =
        !node.is_empty() && node.len() <= 255 && node.bytes().all(|b| b.is_ascii_graphic());
    (valid_slot && valid_node && words.next().is_none()).then(|| Reply::Redirect {
        ask,
        node: node.to_owned(),
    })
}

/// The error codes Redis puts first on its error lines; any other first word is reported
/// as `ERR`.
const ERROR_CODES: &[&str] = &[
    "ERR",
    "WRONGPASS",
    "NOAUTH",
    "NOPERM",
    "WRONGTYPE",
    "READONLY",
    "LOADING",
    "BUSY",
    "NOSCRIPT",
    "OOM",
    "MISCONF",
    "MASTERDOWN",
    "EXECABORT",
    "NOREPLICAS",
    "CLUSTERDOWN",
    "CROSSSLOT",
    "TRYAGAIN",
    "MOVED",
    "ASK",
];

/// The error code of an error line (`WRONGPASS`, `NOAUTH`, …). Only a known code is kept,
/// never the rest of the line: Redis quotes a command's arguments (which may be a password
/// or a token) in some messages, and a hostile server could say anything.
fn error_code(line: &[u8]) -> String {
    let word = line.split(|&b| b == b' ').next().unwrap_or_default();
    ERROR_CODES
        .iter()
        .find(|code| code.as_bytes() == word)
        .unwrap_or(&"ERR")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn complete(input: &[u8]) -> Reply {
        let (reply, used) = parse(input).unwrap().expect("a complete reply");
        assert_eq!(used, input.len(), "{input:?}");
        reply
    }

    #[test]
    fn encodes_commands_as_arrays_of_bulk_strings() {
        assert_eq!(
            encode(&[b"SET", b"k", b"a b\r\n", b""]),
            b"*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\na b\r\n\r\n$0\r\n\r\n".to_vec()
        );
    }

    #[test]
    fn parses_every_accepted_reply_type() {
        assert_eq!(complete(b"+OK\r\n"), Reply::Simple(b"OK".to_vec()));
        assert_eq!(complete(b"+\r\n"), Reply::Simple(Vec::new()));
        assert_eq!(complete(b":0\r\n"), Reply::Integer(0));
        assert_eq!(complete(b":-42\r\n"), Reply::Integer(-42));
        assert_eq!(
            complete(b":9223372036854775807\r\n"),
            Reply::Integer(i64::MAX)
        );
        assert_eq!(complete(b"$-1\r\n"), Reply::Bulk(None));
        assert_eq!(complete(b"$0\r\n\r\n"), Reply::Bulk(Some(Vec::new())));
        assert_eq!(
            complete(b"$5\r\na\r\nb\x00\r\n"),
            Reply::Bulk(Some(b"a\r\nb\x00".to_vec()))
        );
    }

    #[test]
    fn keeps_only_the_code_of_an_error() {
        assert_eq!(
            complete(b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"),
            Reply::Error("WRONGPASS".to_owned())
        );
        assert_eq!(
            complete(b"-ERR unknown command 'x', with args beginning with: 'hunter2'\r\n"),
            Reply::Error("ERR".to_owned())
        );
        assert_eq!(complete(b"-hunter2\r\n"), Reply::Error("ERR".to_owned()));
        assert_eq!(complete(b"-HUNTER2 x\r\n"), Reply::Error("ERR".to_owned()));
        assert_eq!(complete(b"-\r\n"), Reply::Error("ERR".to_owned()));
    }

    #[test]
    fn cluster_redirects_keep_their_node() {
        assert_eq!(
            complete(b"-MOVED 3999 127.0.0.1:6381\r\n"),
            Reply::Redirect {
                ask: false,
                node: "127.0.0.1:6381".to_owned()
            }
        );
        assert_eq!(
            complete(b"-ASK 12182 cache-2.example:6379\r\n"),
            Reply::Redirect {
                ask: true,
                node: "cache-2.example:6379".to_owned()
            }
        );
        for odd in [
            &b"-MOVED\r\n"[..],
            b"-MOVED x h:1\r\n",
            b"-MOVED 1 h:1 more\r\n",
            b"-ASK 1\r\n",
        ] {
            assert!(matches!(complete(odd), Reply::Error(_)), "{odd:?}");
        }
    }

    #[test]
    fn reports_where_a_reply_ends_and_ignores_what_follows() {
        assert_eq!(
            parse(b"+OK\r\n:1\r\n").unwrap(),
            Some((Reply::Simple(b"OK".to_vec()), 5))
        );
    }

    #[test]
    fn waits_for_the_rest_of_a_valid_beginning() {
        for input in [
            &b""[..],
            b"+",
            b"+OK",
            b"+OK\r",
            b":12",
            b"$",
            b"$5",
            b"$5\r",
            b"$5\r\n",
            b"$5\r\nabcde",
            b"$5\r\nabcde\r",
            b"$-1\r",
        ] {
            assert_eq!(parse(input), Ok(None), "{input:?}");
        }
    }

    #[test]
    fn refuses_malformed_replies() {
        let cases: &[(&[u8], Malformed)] = &[
            (b"*1\r\n$1\r\na\r\n", Malformed::UnexpectedType),
            (b"%1\r\n", Malformed::UnexpectedType),
            (b"_\r\n", Malformed::UnexpectedType),
            (b"HTTP/1.1 200 OK\r\n", Malformed::UnexpectedType),
            (b"\r\n", Malformed::UnexpectedType),
            (b"+OK\n", Malformed::BadLine),
            (b"+O\rK\r\n", Malformed::BadLine),
            (b":\r\n", Malformed::BadNumber),
            (b":+1\r\n", Malformed::BadNumber),
            (b": 1\r\n", Malformed::BadNumber),
            (b":1.5\r\n", Malformed::BadNumber),
            (b":-\r\n", Malformed::BadNumber),
            (b":9223372036854775808\r\n", Malformed::BadNumber),
            (b":123456789012345678901\r\n", Malformed::BadLine),
            (b"$abc\r\n", Malformed::BadNumber),
            (b"$-2\r\n", Malformed::TooLarge),
            (b"$-9223372036854775807\r\n", Malformed::TooLarge),
            (b"$16385\r\n", Malformed::TooLarge),
            (b"$100000\r\n", Malformed::TooLarge),
            (b"$1048576\r\n", Malformed::TooLarge),
            (b"$99999999999999999999\r\n", Malformed::BadNumber),
            (b"$3\r\nabcd\r\n", Malformed::BadTerminator),
            (b"$3\r\nabcXY", Malformed::BadTerminator),
        ];
        for (input, expected) in cases {
            assert_eq!(parse(input), Err(*expected), "{input:?}");
        }
    }

    #[test]
    fn a_reply_at_the_bulk_cap_is_accepted_and_one_byte_more_is_not() {
        let mut at_cap = format!("${MAX_BULK}\r\n").into_bytes();
        at_cap.extend(std::iter::repeat_n(b'x', MAX_BULK));
        at_cap.extend_from_slice(b"\r\n");
        assert!(at_cap.len() <= MAX_REPLY);
        assert!(matches!(complete(&at_cap), Reply::Bulk(Some(v)) if v.len() == MAX_BULK));
        let over = format!("${}\r\n", MAX_BULK + 1);
        assert_eq!(parse(over.as_bytes()), Err(Malformed::TooLarge));
    }

    #[test]
    fn an_endless_line_is_refused_at_its_cap() {
        let mut endless = b"+".to_vec();
        endless.extend(std::iter::repeat_n(b'a', MAX_LINE));
        assert_eq!(parse(&endless), Ok(None));
        endless.push(b'a');
        assert_eq!(parse(&endless), Err(Malformed::BadLine));
        assert_eq!(parse(b":00000000000000000000"), Ok(None));
        assert_eq!(parse(b":000000000000000000000"), Err(Malformed::BadLine));
    }

    /// What a verdict-seeking reader would do: the verdict on `input`, and how many bytes
    /// it had to buffer to reach it, feeding `chunk` bytes at a time.
    fn feed(input: &[u8], chunk: usize) -> (Result<Option<(Reply, usize)>, Malformed>, usize) {
        let mut seen = 0;
        loop {
            seen = (seen + chunk.max(1)).min(input.len());
            let verdict = parse(&input[..seen]);
            if !matches!(verdict, Ok(None)) || seen == input.len() {
                return (verdict, seen);
            }
        }
    }

    fn reply_like() -> impl Strategy<Value = Vec<u8>> {
        let header = prop_oneof![
            Just(b"$".to_vec()),
            Just(b"+".to_vec()),
            Just(b"-".to_vec()),
            Just(b":".to_vec()),
            any::<i64>().prop_map(|n| format!("${n}\r\n").into_bytes()),
            (0usize..=MAX_BULK + 2).prop_map(|n| format!("${n}\r\n").into_bytes()),
        ];
        (
            header,
            proptest::collection::vec(prop_oneof![Just(b'\r'), Just(b'\n'), any::<u8>()], 0..64),
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
            prop_assert!(!matches!(parse(&input[..MAX_REPLY]), Ok(None)));
        }

        #[test]
        fn every_bulk_value_round_trips(value in proptest::collection::vec(any::<u8>(), 0..512)) {
            let mut wire = format!("${}\r\n", value.len()).into_bytes();
            wire.extend_from_slice(&value);
            wire.extend_from_slice(b"\r\n");
            prop_assert_eq!(parse(&wire), Ok(Some((Reply::Bulk(Some(value)), wire.len()))));
        }
    }
}
