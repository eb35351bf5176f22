"""witk-dicom against pydicom (its wheel's test files, decoded with pylibjpeg for
compressed data) and SimpleITK's GDCM series reader (on series written here with
pydicom: shuffled, oblique, rescaled)."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import warnings
from pathlib import Path

import itkwasm_dicom
import numpy as np
import pydicom
import pytest
import SimpleITK as sitk
from conftest import ROOT
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.pixels import apply_modality_lut
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
from witk_dicom import read_dicom_tags, read_image_dicom_file_series

import witk

DATA = Path(pydicom.__file__).parent / "data" / "test_files"
WITK = os.environ.get("WITK_BIN", str(ROOT / "target" / "release" / "witk"))

# Files whose pixels witk decodes exactly as pydicom (and pylibjpeg, and CharLS through
# pyjpegls) do: every transfer syntax dicom-rs decodes, JPEG-LS lossless and near-lossless
# (pure_jpegls), monochrome and RGB, big endian, multi-frame, 1 to 32 bits.
EXACT = [
    "693_J2KI.dcm", "CT_small.dcm", "JPEGLSNearLossless_08.dcm", "JPEGLSNearLossless_16.dcm",
    "MR_small_jpeg_ls_lossless.dcm", "ExplVR_BigEnd.dcm", "GDCMJ2K_TextGBR.dcm", "J2K_pixelrep_mismatch.dcm",
    "JPEG2000.dcm", "MR_small.dcm", "MR_small_RLE.dcm", "MR_small_bigendian.dcm", "MR_small_expb.dcm",
    "MR_small_implicit.dcm", "MR_small_jp2klossless.dcm", "MR_small_padded.dcm", "SC_rgb_gdcm_KY.dcm",
    "SC_rgb_jpeg_dcmd.dcm", "SC_rgb_jpeg_gdcm.dcm", "SC_rgb_rle.dcm", "SC_rgb_rle_16bit.dcm",
    "SC_rgb_rle_16bit_2frame.dcm", "SC_rgb_rle_2frame.dcm", "SC_rgb_small_odd.dcm", "SC_rgb_small_odd_big_endian.dcm",
    "SC_rgb_small_odd_jpeg.dcm", "SC_ybr_full_422_uncompressed.dcm", "examples_jpeg2k.dcm", "examples_overlay.dcm",
    "examples_palette.dcm", "examples_rgb_color.dcm", "image_dfl.dcm", "liver_1frame.dcm", "liver_expb_1frame.dcm",
    "rtdose.dcm", "rtdose_1frame.dcm", "rtdose_expb.dcm", "rtdose_expb_1frame.dcm",
    # 32-bit RLE (our decoder; dicom-rs's does 8 and 16), its geometry stored with VR UN;
    # and in colour (three samples of four segments each).
    "rtdose_rle.dcm", "rtdose_rle_1frame.dcm", "SC_rgb_rle_32bit.dcm", "SC_rgb_rle_32bit_2frame.dcm",
]  # fmt: skip
# Lossy JPEG: two decoders (jpeg-decoder or libjpeg-turbo-rs here, libjpeg) may round differently.
LOSSY = [
    "SC_jpeg_no_color_transform_2.dcm", "SC_rgb_dcmtk_+eb+cr.dcm", "SC_rgb_dcmtk_+eb+cy+n1.dcm",
    "SC_rgb_dcmtk_+eb+cy+n2.dcm", "SC_rgb_dcmtk_+eb+cy+np.dcm", "SC_rgb_dcmtk_+eb+cy+s2.dcm",
    "SC_rgb_dcmtk_+eb+cy+s4.dcm", "SC_rgb_jpeg_app14_dcmd.dcm", "SC_rgb_jpeg_dcmtk.dcm", "SC_rgb_jpeg_lossy_gdcm.dcm",
    "examples_ybr_color.dcm",
    # 12-bit extended JPEG (libjpeg-turbo-rs; pydicom decodes it with libjpeg): off by 1 at most.
    "JPGExtended.dcm",
]  # fmt: skip
# Transfer syntaxes with no decoder in the component: a typed error naming the UID.
UNSUPPORTED = {
    # Colour JPEG-LS: pure_jpegls takes one component per scan.
    "SC_rgb_jls_lossy_line.dcm": "1.2.840.10008.1.2.4.81",
    "SC_rgb_jls_lossy_sample.dcm": "1.2.840.10008.1.2.4.81",
}


def pydicom_pixels(path: Path) -> np.ndarray:
    ds = pydicom.dcmread(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pixels = ds.pixel_array
    if "RescaleSlope" in ds or "RescaleIntercept" in ds:
        pixels = apply_modality_lut(pixels, ds)
    return pixels


@pytest.mark.parametrize("name", EXACT + LOSSY)
def test_pixels_match_pydicom(name: str) -> None:
    image, files = read_image_dicom_file_series([DATA / name])
    assert files == [str(DATA / name)]  # as the caller named it
    ours = np.asarray(image.data)
    theirs = pydicom_pixels(DATA / name)
    assert ours.size == theirs.size
    ds = pydicom.dcmread(DATA / name, stop_before_pixels=True)
    assert list(image.size[:2]) == [ds.Columns, ds.Rows]
    assert image.imageType.components == ds.SamplesPerPixel
    diff = np.abs(ours.astype(np.float64).ravel() - theirs.astype(np.float64).ravel()).max()
    assert diff <= (3 if name in LOSSY else 0), f"{name}: max difference {diff}"


@pytest.mark.parametrize(("name", "uid"), sorted(UNSUPPORTED.items()))
def test_undecodable_transfer_syntaxes_are_unsupported_errors(name: str, uid: str) -> None:
    with pytest.raises(witk.UnsupportedError, match=uid.replace(".", r"\.")):
        read_image_dicom_file_series([DATA / name])
    # The component is fine afterwards.
    assert read_image_dicom_file_series([DATA / "MR_small.dcm"])[0].size == [64, 64, 1]


def test_twelve_bit_jpeg_matches_simpleitk() -> None:
    """GDCM decodes 12-bit JPEG with its own IJG build; ITK-Wasm's cannot (in our runs it
    warns "Unsupported JPEG data precision 12" and gives 2048s)."""
    image, _ = read_image_dicom_file_series([DATA / "JPGExtended.dcm"])
    ref = sitk.ReadImage(str(DATA / "JPGExtended.dcm"))
    assert image.size == list(ref.GetSize())
    assert np.array_equal(witk.array_from_image(image), sitk.GetArrayViewFromImage(ref))


@pytest.mark.parametrize(
    "name", ["CT_small.dcm", "MR_small.dcm", "JPEG2000.dcm", "rtdose.dcm", "SC_rgb_rle.dcm", "MR_small_RLE.dcm"]
)
def test_single_files_match_simpleitk_and_itkwasm(name: str) -> None:
    """One file: a 3-D image (one deep unless multi-frame), as SimpleITK's GDCM reader and
    ITK-Wasm's read-image-dicom-file-series give it, with their geometry and pixels."""
    image, files = read_image_dicom_file_series([DATA / name])
    ref = sitk.ReadImage(str(DATA / name))
    ours = witk.array_from_image(image)
    assert ours.dtype == sitk.GetArrayViewFromImage(ref).dtype
    assert image.size == list(ref.GetSize())
    assert np.allclose(image.origin, ref.GetOrigin()) and np.allclose(image.spacing, ref.GetSpacing())
    assert np.array_equal(ours, sitk.GetArrayViewFromImage(ref))
    theirs, their_files = itkwasm_dicom.read_image_dicom_file_series(input_images=[DATA / name])
    assert image.size == list(theirs.size) and files == [str(f) for f in their_files]
    assert np.allclose(image.origin, theirs.origin) and np.allclose(image.spacing, theirs.spacing)
    assert np.allclose(np.asarray(image.direction), np.asarray(theirs.direction))
    assert np.array_equal(ours, np.asarray(theirs.data))


