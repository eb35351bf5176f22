"""Component and pixel types, with ITK-Wasm's names and values."""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple, Union


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


class Storage(NamedTuple):
    """How each binding stores values of one component type."""

    dtype: str
    """NumPy dtype (little-endian, as pixels travel)."""
    buffer_format: str
    """``memoryview``/``array.array`` format (native sizes), for pixels without NumPy."""
    typed_array: str
    """JavaScript TypedArray class (Pyodide)."""


# The one table of component types in Python, by their WIT names (the Rust side's is
# witk-spatial); witk.arrays and witk.pyodide read it.
STORAGE: dict[str, Storage] = {
    "int8": Storage("i1", "b", "Int8Array"),
    "uint8": Storage("u1", "B", "Uint8Array"),
    "int16": Storage("<i2", "h", "Int16Array"),
    "uint16": Storage("<u2", "H", "Uint16Array"),
    "int32": Storage("<i4", "i", "Int32Array"),
    "uint32": Storage("<u4", "I", "Uint32Array"),
    "int64": Storage("<i8", "q", "BigInt64Array"),
    "uint64": Storage("<u8", "Q", "BigUint64Array"),
    "float32": Storage("<f4", "f", "Float32Array"),
    "float64": Storage("<f8", "d", "Float64Array"),
}


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
