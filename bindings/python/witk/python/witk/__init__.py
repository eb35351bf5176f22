"""witk: universal spatial analysis as WebAssembly components.

The core package: the data model (ITK-Wasm's field names), NumPy conversions,
environment dispatch, typed exceptions and the native component host.
"""

from typing import Any

from . import convert
from .arrays import (
    array_from_image,
    array_from_point_set,
    arrays_from_mesh,
    image_from_array,
    mesh_from_arrays,
    point_set_from_array,
)
from .component_types import ComponentType, FloatTypes, IntTypes, PixelTypes
from .dispatch import FunctionFactory, environment_dispatch, function_factory
from .errors import (
    InternalError,
    InvalidArgumentError,
    InvalidDataError,
    LimitExceededError,
    LoadError,
    MemoryLimitError,
    PipelineError,
    PipelineTimeoutError,
    TrapError,
    UnsupportedError,
)
from .interop import from_meshio, from_pyvista, to_meshio, to_pyvista
from .runtime import Pipeline, Settings, configure, pipeline, settings
from .spatial import (
    BinaryFile,
    BinaryStream,
    Image,
    ImageRegion,
    ImageType,
    JsonCompatible,
    Mesh,
    MeshType,
    PointSet,
    PointSetType,
    PolyData,
    PolyDataType,
    TextFile,
    TextStream,
    Transform,
    TransformList,
    TransformParameterizations,
    TransformType,
)

__version__ = "0.1.0"


def view(*objects: Any, port: int = 0, open_browser: bool = True) -> str:
    """Show images and meshes in the browser viewer; see :func:`witk.viewing.view`.
    (Imported on first use: the HTTP server's modules cost ``import witk`` time.)"""
    from .viewing import view as _view

    return _view(*objects, port=port, open_browser=open_browser)


__all__ = [
    "view",
    "BinaryFile",
    "BinaryStream",
    "ComponentType",
    "FloatTypes",
    "FunctionFactory",
    "Image",
    "ImageRegion",
    "ImageType",
    "IntTypes",
    "InternalError",
    "InvalidArgumentError",
    "InvalidDataError",
    "JsonCompatible",
    "LimitExceededError",
    "LoadError",
    "MemoryLimitError",
    "Mesh",
    "MeshType",
    "Pipeline",
    "PipelineError",
    "PipelineTimeoutError",
    "PixelTypes",
    "PointSet",
    "PointSetType",
    "PolyData",
    "PolyDataType",
    "Settings",
    "TextFile",
    "TextStream",
    "Transform",
    "TransformList",
    "TransformParameterizations",
    "TransformType",
    "TrapError",
    "UnsupportedError",
    "array_from_image",
    "array_from_point_set",
    "arrays_from_mesh",
    "from_meshio",
    "from_pyvista",
    "to_meshio",
    "to_pyvista",
    "configure",
    "convert",
    "environment_dispatch",
    "function_factory",
    "image_from_array",
    "mesh_from_arrays",
    "pipeline",
    "point_set_from_array",
    "settings",
]