def tag_values(name: str) -> dict[str, str]:
    return dict(read_dicom_tags(DATA / name))


def test_tags_match_pydicom() -> None:
    tags = tag_values("CT_small.dcm")
    ds = pydicom.dcmread(DATA / "CT_small.dcm")
    checked = 0
    for elem in ds:
        key = f"{elem.tag.group:04x}|{elem.tag.element:04x}"
        if elem.VR in ("OB", "OW", "UN", "SQ") or elem.tag == 0x7FE00010:
            continue
        values = list(elem.value) if isinstance(elem.value, pydicom.multival.MultiValue) else [elem.value]
        ours = tags[key].split("\\") if len(values) > 1 else [tags[key]]
        if elem.VR in ("DS", "IS", "FL", "FD", "US", "SS", "UL", "SL"):
            # The same numbers; witk keeps DICOM's text ("0" where pydicom prints 0.0).
            numbers = [float(v) for v in tags[key].split("\\")]
            assert np.allclose(numbers, np.asarray(values, dtype=np.float64).ravel()), key
        else:
            assert [v.rstrip() for v in ours] == [str(v).rstrip() for v in values], key
        checked += 1
    assert checked > 50
    assert tags["0002|0010"] == ds.file_meta.TransferSyntaxUID


def test_tags_to_read_and_character_sets() -> None:
    picked = read_dicom_tags(DATA / "MR_small.dcm", tags_to_read=["0008|0060", "0010|0010", "0009|0010"])
    assert picked == [("0008|0060", "MR"), ("0010|0010", "CompressedSamples^MR1")]
    with pytest.raises(witk.InvalidArgumentError, match="not a tag"):
        read_dicom_tags(DATA / "MR_small.dcm", tags_to_read=["PatientName"])
    charset = DATA.parent / "charset_files"
    checked = 0
    for f in sorted(charset.glob("chr*.dcm")):
        ds = pydicom.dcmread(f)
        if "PatientName" not in ds:
            continue
        got = dict(read_dicom_tags(f, tags_to_read=["0010|0010"]))
        # DICOM's value as stored: a person name may end in an empty group ("...=").
        assert got.get("0010|0010", "").rstrip("= ") == str(ds.PatientName).rstrip("= "), f.name
        checked += 1
    assert checked >= 12  # Latin-1, Greek, Arabic, Hebrew, Russian, UTF-8, GB18030, ISO 2022 JIS and KS X 1001


