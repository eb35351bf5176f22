"""Reading a DICOM CT series: witk-dicom against SimpleITK (GDCM) and ITK-Wasm's
itkwasm-dicom, each read in a fresh process; time and peak memory beyond the process's
start, in copies of the volume's pixel data. The series (default 300 slices of 512x512,
12-bit stored, intercept -1024, uncompressed; also JPEG-LS and JPEG 2000 lossless) is written by
pydicom here. Run `.venv/bin/python bench/python/bench_dicom.py [SLICES] [SIDE]`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

STEP = r"""
import json, sys, time
from pathlib import Path
folder, who = Path(sys.argv[1]), sys.argv[2]
files = sorted(str(p) for p in folder.glob("*.dcm"))
if who == "witk":
    from witk_dicom import read_image_dicom_file_series as read
elif who == "itkwasm":
    from itkwasm_dicom import read_image_dicom_file_series as read
else:
    import SimpleITK as sitk
def status_mib(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1]) / 1024
def rss_mib():
    return status_mib("VmRSS:")
base = rss_mib()
t = time.perf_counter()
if who == "sitk":
    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(reader.GetGDCMSeriesFileNames(str(folder)))
    image = reader.Execute()
    arr = sitk.GetArrayViewFromImage(image)
else:
    image, _ = read([Path(f) for f in files]) if who == "witk" else read(input_images=[Path(f) for f in files])
    arr = image.data
elapsed = time.perf_counter() - t
peak = status_mib("VmHWM:")  # not ru_maxrss: Linux keeps the parent's peak across exec
result = {"seconds": elapsed, "base_mib": base, "peak_mib": peak, "dtype": str(arr.dtype), "sum": float(arr.sum())}
print(json.dumps(result))
"""


def write_series(folder: Path, slices: int, side: int, syntax: str) -> None:
    import pydicom
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, JPEG2000Lossless, JPEGLSLossless, generate_uid

    rng = np.random.default_rng(1)
    series = generate_uid()
    for k in range(slices):
        meta = FileMetaDataset()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
        meta.MediaStorageSOPInstanceUID = generate_uid()
        ds = FileDataset("x", {}, file_meta=meta, preamble=b"\0" * 128)
        ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
        ds.Modality, ds.SeriesInstanceUID, ds.StudyInstanceUID, ds.InstanceNumber = "CT", series, "1.2.3", k + 1
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.ImagePositionPatient = [-200.0, -200.0, k * 1.25]
        ds.PixelSpacing = [0.78, 0.78]
        ds.Rows = ds.Columns = side
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
        ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
        y, x = np.mgrid[0:side, 0:side]
        body = ((x - side / 2) ** 2 + (y - side / 2) ** 2 < (side * 0.4) ** 2) * 1000
        ds.PixelData = (body + rng.integers(0, 60, size=(side, side)) + k).astype(np.uint16).tobytes()
        if syntax == "j2k":
            ds.compress(JPEG2000Lossless)
        elif syntax == "jpeg-ls":
            ds.compress(JPEGLSLossless)
        pydicom.dcmwrite(folder / f"s{k:04d}.dcm", ds, enforce_file_format=True)


def run(folder: Path, who: str) -> dict | None:
    out = subprocess.run([sys.executable, "-c", STEP, str(folder), who], capture_output=True, text=True)
    if out.returncode != 0:
        print(f"  {who}: failed: {out.stderr.strip().splitlines()[-1][:160]}")
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    slices = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    side = int(sys.argv[2]) if len(sys.argv) > 2 else 512
    pixels_mib = slices * side * side * 2 / 2**20
    print(f"dicom: {slices} slices of {side}x{side} int16 ({pixels_mib:.0f} MiB of pixels); fresh process each")
    for syntax in ["uncompressed", "jpeg-ls", "j2k"]:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            try:
                write_series(folder, slices, side, syntax)
            except Exception as e:  # noqa: BLE001 - an encoder missing is reported, not fatal
                print(f"{syntax}: cannot write the series here ({e})")
                continue
            results = {who: run(folder, who) for who in ["witk", "sitk", "itkwasm"]}
            ours = results["witk"]
            for who, r in results.items():
                if r is None:
                    continue
                extra = (r["peak_mib"] - r["base_mib"]) / pixels_mib
                ratio = f"  witk/{who} {ours['seconds'] / r['seconds']:.2f}x" if ours and who != "witk" else ""
                same = "" if not ours or r["sum"] == ours["sum"] else "  (pixels differ!)"
                line = f"{syntax:12s} {who:8s} {r['seconds']:7.2f} s  peak +{extra:4.1f} x pixels  {r['dtype']}"
                print(line + ratio + same)


if __name__ == "__main__":
    main()
