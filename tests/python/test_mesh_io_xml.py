"""mesh-io's XML formats against independent peers, both ways.

GIFTI (.gii): nibabel writes every encoding it has (ASCII, Base64Binary,
GZipBase64Binary; row- and column-major) and we read it, and ExternalFileBinary surfaces
(nibabel reads them, not writes them: made from its Base64Binary ones) read alike; we write (Base64Binary, and
GZipBase64Binary with use-compression) and nibabel reads it.

VTK XML PolyData (.vtp): no peer installed here reads or writes .vtp (meshio has .vtu,
trimesh neither, pyvista and VTK are not installed). meshio's .vtu reader and writer
share the VTK XML `<DataArray>` layer with .vtp (ascii, base64 binary with its header,
zlib blocks), so the check is made through it: meshio writes a .vtu, whose UnstructuredGrid
of triangles is moved, its DataArrays untouched, into a PolyData's <Polys> (the cell
`types` array dropped), and we read it; we write a .vtp, moved the other way into an
UnstructuredGrid (a `types` array added), and meshio reads it. The .vtp element structure
itself is checked natively in components/mesh-io/src/tests.rs against VTK's documented
layout (appended raw and base64 data, strips, vertices, lines).
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path
from typing import Any

import meshio
import nibabel as nib
import numpy as np
import pytest
import trimesh
import witk_mesh_io

import witk

TRIANGLE, POLYGON = 2, 4


def sphere() -> trimesh.Trimesh:
    """A noisy icosphere: 642 points, 1280 triangles, coordinates that are not round."""
    m = trimesh.creation.icosphere(subdivisions=3, radius=10.0)
    rng = np.random.default_rng(11)
    m.vertices = m.vertices + rng.normal(0, 0.05, m.vertices.shape)
    return m


def witk_mesh(points: np.ndarray, triangles: np.ndarray, kind: int, point_data: Any = None) -> witk.Mesh:
    cells = np.empty((len(triangles), 5), np.uint32)
    cells[:, 0], cells[:, 1], cells[:, 2:] = kind, 3, triangles
    if point_data is None:
        return witk.mesh_from_arrays(np.asarray(points, np.float32), cells.ravel())
    return witk.mesh_from_arrays(np.asarray(points, np.float32), cells.ravel(), point_data=point_data)


def cells_of(mesh: Any) -> list[tuple[int, tuple[int, ...]]]:
    """ITK's cell buffer as (type, point ids) pairs."""
    _, buf = witk.arrays_from_mesh(mesh)
    buf = [int(v) for v in buf]
    out, i = [], 0
    while i < len(buf):
        n = buf[i + 1]
        out.append((buf[i], tuple(buf[i + 2 : i + 2 + n])))
        i += 2 + n
    return out


# -- GIFTI with nibabel ----------------------------------------------------------------


def nibabel_surface(coords: np.ndarray, faces: np.ndarray, shape: np.ndarray, encoding: str, ordering: str):
    arrays = [
        nib.gifti.GiftiDataArray(coords, "NIFTI_INTENT_POINTSET", "NIFTI_TYPE_FLOAT32", encoding, ordering=ordering),
        nib.gifti.GiftiDataArray(faces, "NIFTI_INTENT_TRIANGLE", "NIFTI_TYPE_INT32", encoding, ordering=ordering),
        nib.gifti.GiftiDataArray(shape, "NIFTI_INTENT_SHAPE", "NIFTI_TYPE_FLOAT32", encoding, ordering=ordering),
    ]
    return nib.gifti.GiftiImage(darrays=arrays)


@pytest.mark.parametrize("encoding", ["ASCII", "Base64Binary", "GZipBase64Binary"])
@pytest.mark.parametrize("ordering", ["C", "F"])
def test_we_read_what_nibabel_writes(tmp_path: Path, encoding: str, ordering: str) -> None:
    s = sphere()
    coords, faces = s.vertices.astype(np.float32), s.faces.astype(np.int32)
    shape = np.linspace(-2, 3, len(coords)).astype(np.float32)
    path = tmp_path / "lh.pial.gii"
    nib.save(nibabel_surface(coords, faces, shape, encoding, ordering), path)
    assert f'Encoding="{encoding}"' in path.read_text()
    mesh = witk_mesh_io.read_mesh(path)
    points, _ = witk.arrays_from_mesh(mesh)
    if encoding == "ASCII":
        # nibabel prints float32 values with six decimals (and, column-major or not, as rows).
        np.testing.assert_allclose(np.asarray(points).reshape(-1, 3), coords, atol=2e-6)
        np.testing.assert_allclose(np.asarray(mesh.pointData), shape, atol=2e-6)
    else:
        np.testing.assert_array_equal(np.asarray(points).reshape(-1, 3), coords)
        np.testing.assert_array_equal(np.asarray(mesh.pointData), shape)
    assert cells_of(mesh) == [(TRIANGLE, tuple(t)) for t in faces.tolist()]
    assert mesh.numberOfPointPixels == len(coords)


