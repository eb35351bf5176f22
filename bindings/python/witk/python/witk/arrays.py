"""NumPy conversions for the data model (NumPy is imported on first use only)."""

from __future__ import annotations

import dataclasses
import re
import struct
from collections.abc import Iterator
from typing import Any, NamedTuple

from .component_types import STORAGE, ComponentType, FloatTypes, IntTypes, PixelTypes, component_type, pixel_type
from .spatial import (
    Image,
    ImageRegion,
    ImageType,
    Mesh,
    MeshType,
    PointSet,
    PointSetType,
    PolyData,
    PolyDataType,
    Transform,
    TransformType,
    coerce,
    transform_parameterization,
)

_DTYPES = {name: storage.dtype for name, storage in STORAGE.items()}


def dtype_of(ctype: Any) -> Any:
    """The NumPy dtype of a component type."""
    import numpy as np

    return np.dtype(_DTYPES[component_type(ctype).value])


def component_type_of(dtype: Any) -> ComponentType:
    """The component type of a NumPy dtype; raises ``TypeError`` for others (complex,
    object, big-endian...)."""
    import numpy as np

    dt = np.dtype(dtype)
    for name, code in _DTYPES.items():
        if dt == np.dtype(code):
            return IntTypes(name) if name[0] in "iu" else FloatTypes(name)
    raise TypeError(f"dtype {dt} has no witk component type; use one of {', '.join(_DTYPES)} (little-endian)")


# memoryview / array.array formats of the component types (native sizes), for pixel
# buffers where NumPy is not installed (Pyodide without NumPy).
BUFFER_FORMATS = {name: storage.buffer_format for name, storage in STORAGE.items()}


def numpy_if_installed() -> Any:
    """NumPy, or None where it is not installed (Pyodide before `micropip.install("numpy")`)."""
    try:
        import numpy

        return numpy
    except ImportError:
        return None


# An empty buffer as ITK-Wasm's Python gives it: "data:application/vnd.itk.address,<at>:0".
ITKWASM_EMPTY = re.compile(r"data:application/vnd\.itk\.address,\d+:0")


def pixel_bytes(
    data: Any, ctype: Any, what: str = "image data", declared: str = "its imageType", raw_arrays: bool = True
) -> memoryview:
    """Pixel data of component type ``ctype`` as a flat memoryview of its bytes in C
    order, a view when the data is C-contiguous: a NumPy array of that dtype (or raw
    ``uint8`` when ``raw_arrays``), any buffer with that item size (``array.array``,
    memoryview), raw bytes, or a list of numbers. ``TypeError`` for data of another type,
    naming the data (``what``) and where its type is declared (``declared``)."""
    ctype = component_type(ctype).value
    fmt = BUFFER_FORMATS[ctype]
    np = numpy_if_installed()
    if isinstance(data, str) and ITKWASM_EMPTY.fullmatch(data):
        # ITK-Wasm's Python returns an empty buffer as its address string, length 0
        # (its mesh-to-poly-data's pointData and cellData, for one).
        return memoryview(b"")
    if np is not None and isinstance(data, np.ndarray):
        dtype = dtype_of(ctype)
        raw_bytes = raw_arrays and data.dtype == np.uint8 and data.ndim == 1 and data.nbytes % dtype.itemsize == 0
        # An empty array has no values to misread: ITK-Wasm makes its unused buffers
        # (a poly data's triangleStrips, say) empty float32 arrays whatever their type.
        if data.size == 0:
            return memoryview(b"")
        if data.dtype != dtype and not raw_bytes:
            raise TypeError(f"{what} is {data.dtype} but {declared} says {ctype}")
    elif isinstance(data, (list, tuple)):
        import array

        data = array.array(fmt, data)
    view = memoryview(data)
    raw = view.format.lstrip("<=@") in ("B", "b", "c")
    itemsize = struct.calcsize(fmt)
    if (raw and view.nbytes % itemsize) or (not raw and view.itemsize != itemsize):
        raise TypeError(f"{what} has {view.itemsize}-byte items ({view.format!r}) but {declared} says {ctype}")
    if not view.c_contiguous:
        view = memoryview(view.tobytes())
    return view if view.ndim == 1 and view.format == "B" else view.cast("B")


