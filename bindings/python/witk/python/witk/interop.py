"""Meshes to and from the objects people visualize and process them with: ``meshio.Mesh``
and PyVista's ``PolyData`` / ``UnstructuredGrid``; images from PyVista's ``ImageData`` and
xarray's ``DataArray`` (the image types itkwidgets takes besides NumPy and ITK's). The
imports are optional: each function imports its library when called.

ITK's cell types map to meshio's and VTK's by one table (``CELLS``); cells keep their order
(meshio gets one block per run of equal cells), and point and cell data their values.
"""

from __future__ import annotations

from typing import Any

from .arrays import arrays_from_mesh, image_from_array, mesh_from_arrays
from .spatial import Image, Mesh, MeshType, PixelTypes, PolyData, coerce

#: ITK cell type -> (meshio cell type, VTK cell type, fixed number of points or None).
CELLS: dict[int, tuple[str, int, int | None]] = {
    0: ("vertex", 1, 1),
    1: ("line", 3, 2),
    2: ("triangle", 5, 3),
    3: ("quad", 9, 4),
    4: ("polygon", 7, None),
    5: ("tetra", 10, 4),
    6: ("hexahedron", 12, 8),
    7: ("line3", 21, 3),
    8: ("triangle6", 22, 6),
    10: ("polyline", 4, None),
}
_FROM_MESHIO = {name: itk for itk, (name, _, _) in CELLS.items()}
_FROM_VTK = {vtk: itk for itk, (_, vtk, _) in CELLS.items()}


def _cells(mesh: Mesh) -> list[tuple[int, list[int]]]:
    _, buf = arrays_from_mesh(mesh)
    values = [int(v) for v in buf]
    out, i = [], 0
    while i < len(values):
        n = values[i + 1]
        out.append((values[i], values[i + 2 : i + 2 + n]))
        i += 2 + n
    return out


def _data(values: Any, count: int, components: int) -> Any:
    import numpy as np

    if values is None or count == 0:
        return None
    arr = np.asarray(values)
    return arr.reshape(count, components) if components > 1 else arr.reshape(count)


def _buffer(cells: list[tuple[int, list[int]]]) -> Any:
    import numpy as np

    flat: list[int] = []
    for kind, ids in cells:
        flat += [kind, len(ids), *ids]
    return np.asarray(flat, np.uint32)


def to_meshio(mesh: Any) -> Any:
    """A ``meshio.Mesh`` of a mesh (witk's or itkwasm's): one cell block per run of cells
    of one type (and, for polygons, one size), point and cell data as ``"point_data"`` and
    ``"cell_data"``. Polylines, which meshio has not, are an error."""
    import meshio

    m = coerce(Mesh, mesh)
    mt = m.meshType
    assert isinstance(mt, MeshType)
    points, _ = arrays_from_mesh(m)
    blocks: list[tuple[str, list[list[int]]]] = []
    for kind, ids in _cells(m):
        if kind not in CELLS or kind == 10:
            raise ValueError(f"meshio has no cell for ITK cell type {kind}")
        name = CELLS[kind][0]
        if blocks and blocks[-1][0] == name and len(blocks[-1][1][0]) == len(ids):
            blocks[-1][1].append(ids)
        else:
            blocks.append((name, [ids]))
    point_data = _data(m.pointData, m.numberOfPointPixels, mt.pointPixelComponents)
    cell_values = _data(m.cellData, m.numberOfCellPixels, mt.cellPixelComponents)
    cell_data = {}
    if cell_values is not None:
        split, at = [], 0
        for _, ids in blocks:
            split.append(cell_values[at : at + len(ids)])
            at += len(ids)
        cell_data["cell_data"] = split
    return meshio.Mesh(
        points,
        blocks,
        point_data={} if point_data is None else {"point_data": point_data},
        cell_data=cell_data,
    )


def from_meshio(m: Any) -> Mesh:
    """A :class:`Mesh` of a ``meshio.Mesh``: its cell blocks in order, its first point
    data array and first cell data array (as float or integer arrays of their dtype)."""
    import numpy as np

    cells: list[tuple[int, list[int]]] = []
    for block in m.cells:
        if block.type not in _FROM_MESHIO:
            raise ValueError(f"ITK has no cell for meshio's {block.type!r}")
        kind = _FROM_MESHIO[block.type]
        cells += [(kind, [int(i) for i in ids]) for ids in np.asarray(block.data)]
    point_data = next(iter(m.point_data.values()), None)
    cell_data = next(iter(m.cell_data.values()), None)
    if cell_data is not None:
        cell_data = np.concatenate([np.asarray(c) for c in cell_data])
    points = np.ascontiguousarray(m.points)
    if points.dtype not in (np.float32, np.float64):
        points = points.astype(np.float64)
    return mesh_from_arrays(points, _buffer(cells), point_data=point_data, cell_data=cell_data)


