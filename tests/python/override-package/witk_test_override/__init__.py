"""Override used by tests/python/test_dispatch.py: records calls, then runs the component."""

from __future__ import annotations

from typing import Any

import witk_compress_stringify_wasi

calls: list[Any] = []


def compress_stringify(input: bytes, **kwargs: Any) -> bytes:
    calls.append(input)
    return witk_compress_stringify_wasi.compress_stringify(input, **kwargs)