def pixels_from_bytes(buffer: Any, ctype: Any, shape: tuple[int, ...], use_numpy: bool | None = None) -> Any:
    """Pixels held in ``buffer`` (a bytes-like object, viewed, not copied) as a NumPy
    array of component type ``ctype`` shaped ``shape``, or, without NumPy (or with
    ``use_numpy=False``), a memoryview of the component type with that shape."""
    ctype = component_type(ctype).value
    fmt = BUFFER_FORMATS[ctype]
    flat = memoryview(buffer).cast("B")
    count = 1
    for n in shape:
        count *= n
    if count * struct.calcsize(fmt) != flat.nbytes:
        raise ValueError(f"pixel buffer holds {flat.nbytes} bytes; shape {list(shape)} of {ctype} needs more or fewer")
    np = numpy_if_installed() if use_numpy is not False else None
    if np is not None:
        return np.frombuffer(flat, dtype=dtype_of(ctype)).reshape(shape)
    # memoryview cannot take a shape with a zero in it: an empty image stays flat.
    return flat.cast(fmt, list(shape)) if count and len(shape) > 1 else flat.cast(fmt)


class TypedRecord(NamedTuple):
    """How a record carried with typed buffers is laid out (see :data:`TYPED_BUFFERS`)."""

    type_field: str
    """The field holding the record's type (``meshType``)."""
    type_cls: type
    """That type's class (:class:`MeshType`)."""
    buffers: dict[str, str]
    """Each buffer's field, with the field of the type declaring its component type
    (``pointComponentType``), or a component type's name (``float32``) for a WIT list of
    one number type (``points: list<f32>``)."""
    required: frozenset[str] = frozenset()
    """Buffers the WIT does not make optional: ``None`` (the dataclasses' default) is
    passed as an empty buffer."""


# The records carried with typed buffers besides images (meshes, point sets, poly data,
# transforms). witk.convert and witk.pyodide convert them field by field from this table,
# each into its own binding's values.
TYPED_BUFFERS: dict[type, TypedRecord] = {
    Mesh: TypedRecord(
        "meshType",
        MeshType,
        {
            "points": "pointComponentType",
            "pointData": "pointPixelComponentType",
            "cells": "cellComponentType",
            "cellData": "cellPixelComponentType",
        },
    ),
    PointSet: TypedRecord(
        "pointSetType",
        PointSetType,
        {"points": "pointComponentType", "pointData": "pointPixelComponentType"},
    ),
    PolyData: TypedRecord(
        "polyDataType",
        PolyDataType,
        {
            "points": "float32",
            "vertices": "uint32",
            "lines": "uint32",
            "polygons": "uint32",
            "triangleStrips": "uint32",
            "pointData": "pointPixelComponentType",
            "cellData": "cellPixelComponentType",
        },
        frozenset({"points"}),
    ),
    Transform: TypedRecord(
        "transformType",
        TransformType,
        {"fixedParameters": "float64", "parameters": "parametersValueType"},
        frozenset({"fixedParameters", "parameters"}),
    ),
}


def buffer_type(cls: type, rtype: Any, name: str) -> tuple[str, str]:
    """The component type (its WIT name) of the buffer ``name`` of a record of ``cls``
    whose type is ``rtype``, and where that is declared (for error messages)."""
    layout = TYPED_BUFFERS[cls]
    spec = layout.buffers[name]
    if spec in STORAGE:
        return spec, f"the {cls.__name__} record (a list of {spec})"
    return component_type(getattr(rtype, spec)).value, f"its {layout.type_field}.{spec}"


# What a record type's field holds, by its annotation.
_TYPE_FIELD_KINDS = {
    "ComponentType": "component",
    "FloatTypes": "component",
    "PixelTypes": "pixel",
    "TransformParameterizations": "parameterization",
}


def record_type_fields(rtype: Any) -> Iterator[tuple[str, str, Any]]:
    """The fields of a record's type (a MeshType, a TransformType) as ``(name, kind,
    value)``: ``kind`` ``"component"`` (value a ComponentType), ``"pixel"`` (a PixelTypes),
    ``"parameterization"`` (a TransformParameterizations) or ``"int"``."""
    for f in dataclasses.fields(rtype):
        value = getattr(rtype, f.name)
        kind = _TYPE_FIELD_KINDS.get(str(f.type), "int")
        if kind == "component":
            yield f.name, kind, component_type(value)
        elif kind == "pixel":
            yield f.name, kind, pixel_type(value)
        elif kind == "parameterization":
            yield f.name, kind, transform_parameterization(value)
        else:
            yield f.name, kind, int(value)


