"""Conversions between witk's Python objects and the plain values the native host
passes to components: used by the generated ``*_wasi`` packages.

Files: a component never touches the file system; bindings read input files (and the
companion files a detached header names) and write the files a component returns.
"""

from __future__ import annotations

import array
import json
import os
import re
import stat
import struct
from typing import Any, Union

from .arrays import (
    TYPED_BUFFERS,
    buffer_from_bytes,
    buffer_type,
    dtype_of,
    record_fields,
    record_from_fields,
    record_type_fields,
)
from .component_types import STORAGE, IntTypes, PixelTypes, component_type, pixel_type
from .errors import InvalidArgumentError, PipelineError
from .spatial import Image, ImageRegion, ImageType, Mesh, PointSet, PolyData, Transform, coerce


def json_to_wit(value: Any) -> str:
    """A ``json`` parameter (ITK-Wasm's JsonCompatible: dicts, lists, ...) as the JSON
    text a component takes; a ``str`` is taken as JSON text already."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value)
    except (TypeError, ValueError) as e:
        kind = type(value).__name__
        raise TypeError(f"expected a JSON-compatible value (dict, list, str, number), got {kind}: {e}") from e


def json_from_wit(text: str) -> Any:
    """A ``json`` result: the component's JSON text, parsed."""
    return json.loads(text)


def _norm(name: str) -> str:
    return re.sub("[^a-z0-9]", "", name.lower())


