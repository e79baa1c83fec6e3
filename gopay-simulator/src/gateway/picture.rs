//! Placeholder QR images for QR payments: a QR-like pattern (finder squares and modules
//! derived from the payload) as a real PNG or SVG file. Not scannable.

/// Modules per side, like a version-3 QR code.
const MODULES: usize = 29;
/// Pixels per module in the PNG.
const SCALE: usize = 4;
/// Empty modules around the code.
const QUIET: usize = 2;

/// Whether module (`x`, `y`) is dark for `payload`.
fn dark(payload: &str, x: usize, y: usize) -> bool {
    // The three finder squares: 7×7 rings with a 3×3 centre.
    for (fx, fy) in [(0, 0), (MODULES - 7, 0), (0, MODULES - 7)] {
        if (fx..fx + 7).contains(&x) && (fy..fy + 7).contains(&y) {
            let (dx, dy) = (x - fx, y - fy);
            let ring = dx == 0 || dy == 0 || dx == 6 || dy == 6;
            let centre = (2..=4).contains(&dx) && (2..=4).contains(&dy);
            return ring || centre;
        }
        // The light separator around each finder.
        if (fx.saturating_sub(1)..fx + 8).contains(&x)
            && (fy.saturating_sub(1)..fy + 8).contains(&y)
        {
            return false;
        }
    }
    // FNV-1a over the payload and the position.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in payload
        .bytes()
        .chain((x as u64).to_le_bytes())
        .chain((y as u64).to_le_bytes())
    {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash >> 63 == 1
}

/// The pattern for `payload` as an SVG document.
pub(crate) fn svg(payload: &str) -> Vec<u8> {
    let size = MODULES + 2 * QUIET;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" \
         shape-rendering=\"crispEdges\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/>"
    );
    for y in 0..MODULES {
        for x in 0..MODULES {
            if dark(payload, x, y) {
                out.push_str(&format!(
                    "<rect x=\"{}\" y=\"{}\" width=\"1\" height=\"1\"/>",
                    x + QUIET,
                    y + QUIET
                ));
            }
        }
    }
    out.push_str("</svg>");
    out.into_bytes()
}

/// The pattern for `payload` as an 8-bit greyscale PNG.
pub(crate) fn png(payload: &str) -> Vec<u8> {
    let side = (MODULES + 2 * QUIET) * SCALE;
    let mut raw = Vec::with_capacity(side * (side + 1));
    for py in 0..side {
        raw.push(0); // filter: none
        for px in 0..side {
            let (mx, my) = (px / SCALE, py / SCALE);
            let inside =
                (QUIET..QUIET + MODULES).contains(&mx) && (QUIET..QUIET + MODULES).contains(&my);
            let black = inside && dark(payload, mx - QUIET, my - QUIET);
            raw.push(if black { 0 } else { 255 });
        }
    }
    let side = u32::try_from(side).unwrap_or(0);
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&side.to_be_bytes());
    header.extend_from_slice(&side.to_be_bytes());
    header.extend_from_slice(&[8, 0, 0, 0, 0]); // 8 bit, greyscale, deflate, filter 0, no interlace
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"IDAT", &zlib_stored(&raw));
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A zlib stream of uncompressed ("stored") deflate blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let mut blocks = data.chunks(65_535).peekable();
    if blocks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(block) = blocks.next() {
        out.push(u8::from(blocks.peek().is_none()));
        let len = u16::try_from(block.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffff_u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1_u32, 0_u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_match_known_values() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
        assert_eq!(zlib_stored(b""), [0x78, 1, 1, 0, 0, 0xff, 0xff, 0, 0, 0, 1]);
    }

    #[test]
    fn png_is_well_formed() {
        let png = png("spayd");
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert_eq!(&png[12..16], b"IHDR");
        assert!(png.ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xae, 0x42, 0x60, 0x82]));
        assert_ne!(png, super::png("other"));
    }

    #[test]
    fn svg_draws_finders() {
        let svg = String::from_utf8(svg("x")).unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<rect x=\"2\" y=\"2\""));
    }
}