def record_fields(cls: type, value: Any) -> Iterator[tuple[str, str, Any, str | None]]:
    """The fields of a record of :data:`TYPED_BUFFERS` (witk's, itkwasm's or a dict of its
    fields) as ``(name, kind, value, ctype)``, ``kind`` one of ``"type"`` (value the
    record's type, see :func:`record_type_fields`), ``"buffer"`` (value the flat bytes of
    the data, see :func:`pixel_bytes`, or None; ``ctype`` its component type's name),
    ``"metadata"`` (a dict), ``"str"`` and ``"int"``. ``TypeError``, naming the field, for
    a buffer of another type than the record's type (or the WIT) declares."""
    record = coerce(cls, value)
    layout = TYPED_BUFFERS[cls]
    rtype = coerce(layout.type_cls, getattr(record, layout.type_field))
    for f in dataclasses.fields(record):  # type: ignore[arg-type]
        v = getattr(record, f.name)
        if f.name == layout.type_field:
            yield f.name, "type", rtype, None
        elif f.name in layout.buffers:
            ctype, declared = buffer_type(cls, rtype, f.name)
            if v is None and f.name in layout.required:
                v = b""
            data = None if v is None else pixel_bytes(v, ctype, f"{cls.__name__}.{f.name}", declared, raw_arrays=False)
            yield f.name, "buffer", data, ctype
        elif f.name == "metadata":
            yield f.name, "metadata", dict(v), None
        elif str(f.type) == "str":
            yield f.name, "str", str(v), None
        else:
            yield f.name, "int", int(v), None


def record_from_fields(cls: type, fields: dict[str, Any]) -> Any:
    """A record of :data:`TYPED_BUFFERS` from its fields by name, its type as a dict of
    the type's fields (component and pixel types and parameterizations by ITK-Wasm's names)."""
    layout = TYPED_BUFFERS[cls]
    rtype = layout.type_cls(**fields[layout.type_field])
    for name, _, value in record_type_fields(rtype):
        setattr(rtype, name, value)
    return cls(**{**fields, layout.type_field: rtype})


