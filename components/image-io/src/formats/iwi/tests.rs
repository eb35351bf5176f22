//! The `.iwi.cbor` image mapping, end to end: files as ITK-Wasm and other writers make
//! them, and hostile ones. (The CBOR pieces have their own tests in `witk-cbor`.)

use super::*;
use crate::model::identity;
use zstd::zstd_safe::{self, CCtx, CParameter};

fn sample(ctype: Ctype, size: Vec<u64>, components: usize) -> Image {
    let d = size.len();
    let mut image = Image::new(ctype, size, components);
    image.origin = (0..d).map(|i| 1.5 - i as f64 * 10.25).collect();
    image.spacing = (0..d).map(|i| 0.5 + i as f64 * 0.75).collect();
    // Not symmetric, so a transposed direction would show.
    image.direction = vec![0.0; d * d];
    for i in 0..d {
        image.direction[i * d + (i + 1) % d] = 1.0;
    }
    let n = image.byte_len().unwrap();
    let bytes: Vec<u8> = (0..n).map(|i| (i * 37 % 251) as u8).collect();
    image.data = Some(Pixels::from_le_bytes(ctype, &bytes).unwrap());
    image
}

fn err(r: Result<Image, Failure>) -> Failure {
    r.expect_err("should fail")
}

#[test]
fn round_trips_every_type_dimension_and_components() {
    for ctype in Ctype::ALL {
        for size in [vec![5, 3], vec![4, 3, 2]] {
            for components in [1, 3] {
                let mut image = sample(ctype, size.clone(), components);
                if components == 3 {
                    image.pixel = Pixel::Rgb;
                }
                let bytes = write(&image, false).unwrap();
                assert!(looks_like(&bytes));
                assert_eq!(read(&bytes, false, "a.iwi.cbor").unwrap(), image, "{ctype:?} {size:?} {components}");
                let z = write_zstd(&image, false).unwrap();
                assert!(z.starts_with(ZSTD_MAGIC));
                assert_eq!(zstd_safe::get_frame_content_size(&z).unwrap(), Some(bytes.len() as u64));
                assert_eq!(read_zstd(&z, false, "a.iwi.cbor.zst").unwrap(), image);
                // Through the format dispatch, by magic and by name.
                let back = crate::formats::read("a.iwi.cbor", &bytes, None, false).unwrap();
                assert_eq!(back, image);
                let back = crate::formats::read("a.iwi.cbor.zst", &z, None, false).unwrap();
                assert_eq!(back, image);
            }
        }
    }
}

#[test]
fn layout_is_itk_wasms() {
    let mut image = sample(Ctype::I16, vec![2, 3], 1);
    image.direction = vec![0.0, 1.0, -1.0, 0.0];
    let bytes = write(&image, false).unwrap();
    // A definite map of 7, imageType first, with libcbor's uint32 dimension.
    assert_eq!(&bytes[..27], b"\xa7\x69imageType\xa4\x69dimension\x1a\x00\x00\x00\x02");
    // Direction: tag 86, axis after axis (column 0 of the matrix first).
    let at = bytes.windows(9).position(|w| w == b"direction").unwrap() + 9;
    assert_eq!(&bytes[at..at + 3], b"\xd8\x56\x58");
    let dir: Vec<f64> = bytes[at + 4..at + 36].chunks(8).map(|c| f64::from_le_bytes(c.try_into().unwrap())).collect();
    assert_eq!(dir, [0.0, -1.0, 1.0, 0.0]);
    // Sizes as uint64, the pixels last under ITK-Wasm's tag 73 for int16.
    assert!(bytes.windows(24).any(|w| w == b"\x64size\x82\x1b\0\0\0\0\0\0\0\x02\x1b\0\0\0\0\0\0\0\x03"));
    let tail = 5 + 2 + 1 + 12;
    assert_eq!(&bytes[bytes.len() - tail..bytes.len() - 12], b"\x64data\xd8\x49\x4c");
}

