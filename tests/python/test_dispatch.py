"""environment_dispatch: entry-point overrides, priorities, disable, defaults."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import witk_test_override
from witk_compress_stringify import compress_stringify

import witk
from witk import environment_dispatch, function_factory

PKG, FUNC = "witk_compress_stringify", "compress_stringify"


@pytest.fixture(autouse=True)
def override_enabled() -> Iterator[None]:
    """conftest.py disables the test override for the other tests; enable it here."""
    function_factory.set_priority(witk_test_override.compress_stringify, 5)
    witk_test_override.calls.clear()
    yield
    function_factory.disable(PKG, FUNC)


def test_entry_point_priority_comes_from_its_name() -> None:
    factory = witk.FunctionFactory()  # a fresh registry reads the entry points again
    assert factory.highest_priority(PKG, FUNC) is witk_test_override.compress_stringify
    assert factory.get_priority(witk_test_override.compress_stringify) == 5


def test_entry_point_override_is_used() -> None:
    assert environment_dispatch(PKG, FUNC) is witk_test_override.compress_stringify
    assert compress_stringify(b"routed", stringify=True).startswith(b"data:application/zstd;base64,")
    assert witk_test_override.calls == [b"routed"]


def test_disable_falls_back_to_wasi() -> None:
    import witk_compress_stringify_wasi

    function_factory.disable(PKG, FUNC)
    assert environment_dispatch(PKG, FUNC) is witk_compress_stringify_wasi.compress_stringify
    compress_stringify(b"direct")
    assert witk_test_override.calls == []


def test_register_and_set_priority() -> None:
    def loud(input: bytes, **_: object) -> bytes:
        return b"loud:" + bytes(input)

    function_factory.register(PKG, FUNC, loud, priority=10)
    try:
        assert compress_stringify(b"x") == b"loud:x"
        function_factory.set_priority(loud, 1)
        assert environment_dispatch(PKG, FUNC) is witk_test_override.compress_stringify
        function_factory.set_priority(loud, 0)  # below 1: disabled
        function_factory.set_priority(witk_test_override.compress_stringify, 0)
        assert environment_dispatch(PKG, FUNC).__module__ == "witk_compress_stringify_wasi.compress_stringify"
    finally:
        function_factory.set_priority(loud, -1)
    with pytest.raises(ValueError, match="not been registered"):
        function_factory.set_priority(lambda: None, 3)


def test_functions_without_overrides_and_async_on_system_python() -> None:
    import witk_compress_stringify_wasi

    func = environment_dispatch(PKG, "parse_string_decompress")
    assert func is witk_compress_stringify_wasi.parse_string_decompress
    with pytest.raises(ValueError, match="only in the browser"):
        environment_dispatch(PKG, "compress_stringify_async")


def test_exported_names_match_itkwasm() -> None:
    itkwasm = pytest.importorskip("itkwasm")
    for name in ("environment_dispatch", "function_factory", "Image", "ImageType", "PixelTypes", "IntTypes"):
        assert hasattr(witk, name) and hasattr(itkwasm, name)
