//! The failures reading and writing CBOR report. Messages say what is wrong and where, not
//! in which file: [`named`] prefixes the file's name once the format's reader returns.

use crate::source::Source;
use crate::MAX_DEPTH;
use witk_guest::{Code, Failure};

/// Malformed or inconsistent data.
pub fn bad(message: &str) -> Failure {
    Failure::new(Code::InvalidData, message)
}

/// `need` more bytes were wanted than `src` can still give.
pub fn truncated<S: Source>(need: u64, src: &S) -> Failure {
    bad(&format!(
        "truncated: {need} more bytes needed at byte {} of the CBOR data, at most {} remain",
        src.offset(),
        src.left()
    ))
}

pub fn out_of_memory(n: usize) -> Failure {
    Failure::new(Code::LimitExceeded, format!("{n} bytes do not fit in memory"))
}

pub fn too_deep() -> Failure {
    Failure::new(Code::LimitExceeded, format!("CBOR items are nested more than {MAX_DEPTH} deep"))
}

/// `f` with its message prefixed by `what` (the file's name), unless it already is.
pub fn named(what: &str, f: Failure) -> Failure {
    if f.message.starts_with(what) {
        f
    } else {
        Failure::new(f.code, format!("{what}: {}", f.message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_prefixes_once() {
        let f = named("a.iwi.cbor", bad("oops"));
        assert_eq!(f, Failure::new(Code::InvalidData, "a.iwi.cbor: oops"));
        assert_eq!(named("a.iwi.cbor", f.clone()), f);
        assert_eq!(too_deep().message, "CBOR items are nested more than 64 deep");
        assert_eq!(out_of_memory(7), Failure::new(Code::LimitExceeded, "7 bytes do not fit in memory"));
    }
}