#[test]
fn information_only() {
    let image = sample(Ctype::F32, vec![4, 5, 6], 2);
    let bytes = write(&image, true).unwrap();
    assert_eq!(bytes[0], 0xa6);
    assert!(bytes.len() < 400);
    let info = read(&bytes, true, "i.iwi.cbor").unwrap();
    assert_eq!(info, Image { data: None, ..image.clone() });
    let f = err(read(&bytes, false, "i.iwi.cbor"));
    assert_eq!(f.code, Code::InvalidData);
    assert!(f.message.starts_with("i.iwi.cbor: ") && f.message.contains("information only"), "{}", f.message);
    // Information only from a full file skips the pixels.
    let full = write(&image, false).unwrap();
    assert_eq!(read(&full, true, "x").unwrap().data, None);
    assert_eq!(read_zstd(&write_zstd(&image, false).unwrap(), true, "x").unwrap().data, None);
}

#[test]
fn metadata_values() {
    let mut image = sample(Ctype::U8, vec![2, 2], 1);
    image.metadata = [
        ("int", "3"),
        ("neg", "-4"),
        ("float", "2.5"),
        ("str", "\"text\""),
        ("bool", "true"),
        ("null", "null"),
        ("floats", "[1.5,2.5]"),
        ("strings", "[\"x\",\"y\"]"),
        ("matrix", "[[1,2],[3,4.5]]"),
        ("object", "{\"a\":1,\"b\":[\"c\"]}"),
        ("big", "18446744073709551615"),
        ("bigneg", "-9223372036854775808"),
        ("not json", "plain words"),
    ]
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .to_vec();
    let bytes = write(&image, false).unwrap();
    let back = read(&bytes, false, "m").unwrap();
    let mut want = image.metadata.clone();
    want.last_mut().unwrap().1 = "\"plain words\"".into();
    assert_eq!(back.metadata, want);
    // Numbers are float64 in the file, as ITK-Wasm writes and reads them.
    assert!(bytes.windows(5).any(|w| w == b"\x63int\xfb"));
    assert!(bytes.windows(13).any(|w| w == b"\x63big\x1b\xff\xff\xff\xff\xff\xff\xff\xff"));
}

/// A hand-made file as other writers make them: keys in another order, unknown keys,
/// indefinite lengths, float16/float32 and integer numbers, chunked pixels, a typed
/// array in the metadata, a self-describe tag.
#[test]
fn other_writers() {
    let mut f = vec![0xd9, 0xd9, 0xf7, 0xbf]; // self-describe tag, indefinite map
    put_text(&mut f, "data");
    f.extend_from_slice(&[0xd8, 77, 0x5f, 0x42, 1, 0, 0x44, 2, 0, 3, 0, 0xff]); // int16 LE, 2 chunks
    put_text(&mut f, "extra");
    f.extend_from_slice(&[0x9f, 0x01, 0xa1, 0x61, b'k', 0x80, 0xff]);
    put_text(&mut f, "size");
    f.extend_from_slice(&[0x9f, 0x03, 0xf9, 0x3c, 0x00, 0xff]); // [3, 1.0 as float16]
    put_text(&mut f, "imageType");
    f.push(0xbf);
    for (k, v) in [("componentType", "int16"), ("pixelType", "Scalar")] {
        put_text(&mut f, k);
        put_text(&mut f, v);
    }
    put_text(&mut f, "components");
    f.push(0x01);
    f.push(0xff);
    put_text(&mut f, "spacing");
    f.extend_from_slice(&[0x82, 0xfa, 0x3f, 0x00, 0x00, 0x00, 0x02]); // [0.5f32, 2]
    put_text(&mut f, "origin");
    f.extend_from_slice(&[0x82, 0x20, 0xf9, 0x3e, 0x00]); // [-1, 1.5 as float16]
    put_text(&mut f, "metadata");
    f.extend_from_slice(&[0xa2]);
    put_text(&mut f, "f32");
    f.extend_from_slice(&[0xd8, 85, 0x48]);
    f.extend_from_slice(&1.5f32.to_le_bytes());
    f.extend_from_slice(&(-2f32).to_le_bytes());
    put_text(&mut f, "half");
    f.extend_from_slice(&[0xf9, 0x3c, 0x00]);
    f.push(0xff);
    let image = read(&f, false, "niivue.iwi.cbor").unwrap();
    assert_eq!(image.size, [3, 1]);
    assert_eq!(image.ctype, Ctype::I16);
    assert_eq!(image.spacing, [0.5, 2.0]);
    assert_eq!(image.origin, [-1.0, 1.5]);
    assert_eq!(image.direction, identity(2));
    assert_eq!(&image.data.unwrap()[..], [1, 0, 2, 0, 3, 0]);
    assert_eq!(image.metadata, [("f32".into(), "[1.5,-2]".into()), ("half".into(), "1".into())]);
    // The same through zstd, with the pixels met before the header (held, then copied).
    let z = zstd_safe_compress(&f);
    let image = read_zstd(&z, false, "niivue.iwi.cbor.zst").unwrap();
    assert_eq!(&image.data.unwrap()[..], [1, 0, 2, 0, 3, 0]);
}

