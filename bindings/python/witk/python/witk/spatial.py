"""The spatial data model: dataclasses with ITK-Wasm's field names and defaults.

Objects built by the ``itkwasm`` package have the same fields; :func:`coerce` turns
them (or plain dicts, e.g. from JSON) into these classes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar, Union

from .component_types import ComponentType, FloatTypes, IntTypes, PixelTypes, component_type, pixel_type

ArrayLike = Any  # numpy.ndarray, or any buffer-protocol object of the component type


@dataclass
class ImageType:
    dimension: int = 2
    componentType: ComponentType = IntTypes.UInt8
    pixelType: PixelTypes = PixelTypes.Scalar
    components: int = 1

    def __post_init__(self) -> None:
        self.componentType = component_type(self.componentType)
        self.pixelType = pixel_type(self.pixelType)


@dataclass
class ImageRegion:
    index: Sequence[int] = field(default_factory=list)
    size: Sequence[int] = field(default_factory=list)


def _identity(dimension: int) -> ArrayLike:
    try:
        import numpy as np

        return np.eye(dimension, dtype=np.float64)
    except ImportError:  # numpy is optional for the core package
        return [1.0 if r == c else 0.0 for r in range(dimension) for c in range(dimension)]


@dataclass
class Image:
    """An N-d image in ITK's LPS physical space (direction matrix row-major)."""

    imageType: ImageType | dict[str, Any] = field(default_factory=ImageType)
    name: str = "Image"
    origin: Sequence[float] = field(default_factory=list)
    spacing: Sequence[float] = field(default_factory=list)
    direction: ArrayLike = field(default_factory=list)
    size: Sequence[int] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    data: ArrayLike | None = None
    bufferedRegion: ImageRegion | dict[str, Any] | None = None

    def __post_init__(self) -> None:
        self.imageType = coerce(ImageType, self.imageType)
        dimension = self.imageType.dimension
        if len(self.origin) == 0:
            self.origin = [0.0] * dimension
        if len(self.spacing) == 0:
            self.spacing = [1.0] * dimension
        if len(self.direction) == 0:
            self.direction = _identity(dimension)
        if len(self.size) == 0:
            self.size = [1] * dimension
        if self.bufferedRegion is None:
            self.bufferedRegion = ImageRegion(index=[0] * dimension, size=list(self.size))
        else:
            self.bufferedRegion = coerce(ImageRegion, self.bufferedRegion)

    def _repr_png_(self) -> bytes | None:
        """Jupyter's picture: the orthogonal middle slices (see :mod:`witk.display`)."""
        from . import display

        return display.png(self)

    def _repr_html_(self) -> str:
        """The picture with the image's geometry as a caption."""
        from . import display

        return display.html_view(self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """Both of the above from one rendering (what Jupyter calls)."""
        from . import display

        return display.bundle(display.png(self), display.caption(self))


@dataclass
class MeshType:
    dimension: int = 3
    pointComponentType: ComponentType = FloatTypes.Float32
    pointPixelComponentType: ComponentType = FloatTypes.Float32
    pointPixelType: PixelTypes = PixelTypes.Scalar
    pointPixelComponents: int = 1
    cellComponentType: ComponentType = IntTypes.Int32
    cellPixelComponentType: ComponentType = FloatTypes.Float32
    cellPixelType: PixelTypes = PixelTypes.Scalar
    cellPixelComponents: int = 1


@dataclass
class Mesh:
    meshType: MeshType | dict[str, Any] = field(default_factory=MeshType)
    name: str = "Mesh"
    numberOfPoints: int = 0
    points: ArrayLike | None = None
    numberOfPointPixels: int = 0
    pointData: ArrayLike | None = None
    numberOfCells: int = 0
    cells: ArrayLike | None = None
    cellBufferSize: int = 0
    numberOfCellPixels: int = 0
    cellData: ArrayLike | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.meshType = coerce(MeshType, self.meshType)

    def _repr_png_(self) -> bytes | None:
        """Jupyter's picture: the surface (see :mod:`witk.display`)."""
        from . import display

        return display.mesh_png(self)

    def _repr_html_(self) -> str:
        """The picture with the mesh's counts as a caption."""
        from . import display

        return display.mesh_html_view(self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """Both of the above from one rendering (what Jupyter calls)."""
        from . import display

        return display.bundle(display.mesh_png(self), display.mesh_caption(self))


@dataclass
class PointSetType:
    dimension: int = 3
    pointComponentType: ComponentType = FloatTypes.Float32
    pointPixelComponentType: ComponentType = FloatTypes.Float32
    pointPixelType: PixelTypes = PixelTypes.Scalar
    pointPixelComponents: int = 1


@dataclass
class PointSet:
    pointSetType: PointSetType | dict[str, Any] = field(default_factory=PointSetType)
    name: str = "PointSet"
    numberOfPoints: int = 0
    points: ArrayLike | None = None
    numberOfPointPixels: int = 0
    pointData: ArrayLike | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.pointSetType = coerce(PointSetType, self.pointSetType)


@dataclass
class PolyDataType:
    pointPixelComponentType: ComponentType = FloatTypes.Float32
    pointPixelType: PixelTypes = PixelTypes.Scalar
    pointPixelComponents: int = 1
    cellPixelComponentType: ComponentType = FloatTypes.Float32
    cellPixelType: PixelTypes = PixelTypes.Scalar
    cellPixelComponents: int = 1


def _empty_points() -> ArrayLike:
    try:
        import numpy as np

        return np.empty((0,), np.float32)
    except ImportError:
        return []


@dataclass
class PolyData:
    polyDataType: PolyDataType | dict[str, Any] = field(default_factory=PolyDataType)
    name: str = "PolyData"
    numberOfPoints: int = 0
    points: ArrayLike = field(default_factory=_empty_points)
    verticesBufferSize: int = 0
    vertices: ArrayLike | None = None
    linesBufferSize: int = 0
    lines: ArrayLike | None = None
    polygonsBufferSize: int = 0
    polygons: ArrayLike | None = None
    triangleStripsBufferSize: int = 0
    triangleStrips: ArrayLike | None = None
    numberOfPointPixels: int = 0
    pointData: ArrayLike | None = None
    numberOfCellPixels: int = 0
    cellData: ArrayLike | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.polyDataType = coerce(PolyDataType, self.polyDataType)


class TransformParameterizations(str, Enum):
    """How a transform's parameters are interpreted (``itkwasm.TransformParameterizations``)."""

    Composite = "Composite"
    Identity = "Identity"
    Translation = "Translation"
    Euler2D = "Euler2D"
    Euler3D = "Euler3D"
    Rigid2D = "Rigid2D"
    Rigid3D = "Rigid3D"
    Rigid3DPerspective = "Rigid3DPerspective"
    Versor = "Versor"
    VersorRigid3D = "VersorRigid3D"
    Scale = "Scale"
    ScaleLogarithmic = "ScaleLogarithmic"
    ScaleSkewVersor3D = "ScaleSkewVersor3D"
    Similarity2D = "Similarity2D"
    Similarity3D = "Similarity3D"
    QuaternionRigid = "QuaternionRigid"
    Affine = "Affine"
    ScalableAffine = "ScalableAffine"
    AzimuthElevationToCartesian = "AzimuthElevationToCartesian"
    BSpline = "BSpline"
    BSplineSmoothingOnUpdateDisplacementField = "BSplineSmoothingOnUpdateDisplacementField"
    ConstantVelocityField = "ConstantVelocityField"
    DisplacementField = "DisplacementField"
    GaussianSmoothingOnUpdateDisplacementField = "GaussianSmoothingOnUpdateDisplacementField"
    GaussianExponentialDiffeomorphic = "GaussianExponentialDiffeomorphic"
    VelocityField = "VelocityField"
    TimeVaryingVelocityField = "TimeVaryingVelocityField"
    GaussianSmoothingOnUpdateTimeVaryingVelocityField = "GaussianSmoothingOnUpdateTimeVaryingVelocityField"


def transform_parameterization(value: object) -> TransformParameterizations:
    """Coerce a parameterization given as an enum of witk or itkwasm, or a string
    (ITK-Wasm's name, ``"Euler3D"``)."""
    text = str(getattr(value, "value", value))
    try:
        return TransformParameterizations(text)
    except ValueError:
        raise ValueError(f"unknown transform parameterization {value!r}") from None


@dataclass
class TransformType:
    transformParameterization: TransformParameterizations = TransformParameterizations.Identity
    parametersValueType: FloatTypes = FloatTypes.Float64
    inputDimension: int = 3
    outputDimension: int = 3

    def __post_init__(self) -> None:
        self.transformParameterization = transform_parameterization(self.transformParameterization)
        self.parametersValueType = component_type(self.parametersValueType)  # type: ignore[assignment]


@dataclass
class Transform:
    transformType: TransformType | dict[str, Any] = field(default_factory=TransformType)
    numberOfFixedParameters: int = 0
    numberOfParameters: int = 0
    name: str = "Transform"
    inputSpaceName: str = ""
    outputSpaceName: str = ""
    fixedParameters: ArrayLike | None = None
    parameters: ArrayLike | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.transformType = coerce(TransformType, self.transformType)


TransformList = list[Transform]


@dataclass
class BinaryFile:
    """A file passed by path; the binding reads or writes it, never the component."""

    path: str


@dataclass
class BinaryStream:
    data: bytes


@dataclass
class TextFile:
    path: str


@dataclass
class TextStream:
    data: str


JsonCompatible = Union[dict[str, "JsonCompatible"], None, bool, str, int, float, list["JsonCompatible"]]

T = TypeVar("T")


def coerce(cls: type[T], value: Any) -> T:
    """Build ``cls`` from an instance of it, a dict, or an object with the same fields
    (for example one made by the ``itkwasm`` package)."""
    if isinstance(value, cls):
        return value
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    if isinstance(value, dict):
        unknown = set(value) - set(names)
        if unknown:
            raise TypeError(f"{cls.__name__} has no fields {sorted(unknown)}")
        return cls(**value)
    if all(hasattr(value, n) for n in names):
        return cls(**{n: getattr(value, n) for n in names})
    raise TypeError(f"cannot make a {cls.__name__} from {type(value).__name__}")
