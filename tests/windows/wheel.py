"""The Windows core wheel (cross-built with mingw; no Windows CPython can be had here: the
registries these machines reach carry none, and python.org and NuGet are not reachable):
what can be checked without running it is checked.

- Its tag is cp311-abi3-win_amd64, and pip, resolving as a Windows CPython would, takes it
  for 3.11 and 3.13 and refuses it for 3.10 (python3.dll lacks the buffer protocol there).
- `witk/_native.pyd` is a PE DLL that exports `PyInit__native`, imports the stable ABI's
  `python3.dll` and no version-specific `python3X.dll`, and otherwise only system DLLs
  every Windows 10+ has (the same ones witk.exe imports, which runs under wine).
- The package's Python modules are the Linux wheel's, file for file.

Usage: python tests/windows/wheel.py WHEEL_DIR LINUX_WHEEL (run by scripts/test-windows.sh).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

SYSTEM = {
    "kernel32.dll",
    "ntdll.dll",
    "userenv.dll",
    "ws2_32.dll",
    "msvcrt.dll",
    "bcryptprimitives.dll",
    "advapi32.dll",
    "bcrypt.dll",
}


def resolves(folder: Path, version: str) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        p = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--no-deps",
                "--no-index",
                "--only-binary=:all:",
                "--platform",
                "win_amd64",
                "--python-version",
                version,
                "--implementation",
                "cp",
                "--find-links",
                str(folder),
                "-d",
                tmp,
                "witk",
            ],
            capture_output=True,
            text=True,
        )
        return p.returncode == 0 and any(Path(tmp).glob("witk-*-cp311-abi3-win_amd64.whl"))


def main() -> None:
    folder, linux = Path(sys.argv[1]), Path(sys.argv[2])
    (wheel,) = folder.glob("witk-*.whl")
    assert wheel.name.endswith("-cp311-abi3-win_amd64.whl"), wheel.name
    got = {v: resolves(folder, v) for v in ["3.10", "3.11", "3.13"]}
    assert got == {"3.10": False, "3.11": True, "3.13": True}, got
    with zipfile.ZipFile(wheel) as z, zipfile.ZipFile(linux) as lz, tempfile.TemporaryDirectory() as tmp:
        pyd = Path(z.extract("witk/_native.pyd", tmp))
        objdump = ["x86_64-w64-mingw32-objdump", "-p", str(pyd)]
        dump = subprocess.run(objdump, capture_output=True, text=True, check=True).stdout
        py = {n for n in z.namelist() if n.endswith(".py")}
        assert py and py == {n for n in lz.namelist() if n.endswith(".py")}, "Python modules differ from Linux's"
        for name in py:
            assert z.read(name) == lz.read(name), name
    assert "PE32+" in dump or "pei-x86-64" in dump, "not a 64-bit PE"
    assert re.search(r"\]\s+PyInit__native\b", dump), "PyInit__native is not exported"
    dlls = {d.lower() for d in re.findall(r"DLL Name: (\S+)", dump)}
    assert "python3.dll" in dlls, dlls
    assert not any(re.fullmatch(r"python3\d+\.dll", d) for d in dlls), f"version-specific Python DLL: {dlls}"
    others = {d for d in dlls if d != "python3.dll" and not d.startswith("api-ms-win-")} - SYSTEM
    assert not others, f"imports beyond Windows' system DLLs: {others}"
    print(f"{wheel.name}: abi3 3.11+, imports python3.dll and {len(dlls) - 1} system DLLs, exports PyInit__native")


if __name__ == "__main__":
    main()