@pytest.mark.parametrize("compression", [False, True])
def test_nibabel_reads_what_we_write(tmp_path: Path, compression: bool) -> None:
    s = sphere()
    coords, faces = s.vertices.astype(np.float32), s.faces.astype(np.int32)
    curvature = np.random.default_rng(3).normal(size=len(coords)).astype(np.float32)
    path = tmp_path / "ours.surf.gii"
    mesh = witk_mesh(coords, faces, TRIANGLE, point_data=curvature)
    witk_mesh_io.write_mesh(mesh, path, use_compression=compression)
    assert ('Encoding="GZipBase64Binary"' in path.read_text()) == compression
    img = nib.load(path)
    pointset = img.get_arrays_from_intent("NIFTI_INTENT_POINTSET")[0].data
    triangle = img.get_arrays_from_intent("NIFTI_INTENT_TRIANGLE")[0].data
    np.testing.assert_array_equal(pointset, coords)
    np.testing.assert_array_equal(triangle, faces)
    (data,) = [d.data for d in img.darrays if d.intent not in (1008, 1009)]  # not POINTSET, TRIANGLE
    np.testing.assert_array_equal(data, curvature)
    c2, f2 = img.agg_data(("pointset", "triangle"))
    np.testing.assert_array_equal(c2, coords)
    np.testing.assert_array_equal(f2, faces)


