//! compress-stringify's decoders: the input as a data URL (any prefix, forgiving base64),
//! as the frame inside one, and as a Zstandard frame. What decompresses must compress and
//! come back, also through a data URL.
#![no_main]

use libfuzzer_sys::fuzz_target;
use witk_compress_stringify_component::{codec, data_url};

fuzz_target!(|data: &[u8]| {
    let _ = data_url::decode(data);
    let from_url = data_url::decode_frame(data).and_then(|frame| codec::decompress(&frame));
    for decoded in [from_url, codec::decompress(data)].into_iter().flatten() {
        let frame = codec::compress(&decoded, 1).expect("compressing what decoded failed");
        assert_eq!(codec::decompress(&frame).expect("our frame does not decode"), decoded);
        let url = data_url::encode("data:application/zstd;base64,", &frame).expect("encoding failed");
        assert_eq!(data_url::decode_frame(&url).expect("our data URL does not decode"), frame);
    }
});