def test_private_and_sequence_tags() -> None:
    tags = tag_values("nested_priv_SQ.dcm")
    assert any(k.startswith("0001|") for k in tags)
    sequences = [v for v in tags.values() if v.startswith("[{")]
    assert sequences, tags


def write_series(
    folder: Path, n: int, *, order: list[int], slope: float = 1.0, intercept: float = -1024.0, gap: float = 2.5
) -> np.ndarray:
    """n slices of an oblique, rescaled CT series, written in `order`."""
    rng = np.random.default_rng(7)
    volume = rng.integers(0, 4000, size=(n, 12, 10), dtype=np.uint16)
    series = generate_uid()
    c, s = np.cos(0.4), np.sin(0.4)
    row, col = np.array([c, s, 0.0]), np.array([0.0, 0.0, -1.0])
    normal = np.cross(row, col)
    for k in order:
        meta = FileMetaDataset()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
        meta.MediaStorageSOPInstanceUID = generate_uid()
        ds = FileDataset(str(folder / f"x{k}.dcm"), {}, file_meta=meta, preamble=b"\0" * 128)
        ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
        ds.Modality, ds.SeriesInstanceUID, ds.StudyInstanceUID = "CT", series, "1.2.3"
        ds.InstanceNumber = k + 1
        ds.ImageOrientationPatient = [*row, *col]
        ds.ImagePositionPatient = list(np.array([12.5, -30.0, 7.0]) + k * gap * normal)
        ds.PixelSpacing = [0.7, 0.9]
        ds.SliceThickness = 9.0  # not the spacing: positions are
        ds.Rows, ds.Columns = volume.shape[1:]
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
        ds.RescaleSlope, ds.RescaleIntercept = slope, intercept
        ds.PixelData = volume[k].tobytes()
        # Names do not say the order: a shuffled name for each slice.
        ds.save_as(folder / f"IM_{(k * 7919) % 1000:04d}.dcm", enforce_file_format=True)
    return volume