# WIT case names of the pixel types, from ITK-Wasm's names (the kebab case wit-bindgen
# uses: DiffusionTensor3D ~ diffusion-tensor3-d); they match ignoring case and separators.
_WIT_PIXELS = [re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", p.value).lower() for p in PixelTypes]
_PIXEL_BY_NORM = {_norm(w): w for w in _WIT_PIXELS}


def enum_to_wit(value: Any) -> str | None:
    """A pixel or component type (witk's or itkwasm's enum, or a string) as its WIT name."""
    if value is None:
        return None
    text = str(getattr(value, "value", value))
    if _norm(text) in _PIXEL_BY_NORM and text not in {c.value for c in IntTypes}:
        return _PIXEL_BY_NORM[_norm(text)]
    return component_type(text).value


# A file as the native host takes it: (name, bytes), or (name, path) for the host to read
# straight into the component's input, with no copy in Python.
BinaryFileArg = tuple[str, Union[bytes, str]]

# Enough of a file for companion-files to parse any header witk reads.
HEADER_BYTES = 1 << 20


def read_binary_file(path: str | os.PathLike[str]) -> BinaryFileArg:
    """An input file for the native host, which reads it itself: (file name, path)."""
    p = os.fspath(path)
    if not os.path.isfile(p):
        raise FileNotFoundError(f"{p}: no such file")
    return os.path.basename(p), os.path.abspath(p)


def output_file(path: str | os.PathLike[str]) -> BinaryFileArg:
    """An output file for the native host, which writes it (and any companion beside it)
    itself: (file name, absolute path). The component is given the file name."""
    p = os.fspath(path)
    return os.path.basename(p), os.path.abspath(p)


def read_binary_files(paths: list[str | os.PathLike[str]]) -> list[BinaryFileArg]:
    """Input files given as a list (a DICOM series): each named by its path as given, so
    results that list them (sorted filenames) name them as the caller did."""
    return [(os.fspath(path), read_binary_file(path)[1]) for path in paths]


def header_is_partial(size: int) -> bool:
    """Whether a file of ``size`` bytes is longer than the prefix companion-files is given
    first: only then is a failure on the prefix worth a second call with the whole file."""
    return size > HEADER_BYTES


def read_companions(pipeline: Any, main: BinaryFileArg, path: str | os.PathLike[str]) -> list[BinaryFileArg]:
    """The companion files that ``main`` (read from ``path``) names, relative to it: each
    must be a regular file in ``path``'s folder (see :func:`companion_paths`)."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        head = f.read(HEADER_BYTES)
    try:
        names = list(pipeline.call("companion-files", (main[0], head)))
    except PipelineError:
        if not header_is_partial(size):
            raise
        names = list(pipeline.call("companion-files", main))  # a header longer than the prefix
    # The component gets each file under the name its header gave (not a symlink target's).
    return [(os.path.basename(name), target) for name, target in zip(names, companion_paths(path, names))]


# Folders besides a header's own that its companion files may be in (after following
# symlinks), for callers who trust their headers to point elsewhere: empty by default.
companion_roots: list[str | os.PathLike[str]] = []


def _inside(real: str, folder: str) -> bool:
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


def companion_paths(
    path: str | os.PathLike[str], names: Any, roots: list[str | os.PathLike[str]] | None = None
) -> list[str]:
    """Where the companion files ``names`` (relative to ``path``) are, symlinks resolved.

    Each must resolve inside ``path``'s folder, or inside one of ``roots`` (by default
    :data:`companion_roots`), and be a regular file (no FIFO, device or folder): any other
    is an :class:`~witk.InvalidArgumentError` naming it, a missing one a ``FileNotFoundError``.
    Bindings read the resolved paths, so no symlink is followed after this check (a folder
    on the path swapped in between is a race this cannot close)."""
    header = os.fspath(path)
    folder = os.path.dirname(header) or os.curdir
    allowed = [os.path.realpath(r) for r in [folder, *(companion_roots if roots is None else roots)]]
    targets = []
    for name in names:
        target = os.path.join(folder, name)  # an absolute name replaces the folder
        real = os.path.realpath(target)
        why = f"{header} names the companion file {name!r}, which"
        if not any(_inside(real, a) for a in allowed):
            via = "" if real == os.path.abspath(target) else f" (it resolves to {real})"
            raise InvalidArgumentError(
                "companion-files",
                f"{why} is outside the header's folder {allowed[0]}{via}; companion files must be inside it, "
                "or in a folder of witk.convert.companion_roots",
            )
        try:
            mode = os.stat(real).st_mode  # not open(): opening a FIFO would block
        except FileNotFoundError:
            raise FileNotFoundError(f"{header} needs {name}, which is not at {target}") from None
        if not stat.S_ISREG(mode):
            raise InvalidArgumentError("companion-files", f"{why} is not a regular file ({_kind(mode)})")
        targets.append(real)
    return targets


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"


def write_binary_files(path: str | os.PathLike[str], files: list[tuple[str, bytes]]) -> None:
    """Write a component's output files: the first to ``path``, the rest beside it."""
    folder = os.path.dirname(os.fspath(path))
    for i, (name, data) in enumerate(files):
        target = os.fspath(path) if i == 0 else os.path.join(folder, os.path.basename(name))
        with open(target, "wb") as f:
            f.write(data)


def image_to_native(image: Any) -> dict[str, Any]:
    """An Image (witk's or itkwasm's) as the dict the native host takes."""
    import numpy as np

    image = coerce(Image, image)
    itype = image.imageType
    assert isinstance(itype, ImageType)
    dtype = dtype_of(itype.componentType)
    data = None
    if image.data is not None:
        arr = np.asarray(image.data)
        if arr.dtype != dtype:
            if arr.dtype == np.uint8 and arr.ndim == 1 and arr.nbytes % dtype.itemsize == 0:
                arr = arr.view(dtype)
            else:
                raise TypeError(f"image data is {arr.dtype} but its imageType says {itype.componentType.value}")
        data = np.ascontiguousarray(arr).reshape(-1)
    region = image.bufferedRegion
    return {
        "dimension": int(itype.dimension),
        "component_type": itype.componentType.value,
        "pixel_type": enum_to_wit(itype.pixelType),
        "components": int(itype.components),
        "name": str(image.name),
        "origin": [float(v) for v in image.origin],
        "spacing": [float(v) for v in image.spacing],
        "direction": [float(v) for v in np.asarray(image.direction, dtype=np.float64).reshape(-1)],
        "size": [int(v) for v in image.size],
        "metadata": _metadata_to_native(dict(image.metadata)),
        "data": data,
        "buffered_region": None
        if not isinstance(region, ImageRegion)
        else ([int(v) for v in region.index], [int(v) for v in region.size]),
    }