def buffer_from_bytes(buffer: Any, ctype: str) -> Any:
    """A record's buffer held in ``buffer`` (bytes-like, viewed, not copied) as a flat
    NumPy array of component type ``ctype`` (without NumPy, a typed memoryview)."""
    nbytes = memoryview(buffer).nbytes
    itemsize = struct.calcsize(BUFFER_FORMATS[ctype])
    if nbytes % itemsize:
        raise ValueError(f"a {ctype} buffer of {nbytes} bytes is not a whole number of values")
    return pixels_from_bytes(buffer, ctype, (nbytes // itemsize,))


def image_from_array(arr: Any, is_vector: bool = False, image_type: ImageType | None = None) -> Image:
    """An :class:`Image` whose pixel data is ``arr`` (not copied when it is a C-contiguous
    array). NumPy's last axis is the image's first (x): shape ``(z, y, x)`` or, with
    ``is_vector``, ``(z, y, x, components)``."""
    import numpy as np

    arr = np.asarray(arr)
    dimension = arr.ndim - 1 if is_vector else arr.ndim
    if dimension < 1:
        raise ValueError(f"an image needs at least one spatial axis; got shape {arr.shape}")
    if image_type is None:
        image_type = ImageType(
            dimension=dimension,
            componentType=component_type_of(arr.dtype),
            pixelType=PixelTypes.VariableLengthVector if is_vector else PixelTypes.Scalar,
            components=int(arr.shape[-1]) if is_vector else 1,
        )
    size = [int(s) for s in arr.shape[:dimension][::-1]]
    return Image(
        imageType=image_type,
        size=size,
        data=np.ascontiguousarray(arr),
        bufferedRegion=ImageRegion(index=[0] * dimension, size=list(size)),
    )


def array_from_image(image: Any) -> Any:
    """The pixel data of an image (witk's or itkwasm's) as a NumPy array shaped
    ``(z, y, x)`` or ``(z, y, x, components)``; a view when possible."""
    import numpy as np

    image = coerce(Image, image)
    if image.data is None:
        raise ValueError("the image has no pixel data (it was read with information_only)")
    itype = image.imageType
    assert isinstance(itype, ImageType)
    region = image.bufferedRegion
    size = list(region.size if isinstance(region, ImageRegion) and region.size else image.size)
    shape: tuple[int, ...] = tuple(int(s) for s in size[::-1])
    if itype.components > 1:
        shape += (itype.components,)
    data = np.asarray(image.data)
    if data.dtype == np.uint8 and itype.componentType != IntTypes.UInt8 and data.ndim == 1:
        data = data.view(dtype_of(itype.componentType))
    count = int(np.prod(shape))
    if data.size != count:
        raise ValueError(f"pixel buffer holds {data.size} values; size {size} x {itype.components} needs {count}")
    return data.reshape(shape)


def point_set_from_array(points: Any, point_data: Any = None) -> PointSet:
    """A :class:`PointSet` from an ``(n, dimension)`` array of points and optional
    per-point data shaped ``(n,)`` or ``(n, components)``."""
    import numpy as np

    pts = np.ascontiguousarray(points)
    if pts.ndim != 2:
        raise ValueError(f"points must have shape (n, dimension); got {pts.shape}")
    pst = PointSetType(dimension=int(pts.shape[1]), pointComponentType=component_type_of(pts.dtype))
    ps = PointSet(pointSetType=pst, numberOfPoints=int(pts.shape[0]), points=pts.ravel())
    if point_data is not None:
        pd = np.ascontiguousarray(point_data)
        if pd.shape[0] != pts.shape[0]:
            raise ValueError(f"point data has {pd.shape[0]} rows for {pts.shape[0]} points")
        pst.pointPixelComponentType = component_type_of(pd.dtype)
        pst.pointPixelComponents = 1 if pd.ndim == 1 else int(pd.shape[1])
        ps.numberOfPointPixels = int(pd.shape[0])
        ps.pointData = pd.ravel()
    return ps


def array_from_point_set(point_set: Any) -> Any:
    """The points of a point set (witk's or itkwasm's) as an ``(n, dimension)`` array."""
    import numpy as np

    ps = coerce(PointSet, point_set)
    pst = ps.pointSetType
    assert isinstance(pst, PointSetType)
    if ps.points is None:
        return np.empty((0, pst.dimension), dtype_of(pst.pointComponentType))
    return np.asarray(ps.points).reshape(ps.numberOfPoints, pst.dimension)


def mesh_from_arrays(points: Any, cells: Any, point_data: Any = None, cell_data: Any = None) -> Mesh:
    """A :class:`Mesh` from an ``(n, dimension)`` array of points and a flat ``cells``
    buffer in ITK's layout (per cell: cell type, number of points, point ids...), with
    optional per-point and per-cell data shaped ``(n,)`` or ``(n, components)``."""
    import numpy as np

    pts = np.ascontiguousarray(points)
    if pts.ndim != 2:
        raise ValueError(f"points must have shape (n, dimension); got {pts.shape}")
    cell_buffer = np.ascontiguousarray(cells).ravel()
    mt = MeshType(
        dimension=int(pts.shape[1]),
        pointComponentType=component_type_of(pts.dtype),
        cellComponentType=component_type_of(cell_buffer.dtype),
    )
    mesh = Mesh(
        meshType=mt,
        numberOfPoints=int(pts.shape[0]),
        points=pts.ravel(),
        numberOfCells=_count_cells(cell_buffer),
        cells=cell_buffer,
        cellBufferSize=int(cell_buffer.size),
    )
    if point_data is not None:
        pd = np.ascontiguousarray(point_data)
        mt.pointPixelComponentType = component_type_of(pd.dtype)
        mt.pointPixelComponents = 1 if pd.ndim == 1 else int(pd.shape[1])
        mesh.numberOfPointPixels, mesh.pointData = int(pd.shape[0]), pd.ravel()
    if cell_data is not None:
        cd = np.ascontiguousarray(cell_data)
        mt.cellPixelComponentType = component_type_of(cd.dtype)
        mt.cellPixelComponents = 1 if cd.ndim == 1 else int(cd.shape[1])
        mesh.numberOfCellPixels, mesh.cellData = int(cd.shape[0]), cd.ravel()
    return mesh


def _count_cells(cells: Any) -> int:
    """Walk ITK's cell buffer layout, checking it is consistent."""
    count, i, n = 0, 0, int(cells.size)
    while i < n:
        if i + 1 >= n:
            raise ValueError(f"cell buffer ends inside the header of cell {count}")
        i += 2 + int(cells[i + 1])
        count += 1
    if i != n:
        raise ValueError(f"cell {count - 1} runs past the end of the cell buffer")
    return count


def arrays_from_mesh(mesh: Any) -> tuple[Any, Any]:
    """The points (``(n, dimension)``) and the flat cell buffer of a mesh (witk's or itkwasm's)."""
    import numpy as np

    m = coerce(Mesh, mesh)
    mt = m.meshType
    assert isinstance(mt, MeshType)
    points = (
        np.empty((0, mt.dimension), dtype_of(mt.pointComponentType))
        if m.points is None
        else np.asarray(m.points).reshape(m.numberOfPoints, mt.dimension)
    )
    cells = np.empty((0,), dtype_of(mt.cellComponentType)) if m.cells is None else np.asarray(m.cells)
    return points, cells
