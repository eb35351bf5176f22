"""Shared fixtures for the Python binding tests."""

from __future__ import annotations

import math
import random
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

import witk

ROOT = Path(__file__).resolve().parents[2]


def pytest_configure(config: pytest.Config) -> None:
    """The test override package (tests/python/override-package) registers itself for
    compress_stringify; only test_dispatch.py turns it on, so every other test exercises
    the component directly."""
    witk.function_factory.disable("witk_compress_stringify", "compress_stringify")


@pytest.fixture
def fresh_settings(tmp_path: Path) -> Iterator[Path]:
    """Run a test under its own cache directory, and restore the defaults afterwards."""
    witk.configure(cache_dir=str(tmp_path / "cache"))
    yield tmp_path / "cache"
    witk.configure()


def volume(n_floats: int, seed: int = 3) -> bytes:
    """A float32 volume of a smooth function with a little noise."""
    rng = random.Random(seed)
    side = round(n_floats ** (1 / 3)) + 1
    values = (
        math.sin(9 * math.dist((i % side, i // side % side, i // side // side), (0, 0, 0)) / side) * 100
        + rng.random() * 0.01
        for i in range(n_floats)
    )
    return struct.pack(f"<{n_floats}f", *values)