def _metadata_value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _from_dynamic(value: dict[str, Any]) -> dict[str, Any]:
    """A record from the native host's dynamic path (components built outside this
    repository: nested records, camelCase keys, buffers as ``(dtype, values)``) in the
    shape its typed adapters return: snake_case keys, buffers as bytes."""
    out: dict[str, Any] = {}
    for key, v in value.items():
        if isinstance(v, dict):
            v = _from_dynamic(v)
        elif isinstance(v, tuple) and len(v) == 2 and v[0] in STORAGE:
            v = _list_bytes(v[1], v[0])
        out[_snake(key)] = v
    return out


def _list_bytes(values: Any, ctype: str) -> Any:
    """A buffer the dynamic path returned as a list of numbers, as bytes; anything else
    (bytes, the typed path's buffers) as it is."""
    if isinstance(values, list):
        return array.array(STORAGE[ctype].buffer_format, values).tobytes()
    return values


def image_from_native(d: dict[str, Any]) -> Image:
    """The dict the native host returns as an Image with a NumPy pixel array (writable)."""
    import numpy as np

    if "imageType" in d:  # the dynamic path's nesting: flatten it as the typed path does
        d = _from_dynamic(d)
        d.update(d.pop("image_type"))
        region = d.get("buffered_region")
        d["buffered_region"] = (region["index"], region["size"]) if region else None

    dim = int(d["dimension"])
    itype = ImageType(
        dimension=dim,
        componentType=component_type(d["component_type"]),
        pixelType=pixel_type(_pixel_from_wit(d["pixel_type"])),
        components=int(d["components"]),
    )
    size = [int(v) for v in d["size"]]
    region = d.get("buffered_region")
    data = None
    if d["data"] is not None:
        # The pixels are the buffered region's (a part of the image, for *-region functions).
        held = [int(v) for v in region[1]] if region else size
        shape = tuple(held[::-1]) + ((itype.components,) if itype.components > 1 else ())
        data = np.frombuffer(d["data"], dtype=dtype_of(itype.componentType)).reshape(shape)
    return Image(
        imageType=itype,
        name=d["name"],
        origin=list(d["origin"]),
        spacing=list(d["spacing"]),
        direction=np.asarray(d["direction"], dtype=np.float64).reshape(dim, dim),
        size=size,
        metadata={k: _metadata_value(v) for k, v in d["metadata"]},
        data=data,
        bufferedRegion=ImageRegion(index=list(region[0]), size=list(region[1])) if region else None,
    )


def _pixel_from_wit(name: str) -> PixelTypes:
    for p in PixelTypes:
        if _norm(p.value) == _norm(name):
            return p
    raise ValueError(f"unknown pixel type {name!r}")


# Meshes, point sets, poly data and transforms (witk.arrays.TYPED_BUFFERS): dicts with
# snake-case keys, their type a dict with WIT enum names (parameterizations by ITK-Wasm's
# names, as witk-spatial has them), buffers as bytes-like objects (read in place by the
# native host; on the way back, writable byte arrays over the host's own allocations,
# viewed by NumPy without a copy).


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w.title() for w in rest)


def _metadata_to_native(metadata: dict[str, Any]) -> list[tuple[str, str]]:
    return [(str(k), v if isinstance(v, str) else json.dumps(v)) for k, v in metadata.items()]


def _type_value_to_native(kind: str, value: Any) -> Any:
    if kind == "int":
        return value
    if kind == "parameterization":
        return value.value
    return enum_to_wit(value)


def _record_to_native(cls: type, value: Any) -> dict[str, Any]:
    d: dict[str, Any] = {}
    for name, kind, v, ctype in record_fields(cls, value):
        if kind == "buffer" and v is not None and ctype is not None:
            # Typed views (the typed adapters read the bytes; the dynamic path, a
            # component built elsewhere, reads the element type from the format).
            view = memoryview(v)
            fmt = STORAGE[ctype].buffer_format
            if view.format != fmt and view.nbytes % struct.calcsize(fmt) == 0:
                v = view.cast("B").cast(fmt)
        if kind == "type":
            v = {_snake(n): _type_value_to_native(k, tv) for n, k, tv in record_type_fields(v)}
        elif kind == "metadata":
            v = _metadata_to_native(v)
        d[_snake(name)] = v
    return d


