"""The {{name}} pipeline: binary threshold and histogram of images, written in Python.

`wit/{{name}}/world.wit` declares the functions; componentize-py generates the types
(`wit_world.imports.spatial.Image`, ...) and the `Api` protocol this module implements,
and bundles this file with a CPython interpreter into one component (`witk build`).
Failures are `Err(Error(...))`, which every binding raises as its typed error.
"""

from __future__ import annotations

import math
from typing import List, Optional, Sequence

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import spatial
from wit_world.imports.errors import Error, ErrorCode


def invalid_argument(message: str) -> Err:
    return Err(Error(ErrorCode.INVALID_ARGUMENT, message))


def values(image: spatial.Image) -> Sequence[float]:
    """The pixel values, whatever their component type: bytes for (u)int8, else a list."""
    if image.data is None:
        raise invalid_argument("the image has no pixel data")
    data = image.data.value
    if isinstance(image.data, spatial.Buffer_Int8):
        return memoryview(data).cast("b")
    return data


class Api(exports.Api):
    def binary_threshold(
        self, input: spatial.Image, lower: float, upper: float, inside_value: int, outside_value: int
    ) -> spatial.Image:
        if not lower <= upper:
            raise invalid_argument(f"lower ({lower}) must not be above upper ({upper})")
        pixels = values(input)
        if isinstance(input.data, spatial.Buffer_Uint8):
            # One table lookup per byte, in C.
            table = bytes(inside_value if lower <= i <= upper else outside_value for i in range(256))
            out = bytes(pixels).translate(table)
        else:
            out = bytes(inside_value if lower <= x <= upper else outside_value for x in pixels)
        kind = input.image_type
        kind = spatial.ImageType(kind.dimension, spatial.ComponentType.UINT8, kind.pixel_type, kind.components)
        return spatial.Image(
            kind,
            input.name,
            input.origin,
            input.spacing,
            input.direction,
            input.size,
            input.metadata,
            spatial.Buffer_Uint8(out),
            input.buffered_region,
        )

    def histogram(self, input: spatial.Image, bins: int, range: Optional[List[float]]) -> List[int]:
        if bins < 1:
            raise invalid_argument("bins must be at least 1")
        pixels = values(input)
        if range is not None:
            if len(range) != 2 or not range[0] < range[1]:
                raise invalid_argument(f"range must be [low, high] with low < high, not {range}")
            lo, hi = float(range[0]), float(range[1])
        else:
            finite = pixels if isinstance(pixels, (bytes, memoryview)) else [x for x in pixels if not math.isnan(x)]
            if len(finite) == 0:
                lo, hi = 0.0, 1.0  # NumPy's range for no values
            else:
                lo, hi = float(min(finite)), float(max(finite))
                if lo == hi:
                    lo, hi = lo - 0.5, hi + 0.5
        return count(pixels, bins, lo, hi)


def count(pixels: Sequence[float], bins: int, lo: float, hi: float) -> List[int]:
    """NumPy's equal-width binning, step for step: the index from the scaled distance,
    then corrected against the edges ``i * (hi - lo) / bins + lo`` (the last is ``hi``)."""
    step = (hi - lo) / bins
    edges = [i * step + lo for i in range(bins)] + [hi]
    counts = [0] * bins
    width = hi - lo
    for x in pixels:
        if not lo <= x <= hi:
            continue
        i = min(int(((x - lo) / width) * bins), bins - 1)
        if x < edges[i]:
            i -= 1
        elif i + 1 < bins and x >= edges[i + 1]:
            i += 1
        counts[i] += 1
    return counts
