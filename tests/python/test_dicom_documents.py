"""DICOM segmentations, encapsulated PDFs and structured reports, checked against
independent readers and writers: highdicom writes SEGs we read and reads the SEGs we
write, ITK-Wasm's itkwasm-dicom (dcmqi, dcmtk) reads both and must agree with us on
pixels, geometry and metadata, pydicom ships real SEG and SR files."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import highdicom as hd
import itkwasm_dicom
import numpy as np
import pydicom
import pytest
from conftest import ROOT
from highdicom.sr.coding import CodedConcept
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
from witk_dicom import (
    read_dicom_encapsulated_pdf,
    read_overlapping_segmentation,
    read_segmentation,
    structured_report_to_text,
    write_segmentation,
)

import witk

DATA = Path(pydicom.__file__).parent / "data" / "test_files"
WITK = str(ROOT / "target" / "release" / "witk")
ROWS, COLS, SLICES = 16, 12, 6


def ct_series(folder: Path, *, oblique: bool = False) -> list[pydicom.Dataset]:
    """A small CT series (pydicom-written), oblique if asked: the SEGs' references."""
    folder.mkdir(exist_ok=True)
    study, series, frame = generate_uid(), generate_uid(), generate_uid()
    c, s = (np.cos(0.3), np.sin(0.3)) if oblique else (1.0, 0.0)
    row, col = np.array([c, s, 0.0]), np.array([-s, c, 0.0])
    normal = np.cross(row, col)
    out = []
    for k in range(SLICES):
        ds = Dataset()
        ds.file_meta = FileMetaDataset()
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.file_meta.MediaStorageSOPClassUID = pydicom.uid.CTImageStorage
        ds.SOPClassUID, ds.SOPInstanceUID = pydicom.uid.CTImageStorage, generate_uid()
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study, series, frame
        ds.PatientName, ds.PatientID, ds.PatientBirthDate, ds.PatientSex = "Seg^Test", "42", "19800101", "O"
        ds.StudyDate, ds.StudyTime, ds.AccessionNumber, ds.ReferringPhysicianName = "20260101", "120000", "", ""
        ds.StudyID, ds.Modality, ds.SeriesNumber, ds.InstanceNumber = "1", "CT", 1, k + 1
        ds.ImagePositionPatient = list(np.array([-5.0, 3.0, 10.0]) + 2.5 * k * normal)
        ds.ImageOrientationPatient = [*row, *col]
        ds.PixelSpacing, ds.SliceThickness = [0.7, 0.9], 2.5
        ds.Rows, ds.Columns, ds.SamplesPerPixel, ds.PhotometricInterpretation = ROWS, COLS, 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
        ds.PixelData = (np.arange(ROWS * COLS, dtype=np.int16).reshape(ROWS, COLS) + k).tobytes()
        ds.Manufacturer, ds.ManufacturerModelName, ds.SoftwareVersions, ds.DeviceSerialNumber = "x", "x", "1", "1"
        path = folder / f"ct{k}.dcm"
        pydicom.dcmwrite(path, ds, enforce_file_format=True)
        out.append(pydicom.dcmread(path))
    return out


def descriptions(n: int) -> list[hd.seg.SegmentDescription]:
    algorithm = hd.AlgorithmIdentificationSequence(
        name="threshold", version="1.0", family=CodedConcept("123109", "DCM", "Manual Processing")
    )
    organs = [("10200004", "Liver"), ("64033007", "Kidney"), ("78961009", "Spleen")]
    return [
        hd.seg.SegmentDescription(
            segment_number=i + 1,
            segment_label=f"segment {i + 1}",
            segmented_property_category=CodedConcept("91723000", "SCT", "Anatomical Structure"),
            segmented_property_type=CodedConcept(organs[i % 3][0], "SCT", organs[i % 3][1]),
            algorithm_type=hd.seg.SegmentAlgorithmTypeValues.AUTOMATIC,
            algorithm_identification=algorithm,
        )
        for i in range(n)
    ]


