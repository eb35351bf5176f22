//! Round trips through the component, checked against the native zstd library.

mod common;
use common::*;

#[test]
fn reference_vector_matches_itk_wasm() {
    let p = pipeline();
    let url = p.compress_stringify(&[33, 44, 55], true, 3, PREFIX).unwrap();
    assert_eq!(url, b"data:application/zstd;base64,KLUv/SADGQAAISw3");
    assert_eq!(p.parse_string_decompress(&url, true).unwrap(), [33, 44, 55]);
    let frame = p.compress_stringify(&[33, 44, 55], false, 3, PREFIX).unwrap();
    assert_eq!(frame, [0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x03, 0x19, 0x00, 0x00, 0x21, 0x2c, 0x37]);
}

#[test]
fn round_trips_all_sizes_and_native_zstd_reads_our_frames() {
    let p = pipeline();
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("empty", vec![]),
        ("one byte", vec![42]),
        ("random 1 MiB", random_bytes(1 << 20, 1)),
        ("text", b"witk ".repeat(100_000)),
        ("volume 8 MiB", volume_f32(8 << 20)),
        ("volume 64 MiB", volume_f32(64 << 20)),
    ];
    for (name, data) in &inputs {
        let frame = p.compress_stringify(data, false, 3, PREFIX).unwrap();
        // One standard frame that records the content size.
        assert_eq!(zstd::zstd_safe::get_frame_content_size(&frame).unwrap(), Some(data.len() as u64), "{name}");
        assert_eq!(zstd::zstd_safe::find_frame_compressed_size(&frame).unwrap(), frame.len(), "{name}");
        assert_eq!(&zstd::decode_all(&frame[..]).unwrap(), data, "native zstd reading {name}");
        assert_eq!(&p.parse_string_decompress(&frame, false).unwrap(), data, "{name}");
    }
}

#[test]
fn frames_match_native_zstd_byte_for_byte() {
    let p = pipeline();
    let data = volume_f32(4 << 20);
    for level in [-5, 1, 3, 9, 19] {
        let ours = p.compress_stringify(&data, false, level, PREFIX).unwrap();
        let native = zstd::bulk::compress(&data, level).unwrap();
        assert_eq!(ours, native, "level {level}");
    }
}

#[test]
fn reads_frames_written_by_native_zstd() {
    let p = pipeline();
    let data = volume_f32(2 << 20);
    // Streaming encoder: no content size in the header.
    let streamed = zstd::stream::encode_all(&data[..], 5).unwrap();
    assert_eq!(zstd::zstd_safe::get_frame_content_size(&streamed).unwrap(), None);
    assert_eq!(p.parse_string_decompress(&streamed, false).unwrap(), data);
    // Concatenated frames with a skippable frame between them.
    let mut multi = zstd::bulk::compress(&data[..1000], 1).unwrap();
    multi.extend_from_slice(&[0x5e, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
    multi.extend(zstd::stream::encode_all(&data[1000..], 3).unwrap());
    assert_eq!(p.parse_string_decompress(&multi, false).unwrap(), data);
    // Checksummed frame.
    let mut enc = zstd::stream::Encoder::new(Vec::new(), 3).unwrap();
    enc.include_checksum(true).unwrap();
    std::io::Write::write_all(&mut enc, &data).unwrap();
    assert_eq!(p.parse_string_decompress(&enc.finish().unwrap(), false).unwrap(), data);
}

#[test]
fn data_url_format_and_forgiving_parse() {
    let p = pipeline();
    let data = random_bytes(1000, 3);
    let url = p.compress_stringify(&data, true, 3, PREFIX).unwrap();
    let text = std::str::from_utf8(&url).unwrap();
    let payload = text.strip_prefix(PREFIX).expect("prefix");
    assert!(payload.bytes().all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)));
    assert_eq!(payload.len() % 4, 0, "standard padded base64");
    let custom = p.compress_stringify(&data, true, 3, "data:base64,").unwrap();
    assert!(custom.starts_with(b"data:base64,"));
    assert_eq!(&custom[12..], payload.as_bytes());

    let wrapped: String =
        payload.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join("\r\n");
    let url_safe = payload.replace('+', "-").replace('/', "_");
    let unpadded = payload.trim_end_matches('=');
    for form in [text, payload, &wrapped, &url_safe, unpadded, &format!("data:base64,{payload}")] {
        assert_eq!(p.parse_string_decompress(form.as_bytes(), true).unwrap(), data, "{form:.40}");
    }
}

#[test]
fn compression_levels_follow_zstd() {
    let p = pipeline();
    let data = volume_f32(1 << 20);
    let min = zstd::zstd_safe::min_c_level();
    let max = zstd::zstd_safe::max_c_level();
    for level in [min, -1, 0, 1, 3, 22, max] {
        let frame = p.compress_stringify(&data, false, level, PREFIX).unwrap();
        assert_eq!(zstd::decode_all(&frame[..]).unwrap(), data, "level {level}");
    }
    let fast = p.compress_stringify(&data, false, -50, PREFIX).unwrap().len();
    let strong = p.compress_stringify(&data, false, 19, PREFIX).unwrap().len();
    assert!(strong < fast, "level 19 ({strong}) should beat level -50 ({fast})");
}

#[test]
fn parallel_calls_from_threads() {
    let p = pipeline();
    std::thread::scope(|s| {
        for t in 0..4u64 {
            let p = p.clone();
            s.spawn(move || {
                for i in 0..5u64 {
                    let data = random_bytes(100_000 + (t * 5 + i) as usize, t * 100 + i);
                    let url = p.compress_stringify(&data, true, 3, PREFIX).unwrap();
                    assert_eq!(p.parse_string_decompress(&url, true).unwrap(), data);
                }
            });
        }
    });
}

#[test]
fn results_larger_than_wasmtimes_default_copy_limit() {
    // wasmtime limits guest-to-host copies to 128 MiB unless the host raises it.
    let p = pipeline();
    let big = vec![7u8; 200 << 20];
    let frame = zstd::bulk::compress(&big, 1).unwrap();
    let out = p.parse_string_decompress(&frame, false).unwrap();
    assert_eq!(out.len(), big.len());
    assert!(out == big);
    let again = p.compress_stringify(&big, false, 1, PREFIX).unwrap();
    assert_eq!(zstd::bulk::decompress(&again, big.len()).unwrap(), big);
}