def external_gifti(gii: Path, folder: Path, data_name: str) -> None:
    """nibabel's Base64Binary surface at ``gii`` made ExternalFileBinary: every array's
    bytes go, one after another, into ``folder / data_name``, which the arrays name with
    their offsets (what GIFTI writers that keep data apart, e.g. for memory mapping, do)."""
    tree = ET.parse(gii)
    blob = bytearray()
    for da in tree.getroot().iter("DataArray"):
        data = da.find("Data")
        assert data is not None and da.get("Encoding") == "Base64Binary"
        raw = base64.b64decode(data.text or "")
        da.set("Encoding", "ExternalFileBinary")
        da.set("ExternalFileName", data_name)
        da.set("ExternalFileOffset", str(len(blob)))
        blob += raw
        data.text = ""
    (folder / data_name).parent.mkdir(parents=True, exist_ok=True)
    (folder / data_name).write_bytes(bytes(blob))
    tree.write(gii, xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize("data_name", ["lh.pial.dat", "data/lh.pial.dat"])
def test_we_read_external_file_binary_as_nibabel_does(tmp_path: Path, data_name: str) -> None:
    s = sphere()
    coords, faces = s.vertices.astype(np.float32), s.faces.astype(np.int32)
    shape = np.linspace(-2, 3, len(coords)).astype(np.float32)
    path = tmp_path / "lh.pial.gii"
    nib.save(nibabel_surface(coords, faces, shape, "Base64Binary", "C"), path)
    external_gifti(path, tmp_path, data_name)
    assert 'Encoding="ExternalFileBinary"' in path.read_text()
    # nibabel (its own reader, memory-mapping the data file) agrees the file is this surface.
    img = nib.load(path)
    np.testing.assert_array_equal(img.agg_data("pointset"), coords)
    np.testing.assert_array_equal(img.agg_data("triangle"), faces)
    for read in (witk_mesh_io.read_mesh, lambda p: witk_mesh_io.gifti_read_mesh(p)[1]):
        mesh = read(path)
        points, _ = witk.arrays_from_mesh(mesh)
        np.testing.assert_array_equal(np.asarray(points).reshape(-1, 3), coords)
        np.testing.assert_array_equal(np.asarray(mesh.pointData), shape)
        assert cells_of(mesh) == [(TRIANGLE, tuple(t)) for t in faces.tolist()]


def test_external_gifti_data_must_be_inside_the_surfaces_folder(tmp_path: Path) -> None:
    s = sphere()
    coords, faces = s.vertices.astype(np.float32), s.faces.astype(np.int32)
    inner = tmp_path / "inner"
    inner.mkdir()
    path = inner / "lh.gii"
    nib.save(nibabel_surface(coords, faces, coords[:, 0].copy(), "Base64Binary", "C"), path)
    external_gifti(path, tmp_path, "outside.dat")  # written beside the folder, not in it
    text = path.read_text().replace('ExternalFileName="outside.dat"', 'ExternalFileName="../outside.dat"')
    path.write_text(text)
    with pytest.raises(witk.InvalidArgumentError, match="outside the header's folder"):
        witk_mesh_io.read_mesh(path)
    # A symlink inside pointing out is refused the same way; a missing file is an OSError.
    (inner / "link.dat").symlink_to(tmp_path / "outside.dat")
    path.write_text(text.replace("../outside.dat", "link.dat"))
    with pytest.raises(witk.InvalidArgumentError, match="resolves to"):
        witk_mesh_io.read_mesh(path)
    path.write_text(text.replace("../outside.dat", "missing.dat"))
    with pytest.raises(FileNotFoundError):
        witk_mesh_io.read_mesh(path)


def test_gifti_polygons_of_three_points_are_written_as_triangles(tmp_path: Path) -> None:
    s = sphere()
    path = tmp_path / "p.gii"
    witk_mesh_io.write_mesh(witk_mesh(s.vertices, s.faces, POLYGON), path)
    np.testing.assert_array_equal(nib.load(path).agg_data("triangle"), s.faces)


# -- VTK XML PolyData through meshio's VTK XML arrays ----------------------------------


def vtu_to_vtp(vtu: bytes) -> bytes:
    """meshio's .vtu of triangles as a .vtp: the same DataArrays, in PolyData's places."""
    root = ET.fromstring(vtu)
    root.set("type", "PolyData")
    grid = root.find("UnstructuredGrid")
    assert grid is not None
    grid.tag = "PolyData"
    piece = grid.find("Piece")
    assert piece is not None
    piece.set("NumberOfPolys", piece.attrib.pop("NumberOfCells"))
    cells = piece.find("Cells")
    assert cells is not None
    cells.tag = "Polys"
    for a in list(cells):
        if a.get("Name") == "types":
            cells.remove(a)
    return ET.tostring(root)


def vtp_to_vtu(vtp: bytes, n_cells: int, vtk_type: int) -> bytes:
    """Our .vtp of polygons as a .vtu meshio reads: the same DataArrays, a types array added."""
    root = ET.fromstring(vtp)
    assert root.get("type") == "PolyData"
    root.set("type", "UnstructuredGrid")
    poly = root.find("PolyData")
    assert poly is not None
    poly.tag = "UnstructuredGrid"
    piece = poly.find("Piece")
    assert piece is not None
    piece.set("NumberOfCells", piece.attrib.pop("NumberOfPolys"))
    for k in ("NumberOfVerts", "NumberOfLines", "NumberOfStrips"):
        assert piece.attrib.pop(k) == "0"
    polys = piece.find("Polys")
    assert polys is not None
    polys.tag = "Cells"
    types = ET.SubElement(polys, "DataArray", type="UInt8", Name="types", format="ascii")
    types.text = " ".join([str(vtk_type)] * n_cells)
    return ET.tostring(root)


@pytest.mark.parametrize(
    ("binary", "compression"), [(False, None), (True, None), (True, "zlib")], ids=["ascii", "binary", "zlib"]
)
def test_we_read_meshios_vtk_xml_arrays(tmp_path: Path, binary: bool, compression: str | None) -> None:
    s = sphere()
    values = np.linspace(-1, 1, len(s.vertices))
    m = meshio.Mesh(s.vertices, [("triangle", s.faces)], point_data={"v": values})
    meshio.write(tmp_path / "m.vtu", m, binary=binary, compression=compression)
    vtu = (tmp_path / "m.vtu").read_bytes()
    if compression:
        assert b"vtkZLibDataCompressor" in vtu
    path = tmp_path / "m.vtp"
    path.write_bytes(vtu_to_vtp(vtu))
    mesh = witk_mesh_io.read_mesh(path)
    points, _ = witk.arrays_from_mesh(mesh)
    # meshio prints ASCII float64 with 11 decimals of mantissa; its binary arrays are exact.
    tol = {"rtol": 1e-10} if not binary else {"rtol": 0}
    np.testing.assert_allclose(np.asarray(points, np.float64).reshape(-1, 3), s.vertices, **tol)
    assert cells_of(mesh) == [(POLYGON, tuple(t)) for t in s.faces.tolist()]
    np.testing.assert_allclose(np.asarray(mesh.pointData), values, **tol)


@pytest.mark.parametrize(
    ("binary", "compression"), [(False, False), (True, False), (False, True)], ids=["ascii", "binary", "zlib"]
)
def test_meshio_reads_our_vtk_xml_arrays(tmp_path: Path, binary: bool, compression: bool) -> None:
    s = sphere()
    values = np.random.default_rng(5).normal(size=(len(s.vertices), 3)).astype(np.float32)
    mesh = witk_mesh(s.vertices, s.faces, POLYGON, point_data=values)
    mesh.meshType.pointPixelType = witk.PixelTypes.Vector
    path = tmp_path / "ours.vtp"
    witk_mesh_io.write_mesh(mesh, path, binary_file_type=binary, use_compression=compression)
    vtp = path.read_bytes()
    assert (b'format="ascii"' in vtp) == (not binary and not compression)
    (tmp_path / "ours.vtu").write_bytes(vtp_to_vtu(vtp, len(s.faces), 7))
    m = meshio.read(tmp_path / "ours.vtu")
    np.testing.assert_array_equal(m.points, s.vertices.astype(np.float32))
    polys = np.concatenate([c.data for c in m.cells])
    np.testing.assert_array_equal(polys, s.faces)
    (name,) = m.point_data
    np.testing.assert_array_equal(m.point_data[name], values)
    # And our own reader gives back the mesh and its vectors.
    back = witk_mesh_io.read_mesh(path)
    assert cells_of(back) == [(POLYGON, tuple(t)) for t in s.faces.tolist()]
    np.testing.assert_array_equal(np.asarray(back.pointData).reshape(-1, 3), values)
    assert back.meshType.pointPixelType == witk.PixelTypes.Vector


def test_vtp_point_sets(tmp_path: Path) -> None:
    s = sphere()
    path = tmp_path / "points.vtp"
    witk_mesh_io.write_mesh(witk_mesh(s.vertices, s.faces, POLYGON), path, binary_file_type=True)
    ps = witk_mesh_io.read_point_set(path)
    assert ps.numberOfPoints == len(s.vertices)
    np.testing.assert_array_equal(np.asarray(ps.points).reshape(-1, 3), s.vertices.astype(np.float32))


def test_per_format_functions(tmp_path: Path) -> None:
    s = sphere()
    mesh = witk_mesh(s.vertices, s.faces, TRIANGLE)
    witk_mesh_io.write_mesh(mesh, tmp_path / "m.gii")
    witk_mesh_io.write_mesh(mesh, tmp_path / "m.vtp")
    could, back = witk_mesh_io.gifti_read_mesh(tmp_path / "m.gii")
    assert could and back is not None and back.numberOfCells == len(s.faces)
    could, back = witk_mesh_io.vtk_xml_poly_data_read_mesh(tmp_path / "m.vtp")
    assert could and back is not None and back.numberOfCells == len(s.faces)
    assert witk_mesh_io.gifti_read_mesh(tmp_path / "m.vtp") == (False, None)
    assert witk_mesh_io.vtk_xml_poly_data_read_mesh(tmp_path / "m.gii") == (False, None)
    could, ps = witk_mesh_io.vtk_xml_poly_data_read_point_set(tmp_path / "m.vtp")
    assert could and ps is not None and ps.numberOfPoints == len(s.vertices)


# -- errors ----------------------------------------------------------------------------


def test_hostile_xml_files_raise_typed_errors(tmp_path: Path) -> None:
    point = (
        b'<GIFTI><DataArray Intent="NIFTI_INTENT_POINTSET" DataType="NIFTI_TYPE_FLOAT32" Dimensionality="2"'
        b' Dim1="3" Dim0='
    )
    bomb = base64.b64encode(zlib.compress(bytes(8 << 20)))
    invalid = {
        "cut.gii": b'<?xml version="1.0"?><GIFTI><DataArray Intent="NIFTI_INTENT_POINTSET"',
        "dim0.gii": point + b'"1000000000" Encoding="Base64Binary"><Data>AAAA</Data></DataArray></GIFTI>',
        "cut.vtp": b'<VTKFile type="PolyData"><PolyData><Piece NumberOfPoints="1"><Points>'
        b'<DataArray type="Float32" NumberOfComponents="3" format="binary">DAAAAAAA</DataArray></Points></Piece>'
        b"</PolyData></VTKFile>",
    }
    for name, data in invalid.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(witk.InvalidDataError):
            witk_mesh_io.read_mesh(tmp_path / name)
    # A zlib bomb: refused once it inflates past the 12 bytes Dim0 declares.
    (tmp_path / "bomb.gii").write_bytes(
        point + b'"1" Encoding="GZipBase64Binary"><Data>' + bomb + b"</Data></DataArray></GIFTI>"
    )
    with pytest.raises(witk.LimitExceededError):
        witk_mesh_io.read_mesh(tmp_path / "bomb.gii")