def _vtk_cells(cells: list[tuple[int, list[int]]]) -> tuple[Any, Any]:
    import numpy as np

    flat: list[int] = []
    types: list[int] = []
    for kind, ids in cells:
        if kind not in CELLS:
            raise ValueError(f"VTK has no cell for ITK cell type {kind}")
        flat += [len(ids), *ids]
        types.append(CELLS[kind][1])
    return np.asarray(flat, np.int64), np.asarray(types, np.uint8)


def _poly(points: Any) -> Any:
    """A ``pyvista.PolyData`` of the points alone (its constructor would add a vertex
    cell per point)."""
    import pyvista as pv

    out = pv.PolyData()
    out.points = points
    return out


def to_pyvista(data: Any) -> Any:
    """A PyVista dataset of a mesh or poly data: ``pyvista.PolyData`` for poly data, and
    for meshes whose cells are all vertices, lines and polygons; else
    ``pyvista.UnstructuredGrid``. Point and cell data become the arrays ``"point_data"``
    and ``"cell_data"``."""
    import numpy as np
    import pyvista as pv

    if isinstance(data, PolyData):
        p = data
        points = np.asarray(p.points, np.float32).reshape(-1, 3)
        out = _poly(points)
        for name, values in (
            ("verts", p.vertices),
            ("lines", p.lines),
            ("faces", p.polygons),
            ("strips", p.triangleStrips),
        ):
            if values is not None and len(values):
                setattr(out, name, np.asarray(values, np.int64))
        pt = p.polyDataType
        point_data = _data(p.pointData, p.numberOfPointPixels, pt.pointPixelComponents)
        cell_data = _data(p.cellData, p.numberOfCellPixels, pt.cellPixelComponents)
    else:
        m = coerce(Mesh, data)
        mt = m.meshType
        assert isinstance(mt, MeshType)
        points, _ = arrays_from_mesh(m)
        if points.shape[1] < 3:
            points = np.hstack([points, np.zeros((len(points), 3 - points.shape[1]), points.dtype)])
        cells = _cells(m)
        section = {0: 0, 1: 1, 10: 1, 2: 2, 3: 2, 4: 2}
        kinds = [section.get(k) for k, _ in cells]
        if all(k is not None for k in kinds) and kinds == sorted(kinds):  # type: ignore[type-var]
            # A surface in VTK's cell order (vertices, lines, polygons): PolyData keeps it.
            out = _poly(points)
            for s, name in ((0, "verts"), (1, "lines"), (2, "faces")):
                flat = [v for (k, ids), sk in zip(cells, kinds) if sk == s for v in (len(ids), *ids)]
                if flat:
                    setattr(out, name, np.asarray(flat, np.int64))
        else:
            flat, types = _vtk_cells(cells)
            out = pv.UnstructuredGrid(flat, types, points)
        point_data = _data(m.pointData, m.numberOfPointPixels, mt.pointPixelComponents)
        cell_data = _data(m.cellData, m.numberOfCellPixels, mt.cellPixelComponents)
    if point_data is not None:
        out.point_data["point_data"] = point_data
    if cell_data is not None:
        out.cell_data["cell_data"] = cell_data
    return out


