"""Every pipeline package with nothing but NumPy beside witk's wheels: what the test
command also runs under CPython 3.9, 3.10, 3.12 and 3.13 in fresh venvs (scripts/
test-pythons.sh), so each Python gets round trips through every component, checked
against NumPy, and the typed errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from witk_compare_meshes import compare_meshes
from witk_dicom import read_dicom_tags, read_image_dicom_file_series
from witk_downsample import downsample_bin_shrink
from witk_image_io import read_image, write_image
from witk_mesh_io import read_mesh, write_mesh
from witk_mesh_to_poly_data import mesh_to_poly_data, poly_data_to_mesh
from witk_transform_io import read_transform, write_transform

import witk

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("ext", [".nrrd", ".nii.gz", ".mha", ".iwi.cbor"])
def test_image_io_round_trips(tmp_path: Path, ext: str) -> None:
    rng = np.random.default_rng(4)
    arr = rng.integers(-1000, 3000, size=(5, 6, 7), dtype=np.int16)
    image = witk.image_from_array(arr)
    image.spacing, image.origin = [0.5, 0.75, 2.0], [1.0, -2.0, 3.5]
    write_image(image, tmp_path / f"x{ext}")
    back = read_image(tmp_path / f"x{ext}")
    assert np.array_equal(witk.array_from_image(back), arr)
    assert np.allclose(back.spacing, image.spacing) and np.allclose(back.origin, image.origin)
    phantom = read_image(ROOT / "data" / "phantom.nrrd")
    assert witk.array_from_image(phantom).shape == (64, 64, 64)


def test_bin_shrink_is_the_block_mean() -> None:
    arr = np.arange(4 * 6 * 8, dtype=np.float32).reshape(4, 6, 8)
    out = downsample_bin_shrink(witk.image_from_array(arr), [2, 2, 2])
    expected = arr.reshape(2, 2, 3, 2, 4, 2).mean(axis=(1, 3, 5))
    assert np.allclose(witk.array_from_image(out), expected)


POINTS = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], np.float32)
TRIANGLES = np.array([2, 3, 0, 1, 2, 2, 3, 0, 1, 3, 2, 3, 1, 2, 3, 2, 3, 0, 2, 3], np.uint32)


@pytest.mark.parametrize("ext", [".stl", ".ply", ".vtk", ".obj", ".iwm.cbor"])
def test_mesh_io_round_trips_and_compares(tmp_path: Path, ext: str) -> None:
    mesh = witk.mesh_from_arrays(POINTS, TRIANGLES)
    write_mesh(mesh, tmp_path / f"m{ext}")
    back = read_mesh(tmp_path / f"m{ext}")
    points, cells = witk.arrays_from_mesh(back)
    assert np.allclose(np.asarray(points).reshape(-1, 3), POINTS)
    assert back.numberOfCells == 4
    # (PLY, VTK and OBJ read triangles back as polygons: compared with what was read.)
    assert compare_meshes(back, [witk.mesh_from_arrays(POINTS, np.asarray(cells))])[0]["almostEqual"]
    moved = np.array(POINTS)
    moved[0, 0] = 0.5
    assert not compare_meshes(witk.mesh_from_arrays(moved, np.asarray(cells)), [back])[0]["almostEqual"]
    poly = mesh_to_poly_data(back)
    again = poly_data_to_mesh(poly)
    assert again.numberOfPoints == 4 and again.numberOfCells == 4


@pytest.mark.parametrize("ext", [".tfm", ".h5", ".mat", ".iwt.cbor"])
def test_transform_io_round_trips(tmp_path: Path, ext: str) -> None:
    params = np.array([1.1, 0.1, 0, -0.2, 0.9, 0, 0, 0, 1.2, 5, -3, 2], np.float64)
    affine = witk.Transform(
        transformType=witk.TransformType("Affine"),
        numberOfFixedParameters=3,
        numberOfParameters=12,
        fixedParameters=np.array([1.0, 2.0, 3.0]),
        parameters=params,
    )
    write_transform([affine], tmp_path / f"t{ext}")
    back = read_transform(tmp_path / f"t{ext}")
    assert len(back) == 1 and back[0].transformType.transformParameterization.value == "Affine"
    assert np.allclose(np.asarray(back[0].parameters), params)
    assert np.allclose(np.asarray(back[0].fixedParameters), [1, 2, 3])


def test_dicom_errors_are_typed(tmp_path: Path) -> None:
    not_dicom = tmp_path / "x.dcm"
    not_dicom.write_bytes(b"not a DICOM file at all, just text" * 4)
    with pytest.raises(witk.InvalidDataError):
        read_dicom_tags(not_dicom)
    with pytest.raises(witk.InvalidDataError):
        read_image_dicom_file_series([not_dicom])
    with pytest.raises(witk.InvalidArgumentError):
        read_image_dicom_file_series([])
