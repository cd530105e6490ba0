//! The gzip copy of the exposition, built in two pieces so that the large body is compressed
//! once per status.dat change while the small tail (`nagios_up`, self metrics) can change on
//! its own.
//!
//! [`compress`] gives the gzip header and the body as raw deflate blocks ended by a *sync flush*
//! (byte-aligned, no final block), plus the CRC-32 state after the body ([`Trailer`]); [`Trailer::finish`]
//! appends the tail compressed by a fresh deflate stream ending in a final block, then the
//! CRC-32 and length of body + tail. The result is one valid gzip member (RFC 1951 allows
//! any sequence of blocks; a fresh compressor never refers back into earlier blocks).

use flate2::{Compress, Compression, FlushCompress, Status};

/// gzip header: magic, deflate, no flags, no mtime, no extra flags, OS unknown.
const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];

/// Raw deflate of `input` into `out` with the given final flush.
fn deflate(compress: &mut Compress, input: &[u8], out: &mut Vec<u8>, flush: FlushCompress) {
    let mut consumed = 0usize;
    loop {
        if out.capacity() - out.len() < 64 * 1024 {
            out.reserve(out.capacity().max(64 * 1024));
        }
        let before = compress.total_in();
        let rest = input.get(consumed..).unwrap_or_default();
        let status = compress.compress_vec(rest, out, flush);
        consumed += usize::try_from(compress.total_in() - before).unwrap_or(0);
        let done_input = consumed >= input.len();
        match status {
            Ok(Status::StreamEnd) => return,
            // Flush complete when all input is in and the output buffer was not filled.
            Ok(Status::Ok | Status::BufError)
                if done_input && out.len() < out.capacity() && flush != FlushCompress::Finish =>
            {
                return;
            }
            Ok(_) => {}
            Err(_) => return,
        }
    }
}

/// What the gzip trailer needs from the body: its CRC-32 state and length.
#[derive(Debug, Clone)]
pub struct Trailer {
    crc: crc32fast::Hasher,
    len: u64,
}

/// Compress `body` at `level` (0-9) into a gzip header and non-final deflate blocks;
/// [`Trailer::finish`] gives the rest of the stream.
pub fn compress(body: &[u8], level: u32) -> (Vec<u8>, Trailer) {
    let mut bytes = Vec::with_capacity(body.len() / 8 + 1024);
    bytes.extend_from_slice(&HEADER);
    let mut compress = Compress::new(Compression::new(level.min(9)), false);
    deflate(&mut compress, body, &mut bytes, FlushCompress::Sync);
    let mut crc = crc32fast::Hasher::new();
    crc.update(body);
    bytes.shrink_to_fit();
    (bytes, Trailer { crc, len: body.len() as u64 })
}

impl Trailer {
    /// The rest of the gzip stream for `tail`: final deflate blocks and the trailer. The
    /// whole response is the compressed body followed by this.
    pub fn finish(&self, tail: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(tail.len() / 2 + 64);
        let mut compress = Compress::new(Compression::default(), false);
        deflate(&mut compress, tail, &mut out, FlushCompress::Finish);
        let mut crc = self.crc.clone();
        crc.update(tail);
        out.extend_from_slice(&crc.finalize().to_le_bytes());
        let total = self.len.wrapping_add(tail.len() as u64);
        out.extend_from_slice(&(total as u32).to_le_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn gunzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn body_and_tail_form_one_gzip_member() {
        let body: Vec<u8> =
            (0..200_000).flat_map(|i| format!("metric{{i=\"{i}\"}} {i}\n").into_bytes()).collect();
        let (prefix, trailer) = compress(&body, 6);
        for tail in [&b""[..], b"nagios_up 1\n", b"nagios_up 0\n"] {
            let mut all = prefix.clone();
            all.extend_from_slice(&trailer.finish(tail));
            let mut expected = body.clone();
            expected.extend_from_slice(tail);
            assert_eq!(gunzip(&all), expected);
        }
        assert!(prefix.len() < body.len() / 4);
    }

    #[test]
    fn empty_body() {
        let (mut all, trailer) = compress(b"", 6);
        all.extend_from_slice(&trailer.finish(b"x 1\n"));
        assert_eq!(gunzip(&all), b"x 1\n");
    }
}
