"""witk in Pyodide: run a pipeline's npm package (``@witk/<pkg>``) from Python.

Used by the generated ``witk_<pkg>_emscripten`` packages, and imported only under
Pyodide (``sys.platform == "emscripten"``). Each such package ships its npm package in
``js/``: the generated ``index.js`` (async camelCase functions, WIT type descriptors),
witk's JavaScript runtime (``witk-runtime.js``: lowering and lifting of every WIT type,
errors, trapped instances replaced) and jco's output. :class:`NpmPackage` imports it once
per interpreter; the functions here convert between witk's Python objects and the
JavaScript ones the npm package takes and returns (ITK-Wasm's shapes):

- :class:`witk.Image` <-> ``{imageType, name, origin, spacing, direction: Float64Array,
  size, metadata: Map, data: TypedArray, bufferedRegion}``; pixel buffers are copied once
  each way (Pyodide's memory is not the component's), never element by element. Pixels
  come back as NumPy arrays when NumPy is importable (``await micropip.install("numpy")``
  or ``pyodide.loadPackage("numpy")`` first), else as typed, shaped ``memoryview`` s.
- :class:`witk.Mesh` and :class:`witk.PointSet` <-> ITK-Wasm's ``{meshType, name,
  numberOfPoints, points: TypedArray, ..., metadata: Map}``: the same field names, their
  flat buffers TypedArrays of the component types the record's type declares (copied
  once each way), back as flat NumPy arrays (or typed memoryviews). :class:`witk.PolyData`
  and :class:`witk.Transform` likewise (``points`` a Float32Array, connectivity
  Uint32Arrays; ``parameters`` a Float32Array or Float64Array of the declared value type,
  ``fixedParameters`` a Float64Array).
- Files: parameters are paths in Pyodide's file system. The binding reads them (and the
  companion files a detached header names) and writes the files a function returns,
  as the system-Python (``-wasi``) packages do; bytes go between the file system and
  JavaScript directly, not through Python objects.
- Errors: the npm package's ``WitkError`` (``code``, message) becomes the matching
  :mod:`witk.errors` exception; a JavaScript ``TypeError`` (a value of the wrong type)
  becomes a Python ``TypeError``.
"""

from __future__ import annotations

import array
import asyncio
import json
import os
import posixpath
import re
import struct
from importlib.resources import files
from typing import Any, Callable

import js  # type: ignore[import-not-found]
import pyodide_js  # type: ignore[import-not-found]
from pyodide.ffi import JsBuffer, JsException, JsMap, JsProxy, jsnull, to_js  # type: ignore[import-not-found]

from .arrays import (
    BUFFER_FORMATS,
    TYPED_BUFFERS,
    buffer_type,
    numpy_if_installed,
    pixel_bytes,
    pixels_from_bytes,
    record_fields,
    record_from_fields,
    record_type_fields,
)
from .component_types import STORAGE, component_type, pixel_type
from .convert import HEADER_BYTES, companion_paths, header_is_partial
from .errors import BY_CODE, LoadError, PipelineError
from .spatial import Image, ImageRegion, ImageType, Mesh, PointSet, PolyData, Transform, coerce

# ---------------------------------------------------------------------------------------
# The npm package.
# ---------------------------------------------------------------------------------------

# Relative module specifiers and asset URLs in the npm package's files ('./jco/x.js').
_SPECIFIER = re.compile(r"""(['"])(\.\.?/[^'"\s]+)\1""")
_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm"}


def _blob_url(data: Any, mime: str) -> str:
    blob = js.Blob.new(to_js([data]), to_js({"type": mime}, dict_converter=js.Object.fromEntries))
    return str(js.URL.createObjectURL(blob))


def _package_files(folder: Any, prefix: str = "") -> dict[str, Any]:
    """Every module and WebAssembly file under ``folder``, by relative path."""
    found: dict[str, Any] = {}
    for entry in folder.iterdir():
        rel = prefix + entry.name
        if entry.is_dir():
            found.update(_package_files(entry, rel + "/"))
        elif posixpath.splitext(rel)[1] in _TYPES:
            found[rel] = entry
    return found


