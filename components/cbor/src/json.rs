//! ITK-Wasm's metadata: a CBOR map whose values are JSON, read into JSON text (bounded:
//! each value costs more memory as JSON than its CBOR byte) and written back with
//! ITK-Wasm's encodings.

use crate::error::{bad, too_deep};
use crate::number::{element, number_body, typed_array, Kind, Num};
use crate::read::{byte_string, tagged_head, text_body, Items};
use crate::source::Source;
use crate::write::{put_f64, put_head, put_text};
use crate::{ARRAY, BYTES, MAP, MAX_DEPTH, NINT, SIMPLE, TEXT, UINT};
use serde_json::Value;
use witk_guest::{Code, Failure};

/// Most JSON values the metadata may expand to: each costs more memory than its CBOR byte.
pub const MAX_METADATA_VALUES: usize = 1 << 22;

/// The metadata map, each value as JSON text.
pub fn metadata<S: Source>(src: &mut S) -> Result<Vec<(String, String)>, Failure> {
    let (_, h) = tagged_head(src)?;
    if h.major != MAP {
        return Err(bad("\"metadata\" is not a map"));
    }
    let mut budget = MAX_METADATA_VALUES;
    let mut out = Vec::new();
    let mut entries = Items::new(src, h, 2)?;
    while entries.next(src)? {
        let key = key_text(json(src, 2, &mut budget)?)?;
        out.push((key, json(src, 2, &mut budget)?.to_string()));
    }
    Ok(out)
}

/// The next item as JSON, found `depth` levels down, taking what it holds from `budget`
/// (a count of JSON values).
pub fn json<S: Source>(src: &mut S, depth: usize, budget: &mut usize) -> Result<Value, Failure> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    *budget = budget.checked_sub(1).ok_or_else(too_much_metadata)?;
    let (tag, h) = tagged_head(src)?;
    if let Some(n) = number_body(h) {
        return Ok(num_json(n));
    }
    Ok(match h.major {
        BYTES => {
            let left = src.left();
            let bytes = byte_string(src, h, left, "a metadata byte string")?;
            let (width, kind, big) = tag.and_then(typed_array).unwrap_or((1, Kind::U, false));
            if bytes.len() % width != 0 {
                return Err(bad("a metadata typed array is not a whole number of values"));
            }
            *budget = budget.checked_sub(bytes.len() / width).ok_or_else(too_much_metadata)?;
            Value::Array(bytes.chunks_exact(width).map(|b| num_json(element(b, kind, big))).collect())
        }
        TEXT => Value::String(text_body(src, h, "a metadata string")?),
        ARRAY => {
            let mut out = Vec::new();
            let mut items = Items::new(src, h, 1)?;
            while items.next(src)? {
                out.push(json(src, depth + 1, budget)?);
            }
            Value::Array(out)
        }
        MAP => {
            let mut out = serde_json::Map::new();
            let mut entries = Items::new(src, h, 2)?;
            while entries.next(src)? {
                let key = key_text(json(src, depth + 1, budget)?)?;
                out.insert(key, json(src, depth + 1, budget)?);
            }
            Value::Object(out)
        }
        SIMPLE if h.arg == 20 || h.arg == 21 => Value::Bool(h.arg == 21),
        _ => Value::Null,
    })
}

/// A JSON object key from a CBOR map key: a string, or a number, boolean or null as its
/// JSON text. A map or array as a key is refused: each level of keys nested in keys
/// would be escaped again, doubling its text (a 956-byte file ran for minutes: found by
/// fuzzing).
fn key_text(key: Value) -> Result<String, Failure> {
    match key {
        Value::String(s) => Ok(s),
        Value::Array(_) | Value::Object(_) => Err(bad("a metadata map key is a map or an array")),
        other => Ok(other.to_string()),
    }
}

/// Numbers as ITK-Wasm's JSON has them: integral values as integers.
fn num_json(n: Num) -> Value {
    match n {
        Num::U(u) => Value::from(u),
        Num::N(n) if n < 1 << 63 => Value::from(-1 - n as i64),
        Num::F(f) if f.is_finite() && f.fract() == 0.0 && f.abs() <= 9007199254740992.0 => Value::from(f as i64),
        other => serde_json::Number::from_f64(other.f64()).map_or(Value::Null, Value::Number),
    }
}

fn too_much_metadata() -> Failure {
    Failure::new(Code::LimitExceeded, format!("the metadata holds more than {MAX_METADATA_VALUES} values"))
}

/// The metadata map: each value's JSON text as CBOR, or as a text string where it is not
/// JSON.
pub fn put_metadata(out: &mut Vec<u8>, metadata: &[(String, String)]) {
    put_head(out, MAP, metadata.len() as u64);
    for (key, text) in metadata {
        put_text(out, key);
        match serde_json::from_str::<Value>(text) {
            Ok(v) => put_json(out, &v),
            Err(_) => put_text(out, text),
        }
    }
}

