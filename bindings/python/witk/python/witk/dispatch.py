"""Environment dispatch with ITK-Wasm's semantics.

``environment_dispatch(package, func)`` returns, in order of preference:

1. the highest-priority implementation registered for ``(package, func)``, either with
   :meth:`FunctionFactory.register` or through the entry-point group
   ``"<package>.<func>"`` (priority from a ``.priority.N`` suffix of the entry-point
   name, else 1; priorities below 1 disable an implementation; ``WITK_ACCELERATORS=none``
   in the environment skips the entry points, so no installed accelerator is used);
2. ``<package>_wasi.<func>`` on system Python;
3. ``<package>_emscripten.<func>`` under Pyodide (``sys.platform == "emscripten"``),
   where only ``*_async`` functions exist.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any, Callable

if sys.version_info < (3, 10):
    from importlib_metadata import entry_points
else:
    from importlib.metadata import entry_points

Key = tuple[str, str]


class FunctionFactory:
    """Registry of implementations that override a pipeline function."""

    def __init__(self) -> None:
        self._registered: dict[Key, set[Callable[..., object]]] = {}
        self._priorities: dict[Callable[..., object], int] = {}
        self._scanned: set[Key] = set()

    def register(self, interface_package: str, func_name: str, func: Callable[..., object], priority: int = 1) -> None:
        """Offer ``func`` as an implementation of ``interface_package.func_name``."""
        self._registered.setdefault((interface_package, func_name), set()).add(func)
        self._priorities[func] = priority

    def lookup(self, interface_package: str, func_name: str) -> set[Callable[..., object]] | None:
        """All implementations registered for the function, loading entry points once."""
        key = (interface_package, func_name)
        if key not in self._scanned and os.environ.get("WITK_ACCELERATORS") != "none":
            self._scanned.add(key)
            for ep in entry_points(group=f"{interface_package}.{func_name}"):
                suffix = ep.name.partition(".priority.")[2]
                self.register(interface_package, func_name, ep.load(), int(suffix) if suffix else 1)
        return self._registered.get(key)

    def highest_priority(self, interface_package: str, func_name: str) -> Callable[..., object] | None:
        """The enabled implementation with the highest priority, if any."""
        registered = self.lookup(interface_package, func_name)
        if not registered:
            return None
        best = max(registered, key=lambda f: self._priorities[f])
        return best if self._priorities[best] >= 1 else None

    def set_priority(self, func: Callable[..., object], priority: int) -> None:
        if func not in self._priorities:
            raise ValueError(f"function {func!r} has not been registered")
        self._priorities[func] = priority

    def get_priority(self, func: Callable[..., object]) -> int:
        if func not in self._priorities:
            raise ValueError(f"function {func!r} has not been registered")
        return self._priorities[func]

    def disable(self, interface_package: str, func_name: str) -> None:
        """Disable every registered implementation: the default package is used."""
        for func in self.lookup(interface_package, func_name) or ():
            self._priorities[func] = -1


function_factory = FunctionFactory()


def environment_dispatch(interface_package: str, func_name: str) -> Callable[..., Any]:
    """The implementation of ``interface_package.func_name`` for this environment."""
    override = function_factory.highest_priority(interface_package, func_name)
    if override is not None:
        return override
    if sys.platform == "emscripten":
        if not func_name.endswith("_async"):
            raise ValueError(f"{func_name}: in the browser only the async version, {func_name}_async, exists")
        package = f"{interface_package}_emscripten"
    else:
        if func_name.endswith("_async"):
            raise ValueError(f"{func_name}: async functions exist only in the browser (Pyodide)")
        package = f"{interface_package}_wasi"
    return getattr(importlib.import_module(package), func_name)  # type: ignore[no-any-return]