def highdicom_seg(refs: list[pydicom.Dataset], mask: np.ndarray, kind: str, path: Path, n: int) -> Path:
    types = {
        "binary": hd.seg.SegmentationTypeValues.BINARY,
        "fractional": hd.seg.SegmentationTypeValues.FRACTIONAL,
        "labelmap": hd.seg.SegmentationTypeValues.LABELMAP,
    }
    seg = hd.seg.Segmentation(
        source_images=refs,
        pixel_array=mask,
        segmentation_type=types[kind],
        segment_descriptions=descriptions(n),
        series_instance_uid=generate_uid(),
        series_number=2,
        sop_instance_uid=generate_uid(),
        instance_number=1,
        manufacturer="highdicom",
        manufacturer_model_name="test",
        software_versions="0.28",
        device_serial_number="1",
    )
    seg.save_as(path)
    return path


def labels() -> np.ndarray:
    """Two segments that do not overlap; slices 0 and 5 are empty."""
    m = np.zeros((SLICES, ROWS, COLS), np.uint8)
    m[1:4, 2:8, 3:9] = 1
    m[2:5, 9:14, 1:5] = 2
    return m


def overlapping() -> np.ndarray:
    """Three segments, one channel each: 2 overlaps 1, 3 overlaps neither."""
    m = np.zeros((SLICES, ROWS, COLS, 3), np.uint8)
    m[1:4, 2:8, 3:9, 0] = 1
    m[2:5, 4:14, 1:5, 1] = 1
    m[0:2, 0:3, 0:3, 2] = 1
    return m


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("seg")
    refs = ct_series(root / "ct")
    fractional = overlapping().astype(np.float32) * 0.7
    fractional[..., 0] *= 0.5
    return {
        "root": root,
        "refs": sorted((root / "ct").glob("*.dcm")),
        "binary": highdicom_seg(refs, labels(), "binary", root / "binary.dcm", 2),
        "overlapping": highdicom_seg(refs, overlapping(), "binary", root / "overlapping.dcm", 3),
        "fractional": highdicom_seg(refs, fractional, "fractional", root / "fractional.dcm", 3),
        "labelmap": highdicom_seg(refs, labels(), "labelmap", root / "labelmap.dcm", 2),
    }


def same_image(ours: witk.Image, theirs: Any) -> None:
    assert list(ours.size) == list(theirs.size)
    assert np.allclose(ours.origin, theirs.origin) and np.allclose(ours.spacing, theirs.spacing)
    assert np.allclose(np.asarray(ours.direction), np.asarray(theirs.direction))
    assert ours.imageType.componentType == theirs.imageType.componentType == "int16"
    assert ours.imageType.pixelType == theirs.imageType.pixelType
    assert ours.imageType.components == theirs.imageType.components
    assert np.array_equal(witk.array_from_image(ours), np.asarray(theirs.data))


@pytest.mark.parametrize("name", ["binary", "overlapping", "fractional"])
@pytest.mark.parametrize("merge", [False, True])
def test_overlapping_segmentations_match_itkwasm(study: dict[str, Any], name: str, merge: bool) -> None:
    image, meta = read_overlapping_segmentation(study[name], merge_segments=merge)
    theirs, their_meta = itkwasm_dicom.read_overlapping_segmentation(str(study[name]), merge_segments=merge)
    same_image(image, theirs)
    assert meta == their_meta


def test_a_label_image_matches_itkwasm_and_highdicom(study: dict[str, Any]) -> None:
    image, meta = read_segmentation(study["binary"])
    theirs, their_meta = itkwasm_dicom.read_segmentation(str(study["binary"]))
    same_image(image, theirs)
    assert meta == their_meta
    # The volume spans the slices the SEG's frames lie on (1 to 4): highdicom agrees.
    assert image.size == [COLS, ROWS, 3 + 1]
    assert np.array_equal(witk.array_from_image(image), labels()[1:5])
    attributes = meta["segmentAttributes"][0]
    assert [a["SegmentLabel"] for a in attributes] == ["segment 1", "segment 2"]
    assert attributes[1]["SegmentedPropertyTypeCodeSequence"]["CodeMeaning"] == "Kidney"