/// JSON as ITK-Wasm's metadata: numbers as float64 (integers too, which ITK-Wasm's reader
/// would otherwise drop; only those beyond 2^53 stay integers, so as not to lose digits).
pub fn put_json(out: &mut Vec<u8>, v: &Value) {
    const EXACT: u64 = 1 << 53;
    match v {
        Value::Null => out.push(0xf6),
        Value::Bool(b) => out.push(if *b { 0xf5 } else { 0xf4 }),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) if u > EXACT => put_head(out, UINT, u),
            (None, Some(i)) if i.unsigned_abs() > EXACT => put_head(out, NINT, !(i as u64)),
            _ => put_f64(out, n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => put_text(out, s),
        Value::Array(items) => {
            put_head(out, ARRAY, items.len() as u64);
            for item in items {
                put_json(out, item);
            }
        }
        Value::Object(map) => {
            put_head(out, MAP, map.len() as u64);
            for (k, item) in map {
                put_text(out, k);
                put_json(out, item);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Slice;

    fn read(bytes: &[u8]) -> Result<Vec<(String, String)>, Failure> {
        let mut src = Slice::new(bytes);
        let m = metadata(&mut src)?;
        src.finish()?;
        Ok(m)
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn writes_itk_wasms_encodings() {
        let mut out = Vec::new();
        put_metadata(&mut out, &pairs(&[("a", "[1,-2,true,null]"), ("b", "{\"c\":\"d\"}"), ("e", "not json")]));
        let mut want = b"\xa3\x61a\x84\xfb".to_vec();
        want.extend_from_slice(&1f64.to_be_bytes());
        want.push(0xfb);
        want.extend_from_slice(&(-2f64).to_be_bytes());
        want.extend_from_slice(b"\xf5\xf6\x61b\xa1\x61c\x61d\x61e\x68not json");
        assert_eq!(out, want);
        // Integers beyond 2^53 stay integers.
        for (json, cbor) in [
            ("9007199254740993", &b"\x1b\x00\x20\x00\x00\x00\x00\x00\x01"[..]),
            ("-9007199254740994", b"\x3b\x00\x20\x00\x00\x00\x00\x00\x01"),
        ] {
            let mut out = Vec::new();
            put_json(&mut out, &serde_json::from_str(json).unwrap());
            assert_eq!(out, cbor, "{json}");
        }
        let mut out = Vec::new();
        put_json(&mut out, &serde_json::json!(9007199254740992u64));
        assert_eq!(out[0], 0xfb);
    }

    #[test]
    fn reads_back_as_json_text() {
        let meta = pairs(&[
            ("int", "3"),
            ("float", "2.5"),
            ("list", "[1,\"two\",{\"x\":null},false]"),
            ("big", "18446744073709551615"),
            ("bigneg", "-9223372036854775808"),
        ]);
        let mut out = Vec::new();
        put_metadata(&mut out, &meta);
        assert_eq!(read(&out).unwrap(), meta);
        // Keys of other types, typed arrays, float16, tags and other simple values.
        let m =
            read(b"\xa4\x01\xd8\x48\x42\xff\x01\xf4\xf9\x3e\x00\x61k\xf7\xc1\x61t\x82\xf8\x10\xf9\x7c\x00").unwrap();
        assert_eq!(m, pairs(&[("1", "[-1,1]"), ("false", "1.5"), ("k", "null"), ("t", "[null,null]")]));
        assert_eq!(read(b"\x80").unwrap_err().message, "\"metadata\" is not a map");
        let f = read(b"\xa1\x61k\xd8\x55\x43\0\0\0").unwrap_err();
        assert_eq!(f.message, "a metadata typed array is not a whole number of values");
    }

    #[test]
    fn depth_and_size_are_bounded() {
        let mut deep = b"\xa1\x61k".to_vec();
        // The map's values are 2 deep: 62 arrays around a value put it at the limit.
        deep.extend(std::iter::repeat_n(0x81, MAX_DEPTH - 2));
        deep.push(0);
        assert!(read(&deep).is_ok());
        let mut deep = b"\xa1\x61k".to_vec();
        deep.extend(std::iter::repeat_n(0x81, MAX_DEPTH - 1));
        deep.push(0);
        let f = read(&deep).unwrap_err();
        assert_eq!((f.code, f.message.as_str()), (Code::LimitExceeded, "CBOR items are nested more than 64 deep"));
        // A byte string of more values than the budget, and many small values.
        let mut big = b"\xa1\x61k".to_vec();
        put_head(&mut big, BYTES, MAX_METADATA_VALUES as u64);
        big.resize(big.len() + MAX_METADATA_VALUES, 0);
        let f = read(&big).unwrap_err();
        assert_eq!((f.code, f.message.as_str()), (Code::LimitExceeded, "the metadata holds more than 4194304 values"));
        let mut many = b"\xa1\x61k".to_vec();
        put_head(&mut many, ARRAY, MAX_METADATA_VALUES as u64);
        many.resize(many.len() + MAX_METADATA_VALUES, 0);
        assert_eq!(read(&many).unwrap_err().code, Code::LimitExceeded);
        // Declared lengths are checked against what remains.
        assert!(read(b"\xa1\x61k\x5b\x00\x00\x01\x00\x00\x00\x00\x00").unwrap_err().message.starts_with("truncated"));
    }
}
