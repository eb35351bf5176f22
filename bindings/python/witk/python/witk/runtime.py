"""The native host: settings and loaded pipelines.

On system Python the ``witk._native`` extension runs components with wasmtime. Where it
is not available (Pyodide, or an unsupported platform), everything else in ``witk``
still works and pipelines dispatch to their ``*_emscripten`` packages instead.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

try:
    from . import _native
except ImportError as err:  # pragma: no cover - exercised under Pyodide
    _native = None
    _NATIVE_ERROR: ImportError | None = err
else:
    _NATIVE_ERROR = None

Pipeline = Any if _native is None else _native.Pipeline

_lock = threading.Lock()
_pipelines: dict[tuple[str, str], Any] = {}
_UNSET: Any = object()


@dataclass(frozen=True)
class Settings:
    """Runtime settings of the native host (see :func:`configure`)."""

    cache_dir: str | None
    memory_limit: int
    timeout: float | None
    workers: int
    max_stack: int


def _require_native() -> Any:
    if _native is None:
        raise ImportError(
            f"witk's native host is not available here ({_NATIVE_ERROR}); in Pyodide use the *_async functions"
        )
    return _native


def configure(
    *,
    cache_dir: str | None = _UNSET,
    memory_limit: int | None = None,
    timeout: float | None = None,
    workers: int | None = None,
) -> Settings:
    """Set the native host's limits; applies to pipelines loaded from now on.

    cache_dir: directory for compiled components; ``None`` disables the cache; default
        ``$WITK_CACHE_DIR``, ``$XDG_CACHE_HOME/witk`` or ``~/.cache/witk``.
    memory_limit: bytes of linear memory one call may use (default 4 GiB).
    timeout: seconds one call may run (default: no limit).
    workers: idle component instances kept per pipeline for reuse (default: CPU count).
    """
    native = _require_native()
    native_cache = None if cache_dir is _UNSET else ("" if cache_dir is None else str(cache_dir))
    with _lock:
        native.configure(native_cache, memory_limit, timeout, workers)
        _pipelines.clear()
    return settings()


def settings() -> Settings:
    """The native host's current settings."""
    return Settings(**_require_native().settings())


def pipeline(package: str, wasm_path: str) -> Any:
    """The component at ``wasm_path`` loaded as ``package``; loaded once per process."""
    native = _require_native()
    key = (package, wasm_path)
    with _lock:
        found = _pipelines.get(key)
        if found is None:
            found = _pipelines[key] = native.Pipeline(package, wasm_path)
        return found
