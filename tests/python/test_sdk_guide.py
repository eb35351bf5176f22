"""docs/write-a-pipeline.md, walked through: its walkthrough blocks run in order in a fresh
temporary folder (shell as bash, Python with this interpreter, JavaScript with Node), as a
user outside this repository would run them. Then the two components it built (one
Rust-authored, one Python-authored) are called from the Rust host (examples/embed.rs)
and checked against NumPy.

Needs the built `witk` command and embed example (target/release), componentize-py (in
the venv: tests/requirements.txt) and jco (bindings/js/node_modules).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "write-a-pipeline.md"
WITK = ROOT / "target" / "release" / "witk"
EMBED = ROOT / "target" / "release" / "examples" / "embed"
JCO_BIN = ROOT / "bindings" / "js" / "node_modules" / ".bin"
# What the guide installs into this interpreter's environment, removed afterwards.
INSTALLED = ["witk-my-threshold", "witk-my-threshold-wasi", "witk-my-threshold-py", "witk-my-threshold-py-wasi"]

BLOCK = re.compile(r"^```(shell|python|js) walkthrough\n(.*?)^```$", re.S | re.M)


def blocks() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(GUIDE.read_text(encoding="utf-8"))]


def script() -> str:
    """The walkthrough as one bash script, so `cd` carries from block to block."""
    lines = ["set -euo pipefail"]
    for i, (lang, code) in enumerate(blocks()):
        lines.append(f"echo '## walkthrough block {i} ({lang})'")
        if lang == "shell":
            lines.append(code)
        elif lang == "python":
            lines.append(f"python - <<'WITK_BLOCK'\n{code}WITK_BLOCK")
        else:
            lines.append(f"node --input-type=module - <<'WITK_BLOCK'\n{code}WITK_BLOCK")
    return "\n".join(lines) + "\n"


def test_the_guide_has_walkthrough_blocks_of_each_kind() -> None:
    kinds = [lang for lang, _ in blocks()]
    assert kinds.count("shell") >= 4 and "python" in kinds and kinds.count("js") >= 2
    text = script()
    for step in ["witk new my-threshold\n", "witk build", "witk bindgen", "--lang python", "jco transpile"]:
        assert step in text


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    for tool in [WITK, EMBED, JCO_BIN / "jco", Path(sys.executable).parent / "componentize-py"]:
        if not tool.exists():
            pytest.fail(f"{tool} is missing: build it first (scripts/test.sh builds everything)")
    work = tmp_path_factory.mktemp("guide")
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(WITK.parent), str(Path(sys.executable).parent), str(JCO_BIN), env["PATH"]])
    # Offline, as every test here: cargo takes wit-bindgen from its cache (the repository's
    # guests use the same version); pip builds the generated packages with the hatchling
    # of this environment; `pip` and `python` are this interpreter's.
    env.update(CARGO_NET_OFFLINE="true", PIP_NO_INDEX="1", PIP_NO_BUILD_ISOLATION="0", PIP_QUIET="1")
    env.pop("VIRTUAL_ENV", None)
    run = subprocess.run(
        ["bash", "-c", script()], cwd=work, env=env, capture_output=True, text=True, encoding="utf-8", timeout=900
    )
    try:
        assert run.returncode == 0, f"the walkthrough failed:\n{run.stdout[-6000:]}\n{run.stderr[-6000:]}"
        yield work
    finally:
        subprocess.run([sys.executable, "-m", "pip", "uninstall", "-q", "-y", *INSTALLED], check=False)
        shutil.rmtree(work / "my-threshold" / "target", ignore_errors=True)


def test_walkthrough_runs(walked: Path) -> None:
    rust = walked / "my-threshold"
    python = walked / "my-threshold-py"
    # The artefacts the guide names are where it says.
    assert (rust / "build" / "my-threshold.wasm").stat().st_size < 1_000_000
    assert (python / "build" / "my-threshold-py.wasm").stat().st_size > 5_000_000
    for project, name in [(rust, "my-threshold"), (python, "my-threshold-py")]:
        snake = name.replace("-", "_")
        wasi = project / "bindings" / "python" / f"witk-{name}-wasi" / f"witk_{snake}_wasi"
        assert (wasi / "wasm_modules" / f"{name}.wasm").read_bytes() == (
            project / "build" / f"{name}.wasm"
        ).read_bytes()
        emscripten = project / "bindings" / "python" / f"witk-{name}-emscripten" / f"witk_{snake}_emscripten"
        assert (emscripten / "js" / "index.js").is_file() and (emscripten / "js" / "jco" / f"{name}.js").is_file()
        assert (project / "bindings" / "npm" / name / "witk-runtime.js").is_file()


@pytest.mark.parametrize("project", ["my-threshold", "my-threshold-py"])
def test_the_rust_host_runs_both_components(walked: Path, project: str) -> None:
    """examples/embed.rs (witk as a library) calls the component through witk::Dynamic."""
    wasm = walked / project / "build" / f"{project}.wasm"
    phantom = ROOT / "data" / "phantom.nrrd"
    out = subprocess.run(
        [str(EMBED), str(phantom), "--component", str(wasm)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=True,
    ).stdout
    lines = dict(line.split(": ", 1) for line in out.splitlines())
    from witk_image_io import read_image

    data = read_image(str(phantom)).data.astype(np.float64)
    assert json.loads(lines["histogram"]) == np.histogram(data, bins=8)[0].tolist()
    assert lines["error"] == "invalid-argument: bins must be at least 1"
    assert lines["downsample"].startswith("size [32, 32, 32]")


def browser_results(script: str, *args: str) -> dict:
    """A script of bindings/js/test/browser run with Node: its JSON results on the 16 x 16
    ramp (histogram of 5 bins, threshold 100-199 to 9, bins 0 refused), checked here
    against NumPy."""
    out = subprocess.run(
        ["node", str(ROOT / "bindings" / "js" / "test" / "browser" / script), *args],
        cwd=ROOT / "bindings" / "js",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=True,
    ).stdout
    got = json.loads(out)
    ramp = np.arange(256, dtype=np.uint8)
    assert got["histogram"] == np.histogram(ramp.astype(np.float64), bins=5)[0].tolist()
    assert got["mask"] == np.where((ramp >= 100) & (ramp <= 199), 9, 0).tolist()
    assert got["size"] == [16, 16]
    return got  # type: ignore[no-any-return]


@pytest.mark.parametrize("project", ["my-threshold", "my-threshold-py"])
def test_chromium_runs_both_npm_packages(walked: Path, project: str) -> None:
    """The generated npm package, imported by a page in headless Chromium."""
    got = browser_results("call-package.mjs", str(walked / project), project)
    assert "Chrome" in got["agent"] and got["error"] == "WitkError: invalid-argument"


@pytest.mark.parametrize("project", ["my-threshold", "my-threshold-py"])
def test_pyodide_runs_both_python_packages(walked: Path, project: str) -> None:
    """The generated witk-NAME and witk-NAME-emscripten wheels in Pyodide (Chromium), with
    witk's own wheels (dist/): the `*_async` functions run the npm package they carry."""
    wheels = ROOT / "build" / "sdk-guide-wheels" / project
    shutil.rmtree(wheels, ignore_errors=True)
    for dist in [f"witk-{project}", f"witk-{project}-emscripten"]:
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index"]
            + ["-w", str(wheels), str(walked / project / "bindings" / "python" / dist)],
            check=True,
        )
    got = browser_results("pyodide-package.mjs", str(wheels), "witk_" + project.replace("-", "_"))
    assert got["platform"] == "emscripten" and got["error"] == "InvalidArgumentError"