def from_pyvista(dataset: Any) -> Mesh:
    """A :class:`Mesh` of a PyVista (or VTK) dataset with cells of ITK's kinds: its points,
    its cells in VTK's order, and its active (else first) point and cell arrays."""
    import numpy as np
    import pyvista as pv

    ds = pv.wrap(dataset)
    grid = ds.cast_to_unstructured_grid()
    types = np.asarray(grid.celltypes)
    conn = np.asarray(grid.cells)
    cells: list[tuple[int, list[int]]] = []
    at = 0
    for t in types:
        n = int(conn[at])
        ids = [int(i) for i in conn[at + 1 : at + 1 + n]]
        at += 1 + n
        if int(t) == 6:  # triangle strip: its triangles
            for j in range(n - 2):
                tri = [ids[j], ids[j + 1], ids[j + 2]] if j % 2 == 0 else [ids[j + 1], ids[j], ids[j + 2]]
                cells.append((2, tri))
            continue
        if int(t) == 8 and n == 4:  # pixel: a quadrilateral in ITK's point order
            cells.append((3, [ids[0], ids[1], ids[3], ids[2]]))
            continue
        if int(t) == 11 and n == 8:  # voxel: a hexahedron in ITK's point order
            cells.append((6, [ids[i] for i in (0, 1, 3, 2, 4, 5, 7, 6)]))
            continue
        if int(t) == 2:  # poly-vertex: its vertices
            cells += [(0, [i]) for i in ids]
            continue
        if int(t) not in _FROM_VTK:
            raise ValueError(f"ITK has no cell for VTK cell type {int(t)}")
        cells.append((_FROM_VTK[int(t)], ids))

    def first(arrays: Any) -> Any:
        if arrays.active_scalars_name is not None:
            return np.asarray(arrays[arrays.active_scalars_name])
        names = list(arrays.keys())
        return np.asarray(arrays[names[0]]) if names else None

    points = np.ascontiguousarray(ds.points)
    mesh = mesh_from_arrays(points, _buffer(cells), point_data=first(ds.point_data))
    cell_data = first(ds.cell_data)
    if cell_data is not None and len(cell_data) == len(cells):
        mesh = mesh_from_arrays(points, _buffer(cells), point_data=first(ds.point_data), cell_data=cell_data)
    mt = mesh.meshType
    assert isinstance(mt, MeshType)
    if mt.pointPixelComponents == 3:
        mt.pointPixelType = PixelTypes.Vector
    return mesh


def _image_with_geometry(values: Any, spacing: Any, origin: Any, direction: Any, is_vector: bool) -> Image:
    image = image_from_array(values, is_vector=is_vector)
    d = image.imageType.dimension
    image.spacing = [float(s) for s in spacing][:d]
    image.origin = [float(o) for o in origin][:d]
    image.direction = [float(x) for x in direction]
    return image


def image_from_pyvista(grid: Any) -> Image:
    """An :class:`Image` of a ``pyvista.ImageData`` (VTK image data): its active (else
    first) point array, x fastest as VTK stores it, with the grid's spacing, origin and
    direction matrix. A grid of one slice is a 2-D image."""
    import numpy as np

    arrays = grid.point_data
    name = arrays.active_scalars_name or next(iter(arrays.keys()), None)
    if name is None:
        raise ValueError("the ImageData has no point array to show")
    values = np.asarray(arrays[name])
    nx, ny, nz = (int(n) for n in grid.dimensions)
    components = 1 if values.ndim == 1 else int(values.shape[1])
    d = 2 if nz == 1 else 3
    shape = ((ny, nx) if d == 2 else (nz, ny, nx)) + ((components,) if components > 1 else ())
    direction = np.asarray(getattr(grid, "direction_matrix", np.eye(3)), dtype=np.float64)[:d, :d]
    return _image_with_geometry(values.reshape(shape), grid.spacing, grid.origin, direction.ravel(), components > 1)


def image_from_xarray(array: Any) -> Image:
    """An :class:`Image` of an ``xarray.DataArray`` with spatial-image's dimension names
    (``z``, ``y``, ``x``, optional ``c`` for components; any order): spacing and origin
    from the coordinates (their step and first value; 1 and 0 without coordinates), the
    identity direction."""
    import numpy as np

    spatial = [d for d in ("z", "y", "x") if d in array.dims]
    extra = [d for d in array.dims if d not in spatial and d != "c"]
    if not spatial or extra:
        raise ValueError(f"a DataArray with dimensions {array.dims}: images have x, y, z (and c) dimensions")
    order = spatial + (["c"] if "c" in array.dims else [])
    array = array.transpose(*order)

    def step(d: str) -> tuple[float, float]:
        if d not in array.coords or array.sizes[d] == 0:
            return 1.0, 0.0
        c = np.asarray(array.coords[d], dtype=np.float64)
        return (float(c[1] - c[0]) if len(c) > 1 else 1.0), float(c[0])

    geometry = [step(d) for d in reversed(spatial)]  # x first
    d = len(spatial)
    return _image_with_geometry(
        np.asarray(array.values),
        [s for s, _ in geometry],
        [o for _, o in geometry],
        np.eye(d).ravel(),
        "c" in array.dims,
    )
