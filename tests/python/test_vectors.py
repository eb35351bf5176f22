"""Every pipeline's conformance vectors (components/*/vectors/*.json) through system
Python: byte-identical to the Rust host (the witk CLI), and the same error codes.

A vector file names its package; each case a function, its byte input and its options
(WIT parameter names in snake case). The host's answer comes from `witk <function>
[--option=value ...] - -`, so a pipeline's vectors run here as soon as its CLI verbs
take the same options."""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
from typing import Any

import pytest
from conftest import ROOT
from vectors import cli_options, materialize

import witk

WITK = os.environ.get("WITK_BIN", str(ROOT / "target" / "release" / "witk"))
FILES = sorted((ROOT / "components").glob("*/vectors/*.json"))
CASES = [(json.loads(f.read_text())["package"], case) for f in FILES for case in json.loads(f.read_text())["cases"]]


def cli_args(case: dict[str, Any]) -> list[str]:
    return [case["function"], *cli_options(case), "-", "-"]


def host(case: dict[str, Any], data: bytes) -> tuple[bytes | None, str | None]:
    out = subprocess.run([WITK, *cli_args(case)], input=data, capture_output=True, check=False)
    if out.returncode == 0:
        return out.stdout, None
    m = re.match(r"witk: error: [a-z-]+: ([a-z-]+): ", out.stderr.decode())
    assert out.returncode == 1 and m, out.stderr
    return None, m.group(1)


def test_every_pipeline_with_vectors_is_found() -> None:
    assert "compress-stringify" in {package for package, _ in CASES}


@pytest.mark.parametrize(("package", "case"), CASES, ids=[f"{p}: {c['name']}" for p, c in CASES])
def test_vector(package: str, case: dict[str, Any]) -> None:
    module = importlib.import_module("witk_" + package.replace("-", "_"))
    func = getattr(module, case["function"].replace("-", "_"))
    data = materialize(case["input"])
    expected, code = host(case, data)
    assert code == case.get("error")
    if code is not None:
        with pytest.raises(witk.PipelineError) as info:
            func(data, **case["options"])
        assert info.value.code == code
        return
    out = func(data, **case["options"])
    assert out == expected
    if "hex" in case.get("expect", {}):
        assert out.hex() == case["expect"]["hex"]
    if "text" in case.get("expect", {}):
        assert out.decode() == case["expect"]["text"]