async def import_npm_package(folder: Any, entry: str = "index.js") -> Any:
    """Import the ES module ``entry`` of the npm package in ``folder`` (a directory or an
    ``importlib.resources`` traversable) and return its JavaScript module namespace.

    Files in Pyodide's file system have no URL a browser can import, so each becomes a
    blob URL; relative specifiers (``'./component.js'``, ``new URL('./jco/x.core.wasm',
    import.meta.url)``) are rewritten to the blob URLs of their targets, dependencies
    first.
    """
    found = _package_files(folder)
    urls = {rel: _blob_url(to_js(f.read_bytes()), _TYPES[".wasm"]) for rel, f in found.items() if rel.endswith(".wasm")}
    pending = {rel: f.read_text(encoding="utf-8") for rel, f in found.items() if rel not in urls}

    def target(rel: str, spec: str) -> str:
        return posixpath.normpath(posixpath.join(posixpath.dirname(rel), spec))

    def imports(rel: str, text: str) -> set[str]:
        return {target(rel, m.group(2)) for m in _SPECIFIER.finditer(text)} & set(found)

    while pending:
        ready = [rel for rel, text in pending.items() if imports(rel, text) <= set(urls)]
        if not ready:
            raise ImportError(f"{folder}: the modules {sorted(pending)} import each other in a cycle")
        for rel in ready:
            text = pending.pop(rel)

            def link(m: re.Match[str], rel: str = rel) -> str:
                url = urls.get(target(rel, m.group(2)))
                return m.group(0) if url is None else f"{m.group(1)}{url}{m.group(1)}"

            urls[rel] = _blob_url(_SPECIFIER.sub(link, text), _TYPES[".js"])
    if entry not in urls:
        raise ImportError(f"{folder}: no {entry}")
    return await _importer()(urls[entry])


_import_function: Any = None


def _importer() -> Any:
    global _import_function
    if _import_function is None:
        _import_function = js.Function.new("url", "return import(url)")
    return _import_function