@pytest.mark.parametrize(("slope", "intercept"), [(1.0, -1024.0), (1.0, 0.0), (2.0, 5.0), (0.5, -10.0)])
def test_a_shuffled_oblique_series_matches_simpleitk(tmp_path: Path, slope: float, intercept: float) -> None:
    order = list(range(6))
    random.Random(3).shuffle(order)
    volume = write_series(tmp_path, 6, order=order, slope=slope, intercept=intercept)
    files = sorted(tmp_path.glob("*.dcm"))
    image, sorted_files = read_image_dicom_file_series(files)
    reader = sitk.ImageSeriesReader()
    gdcm_files = reader.GetGDCMSeriesFileNames(str(tmp_path))
    reader.SetFileNames(gdcm_files)
    ref = reader.Execute()
    # The files as the caller named them, as ITK-Wasm returns them.
    assert [Path(f) for f in sorted_files] == [Path(f) for f in gdcm_files]
    assert image.size == list(ref.GetSize())
    assert np.allclose(image.origin, ref.GetOrigin()) and np.allclose(image.spacing, ref.GetSpacing())
    assert np.allclose(np.asarray(image.direction).ravel(), ref.GetDirection())
    ours, theirs = witk.array_from_image(image), sitk.GetArrayFromImage(ref)
    assert ours.dtype == theirs.dtype, (slope, intercept)
    assert np.array_equal(ours, theirs)
    assert np.array_equal(ours, volume * slope + intercept)


def test_series_errors_are_typed(tmp_path: Path) -> None:
    write_series(tmp_path, 3, order=[0, 1, 2])
    files = sorted(tmp_path.glob("*.dcm"))
    odd = tmp_path / "odd"
    odd.mkdir()
    write_series(odd, 4, order=[0, 1, 3], gap=2.5)
    with pytest.raises(witk.InvalidDataError, match="not equally spaced"):
        read_image_dicom_file_series(sorted(odd.glob("*.dcm")))
    truncated = tmp_path / "truncated.dcm"
    truncated.write_bytes(files[0].read_bytes()[:300])
    with pytest.raises(witk.InvalidDataError, match="truncated.dcm"):
        read_image_dicom_file_series([truncated])
    with pytest.raises(witk.InvalidDataError, match="not a DICOM file"):
        read_image_dicom_file_series([ROOT / "data" / "phantom.nrrd"])
    with pytest.raises(witk.InvalidArgumentError, match="empty"):
        read_image_dicom_file_series([])
    for name in ["MR_truncated.dcm", "meta_missing_tsyntax.dcm", "badVR.dcm", "rtstruct.dcm"]:
        with pytest.raises(witk.PipelineError):
            read_image_dicom_file_series([DATA / name])
    assert read_image_dicom_file_series(files)[0].size == [10, 12, 3]


