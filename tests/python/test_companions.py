"""Companion files of detached headers (.nhdr, .mhd, .hdr) on system Python: after
following symlinks they must be regular files in the header's folder (or in a folder of
``witk.convert.companion_roots``). Real hostile files: names leaving the folder, absolute
paths, symlinks out, FIFOs, devices and folders, each an ``InvalidArgumentError`` naming the
path; symlinks staying inside still read."""

from __future__ import annotations

import os
import struct
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from witk_image_io import read_image, write_image

import witk
from witk import convert

PIXELS = bytes(range(1, 17))
SECRET = b"\xab" * 16
unix = pytest.mark.skipif(sys.platform == "win32", reason="symlinks, FIFOs and /dev are POSIX")


def nhdr(data_file: str) -> str:
    return f"NRRD0004\ntype: uint8\ndimension: 2\nsizes: 4 4\nencoding: raw\ndata file: {data_file}\n"


def mhd(data_file: str) -> str:
    return (
        "ObjectType = Image\nNDims = 2\nDimSize = 4 4\nElementType = MET_UCHAR\nBinaryData = True\n"
        f"ElementDataFile = {data_file}\n"
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """``tmp_path/outside.raw`` (a secret) and ``tmp_path/h/inside.raw``; headers go in ``h``."""
    (tmp_path / "outside.raw").write_bytes(SECRET)
    h = tmp_path / "h"
    h.mkdir()
    (h / "inside.raw").write_bytes(PIXELS)
    return h


def read(path: Path) -> witk.Image:
    """read_image on another thread, so a binding that opened a FIFO fails instead of hanging."""
    out: dict[str, object] = {}

    def run() -> None:
        try:
            out["image"] = read_image(path)
        except BaseException as e:  # noqa: BLE001 - handed back to the test
            out["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(120)
    assert not t.is_alive(), f"reading {path} hung (did it open a FIFO?)"
    if "error" in out:
        raise out["error"]  # type: ignore[misc]
    return out["image"]  # type: ignore[return-value]


def pixels(image: witk.Image) -> bytes:
    return np.asarray(image.data).tobytes()


def refused(path: Path, name: str) -> None:
    with pytest.raises(witk.InvalidArgumentError) as e:
        read(path)
    assert repr(name) in str(e.value), str(e.value)
    assert e.value.code == "invalid-argument"


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.mark.parametrize("make", [nhdr, mhd])
def test_companions_inside_the_folder_read(folder: Path, make) -> None:
    assert pixels(read(write(folder / f"ok{ext(make)}", make("inside.raw")))) == PIXELS
    (folder / "sub").mkdir()
    (folder / "sub" / "deeper.raw").write_bytes(PIXELS)
    for file in ["sub/deeper.raw", "sub/../inside.raw"]:
        assert pixels(read(write(folder / f"in{ext(make)}", make(file)))) == PIXELS
    # A header given by a relative path resolves against its own folder.
    relative = os.path.relpath(folder / f"ok{ext(make)}")
    assert pixels(read(Path(relative))) == PIXELS


def ext(make) -> str:
    return ".nhdr" if make is nhdr else ".mhd"


@pytest.mark.parametrize("make", [nhdr, mhd])
def test_data_files_outside_the_folder_are_refused(folder: Path, make) -> None:
    names = ["../outside.raw", str(folder.parent / "outside.raw")]
    if sys.platform != "win32":
        names.append("/dev/zero")
    if os.path.isfile("/etc/hostname"):
        names.append("/etc/hostname")
    for name in names:
        refused(write(folder / f"evil{ext(make)}", make(name)), name)


def test_multi_file_lists_naming_outside_files_are_refused(folder: Path) -> None:
    """image-io reads no multi-file data (LIST, %d patterns): such a header fails with a
    typed error, never with the outside file's bytes."""
    (folder.parent / "outside0.raw").write_bytes(SECRET)
    cases = {
        "list.mhd": mhd("LIST 1D") + "../outside.raw\n../outside.raw\n",
        "list2.mhd": mhd("LIST") + f"{folder.parent / 'outside.raw'}\n",
        "pattern.mhd": mhd("../outside%d.raw 0 1 1"),
        "list.nhdr": nhdr("LIST") + "../outside.raw\n",
        "pattern.nhdr": nhdr("../outside%01d.raw 0 3 1 0"),
    }
    for name, text in cases.items():
        with pytest.raises((witk.InvalidArgumentError, witk.UnsupportedError, witk.InvalidDataError)):
            read(write(folder / name, text))


@unix
@pytest.mark.parametrize("make", [nhdr, mhd])
def test_symlinks_leaving_the_folder_are_refused(folder: Path, make) -> None:
    os.symlink(folder.parent / "outside.raw", folder / "out.raw")
    os.symlink("../outside.raw", folder / "out-relative.raw")
    os.symlink(folder.parent, folder / "up")
    for name in ["out.raw", "out-relative.raw", "up/outside.raw"]:
        refused(write(folder / f"evil{ext(make)}", make(name)), name)
    # Symlinks that stay inside read.
    os.symlink("inside.raw", folder / "in.raw")
    os.symlink(folder / "inside.raw", folder / "in-absolute.raw")
    for name in ["in.raw", "in-absolute.raw"]:
        assert pixels(read(write(folder / f"ok{ext(make)}", make(name)))) == PIXELS
    # The header's folder reached through a symlink: its companions are still inside.
    os.symlink(folder, folder.parent / "alias")
    assert pixels(read(folder.parent / "alias" / f"ok{ext(make)}")) == PIXELS


@unix
def test_fifos_devices_and_folders_are_not_companions(folder: Path) -> None:
    os.mkfifo(folder / "pipe.raw")
    (folder / "folder.raw").mkdir()
    os.symlink("/dev/zero", folder / "zero.raw")
    for name in ["pipe.raw", "folder.raw", "zero.raw", "/dev/zero"]:
        refused(write(folder / "evil.nhdr", nhdr(name)), name)
        refused(write(folder / "evil.mhd", mhd(name)), name)
    # Even in an allowed folder, a companion must be a regular file.
    with pytest.raises(witk.InvalidArgumentError, match="not a regular file"):
        convert.companion_paths(folder / "evil.mhd", ["/dev/zero"], roots=["/dev"])


@unix
def test_a_nifti_hdr_whose_img_links_outside_is_refused(folder: Path) -> None:
    image = witk.image_from_array(np.frombuffer(PIXELS, np.uint8).reshape(4, 4))
    write_image(image, folder.parent / "single.nii")
    data = (folder.parent / "single.nii").read_bytes()
    (offset,) = struct.unpack_from("<f", data, 108)
    hdr = data[:344] + b"ni1\0"
    (folder / "pair.hdr").write_bytes(hdr)
    (folder / "pair.img").write_bytes(data[int(offset) :])
    assert pixels(read(folder / "pair.hdr")) == PIXELS
    (folder / "evil.hdr").write_bytes(hdr)
    os.symlink(folder.parent / "outside.raw", folder / "evil.img")
    refused(folder / "evil.hdr", "evil.img")


def test_companion_roots_admit_other_folders(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    evil = write(folder / "shared.nhdr", nhdr("../outside.raw"))
    refused(evil, "../outside.raw")
    monkeypatch.setattr(convert, "companion_roots", [folder.parent])
    assert pixels(read(evil)) == SECRET
    # A root sharing only a prefix with the file's folder does not admit it.
    monkeypatch.setattr(convert, "companion_roots", [folder])
    (folder.parent / "h2").mkdir()
    (folder.parent / "h2" / "x.raw").write_bytes(SECRET)
    refused(write(folder / "shared.nhdr", nhdr("../h2/x.raw")), "../h2/x.raw")
    # Missing companions stay FileNotFoundError.
    with pytest.raises(FileNotFoundError, match="absent.raw"):
        read(write(folder / "shared.nhdr", nhdr("absent.raw")))


def test_the_header_size_rule_is_shared() -> None:
    """Native Python and Pyodide retry companion-files with the whole file on the same sizes."""
    assert not convert.header_is_partial(convert.HEADER_BYTES)
    assert convert.header_is_partial(convert.HEADER_BYTES + 1)
    source = Path(convert.__file__).with_name("pyodide.py").read_text()
    assert "header_is_partial(main.data.length)" in source