def _kebab(js_name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", js_name).lower()


def error_from_js(e: Exception, function: str) -> Exception:
    """The Python exception for a failed call of the npm package's ``function``."""
    err = getattr(e, "js_error", e)
    code = getattr(err, "code", None)
    if getattr(err, "name", None) == "WitkError" and isinstance(code, str):
        message = getattr(err, "detail", None)
        return BY_CODE.get(code, PipelineError)(_kebab(function), str(message if message is not None else err.message))
    if getattr(err, "name", None) == "TypeError":
        return TypeError(str(getattr(err, "message", err)))
    return PipelineError(_kebab(function), str(e))


class NpmPackage:
    """A pipeline's npm package shipped in ``<package>/js/``, imported on first use."""

    def __init__(self, package: str, name: str) -> None:
        self.package = package
        self.name = name
        self._module: Any = None
        self._lock: asyncio.Lock | None = None

    async def module(self) -> Any:
        """The imported ``index.js`` (its exported functions), once per interpreter."""
        if self._module is None:
            self._lock = self._lock or asyncio.Lock()
            async with self._lock:
                if self._module is None:
                    self._module = await import_npm_package(files(self.package).joinpath("js"))
        return self._module

    async def call(self, function: str, positional: list[Any], options: dict[str, Any]) -> Any:
        """``await function(...positional, options)`` of the npm package: arguments already
        converted (or plain Python values, converted here); failures raise witk's errors."""
        try:
            module = await self.module()
        except JsException as e:
            raise LoadError(f"@witk/{self.name}", str(e)) from None
        args = [_to_js(a) for a in positional]
        args.append(_to_js({k: v for k, v in options.items() if v is not None}))
        try:
            return await getattr(module, function)(*args)
        except JsException as e:
            raise error_from_js(e, function) from None


def _to_js(value: Any) -> Any:
    return to_js(value, dict_converter=js.Object.fromEntries, create_pyproxies=False)


# ---------------------------------------------------------------------------------------
# Values.
# ---------------------------------------------------------------------------------------

# The TypedArray class of each component type.
_TYPED_ARRAYS = {name: storage.typed_array for name, storage in STORAGE.items()}


def is_null(value: Any) -> bool:
    """Whether a JavaScript value is ``null`` or ``undefined``."""
    return value is None or value is jsnull


def bytes_to_js(data: Any) -> Any:
    """Any buffer (bytes, bytearray, memoryview, NumPy array, ...) or a string as a
    ``Uint8Array`` of its bytes: one copy."""
    if isinstance(data, JsProxy):
        return data
    if isinstance(data, str):
        data = data.encode()
    view = memoryview(data)
    if not view.c_contiguous:
        view = memoryview(view.tobytes())
    if view.ndim != 1 or view.format != "B":
        view = view.cast("B")
    out = js.Uint8Array.new(view.nbytes)
    out.assign(view)
    return out


def _typed_array(data: Any, ctype: str) -> Any:
    """Pixel data (see :func:`witk.arrays.pixel_bytes`) as the component type's
    TypedArray: one copy."""
    return _typed_array_of(pixel_bytes(data, ctype), ctype)


def _pixels(data: Any, ctype: str, shape: tuple[int, ...]) -> Any:
    """A TypedArray's pixels as a writable NumPy array shaped ``shape`` (without NumPy, a
    memoryview of the component type with that shape): one copy, into the result."""
    np = numpy_if_installed()
    nbytes = int(data.byteLength)
    out = np.empty(nbytes, dtype=np.uint8) if np is not None else bytearray(nbytes)
    js.Uint8Array.new(data.buffer, data.byteOffset, nbytes).assign_to(out)
    return pixels_from_bytes(out, ctype, shape)


def image_to_js(image: Any) -> Any:
    """An Image (witk's, itkwasm's or a dict of its fields) as the npm package's image."""
    image = coerce(Image, image)
    itype = image.imageType
    assert isinstance(itype, ImageType)
    ctype = component_type(itype.componentType).value
    direction = _flat_floats(image.direction)
    flat_direction = js.Float64Array.new(len(direction))
    flat_direction.assign(array.array("d", direction))
    metadata = js.Map.new()
    for k, v in dict(image.metadata).items():
        metadata.set(str(k), v if isinstance(v, str) else json.dumps(v))
    region = image.bufferedRegion
    fields = {
        "imageType": {
            "dimension": int(itype.dimension),
            "componentType": ctype,
            "pixelType": pixel_type(itype.pixelType).value,
            "components": int(itype.components),
        },
        "name": str(image.name),
        "origin": [float(v) for v in image.origin],
        "spacing": [float(v) for v in image.spacing],
        "direction": flat_direction,
        "size": [int(v) for v in image.size],
        "metadata": metadata,
        "data": None if image.data is None else _typed_array(image.data, ctype),
        "bufferedRegion": None
        if not isinstance(region, ImageRegion)
        else {"index": [int(v) for v in region.index], "size": [int(v) for v in region.size]},
    }
    return _to_js(fields)


def _flat_floats(values: Any) -> list[float]:
    """A matrix (NumPy array, nested lists, memoryview) as a flat, row-major list."""
    if hasattr(values, "tolist"):
        values = values.tolist()
    if isinstance(values, (list, tuple)):
        return [x for v in values for x in _flat_floats(v)]
    return [float(values)]


def image_from_js(value: Any) -> Image | None:
    """The npm package's image as a :class:`witk.Image` (``None`` for null)."""
    if is_null(value):
        return None
    t = value.imageType
    dim = int(t.dimension)
    itype = ImageType(
        dimension=dim,
        componentType=component_type(t.componentType),
        pixelType=pixel_type(t.pixelType),
        components=int(t.components),
    )
    size = [int(v) for v in value.size]
    region = None if is_null(value.bufferedRegion) else value.bufferedRegion
    held = size if region is None else [int(v) for v in region.size]
    data = None
    if not is_null(value.data):
        # The pixels are the buffered region's (a part of the image, for *-region functions).
        shape = tuple(held[::-1]) + ((itype.components,) if itype.components > 1 else ())
        data = _pixels(value.data, itype.componentType.value, shape)
    direction: Any = value_from_js(value.direction)
    np = numpy_if_installed()
    if np is not None:
        direction = np.asarray(direction, dtype=np.float64).reshape(dim, dim)
    return Image(
        imageType=itype,
        name=str(value.name),
        origin=[float(v) for v in value.origin],
        spacing=[float(v) for v in value.spacing],
        direction=direction,
        size=size,
        metadata=value_from_js(value.metadata),
        data=data,
        bufferedRegion=None if region is None else ImageRegion(index=[int(v) for v in region.index], size=held),
    )


def _typed_array_of(data: memoryview, ctype: str) -> Any:
    """Flat bytes (from :func:`witk.arrays.record_fields`) as the TypedArray of ``ctype``."""
    raw = bytes_to_js(data)
    cls = _TYPED_ARRAYS[ctype]
    if cls == "Uint8Array":
        return raw
    return getattr(js, cls).new(raw.buffer, 0, raw.byteLength // struct.calcsize(BUFFER_FORMATS[ctype]))


def _record_to_js(cls: type, value: Any) -> Any:
    fields: dict[str, Any] = {}
    for name, kind, v, ctype in record_fields(cls, value):
        if kind == "type":
            v = {n: tv if k == "int" else tv.value for n, k, tv in record_type_fields(v)}
        elif kind == "buffer":
            v = None if v is None else _typed_array_of(v, ctype)
        elif kind == "metadata":
            metadata = js.Map.new()
            for k, item in v.items():
                metadata.set(str(k), item if isinstance(item, str) else json.dumps(item))
            v = metadata
        fields[name] = v
    return _to_js(fields)


def _record_from_js(cls: type, value: Any) -> Any:
    if is_null(value):
        return None
    layout = TYPED_BUFFERS[cls]
    t = getattr(value, layout.type_field)
    rtype = {f: getattr(t, f) for f, _, _ in record_type_fields(layout.type_cls())}
    declared = layout.type_cls(**rtype)
    fields: dict[str, Any] = {layout.type_field: rtype}
    for f, kind, _, _ in record_fields(cls, cls()):
        v = getattr(value, f)
        if kind == "buffer":
            v = None if is_null(v) else _pixels(v, buffer_type(cls, declared, f)[0], (int(v.length),))
        elif kind == "metadata":
            v = value_from_js(v) or {}
        elif kind == "int":
            v = int(v)
        elif kind == "str":
            v = str(v)
        if kind != "type":
            fields[f] = v
    return record_from_fields(cls, fields)


def mesh_to_js(mesh: Any) -> Any:
    """A Mesh (witk's, itkwasm's or a dict of its fields) as the npm package's mesh:
    buffers as TypedArrays of the component types its meshType declares (a buffer of
    another type is a ``TypeError`` naming the field)."""
    return _record_to_js(Mesh, mesh)


def mesh_from_js(value: Any) -> Mesh | None:
    """The npm package's mesh as a :class:`witk.Mesh` with flat arrays (``None`` for null)."""
    return _record_from_js(Mesh, value)  # type: ignore[no-any-return]


def point_set_to_js(point_set: Any) -> Any:
    """A PointSet (witk's, itkwasm's or a dict of its fields) as the npm package's point set."""
    return _record_to_js(PointSet, point_set)


def point_set_from_js(value: Any) -> PointSet | None:
    """The npm package's point set as a :class:`witk.PointSet` (``None`` for null)."""
    return _record_from_js(PointSet, value)  # type: ignore[no-any-return]


def poly_data_to_js(poly_data: Any) -> Any:
    """A PolyData (witk's, itkwasm's or a dict of its fields) as the npm package's poly
    data: ``points`` a Float32Array, the connectivity arrays Uint32Arrays, point and cell
    data TypedArrays of the component types its polyDataType declares."""
    return _record_to_js(PolyData, poly_data)


def poly_data_from_js(value: Any) -> PolyData | None:
    """The npm package's poly data as a :class:`witk.PolyData` with flat arrays (``None`` for null)."""
    return _record_from_js(PolyData, value)  # type: ignore[no-any-return]


def transform_to_js(transform: Any) -> Any:
    """A Transform (witk's, itkwasm's or a dict of its fields) as the npm package's
    transform (ITK-Wasm's): ``parameters`` a Float32Array or Float64Array of its
    parametersValueType, ``fixedParameters`` a Float64Array (a buffer of another type is a
    ``TypeError`` naming the field)."""
    return _record_to_js(Transform, transform)


def transform_from_js(value: Any) -> Transform | None:
    """The npm package's transform as a :class:`witk.Transform` (``None`` for null):
    parameters of its parametersValueType and float64 fixed parameters as flat arrays, the
    parameterization a :class:`witk.TransformParameterizations`."""
    return _record_from_js(Transform, value)  # type: ignore[no-any-return]


def pairs_from_js(value: Any) -> list[tuple[Any, Any]]:
    """A ``list<tuple<string, T>>`` result (a ``Map`` in JavaScript: DICOM tags) as the
    list of (key, value) pairs the -wasi packages return, in order."""
    return [(value_from_js(k), value_from_js(v)) for k, v in value.entries()]


def value_from_js(value: Any) -> Any:
    """A JavaScript value as plain Python: ``Uint8Array`` -> bytes, other typed arrays and
    arrays -> lists, ``Map`` and objects -> dicts (images, meshes, point sets, poly data and
    transforms -> :class:`witk.Image`, :class:`witk.Mesh`, :class:`witk.PointSet`,
    :class:`witk.PolyData`, :class:`witk.Transform`), null -> None."""
    if is_null(value):
        return None
    if not isinstance(value, JsProxy):
        return value
    if isinstance(value, JsBuffer):
        if value.constructor.name == "Uint8Array":
            return value.to_bytes()
        return value.to_py().tolist()
    if js.Array.isArray(value):
        return [value_from_js(v) for v in value]
    if isinstance(value, JsMap):
        return {value_from_js(k): value_from_js(v) for k, v in value.entries()}
    if hasattr(value, "imageType"):
        return image_from_js(value)
    if hasattr(value, "meshType"):
        return mesh_from_js(value)
    if hasattr(value, "pointSetType"):
        return point_set_from_js(value)
    if hasattr(value, "polyDataType"):
        return poly_data_from_js(value)
    if hasattr(value, "transformType"):
        return transform_from_js(value)
    return {str(k): value_from_js(v) for k, v in js.Object.entries(value)}


def record_from_js(value: Any, fields: dict[str, Callable[[Any], Any]]) -> dict[str, Any] | None:
    """A package's own record (an object with ITK-Wasm's camelCase keys) as a dict, each
    field converted by ``fields[name]`` (``float`` keeps 0 a float, as in Python)."""
    if is_null(value):
        return None
    return {name: convert(getattr(value, name)) for name, convert in fields.items()}


def items(value: Any) -> list[Any]:
    """A tuple result's values in order (jco's array, or the npm package's named object)."""
    if js.Array.isArray(value):
        return list(value)
    return list(js.Object.values(value))


def numbers(values: Any) -> list[Any] | None:
    """A list of numbers (a list, tuple, NumPy array or buffer) as plain Python numbers."""
    if values is None:
        return None
    if isinstance(values, (str, bytes)):
        raise TypeError(f"expected a list of numbers, got {type(values).__name__} {values!r}")
    items = values.tolist() if hasattr(values, "tolist") else [v.item() if hasattr(v, "item") else v for v in values]
    for v in items:
        if not isinstance(v, (int, float)):
            raise TypeError(f"expected a list of numbers, got {v!r} in it")
    return items


# ---------------------------------------------------------------------------------------
# Files in Pyodide's file system.
# ---------------------------------------------------------------------------------------


def read_binary_file(path: str | os.PathLike[str], name: str | None = None) -> Any:
    """An input file as the npm package's ``{path, data}``: its name and its bytes, read
    from the file system straight into a ``Uint8Array``."""
    p = os.path.abspath(os.fspath(path))
    if not os.path.isfile(p):
        raise FileNotFoundError(f"{os.fspath(path)}: no such file")
    data = pyodide_js.FS.readFile(p)
    return _to_js({"path": os.path.basename(p) if name is None else name, "data": data})


def read_binary_files(paths: list[str | os.PathLike[str]]) -> list[Any]:
    """Input files given as a list (a DICOM series), each named by its path as given (see
    :func:`witk.convert.read_binary_files`)."""
    return [read_binary_file(path, os.fspath(path)) for path in paths]


async def read_companions(package: NpmPackage, main: Any, path: str | os.PathLike[str]) -> list[Any]:
    """The companion files that ``main`` (read from ``path``) names, read beside it.
    ``companionFiles`` is given the first MiB (headers name companions, pixels do not), then
    the whole file if that was too little, as :func:`witk.convert.read_companions` does;
    each must be a regular file in ``path``'s folder (:func:`witk.convert.companion_paths`)."""
    head = main.data.subarray(0, HEADER_BYTES)
    try:
        names = await package.call("companionFiles", [_to_js({"path": main.path, "data": head})], {})
    except PipelineError:
        if not header_is_partial(main.data.length):
            raise
        names = await package.call("companionFiles", [main], {})  # a header longer than the prefix
    return [read_binary_file(target) for target in companion_paths(path, value_from_js(names))]


def write_binary_files(path: str | os.PathLike[str], output: Any) -> None:
    """Write a function's output files (``{path, data}``): the first to ``path``, the
    rest beside it."""
    folder = os.path.dirname(os.fspath(path))
    for i, f in enumerate(output):
        target = os.fspath(path) if i == 0 else os.path.join(folder, posixpath.basename(str(f.path)))
        pyodide_js.FS.writeFile(os.path.abspath(target), f.data)
