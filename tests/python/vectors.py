"""The conformance vectors' rules, once for every Python harness (tests/python/test_vectors.py,
tests/windows/run.py): a case's input bytes and its options as `witk` CLI flags."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def materialize(spec: dict[str, Any]) -> bytes:
    """A case's input: hex, text, a repository file, a repeated byte or a ramp."""
    if "hex" in spec:
        return bytes.fromhex(spec["hex"])
    if "text" in spec:
        return spec["text"].encode()
    if "file" in spec:
        return (ROOT / spec["file"]).read_bytes()
    if "pattern" in spec:
        return bytes([spec["pattern"]["byte"]]) * spec["pattern"]["count"]
    return bytes((i * 7 + (i >> 8)) & 0xFF for i in range(spec["ramp"]))


def cli_options(case: dict[str, Any]) -> list[str]:
    """`--flag` for a true boolean, `--name=value` for other options."""
    args = []
    for name, value in case["options"].items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            args.append(flag)
        elif value is not False:
            args.append(f"{flag}={value}")
    return args
