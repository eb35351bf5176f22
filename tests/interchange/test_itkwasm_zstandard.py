"""Frames interchange with ITK-Wasm's itkwasm-compress-stringify and PyPI zstandard.

Runs the `witk` CLI (built by scripts/test.sh) against the real peers from PyPI.
"""

from __future__ import annotations

import math
import os
import random
import struct
import subprocess
from pathlib import Path

import pytest
import zstandard
from itkwasm_compress_stringify import compress_stringify, parse_string_decompress

ROOT = Path(__file__).resolve().parents[2]
WITK = Path(os.environ.get("WITK_BIN", ROOT / "target" / "release" / "witk"))
PREFIX = b"data:application/zstd;base64,"


def witk(*args: str, data: bytes) -> bytes:
    out = subprocess.run([str(WITK), *args, "-", "-"], input=data, capture_output=True, check=False)
    assert out.returncode == 0, out.stderr.decode()
    return out.stdout


def volume(n_floats: int) -> bytes:
    rng = random.Random(3)
    side = round(n_floats ** (1 / 3)) + 1
    return b"".join(
        struct.pack(
            "<f",
            math.sin(9 * math.dist((i % side, i // side % side, i // side // side), (0, 0, 0)) / side) * 100
            + rng.random() * 0.01,
        )
        for i in range(n_floats)
    )


SAMPLES = {
    "one byte": b"\x2a",
    "text": b"witk interchange " * 5000,
    "random 256 KiB": random.Random(1).randbytes(256 << 10),
    "volume 1 MiB": volume(1 << 18),
    "phantom": (ROOT / "data" / "phantom.nrrd").read_bytes(),
}


def test_reference_vector_byte_for_byte() -> None:
    ours = witk("compress-stringify", "--stringify", data=bytes([33, 44, 55]))
    assert ours == b"data:application/zstd;base64,KLUv/SADGQAAISw3"
    assert ours == compress_stringify(bytes([33, 44, 55]), stringify=True)


@pytest.mark.parametrize("name", SAMPLES)
@pytest.mark.parametrize("level", [1, 3, 9])
def test_itkwasm_reads_ours(name: str, level: int) -> None:
    data = SAMPLES[name]
    frame = witk("compress-stringify", "--level", str(level), data=data)
    assert parse_string_decompress(frame, parse_string=False) == data
    url = witk("compress-stringify", "--stringify", "--level", str(level), data=data)
    assert url.startswith(PREFIX)
    assert parse_string_decompress(url, parse_string=True) == data


@pytest.mark.parametrize("name", SAMPLES)
@pytest.mark.parametrize("level", [1, 3, 9])
def test_we_read_itkwasm(name: str, level: int) -> None:
    data = SAMPLES[name]
    frame = compress_stringify(data, stringify=False, compression_level=level)
    assert witk("parse-string-decompress", data=frame) == data
    url = compress_stringify(data, stringify=True, compression_level=level, data_url_prefix=PREFIX.decode())
    assert witk("parse-string-decompress", "--parse-string", data=url) == data


@pytest.mark.parametrize("name", SAMPLES)
def test_zstandard_both_ways(name: str) -> None:
    data = SAMPLES[name]
    frame = witk("compress-stringify", data=data)
    params = zstandard.get_frame_parameters(frame)
    assert params.content_size == len(data)
    assert zstandard.ZstdDecompressor().decompress(frame) == data
    # One-shot with content size, streaming without it, and with a checksum.
    for cctx in (zstandard.ZstdCompressor(level=3), zstandard.ZstdCompressor(level=5, write_checksum=True)):
        assert witk("parse-string-decompress", data=cctx.compress(data)) == data
    streamed = zstandard.ZstdCompressor(level=3, write_content_size=False).compressobj()
    sizeless = streamed.compress(data) + streamed.flush()
    assert zstandard.get_frame_parameters(sizeless).content_size == zstandard.CONTENTSIZE_UNKNOWN
    assert witk("parse-string-decompress", data=sizeless) == data


def test_we_parse_what_itkwasm_cannot() -> None:
    """ITK-Wasm traps on bare base64; witk decodes it and its forgiving forms."""
    url = compress_stringify(b"forgiving", stringify=True).decode()
    payload = url.split(",", 1)[1]
    for text in (payload, payload.rstrip("="), "\n".join(payload[i : i + 8] for i in range(0, len(payload), 8))):
        assert witk("parse-string-decompress", "--parse-string", data=text.encode()) == b"forgiving"