def _record_from_native(cls: type, d: dict[str, Any]) -> Any:
    layout = TYPED_BUFFERS[cls]
    if layout.type_field in d:  # camelCase: the dynamic path's spelling
        d = _from_dynamic(d)
    native_type = d[_snake(layout.type_field)]
    rtype = {_camel(k): _pixel_from_wit(v) if k.endswith("pixel_type") else v for k, v in native_type.items()}
    fields: dict[str, Any] = {layout.type_field: rtype}
    declared = layout.type_cls(**rtype)
    for key, v in d.items():
        name = _camel(key)
        if name in layout.buffers and v is not None:
            ctype = buffer_type(cls, declared, name)[0]
            v = buffer_from_bytes(_list_bytes(v, ctype), ctype)
        elif name == "metadata":
            v = {k: _metadata_value(text) for k, text in v}
        if name != layout.type_field:
            fields[name] = v
    return record_from_fields(cls, fields)


def mesh_to_native(mesh: Any) -> dict[str, Any]:
    """A Mesh (witk's, itkwasm's or a dict of its fields) as the dict the native host
    takes. Buffers are flat, of the component types its meshType declares: NumPy arrays
    of that dtype (any shape, C-contiguous ones not copied), buffers, raw bytes or lists
    of numbers; another dtype is a ``TypeError`` naming the field."""
    return _record_to_native(Mesh, mesh)


def mesh_from_native(d: dict[str, Any]) -> Mesh:
    """The dict the native host returns as a Mesh with flat, writable NumPy arrays."""
    return _record_from_native(Mesh, d)  # type: ignore[no-any-return]


def point_set_to_native(point_set: Any) -> dict[str, Any]:
    """A PointSet (witk's, itkwasm's or a dict of its fields) as the dict the native host
    takes; buffers as :func:`mesh_to_native` takes them."""
    return _record_to_native(PointSet, point_set)


def point_set_from_native(d: dict[str, Any]) -> PointSet:
    """The dict the native host returns as a PointSet with flat, writable NumPy arrays."""
    return _record_from_native(PointSet, d)  # type: ignore[no-any-return]


def poly_data_to_native(poly_data: Any) -> dict[str, Any]:
    """A PolyData (witk's, itkwasm's or a dict of its fields) as the dict the native host
    takes: ``points`` float32 and the connectivity arrays (``vertices``, ``lines``,
    ``polygons``, ``triangleStrips``: ``[n, id0, id1, ...]`` per cell) uint32, point and cell
    data of the component types its polyDataType declares; another dtype is a
    ``TypeError`` naming the field."""
    return _record_to_native(PolyData, poly_data)


def poly_data_from_native(d: dict[str, Any]) -> PolyData:
    """The dict the native host returns as a PolyData with flat, writable NumPy arrays."""
    return _record_from_native(PolyData, d)  # type: ignore[no-any-return]


def transform_to_native(transform: Any) -> dict[str, Any]:
    """A Transform (witk's, itkwasm's or a dict of its fields) as the dict the native host
    takes: ``parameters`` of the value type its transformType declares (float32 or
    float64; ``None`` is empty, as for a composite), ``fixedParameters`` float64 (a NumPy
    array or a list of numbers); another dtype is a ``TypeError`` naming the field."""
    return _record_to_native(Transform, transform)


def transform_from_native(d: dict[str, Any]) -> Transform:
    """The dict the native host returns as a Transform: ``parameters`` a flat, writable
    NumPy array of its parametersValueType, ``fixedParameters`` one of float64, the
    parameterization a :class:`witk.TransformParameterizations`."""
    return _record_from_native(Transform, d)  # type: ignore[no-any-return]