fn zstd_safe_compress(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(zstd_safe::compress_bound(data.len()));
    zstd_safe::compress(&mut out, data, 3).unwrap();
    out
}

#[test]
fn big_endian_typed_arrays_are_swapped() {
    let image = sample(Ctype::U16, vec![3, 2], 1);
    let mut bytes = write(&image, false).unwrap();
    let n = bytes.len();
    // Retag the pixels 65 (uint16 big-endian) and store them so.
    let at = n - 13;
    assert_eq!(&bytes[at - 2..at], b"\xd8\x45");
    bytes[at - 1] = 65;
    swap_bytes(&mut bytes[n - 12..], 2);
    assert_eq!(read(&bytes, false, "be").unwrap(), image);
}

#[test]
fn every_truncation_fails_cleanly() {
    let mut image = sample(Ctype::F32, vec![3, 2], 2);
    image.metadata = vec![("k".into(), "[1,\"two\",{\"x\":null}]".into())];
    let bytes = write(&image, false).unwrap();
    for n in 0..bytes.len() {
        let f = err(read(&bytes[..n], false, "t.iwi.cbor"));
        assert!(f.message.starts_with("t.iwi.cbor: "), "{n}: {}", f.message);
        assert!(matches!(f.code, Code::InvalidData | Code::LimitExceeded), "{n}: {f:?}");
        assert!(read(&bytes[..n], true, "t.iwi.cbor").is_err(), "{n}");
    }
    let z = write_zstd(&image, false).unwrap();
    for n in 0..z.len() {
        let f = err(read_zstd(&z[..n], false, "t.iwi.cbor.zst"));
        assert!(f.message.starts_with("t.iwi.cbor.zst: "), "{n}: {}", f.message);
        assert!(read_zstd(&z[..n], true, "t.iwi.cbor.zst").is_err(), "{n}");
    }
    // Trailing bytes are an error too.
    let mut more = bytes.clone();
    more.push(0);
    assert!(err(read(&more, false, "x")).message.contains("follow"));
    assert!(read_zstd(&zstd_safe_compress(&more), false, "x").is_err());
}

#[test]
fn hostile_lengths_fail_without_allocating() {
    // A map declaring 2^40 entries, a key declaring a 2^40-byte string, pixels declaring 2^40 bytes.
    let cases: [&[u8]; 4] = [
        b"\xbb\x00\x00\x01\x00\x00\x00\x00\x00",
        b"\xa1\x7b\x00\x00\x01\x00\x00\x00\x00\x00",
        b"\xa2\x64data\xd8\x40\x5b\x00\x00\x01\x00\x00\x00\x00\x00",
        b"\xa1\x68metadata\xa1\x61k\x5b\x00\x00\x01\x00\x00\x00\x00\x00",
    ];
    for c in cases {
        for info_only in [false, true] {
            let f = err(read(c, info_only, "h.iwi.cbor"));
            assert_eq!(f.code, Code::InvalidData, "{f:?}");
            let f = err(read_zstd(&zstd_safe_compress(c), info_only, "h.iwi.cbor.zst"));
            assert_eq!(f.code, Code::InvalidData, "{f:?}");
        }
    }
    // A header whose size needs more than 4 GiB of pixels.
    let mut image = sample(Ctype::U8, vec![2, 2], 1);
    image.data = None;
    let mut bytes = write(&image, true).unwrap();
    let at = bytes.windows(5).position(|w| w == b"\x64size").unwrap() + 7;
    bytes[at..at + 8].copy_from_slice(&(1u64 << 40).to_be_bytes());
    assert_eq!(err(read(&bytes, false, "big")).code, Code::LimitExceeded);
    // Deep nesting.
    let mut deep = b"\xa1\x68metadata\xa1\x61k".to_vec();
    deep.extend(std::iter::repeat_n(0x81, 100_000));
    deep.push(0);
    assert_eq!(err(read(&deep, false, "deep")).code, Code::LimitExceeded);
    let mut deep = b"\xa1\x65extra".to_vec();
    deep.extend(std::iter::repeat_n(0x81, 100_000));
    deep.push(0);
    assert_eq!(err(read(&deep, false, "deep")).code, Code::LimitExceeded);
}

