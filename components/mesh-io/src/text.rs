//! Reading the ASCII formats: whitespace-separated tokens and lines over the file's
//! bytes, numbers parsed with errors that say where, and number formatting for writers.

use crate::model::{bad, Failure};

/// Tokens of a text file, whitespace-separated; `#` starts a comment to the end of the
/// line where the format has comments.
pub struct Tokens<'a> {
    bytes: &'a [u8],
    at: usize,
    comments: bool,
    format: &'static str,
}

impl<'a> Tokens<'a> {
    pub fn new(bytes: &'a [u8], format: &'static str, comments: bool) -> Tokens<'a> {
        Tokens { bytes, at: 0, comments, format }
    }

    /// Bytes not yet read.
    pub fn left(&self) -> usize {
        self.bytes.len() - self.at
    }

    pub fn position(&self) -> usize {
        self.at
    }

    fn skip_space(&mut self) {
        while self.at < self.bytes.len() {
            let b = self.bytes[self.at];
            if b.is_ascii_whitespace() {
                self.at += 1;
            } else if self.comments && b == b'#' {
                while self.at < self.bytes.len() && self.bytes[self.at] != b'\n' {
                    self.at += 1;
                }
            } else {
                break;
            }
        }
    }

    /// The next token, or `None` at the end.
    pub fn next_token(&mut self) -> Option<&'a [u8]> {
        self.skip_space();
        let start = self.at;
        while self.at < self.bytes.len() && !self.bytes[self.at].is_ascii_whitespace() {
            self.at += 1;
        }
        (self.at > start).then(|| &self.bytes[start..self.at])
    }

    /// The next token, which must be there.
    pub fn token(&mut self, what: &str) -> Result<&'a [u8], Failure> {
        self.next_token().ok_or_else(|| bad(self.format, format!("the file ends before {what}")))
    }

    /// The next token as text.
    pub fn word(&mut self, what: &str) -> Result<&'a str, Failure> {
        let t = self.token(what)?;
        std::str::from_utf8(t).map_err(|_| bad(self.format, format!("{what} is not text")))
    }

    pub fn f64(&mut self, what: &str) -> Result<f64, Failure> {
        let t = self.token(what)?;
        parse_f64(t)
            .ok_or_else(|| bad(self.format, format!("{what} is not a number: {:?}", String::from_utf8_lossy(t))))
    }

    pub fn u64(&mut self, what: &str) -> Result<u64, Failure> {
        let t = self.token(what)?;
        parse_u64(t).ok_or_else(|| {
            bad(self.format, format!("{what} is not a non-negative integer: {:?}", String::from_utf8_lossy(t)))
        })
    }

    pub fn i64(&mut self, what: &str) -> Result<i64, Failure> {
        let t = self.token(what)?;
        std::str::from_utf8(t)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad(self.format, format!("{what} is not an integer: {:?}", String::from_utf8_lossy(t))))
    }

    /// The rest of the current line (after the last token read), without its newline.
    pub fn rest_of_line(&mut self) -> &'a [u8] {
        let start = self.at;
        while self.at < self.bytes.len() && self.bytes[self.at] != b'\n' {
            self.at += 1;
        }
        let line = &self.bytes[start..self.at];
        if self.at < self.bytes.len() {
            self.at += 1;
        }
        line.strip_suffix(b"\r").unwrap_or(line)
    }

    /// The bytes after the current position (binary sections follow text headers).
    pub fn remainder(&self) -> &'a [u8] {
        &self.bytes[self.at..]
    }

    /// Go back to a position taken with [`position`](Self::position).
    pub fn rewind(&mut self, at: usize) {
        self.at = at.min(self.bytes.len());
    }

    pub fn advance(&mut self, n: usize) {
        self.at = (self.at + n).min(self.bytes.len());
    }
}

pub fn parse_f64(t: &[u8]) -> Option<f64> {
    std::str::from_utf8(t).ok()?.parse().ok()
}

pub fn parse_u64(t: &[u8]) -> Option<u64> {
    std::str::from_utf8(t).ok()?.parse().ok()
}

/// Lines of a text file, `\n` or `\r\n` ended, trimmed.
pub fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes.split(|&b| b == b'\n').map(|l| l.trim_ascii())
}

/// Shortest text that reads back to the same float64 (Rust's `Display` round-trips).
pub fn push_num(out: &mut String, v: f64) {
    use std::fmt::Write;
    if v == v.trunc() && v.abs() < 1e15 {
        let _ = write!(out, "{}", v as i64);
        if v == 0.0 && v.is_sign_negative() {
            out.insert(out.len() - 1, '-');
        }
    } else {
        let _ = write!(out, "{v}");
    }
}

/// Shortest text that reads back to the same float32.
pub fn push_f32(out: &mut String, v: f32) {
    use std::fmt::Write;
    if v == v.trunc() && v.abs() < 1e7 {
        let _ = write!(out, "{}", v as i64);
        if v == 0.0 && v.is_sign_negative() {
            out.insert(out.len() - 1, '-');
        }
    } else {
        let _ = write!(out, "{v}");
    }
}

/// Print coordinates with the precision of the type they are stored in (float32 values
/// printed as float64 would show noise digits).
pub fn push_coord(out: &mut String, v: f64, single: bool) {
    if single {
        push_f32(out, v as f32)
    } else {
        push_num(out, v)
    }
}
