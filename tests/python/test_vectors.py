"""The shared conformance vectors (tests/vectors/) through system Python: byte-identical
to the Rust host (the witk CLI), and the same error codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
from typing import Any

import pytest
from conftest import ROOT
from witk_compress_stringify import compress_stringify, parse_string_decompress

import witk

WITK = os.environ.get("WITK_BIN", str(ROOT / "target" / "release" / "witk"))
CASES = json.loads((ROOT / "tests" / "vectors" / "compress-stringify.json").read_text())["cases"]
FUNCTIONS = {"compress-stringify": compress_stringify, "parse-string-decompress": parse_string_decompress}


def materialize(spec: dict[str, Any]) -> bytes:
    if "hex" in spec:
        return bytes.fromhex(spec["hex"])
    if "text" in spec:
        return spec["text"].encode()
    if "file" in spec:
        return (ROOT / spec["file"]).read_bytes()
    if "pattern" in spec:
        return bytes([spec["pattern"]["byte"]]) * spec["pattern"]["count"]
    return bytes((i * 7 + (i >> 8)) & 0xFF for i in range(spec["ramp"]))


def host(case: dict[str, Any], data: bytes) -> tuple[bytes | None, str | None]:
    o = case["options"]
    args = [WITK, case["function"]]
    args += ["--stringify"] * bool(o.get("stringify")) + ["--parse-string"] * bool(o.get("parse_string"))
    if "compression_level" in o:
        args.append(f"--level={o['compression_level']}")
    if "data_url_prefix" in o:
        args.append(f"--data-url-prefix={o['data_url_prefix']}")
    out = subprocess.run([*args, "-", "-"], input=data, capture_output=True, check=False)
    if out.returncode == 0:
        return out.stdout, None
    m = re.match(r"witk: error: [a-z-]+: ([a-z-]+): ", out.stderr.decode())
    assert out.returncode == 1 and m, out.stderr
    return None, m.group(1)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_vector(case: dict[str, Any]) -> None:
    data = materialize(case["input"])
    expected, code = host(case, data)
    assert code == case.get("error")
    func = FUNCTIONS[case["function"]]
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
