"""mesh-io against independent readers and writers, both ways: meshio and trimesh (VTK,
STL, OBJ, OFF, PLY), nibabel (FreeSurfer surfaces) and ITK-Wasm's own itkwasm-mesh-io
(.iwm.cbor bytes, and the formats both have)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import itkwasm
import itkwasm_mesh_io
import meshio
import nibabel.freesurfer
import numpy as np
import pytest
import trimesh
import witk_mesh_io

import witk

TRIANGLE, POLYGON = 2, 4


def sphere() -> trimesh.Trimesh:
    """A noisy icosphere: 642 points, 1280 triangles, coordinates that are not round."""
    m = trimesh.creation.icosphere(subdivisions=3, radius=10.0)
    rng = np.random.default_rng(7)
    m.vertices = m.vertices + rng.normal(0, 0.05, m.vertices.shape)
    return m


def witk_mesh(points: np.ndarray, triangles: np.ndarray, kind: int = POLYGON) -> witk.Mesh:
    cells = np.empty((len(triangles), 5), np.uint32)
    cells[:, 0], cells[:, 1], cells[:, 2:] = kind, 3, triangles
    return witk.mesh_from_arrays(np.asarray(points, np.float32), cells.ravel())


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


def triangle_coordinates(points: np.ndarray, triangles: Any) -> np.ndarray:
    """Triangles as rows of their corners' coordinates, independent of point order and
    of the order of triangles and corners: compare two with `same_triangles`."""
    p = np.asarray(points, np.float32).astype(np.float64)
    corners = p[np.asarray(list(triangles), np.int64)]  # (n, 3, 3)
    corners = np.array([sorted(map(tuple, t)) for t in corners])
    rows = corners.reshape(len(corners), 9)
    return rows[np.lexsort(rows.T[::-1])]


def same_triangles(a: np.ndarray, b: np.ndarray, atol: float = 0.0) -> bool:
    """Whether two `triangle_coordinates` agree; `atol` for text formats printed with
    fewer digits than float32 has (trimesh's OBJ, ITK's STL)."""
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=0, atol=atol))


def witk_triangles(mesh: Any) -> tuple[np.ndarray, list[tuple[int, ...]]]:
    points, _ = witk.arrays_from_mesh(mesh)
    return points, [ids for _, ids in cells_of(mesh)]


# -- meshio and trimesh read what we write ---------------------------------------------


# meshio reads no VTK POLYDATA (what ITK, and so we, write for surfaces): itkwasm-mesh-io
# checks that below, and meshio our UNSTRUCTURED_GRID files (volume cells).
@pytest.mark.parametrize(
    ("name", "binary"),
    [("m.stl", False), ("m.stl", True), ("m.obj", False), ("m.off", False), ("m.ply", False), ("m.ply", True)],
)
def test_meshio_reads_what_we_write(tmp_path: Path, name: str, binary: bool) -> None:
    s = sphere()
    path = tmp_path / name
    witk_mesh_io.write_mesh(witk_mesh(s.vertices, s.faces), path, binary_file_type=binary)
    m = meshio.read(path)
    tri = np.concatenate([c.data for c in m.cells if c.type == "triangle"])
    assert len(tri) == len(s.faces)
    assert same_triangles(triangle_coordinates(m.points, tri), triangle_coordinates(s.vertices, s.faces))


@pytest.mark.parametrize(("name", "binary"), [("m.stl", False), ("m.stl", True), ("m.ply", False), ("m.ply", True)])
def test_trimesh_reads_what_we_write(tmp_path: Path, name: str, binary: bool) -> None:
    s = sphere()
    path = tmp_path / name
    witk_mesh_io.write_mesh(witk_mesh(s.vertices, s.faces), path, binary_file_type=binary)
    t = trimesh.load(path, process=False)
    assert same_triangles(triangle_coordinates(t.vertices, t.faces), triangle_coordinates(s.vertices, s.faces))
    # Merged, as trimesh loads by default: every edge shared by two triangles.
    assert trimesh.load(path).is_watertight


# -- we read what meshio and trimesh write ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("m.vtk", {"binary": False}),
        ("m.vtk", {"binary": True}),
        ("m.stl", {"binary": False}),
        ("m.stl", {"binary": True}),
        ("m.obj", {}),
        ("m.off", {}),
        ("m.ply", {"binary": False}),
        ("m.ply", {"binary": True}),
    ],
)
def test_we_read_what_meshio_writes(tmp_path: Path, name: str, kwargs: dict[str, Any]) -> None:
    s = sphere()
    path = tmp_path / name
    values = np.linspace(-1, 1, len(s.vertices)).astype(np.float32)
    point_data = {"v": values} if name.endswith((".vtk", ".ply")) else {}
    meshio.write(path, meshio.Mesh(s.vertices, [("triangle", s.faces)], point_data=point_data), **kwargs)
    mesh = witk_mesh_io.read_mesh(path)
    points, tris = witk_triangles(mesh)
    assert same_triangles(triangle_coordinates(points, tris), triangle_coordinates(s.vertices, s.faces), atol=1e-5)
    if point_data:
        assert mesh.numberOfPointPixels == len(s.vertices)
        np.testing.assert_allclose(np.asarray(mesh.pointData, np.float64).ravel(), values, rtol=1e-6)


@pytest.mark.parametrize("ext", ["stl", "ply", "obj", "off"])
def test_we_read_what_trimesh_writes(tmp_path: Path, ext: str) -> None:
    s = sphere()
    path = tmp_path / f"m.{ext}"
    s.export(path)
    points, tris = witk_triangles(witk_mesh_io.read_mesh(path))
    assert same_triangles(triangle_coordinates(points, tris), triangle_coordinates(s.vertices, s.faces), atol=1e-5)


def test_ply_vertex_colours_from_trimesh(tmp_path: Path) -> None:
    s = sphere()
    colours = np.random.default_rng(1).integers(0, 256, (len(s.vertices), 4), dtype=np.uint8)
    s.visual.vertex_colors = colours
    s.export(tmp_path / "c.ply")
    mesh = witk_mesh_io.read_mesh(tmp_path / "c.ply")
    assert mesh.meshType.pointPixelType == witk.PixelTypes.RGBA
    assert mesh.meshType.pointPixelComponentType == "uint8"
    np.testing.assert_array_equal(np.asarray(mesh.pointData).reshape(-1, 4), colours)
    # And back: trimesh reads our colours.
    witk_mesh_io.write_mesh(mesh, tmp_path / "back.ply", binary_file_type=True)
    t = trimesh.load(tmp_path / "back.ply", process=False)
    np.testing.assert_array_equal(t.visual.vertex_colors, colours)


def test_vtk_point_and_cell_data_both_ways(tmp_path: Path) -> None:
    s = sphere()
    pv = np.random.default_rng(2).normal(size=(len(s.vertices), 3)).astype(np.float32)
    cv = np.arange(len(s.faces), dtype=np.float32)
    cells = np.empty((len(s.faces), 5), np.uint32)
    cells[:, 0], cells[:, 1], cells[:, 2:] = POLYGON, 3, s.faces
    mesh = witk.mesh_from_arrays(s.vertices.astype(np.float32), cells.ravel(), point_data=pv, cell_data=cv)
    mesh.meshType.pointPixelType = witk.PixelTypes.Vector
    for binary in (False, True):
        path = tmp_path / f"d{binary}.vtk"
        witk_mesh_io.write_mesh(mesh, path, binary_file_type=binary)
        # ITK reads our POLYDATA (meshio reads none). Not its cell data: ITK-Wasm 1.7's
        # mesh IO hands back the point data's values as cell data (its CBOR writer sizes
        # and fills cell data from the point data), so meshio checks cell data below.
        m = itkwasm_mesh_io.read_mesh(path)
        np.testing.assert_array_equal(np.asarray(m.pointData).reshape(-1, 3), pv)
        assert m.numberOfCellPixels == len(cv)
        back = witk_mesh_io.read_mesh(path)
        np.testing.assert_array_equal(np.asarray(back.pointData).reshape(-1, 3), pv)
        np.testing.assert_array_equal(np.asarray(back.cellData), cv)
    # meshio's point and cell data in an unstructured grid reach us too.
    path = tmp_path / "meshio.vtk"
    meshio.write(path, meshio.Mesh(s.vertices, [("triangle", s.faces)], point_data={"p": pv}, cell_data={"c": [cv]}))
    back = witk_mesh_io.read_mesh(path)
    np.testing.assert_array_equal(np.asarray(back.pointData).reshape(-1, 3), pv)
    np.testing.assert_array_equal(np.asarray(back.cellData), cv)


def test_unstructured_grid_with_volume_cells_from_meshio(tmp_path: Path) -> None:
    points = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]], float)
    cells = [("tetra", np.array([[0, 1, 3, 4]])), ("hexahedron", np.array([[0, 1, 2, 3, 4, 5, 6, 7]]))]
    for version in ("4.2", "5.1"):
        path = tmp_path / f"g{version}.vtk"
        meshio.write(path, meshio.Mesh(points, cells), file_format=f"vtk{version.replace('.', '')}", binary=False)
        mesh = witk_mesh_io.read_mesh(path)
        assert cells_of(mesh) == [(5, (0, 1, 3, 4)), (6, tuple(range(8)))]
        # Written back as an unstructured grid (tetrahedra cannot be polydata); meshio agrees.
        witk_mesh_io.write_mesh(mesh, tmp_path / "back.vtk")
        back = meshio.read(tmp_path / "back.vtk")
        assert [c.type for c in back.cells] == ["tetra", "hexahedron"]


# -- nibabel: FreeSurfer surfaces ------------------------------------------------------


def test_freesurfer_surfaces_with_nibabel(tmp_path: Path) -> None:
    s = sphere()
    coords, faces = s.vertices.astype(np.float32), s.faces.astype(np.int32)
    nibabel.freesurfer.write_geometry(tmp_path / "lh.pial", coords, faces)
    mesh = witk_mesh_io.read_mesh(tmp_path / "lh.pial")  # no extension: by its magic
    points, tris = witk_triangles(mesh)
    np.testing.assert_array_equal(points, coords)
    assert tris == [tuple(t) for t in faces.tolist()]
    witk_mesh_io.write_mesh(mesh, tmp_path / "back.fsb")
    c2, f2 = nibabel.freesurfer.read_geometry(tmp_path / "back.fsb")
    np.testing.assert_array_equal(c2, coords)
    np.testing.assert_array_equal(f2, faces)


# -- ITK-Wasm's itkwasm-mesh-io --------------------------------------------------------


def itkwasm_mesh(points: np.ndarray, triangles: np.ndarray, point_data: np.ndarray) -> itkwasm.Mesh:
    cells = np.empty((len(triangles), 5), np.uint32)
    cells[:, 0], cells[:, 1], cells[:, 2:] = POLYGON, 3, triangles
    mt = itkwasm.MeshType(dimension=3, pointComponentType="float32", cellComponentType="uint32")
    mt.pointPixelComponentType, mt.pointPixelComponents = "float32", 1
    mt.cellPixelComponentType, mt.cellPixelComponents = "float32", 1
    return itkwasm.Mesh(
        meshType=mt,
        numberOfPoints=len(points),
        points=np.asarray(points, np.float32).ravel(),
        numberOfPointPixels=len(point_data),
        pointData=point_data,
        numberOfCells=len(triangles),
        cells=cells.ravel(),
        cellBufferSize=cells.size,
        numberOfCellPixels=0,
        cellData=np.zeros(0, np.float32),
    )


@pytest.mark.parametrize("ext", ["iwm.cbor", "iwm.cbor.zst"])
def test_iwm_cbor_interchange_with_itkwasm(tmp_path: Path, ext: str) -> None:
    s = sphere()
    mesh = itkwasm_mesh(s.vertices, s.faces, np.linspace(0, 1, len(s.vertices)).astype(np.float32))
    theirs, ours = tmp_path / f"theirs.{ext}", tmp_path / f"ours.{ext}"
    itkwasm_mesh_io.write_mesh(mesh, theirs)
    witk_mesh_io.write_mesh(mesh, ours)
    if ext == "iwm.cbor":
        assert ours.read_bytes() == theirs.read_bytes()
    for path in (theirs, ours):
        for m in (witk_mesh_io.read_mesh(path), itkwasm_mesh_io.read_mesh(path)):
            np.testing.assert_array_equal(np.asarray(m.points), mesh.points)
            np.testing.assert_array_equal(np.asarray(m.cells), mesh.cells)
            np.testing.assert_array_equal(np.asarray(m.pointData), mesh.pointData)


@pytest.mark.parametrize("ext", ["vtk", "stl", "off", "byu", "fsa", "fsb", "mz3"])
def test_we_read_what_itkwasm_writes(tmp_path: Path, ext: str) -> None:
    s = sphere()
    mesh = itkwasm_mesh(s.vertices, s.faces, np.linspace(0, 1, len(s.vertices)).astype(np.float32))
    path = tmp_path / f"m.{ext}"
    itkwasm_mesh_io.write_mesh(mesh, path)
    points, tris = witk_triangles(witk_mesh_io.read_mesh(path))
    assert same_triangles(triangle_coordinates(points, tris), triangle_coordinates(s.vertices, s.faces), atol=1e-3)


@pytest.mark.parametrize("ext", ["vtk", "stl", "off", "byu", "fsa", "fsb", "mz3"])
def test_itkwasm_reads_what_we_write(tmp_path: Path, ext: str) -> None:
    s = sphere()
    path = tmp_path / f"m.{ext}"
    kind = TRIANGLE if ext in ("stl", "fsa", "fsb", "mz3") else POLYGON
    witk_mesh_io.write_mesh(witk_mesh(s.vertices, s.faces, kind), path)
    m = itkwasm_mesh_io.read_mesh(path)
    points = np.asarray(m.points).reshape(-1, 3)
    buf = np.asarray(m.cells).reshape(-1, 5)
    assert same_triangles(
        triangle_coordinates(points, buf[:, 2:]), triangle_coordinates(s.vertices, s.faces), atol=1e-6
    )


# -- errors ----------------------------------------------------------------------------


def test_hostile_files_raise_typed_errors(tmp_path: Path) -> None:
    cases = {
        "count.stl": b"\0" * 80 + (10**6).to_bytes(4, "little") + b"\0" * 50,
        "ids.off": b"OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 99\n",
        "huge.ply": b"ply\nformat binary_little_endian 1.0\nelement vertex 4000000000\nproperty float x\nend_header\n",
        "trunc.vtk": b"# vtk DataFile Version 4.2\nt\nBINARY\nDATASET POLYDATA\nPOINTS 1000 float\n\0\0\0",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises((witk.InvalidDataError, witk.LimitExceededError)):
            witk_mesh_io.read_mesh(tmp_path / name)
    # The pipeline is still good after each failure.
    s = sphere()
    witk_mesh_io.write_mesh(witk_mesh(s.vertices, s.faces), tmp_path / "ok.ply")
    assert witk_mesh_io.read_mesh(tmp_path / "ok.ply").numberOfCells == len(s.faces)
    with pytest.raises(witk.UnsupportedError):
        witk_mesh_io.write_mesh(witk_mesh(s.vertices, s.faces), tmp_path / "m.unknown")


@pytest.mark.parametrize(
    ("ext", "binary"),
    [("vtk", True), ("vtk", False), ("vtp", True), ("stl", True), ("ply", True), ("ply", False), ("obj", False)]
    + [("off", False), ("gii", False), ("fsb", False), ("mz3", False), ("swc", False), ("iwm.cbor", False)]
    + [("iwm.cbor.zst", False)],
)
def test_corrupted_files_are_errors_never_traps(tmp_path: Path, ext: str, binary: bool) -> None:
    """Byte positions of a real file overwritten in turn (counts, offsets, headers): a
    consistent mesh or a typed error, never a trap; the pipeline stays usable."""
    s = trimesh.creation.icosphere(subdivisions=1)
    kind = TRIANGLE if ext in ("stl", "fsb", "mz3", "gii") else POLYGON
    mesh = witk_mesh(s.vertices, s.faces, kind)
    if ext == "swc":
        lines = np.array([[1, 2, i, i + 1] for i in range(len(s.vertices) - 1)], np.uint32).ravel()
        mesh = witk.mesh_from_arrays(np.asarray(s.vertices, np.float32), lines)
    source = tmp_path / f"src.{ext}"
    witk_mesh_io.write_mesh(mesh, source, binary_file_type=binary)
    data = source.read_bytes()
    bad = tmp_path / f"bad.{ext}"
    step = max(1, len(data) // 300)
    for at in range(0, len(data), step):
        for value in (0x00, 0xFF, 0x39):
            corrupted = bytearray(data)
            corrupted[at] = value
            bad.write_bytes(bytes(corrupted))
            try:
                witk_mesh_io.read_mesh(bad)
            except witk.TrapError as e:  # pragma: no cover - the failure this test exists for
                raise AssertionError(f"byte {at} = {value:#x}: a trap: {e}") from e
            except witk.PipelineError:
                pass
    assert witk_mesh_io.read_mesh(source).numberOfPoints == mesh.numberOfPoints