def test_label_maps_and_fractions(study: dict[str, Any]) -> None:
    # A label-map SEG (DICOM 2024) holds segment numbers itself.
    # (highdicom leaves the empty slices 0 and 5 out, as for binary SEGs.)
    image, meta = read_segmentation(study["labelmap"])
    assert np.array_equal(witk.array_from_image(image), labels()[1:5])
    assert [a["labelID"] for a in meta["segmentAttributes"][0]] == [1, 2]
    # A fractional pixel belongs to a label image's segment at half its maximum or more:
    # segment 1 (0.35) is left out, 2 and 3 (0.7) are in; they do not overlap then.
    image, _ = read_segmentation(study["fractional"])
    expected = np.zeros((SLICES, ROWS, COLS), np.int16)
    m = overlapping()
    expected[m[..., 1] == 1] = 2
    expected[m[..., 2] == 1] = 3
    assert np.array_equal(witk.array_from_image(image), expected[:5])  # slice 5 is empty


def test_pydicom_segmentation_files_match_pydicom() -> None:
    for name in ["liver_1frame.dcm", "liver_expb_1frame.dcm"]:
        ds = pydicom.dcmread(DATA / name)
        image, meta = read_segmentation(DATA / name)
        assert np.array_equal(witk.array_from_image(image)[0], ds.pixel_array.astype(np.int16) * 1)
        attributes = meta["segmentAttributes"][0]
        assert attributes[0]["SegmentLabel"] == ds.SegmentSequence[0].SegmentLabel


def test_overlapping_segments_are_no_label_image(study: dict[str, Any]) -> None:
    with pytest.raises(witk.InvalidArgumentError, match="read-overlapping-segmentation"):
        read_segmentation(study["overlapping"])


@pytest.mark.parametrize("skip", [False, True])
def test_written_segs_read_back_in_highdicom_and_itkwasm(study: dict[str, Any], tmp_path: Path, skip: bool) -> None:
    image, meta = read_segmentation(study["binary"])
    out = tmp_path / "ours.dcm"
    write_segmentation(image, meta, out, study["refs"], skip_empty_slices=skip)
    # Ourselves.
    again, again_meta = read_segmentation(out)
    assert np.array_equal(witk.array_from_image(again), witk.array_from_image(image))
    assert list(again.origin) == pytest.approx(list(image.origin)) and again_meta == meta
    # highdicom: the same volume as it reads from highdicom's own SEG, the same segments.
    ours, source = hd.seg.segread(out), hd.seg.segread(study["binary"])
    assert ours.number_of_segments == 2 and ours.segmentation_type == hd.seg.SegmentationTypeValues.BINARY
    volume = ours.get_volume(combine_segments=True, relabel=False)
    assert np.array_equal(volume.array, source.get_volume(combine_segments=True, relabel=False).array)
    assert np.allclose(volume.affine, source.get_volume(combine_segments=True, relabel=False).affine)
    assert [s.segment_label for s in ours.SegmentSequence] == ["segment 1", "segment 2"]
    assert ours.PatientID == "42" and ours.FrameOfReferenceUID == source.FrameOfReferenceUID
    referenced = {i.ReferencedSOPInstanceUID for i in ours.ReferencedSeriesSequence[0].ReferencedInstanceSequence}
    assert referenced <= {pydicom.dcmread(p).SOPInstanceUID for p in study["refs"]} and referenced
    assert int(ours.NumberOfFrames) == (6 if skip else 2 * 4)
    # ITK-Wasm's dcmqi reader.
    theirs, their_meta = itkwasm_dicom.read_segmentation(str(out))
    assert np.array_equal(np.asarray(theirs.data), witk.array_from_image(image))
    assert their_meta == meta


