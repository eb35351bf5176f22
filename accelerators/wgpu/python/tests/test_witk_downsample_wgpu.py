"""witk-downsample-wgpu through witk's dispatch: found by its entry points, equal to the
component, turned off by the function factory and WITK_ACCELERATORS, and the component's
result whenever there is no GPU.

The GPU checks run in subprocesses: the adapter kind is read once per process, and these
tests admit the software adapter (lavapipe, which the test command installs) only there.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import witk_downsample
import witk_downsample_wasi
import witk_downsample_wgpu

import witk

ROOT = Path(__file__).resolve().parents[4]
REQUIRE = os.environ.get("WITK_WGPU_REQUIRE") == "1"


def run(code: str, **env: str) -> str:
    """Run `code` in a fresh interpreter with `env` added; returns its stdout."""
    full = {**os.environ, "WITK_WGPU_ADAPTER": "any", **env}
    p = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], env=full, capture_output=True, text=True, timeout=600
    )
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_entry_points_register_the_three_functions_at_priority_10() -> None:
    for name in ["downsample", "downsample_bin_shrink", "downsample_label_image"]:
        found = witk.function_factory.lookup("witk_downsample", name) or set()
        ours = getattr(witk_downsample_wgpu, name)
        assert ours in found, name
        assert witk.function_factory.get_priority(ours) == 10


def test_results_equal_the_component_for_every_type() -> None:
    out = run(
        f"""
        import numpy as np, witk, witk_downsample as d, witk_downsample_wasi as w, witk_downsample_wgpu as g
        print(g.adapter())
        assert witk.environment_dispatch("witk_downsample", "downsample") is g.downsample
        rng = np.random.default_rng(7)
        phantom = __import__("witk_image_io").read_image({str(ROOT / "data/phantom.nrrd")!r})
        images = [phantom]
        for dt in ["uint8", "int8", "uint16", "int16", "int32", "uint32", "int64", "uint64", "float32", "float64"]:
            a = (rng.random((9, 14, 17)) * 250 - (0 if dt.startswith("u") else 120)).astype(dt)
            images.append(witk.image_from_array(a))
            images.append(witk.image_from_array(a[0]))
        images.append(witk.image_from_array(rng.random((10, 12, 14, 3)).astype("float32"), is_vector=True))
        n = 0
        for im in images:
            calls = [("downsample", (None,)), ("downsample_bin_shrink", (False,))]
            calls.append(("downsample_label_image", ([0] * len(im.size),)))
            for f, args in calls:
                if f == "downsample_label_image" and im.imageType.components > 1:
                    continue
                shrink = [2, 3, 2][: len(im.size)]
                got, want = getattr(d, f)(im, shrink, *args), getattr(w, f)(im, shrink, *args)
                assert np.array_equal(got.data, want.data), (f, im.imageType)
                assert (got.size, got.spacing) == (want.size, want.spacing)
                assert np.allclose(got.origin, want.origin) and np.array_equal(got.direction, want.direction)
                assert got.data.dtype == want.data.dtype and got.data.shape == want.data.shape
                n += 1
        print(n)
        """
    )
    adapter, count = out.split("\n")[:2]
    if REQUIRE:
        assert adapter != "None", "no GPU adapter, though the test command installs lavapipe"
    assert int(count) == 65


def test_invalid_calls_raise_the_components_typed_errors() -> None:
    out = run(
        """
        import numpy as np, witk, witk_downsample as d, witk_downsample_wasi as w
        im = witk.image_from_array(np.zeros((4, 5, 6), "uint16"))
        for call in [lambda m: m.downsample(im, [2, 2]), lambda m: m.downsample_bin_shrink(im, [0, 1, 1]),
                     lambda m: m.downsample_label_image(im, [2, 2, 2], [5, 0, 0])]:
            errors = []
            for m in (d, w):
                try:
                    call(m)
                except witk.InvalidArgumentError as e:
                    errors.append(str(e))
            assert len(errors) == 2 and errors[0] == errors[1], errors
        print("ok")
        """
    )
    assert out.strip() == "ok"


def test_without_any_vulkan_driver_the_component_computes() -> None:
    out = run(
        """
        import logging, numpy as np, witk, witk_downsample as d, witk_downsample_wasi as w, witk_downsample_wgpu as g
        logging.basicConfig(level=logging.DEBUG)
        assert g.adapter() is None
        im = witk.image_from_array(np.arange(6 * 8 * 10, dtype="float32").reshape(6, 8, 10))
        assert np.array_equal(d.downsample(im, [2, 2, 2]).data, w.downsample(im, [2, 2, 2]).data)
        print("ok")
        """,
        VK_ICD_FILENAMES="/nonexistent.json",
        VK_DRIVER_FILES="/nonexistent.json",
    )
    assert out.strip() == "ok"


def test_function_factory_and_environment_turn_it_off() -> None:
    ff = witk.function_factory
    ff.lookup("witk_downsample", "downsample")
    try:
        ff.disable("witk_downsample", "downsample")
        assert witk.environment_dispatch("witk_downsample", "downsample") is witk_downsample_wasi.downsample
        ff.set_priority(witk_downsample_wgpu.downsample, 10)
        assert witk.environment_dispatch("witk_downsample", "downsample") is witk_downsample_wgpu.downsample
    finally:
        ff.set_priority(witk_downsample_wgpu.downsample, 10)
    out = run(
        """
        import witk, witk_downsample_wasi
        f = witk.environment_dispatch("witk_downsample", "downsample_bin_shrink")
        print(f is witk_downsample_wasi.downsample_bin_shrink)
        """,
        WITK_ACCELERATORS="none",
    )
    assert out.strip() == "True"
    assert witk_downsample.downsample is not None
