"""Component and pixel types, with ITK-Wasm's names and values."""

from __future__ import annotations

from enum import Enum
from typing import Union


class IntTypes(str, Enum):
    """Integer pixel component types (same values as ``itkwasm.IntTypes``)."""

    Int8 = "int8"
    UInt8 = "uint8"
    Int16 = "int16"
    UInt16 = "uint16"
    Int32 = "int32"
    UInt32 = "uint32"
    Int64 = "int64"
    UInt64 = "uint64"
    SizeValueType = "uint64"
    IdentifierType = "uint64"
    IndexValueType = "int64"
    OffsetValueType = "int64"

    def __str__(self) -> str:
        return str(self.value)


class FloatTypes(str, Enum):
    """Floating-point pixel component types (same values as ``itkwasm.FloatTypes``)."""

    Float32 = "float32"
    Float64 = "float64"
    SpacePrecisionType = "float64"

    def __str__(self) -> str:
        return str(self.value)


class PixelTypes(str, Enum):
    """What a pixel's components mean (same values as ``itkwasm.PixelTypes``)."""

    Unknown = "Unknown"
    Scalar = "Scalar"
    RGB = "RGB"
    RGBA = "RGBA"
    Offset = "Offset"
    Vector = "Vector"
    Point = "Point"
    CovariantVector = "CovariantVector"
    SymmetricSecondRankTensor = "SymmetricSecondRankTensor"
    DiffusionTensor3D = "DiffusionTensor3D"
    Complex = "Complex"
    FixedArray = "FixedArray"
    Array = "Array"
    Matrix = "Matrix"
    VariableLengthVector = "VariableLengthVector"
    VariableSizeMatrix = "VariableSizeMatrix"

    def __str__(self) -> str:
        return str(self.value)


ComponentType = Union[IntTypes, FloatTypes]


def component_type(value: object) -> ComponentType:
    """Coerce a component type given as an enum of witk or itkwasm, or a string."""
    text = str(getattr(value, "value", value))
    try:
        return IntTypes(text)
    except ValueError:
        pass
    try:
        return FloatTypes(text)
    except ValueError:
        raise ValueError(f"unknown component type {value!r}; expected one of int8..uint64, float32, float64") from None


def pixel_type(value: object) -> PixelTypes:
    """Coerce a pixel type given as an enum of witk or itkwasm, or a string."""
    text = str(getattr(value, "value", value))
    try:
        return PixelTypes(text)
    except ValueError:
        raise ValueError(f"unknown pixel type {value!r}") from None