def test_itkwasm_written_segs_read_back(study: dict[str, Any], tmp_path: Path) -> None:
    theirs, meta = itkwasm_dicom.read_segmentation(str(study["binary"]))
    out = tmp_path / "theirs.dcm"
    itkwasm_dicom.write_segmentation(theirs, meta, str(out), [str(p) for p in study["refs"]])
    image, ours_meta = read_segmentation(out)
    assert np.array_equal(witk.array_from_image(image), np.asarray(theirs.data))
    assert np.allclose(image.origin, theirs.origin)
    assert [a["SegmentLabel"] for a in ours_meta["segmentAttributes"][0]] == ["segment 1", "segment 2"]


def test_overlapping_segments_write_as_components(study: dict[str, Any], tmp_path: Path) -> None:
    image, meta = read_overlapping_segmentation(study["overlapping"], merge_segments=True)
    out = tmp_path / "overlap.dcm"
    write_segmentation(image, meta, out, study["refs"], use_labelid_as_segmentnumber=True)
    again, _ = read_overlapping_segmentation(out, merge_segments=True)
    assert np.array_equal(witk.array_from_image(again), witk.array_from_image(image))
    volume = hd.seg.segread(out).get_volume(combine_segments=False)
    assert volume.array.shape[-1] == 3 and int(volume.array.sum()) == int(overlapping().sum())


def test_an_oblique_seg_keeps_its_geometry(tmp_path: Path) -> None:
    refs = ct_series(tmp_path / "ct", oblique=True)
    path = highdicom_seg(refs, labels(), "binary", tmp_path / "oblique.dcm", 2)
    image, meta = read_segmentation(path)
    theirs, _ = itkwasm_dicom.read_segmentation(str(path))
    same_image(image, theirs)
    out = tmp_path / "again.dcm"
    write_segmentation(image, meta, out, sorted((tmp_path / "ct").glob("*.dcm")))
    again, _ = read_segmentation(out)
    assert np.allclose(np.asarray(again.direction), np.asarray(image.direction))
    assert np.allclose(again.origin, image.origin) and np.array_equal(
        witk.array_from_image(again), witk.array_from_image(image)
    )


