"""witk-compress-stringify on system Python: results, interchange, errors, threads, limits."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import zstandard
from conftest import ROOT, volume
from witk_compress_stringify import compress_stringify, parse_string_decompress

import witk

PREFIX = b"data:application/zstd;base64,"


def test_seed_example_and_reference_vector() -> None:
    data = bytes([33, 44, 55])
    compressed = compress_stringify(data, stringify=True)
    assert compressed == b"data:application/zstd;base64,KLUv/SADGQAAISw3"
    assert parse_string_decompress(compressed, parse_string=True) == data
    assert compress_stringify(data) == bytes.fromhex("28b52ffd2003190000212c37")


@pytest.mark.parametrize("size", [0, 1, 1000, 1 << 20, 16 << 20])
def test_zstandard_reads_ours_and_we_read_zstandard(size: int) -> None:
    data = volume(size // 4) if size >= 4 else b"\x07" * size
    frame = compress_stringify(data, compression_level=3)
    assert zstandard.get_frame_parameters(frame).content_size == len(data)
    assert zstandard.ZstdDecompressor().decompress(frame) == data
    assert frame == zstandard.ZstdCompressor(level=3).compress(data)
    assert parse_string_decompress(zstandard.ZstdCompressor(level=5).compress(data)) == data
    streamed = zstandard.ZstdCompressor(write_content_size=False).compressobj()
    assert parse_string_decompress(streamed.compress(data) + streamed.flush()) == data


def test_bytes_like_inputs_without_copies() -> None:
    arr = np.linspace(0, 1, 10_000, dtype=np.float32).reshape(100, 100)
    expected = compress_stringify(arr.tobytes())
    for candidate in (arr, bytearray(arr.tobytes()), memoryview(arr.tobytes()), arr.tobytes()):
        assert compress_stringify(candidate) == expected  # type: ignore[arg-type]
    back = np.frombuffer(parse_string_decompress(expected), dtype=np.float32).reshape(100, 100)
    np.testing.assert_array_equal(back, arr)
    with pytest.raises(ValueError, match="contiguous"):
        compress_stringify(arr[:, ::2])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="bytes-like"):
        compress_stringify(12345)  # type: ignore[arg-type]
    # A data URL may be given as str.
    url = compress_stringify(b"text", stringify=True).decode()
    assert parse_string_decompress(url, parse_string=True) == b"text"  # type: ignore[arg-type]


def test_errors_are_typed() -> None:
    with pytest.raises(witk.InvalidDataError, match="not Zstandard") as info:
        parse_string_decompress(b"plain text, not a frame")
    assert isinstance(info.value, witk.PipelineError) and isinstance(info.value, ValueError)
    assert info.value.pipeline == "parse-string-decompress"
    with pytest.raises(witk.InvalidArgumentError, match="out of range"):
        compress_stringify(b"x", compression_level=99)
    with pytest.raises(witk.InvalidDataError, match="base64"):
        parse_string_decompress(b"data:application/zstd;base64,KLUv*SAD", parse_string=True)
    with pytest.raises(witk.UnsupportedError):
        parse_string_decompress(b"data:text/plain,hello", parse_string=True)
    with pytest.raises(TypeError):
        compress_stringify(b"x", compression_level="high")  # type: ignore[arg-type]
    # The failed calls left nothing broken behind.
    assert parse_string_decompress(compress_stringify(b"ok")) == b"ok"


def test_decompression_bomb_is_refused(fresh_settings: Path) -> None:
    witk.configure(cache_dir=str(fresh_settings), memory_limit=64 << 20)
    bomb = zstandard.ZstdCompressor().compress(bytes(512 << 20))
    with pytest.raises((witk.LimitExceededError, witk.MemoryLimitError)) as info:
        parse_string_decompress(bomb)
    assert isinstance(info.value, MemoryError)
    assert parse_string_decompress(compress_stringify(b"fine")) == b"fine"


def test_timeout_and_memory_limit_then_next_call_works(fresh_settings: Path) -> None:
    witk.configure(cache_dir=str(fresh_settings), timeout=0.05)
    assert witk.settings().timeout == pytest.approx(0.05)
    big = volume(8 << 20)
    with pytest.raises(witk.PipelineTimeoutError) as info:
        compress_stringify(big, compression_level=19)
    assert isinstance(info.value, TimeoutError)
    assert parse_string_decompress(compress_stringify(b"after timeout")) == b"after timeout"

    witk.configure(cache_dir=str(fresh_settings), memory_limit=8 << 20)
    with pytest.raises(witk.MemoryLimitError):
        compress_stringify(bytes(16 << 20))
    assert parse_string_decompress(compress_stringify(b"after trap")) == b"after trap"


def test_four_threads_in_parallel() -> None:
    inputs = [volume(1 << 18, seed=s) for s in range(8)]
    expected = [zstandard.ZstdCompressor(level=3).compress(d) for d in inputs]
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def work(t: int) -> None:
        try:
            for i in range(t, len(inputs), 4):
                frame = compress_stringify(inputs[i])
                assert parse_string_decompress(frame) == inputs[i]
                results[i] = frame
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert [results[i] for i in range(len(inputs))] == expected


def test_gil_is_released_during_calls() -> None:
    """A Python thread keeps running while a long call is in the component."""
    ticks = 0
    done = threading.Event()

    def ticker() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1

    t = threading.Thread(target=ticker)
    t.start()
    before = ticks
    compress_stringify(volume(4 << 20), compression_level=9)
    during = ticks - before
    done.set()
    t.join()
    assert during > 1000, f"the ticker thread ran only {during} times during the call"


def test_settings_round_trip(fresh_settings: Path) -> None:
    s = witk.configure(cache_dir=str(fresh_settings), memory_limit=1 << 30, workers=3)
    assert (s.cache_dir, s.memory_limit, s.workers, s.timeout) == (str(fresh_settings), 1 << 30, 3, None)
    assert compress_stringify(b"abc", stringify=True).startswith(PREFIX)
    assert any(fresh_settings.glob("*.cwasm")), "compiled component cached"
    assert witk.configure(cache_dir=None).cache_dir is None
    with pytest.raises(ValueError):
        witk.configure(timeout=-1)


def test_new_process_with_warm_cache(tmp_path: Path) -> None:
    code = "from witk_compress_stringify import compress_stringify; print(compress_stringify(b'!,7', stringify=True))"
    env = {"WITK_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == "b'data:application/zstd;base64,KLUv/SADGQAAISw3'"


@pytest.mark.parametrize("prefix", ["data:x,", "zstd:", "data:a,b,", "abc", "", "data:application/zstd;base64,"])
def test_every_data_url_prefix_reads_back(prefix: str) -> None:
    """What compress-stringify writes with any `data_url_prefix`, parse-string-decompress
    reads; ITK-Wasm reads the data URLs among them whose one comma ends the prefix (it takes
    what follows the first comma, and traps on the others)."""
    data = volume(2000)
    url = compress_stringify(data, stringify=True, data_url_prefix=prefix)
    assert url.startswith(prefix.encode())
    assert parse_string_decompress(url, parse_string=True) == data
    # ITK-Wasm's package is in the main venv, not in the other Pythons' (scripts/test-pythons.sh).
    peer = importlib.util.find_spec("itkwasm_compress_stringify") is not None
    if peer and prefix.startswith("data:") and prefix.count(",") == 1 and prefix.endswith(","):
        import itkwasm_compress_stringify

        assert itkwasm_compress_stringify.parse_string_decompress(url, parse_string=True) == data