def test_the_cli_reads_a_folder_into_any_format(tmp_path: Path) -> None:
    series = tmp_path / "series"
    series.mkdir()
    volume = write_series(series, 4, order=[2, 0, 3, 1])
    out = tmp_path / "ct.nii.gz"
    done = subprocess.run([WITK, "dicom", "series", str(series), str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    ref = sitk.ReadImage(str(out))
    assert np.array_equal(sitk.GetArrayFromImage(ref), volume.astype(np.int16) - 1024)
    tags = subprocess.run(
        [WITK, "dicom", "tags", "--tag", "0010|0010", str(DATA / "MR_small.dcm")], capture_output=True
    )
    assert tags.returncode == 0 and b"CompressedSamples^MR1" in tags.stdout
    bad = subprocess.run([WITK, "dicom", "series", str(DATA / "MR_truncated.dcm"), str(out)], capture_output=True)
    assert bad.returncode == 1 and b"invalid-data" in bad.stderr
    shutil.rmtree(series)


def test_a_large_series_read_in_batches_matches_simpleitk(tmp_path: Path) -> None:
    """Series over 32 MiB are planned from the files' headers and read in batches on
    every core (components/dicom/host/mod.rs): the same volume as one read, slice for slice,
    with rescales that differ between slices (the batches' own types widen to the
    series' type), and a file whose header outgrows the planner's prefixes."""
    n, rows, cols = 80, 512, 448
    rng = np.random.default_rng(11)
    volume = rng.integers(0, 4000, size=(n, rows, cols), dtype=np.uint16)
    series, normal = generate_uid(), np.array([0.0, 0.0, 1.0])
    order = list(range(n))
    random.Random(5).shuffle(order)
    for k in order:
        meta = FileMetaDataset()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
        meta.MediaStorageSOPInstanceUID = generate_uid()
        ds = FileDataset("x", {}, file_meta=meta, preamble=b"\0" * 128)
        ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
        ds.Modality, ds.SeriesInstanceUID, ds.StudyInstanceUID, ds.InstanceNumber = "CT", series, "1.2.3", k + 1
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.ImagePositionPatient = list(np.array([-100.0, -90.0, 3.0]) + k * 0.8 * normal)
        ds.PixelSpacing = [0.5, 0.6]
        ds.Rows, ds.Columns = rows, cols
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
        # Most slices keep int16 alone; the last ones need int32.
        ds.RescaleSlope, ds.RescaleIntercept = (1, -1024) if k < 60 else (16, -1024)
        ds.PixelData = volume[k].tobytes()
        ds.save_as(tmp_path / f"IM_{(k * 7919) % 1000:04d}.dcm", enforce_file_format=True)
    files = sorted(tmp_path.glob("*.dcm"))
    assert sum(f.stat().st_size for f in files) > 32 << 20
    image, sorted_files = read_image_dicom_file_series(files)
    reader = sitk.ImageSeriesReader()
    gdcm_files = reader.GetGDCMSeriesFileNames(str(tmp_path))
    reader.SetFileNames(gdcm_files)
    ref = reader.Execute()
    assert [Path(f) for f in sorted_files] == [Path(f) for f in gdcm_files]
    # GDCM types the series by its first slice (int16 here, and wraps the last slices);
    # ITK's rule over every slice's rescale needs int32: checked against NumPy.
    slope = np.where(np.arange(n) < 60, 1, 16)[:, None, None]
    theirs = (volume.astype(np.int32) * slope - 1024).astype(np.int32)
    ours = witk.array_from_image(image)
    assert ours.dtype == np.int32
    assert np.array_equal(ours, theirs)
    assert np.array_equal(ours[:60], sitk.GetArrayFromImage(ref)[:60])
    assert np.allclose(image.origin, ref.GetOrigin()) and np.allclose(image.spacing, ref.GetSpacing())
    # The Rust API reads the files itself, batch by batch: the same volume.
    out = tmp_path / "ct.nrrd"
    done = subprocess.run([WITK, "dicom", "series", str(tmp_path), str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert np.array_equal(sitk.GetArrayFromImage(sitk.ReadImage(str(out))), theirs)
    # A header longer than the planner reads: the series is read in one call, the same.
    out.unlink()
    one = pydicom.dcmread(files[7])
    one.add_new(0x00291010, "OB", b"\1" * (300 << 10))
    one.save_as(files[7])
    again, _ = read_image_dicom_file_series(files)
    assert np.array_equal(witk.array_from_image(again), theirs)


@pytest.mark.parametrize(("uid", "level"), [("1.2.840.10008.1.2.4.201", None), ("1.2.840.10008.1.2.4.203", 30)])
def test_htj2k_decodes_as_openjpeg_does(tmp_path: Path, uid: str, level: int | None) -> None:
    """High-Throughput JPEG 2000 (lossless and lossy), encoded here by OpenJPH (through
    imagecodecs): the pixels pydicom decodes with OpenJPEG, value for value."""
    imagecodecs = pytest.importorskip("imagecodecs")
    from pydicom.encaps import encapsulate

    ds = pydicom.dcmread(DATA / "MR_small.dcm")
    original = ds.pixel_array
    stream = imagecodecs.htj2k_encode(original, **({} if level is None else {"level": level}))
    ds.PixelData = encapsulate([stream])
    ds["PixelData"].VR = "OB"
    ds.file_meta.TransferSyntaxUID = uid
    path = tmp_path / "ht.dcm"
    ds.save_as(path)
    theirs = pydicom.dcmread(path).pixel_array
    image, _ = read_image_dicom_file_series([path])
    ours = witk.array_from_image(image)[0]  # one slice deep
    assert np.array_equal(ours, theirs)
    assert np.array_equal(ours, original) == (level is None)