def test_bad_segmentations_are_typed_errors(study: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(witk.InvalidArgumentError, match="not a DICOM Segmentation"):
        read_segmentation(DATA / "CT_small.dcm")
    data = study["binary"].read_bytes()
    for cut in [200, len(data) // 2, len(data) - 40]:
        (tmp_path / "cut.dcm").write_bytes(data[:cut])
        with pytest.raises(witk.PipelineError):
            read_segmentation(tmp_path / "cut.dcm")
    # Number of Frames larger than the pixel data.
    ds = pydicom.dcmread(study["binary"])
    ds.NumberOfFrames = 100000
    ds.save_as(tmp_path / "lies.dcm")
    with pytest.raises(witk.InvalidDataError):
        read_segmentation(tmp_path / "lies.dcm")
    image, meta = read_segmentation(study["binary"])
    refs = study["refs"]
    with pytest.raises(witk.InvalidArgumentError, match="not JSON"):
        write_segmentation(image, "{", tmp_path / "x.dcm", refs)
    with pytest.raises(TypeError, match="JSON-compatible"):
        write_segmentation(image, {"x": object()}, tmp_path / "x.dcm", refs)
    only_one = json.loads(json.dumps(meta))
    only_one["segmentAttributes"][0] = only_one["segmentAttributes"][0][:1]
    with pytest.raises(witk.InvalidArgumentError, match="label 2"):
        write_segmentation(image, only_one, tmp_path / "x.dcm", refs)
    gaps = json.loads(json.dumps(meta))
    gaps["segmentAttributes"][0][1]["labelID"] = 7
    with pytest.raises(witk.InvalidArgumentError):
        write_segmentation(image, gaps, tmp_path / "x.dcm", refs, use_labelid_as_segmentnumber=True)
    with pytest.raises(witk.InvalidArgumentError, match="empty"):
        write_segmentation(image, meta, tmp_path / "x.dcm", [])
    assert not (tmp_path / "x.dcm").exists()


def encapsulated_pdf(path: Path, document: bytes) -> Path:
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = pydicom.uid.EncapsulatedPDFStorage
    ds.SOPClassUID, ds.SOPInstanceUID = pydicom.uid.EncapsulatedPDFStorage, generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.Modality, ds.MIMETypeOfEncapsulatedDocument = "DOC", "application/pdf"
    ds.PatientName, ds.StudyInstanceUID, ds.SeriesInstanceUID = "Pdf^Test", generate_uid(), generate_uid()
    ds.EncapsulatedDocument = document + (b"\0" if len(document) % 2 else b"")
    ds.EncapsulatedDocumentLength = len(document)
    pydicom.dcmwrite(path, ds, enforce_file_format=True)
    return path


def test_encapsulated_pdfs_match_itkwasm(tmp_path: Path) -> None:
    # An odd length: the padding byte DICOM adds is not the document's.
    document = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    assert len(document) % 2 == 1
    path = encapsulated_pdf(tmp_path / "doc.dcm", document)
    ours = read_dicom_encapsulated_pdf(path)
    assert ours == document
    assert ours == bytes(itkwasm_dicom.read_dicom_encapsulated_pdf(str(path)))
    with pytest.raises(witk.InvalidArgumentError, match="not an Encapsulated PDF"):
        read_dicom_encapsulated_pdf(DATA / "CT_small.dcm")


# dcmtk refuses these files unless told to skip their invalid items; we read them as they are.
LENIENT = {"ignore_item_errors": True, "skip_invalid_items": True}
SR_CASES = [
    ("reportsi.dcm", {}, LENIENT),
    ("reportsi_with_empty_number_tags.dcm", {}, LENIENT),
    ("test-SR.dcm", {"no_document_header": True}, {}),
    ("test-SR.dcm", {"no_document_header": True, "number_nested_items": True, "print_all_codes": True}, {}),
    ("reportsi.dcm", {"number_nested_items": True, "print_all_codes": True}, LENIENT),
]


@pytest.mark.parametrize(("name", "flags", "lenient"), SR_CASES)
def test_structured_reports_read_as_dcmtk_prints_them(
    name: str, flags: dict[str, bool], lenient: dict[str, bool]
) -> None:
    ours = structured_report_to_text(DATA / name, **flags)
    theirs = itkwasm_dicom.structured_report_to_text(str(DATA / name), **flags, **lenient)
    assert ours == theirs


def test_structured_report_flags_and_errors() -> None:
    short = structured_report_to_text(DATA / "test-SR.dcm", no_document_header=True)
    long = structured_report_to_text(DATA / "test-SR.dcm", no_document_header=True, print_long_values=True)
    assert '"Inferred Sample Text\\nNew li..."' in short and "..." not in long.split("Inferred Sample Text")[1][:40]
    with pytest.raises(witk.InvalidArgumentError, match="not a DICOM Structured Report"):
        structured_report_to_text(DATA / "CT_small.dcm")


def test_the_cli_reads_and_writes_segmentations(study: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "seg.nrrd"
    done = subprocess.run([WITK, "dicom", "seg", str(study["binary"]), str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    meta = json.loads(done.stdout)["metaInfo"]
    assert [a["labelID"] for a in meta["segmentAttributes"][0]] == [1, 2]
    (tmp_path / "meta.json").write_text(json.dumps(meta))
    seg = tmp_path / "seg.dcm"
    done = subprocess.run(
        [
            WITK,
            "dicom",
            "write-seg",
            "--meta",
            str(tmp_path / "meta.json"),
            str(out),
            str(seg),
            str(study["refs"][0].parent),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    image, _ = read_segmentation(seg)
    assert np.array_equal(witk.array_from_image(image), labels()[1:5])
    sr = subprocess.run([WITK, "dicom", "sr", str(DATA / "test-SR.dcm"), "--no-document-header"], capture_output=True)
    assert sr.returncode == 0 and b'<CONTAINER:(,,"Diagnosis")=SEPARATE>' in sr.stdout