#[test]
fn zstd_bounds() {
    let image = sample(Ctype::U8, vec![8, 8], 1);
    let cbor = write(&image, false).unwrap();
    // Without a declared content size it still reads, as a bounded stream.
    let mut cctx = CCtx::create();
    cctx.set_parameter(CParameter::ContentSizeFlag(false)).unwrap();
    let mut sizeless = Vec::with_capacity(zstd_safe::compress_bound(cbor.len()));
    cctx.compress2(&mut sizeless, &cbor).unwrap();
    assert_eq!(zstd_safe::get_frame_content_size(&sizeless).unwrap(), None);
    assert_eq!(read_zstd(&sizeless, false, "s").unwrap(), image);
    // A frame declaring more than 4 GiB is refused before decompressing.
    // (A single-segment frame header with an eight-byte content size, then a block.)
    let mut huge = ZSTD_MAGIC.to_vec();
    huge.push(0xe0);
    huge.extend_from_slice(&(5u64 << 30).to_le_bytes());
    huge.extend_from_slice(&[1, 0, 0, 0]);
    assert_eq!(zstd_safe::get_frame_content_size(&huge).unwrap(), Some(5 << 30));
    assert_eq!(err(read_zstd(&huge, false, "z")).code, Code::LimitExceeded);
    // Not zstd at all.
    assert_eq!(err(read_zstd(b"\xa0", false, "z")).code, Code::InvalidData);
}

#[test]
fn detection() {
    assert!(!looks_like(b""));
    assert!(!looks_like(b"\xa0"));
    assert!(!looks_like(b"\xa1\x63abc\x00"));
    assert!(looks_like(b"\xa1\x64size\x80"));
    assert!(!looks_like(b"NRRD0004\n"));
}

#[test]
fn bad_header_values() {
    let image = sample(Ctype::U8, vec![2, 2], 1);
    let bytes = write(&image, false).unwrap();
    let swap = |from: &[u8], to: &[u8]| {
        let at = bytes.windows(from.len()).position(|w| w == from).unwrap();
        let mut b = bytes.clone();
        b.splice(at..at + from.len(), to.iter().copied());
        b
    };
    let f = err(read(&swap(b"\x65uint8", b"\x65uint9"), false, "x"));
    assert_eq!(f.code, Code::Unsupported);
    assert!(f.message.contains("uint9"));
    let f = err(read(&swap(b"\x66Scalar", b"\x66Scalor"), false, "x"));
    assert_eq!(f.code, Code::Unsupported);
    let f = err(read(&swap(b"dimension\x1a\0\0\0\x02", b"dimension\x1a\0\0\0\x03"), false, "x"));
    assert_eq!(f.code, Code::InvalidData);
    let mut one = image.clone();
    one.origin = vec![1.0];
    let f = err(read(&write(&one, false).unwrap(), false, "x"));
    assert_eq!(f.code, Code::InvalidData);
    assert!(f.message.contains("origin"), "{}", f.message);
    // Fewer pixel bytes than the header needs: re-declare the byte string shorter.
    let n = bytes.len();
    let mut short = bytes[..n - 1].to_vec();
    short[n - 5] = 0x43;
    let f = err(read(&short, false, "x"));
    assert!(f.message.contains("pixel data holds 3 bytes"), "{}", f.message);
    assert!(err(read_zstd(&zstd_safe_compress(&short), false, "x")).message.contains("3 bytes"));
}
