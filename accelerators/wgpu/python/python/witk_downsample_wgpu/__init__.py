"""witk-downsample on the GPU: installing this package is the only step.

Its entry points (groups ``witk_downsample.downsample``, ``.downsample_bin_shrink`` and
``.downsample_label_image``, priority 10) make :func:`witk.environment_dispatch` pick these
functions over the component; ``witk.function_factory.disable(...)`` or ``set_priority``
turn them off, and ``WITK_ACCELERATORS=none`` turns off every accelerator.

The kernels (WGSL through wgpu: Vulkan, Metal, DX12) compute what the component computes,
value for value. Whatever they do not compute (no hardware GPU, a lost device, out of GPU
memory, 4-D images, partly buffered inputs, invalid calls) runs on the component, with its
result or its typed error; the ``witk_downsample_wgpu`` logger says why at DEBUG level.
Software adapters (Mesa's lavapipe) are used only with ``WITK_WGPU_ADAPTER=any``.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Callable

import numpy as np

from witk import Image, ImageRegion, ImageType
from witk.arrays import array_from_image
from witk.spatial import coerce

# Mesa's device-select Vulkan layer prints an error without a display server
# (XDG_RUNTIME_DIR unset); the adapter is chosen here, so it is not needed.
os.environ.setdefault("NODEVICE_SELECT", "1")

from . import _native  # noqa: E402

__all__ = ["adapter", "downsample", "downsample_bin_shrink", "downsample_label_image"]

log = logging.getLogger("witk_downsample_wgpu")


def adapter() -> str | None:
    """The GPU these functions run on, or None (with the reason logged) when there is none."""
    try:
        return str(_native.adapter())
    except _native.GpuUnavailable as e:
        log.debug("no GPU: %s", e)
        return None


def _component(name: str) -> Callable[..., Image]:
    import witk_downsample_wasi

    return getattr(witk_downsample_wasi, name)  # type: ignore[no-any-return]


def _on_gpu(method: str, input: Any, shrink_factors: list[int], crop_radius: list[int] | None) -> Image | None:
    """The GPU's result, or None for the component to compute."""
    image = coerce(Image, input)
    itype = image.imageType
    if image.data is None or not isinstance(itype, ImageType):
        return None
    region = image.bufferedRegion
    if isinstance(region, ImageRegion) and (
        list(region.size) != list(image.size) or any(int(i) != 0 for i in region.index)
    ):
        log.debug("%s: a partly buffered image; the component computes it", method)
        return None
    try:
        pixels = np.ascontiguousarray(array_from_image(image))
    except (ValueError, TypeError) as e:
        log.debug("%s: %s; the component answers", method, e)
        return None
    direction = np.asarray(image.direction, dtype=np.float64).reshape(-1)
    try:
        data, size, spacing, origin = _native.downsample(
            method,
            pixels.ctypes.data,
            pixels.nbytes,
            str(itype.componentType),
            int(itype.components),
            [int(s) for s in image.size],
            [float(s) for s in image.spacing],
            [float(o) for o in image.origin],
            [float(v) for v in direction],
            [int(s) for s in shrink_factors],
            None if crop_radius is None else [int(c) for c in crop_radius],
        )
    except (_native.GpuUnavailable, _native.InvalidCall) as e:
        log.debug("%s on the component: %s", method, e)
        return None
    finally:
        del pixels  # alive until the native call returned
    shape = tuple(int(s) for s in size[::-1]) + ((int(itype.components),) if itype.components > 1 else ())
    out = np.frombuffer(data, dtype=pixels_dtype(image)).reshape(shape)
    return Image(
        imageType=ImageType(**vars(itype)),
        name=image.name,
        origin=list(origin),
        spacing=list(spacing),
        direction=np.array(image.direction, dtype=np.float64),
        size=list(size),
        metadata=dict(image.metadata),
        data=out,
        bufferedRegion=ImageRegion(index=[0] * len(size), size=list(size)),
    )


def pixels_dtype(image: Image) -> Any:
    from witk.arrays import dtype_of

    assert isinstance(image.imageType, ImageType)
    return dtype_of(image.imageType.componentType)


def downsample(input: Image, shrink_factors: list[int], crop_radius: list[int] | None = None) -> Image:
    """``witk_downsample.downsample`` on the GPU (see the package docstring)."""
    out = _on_gpu("gaussian", input, shrink_factors, crop_radius)
    return out if out is not None else _component("downsample")(input, shrink_factors, crop_radius)


def downsample_bin_shrink(input: Image, shrink_factors: list[int], information_only: bool = False) -> Image:
    """``witk_downsample.downsample_bin_shrink`` on the GPU (see the package docstring)."""
    out = None if information_only else _on_gpu("bin-shrink", input, shrink_factors, None)
    return out if out is not None else _component("downsample_bin_shrink")(input, shrink_factors, information_only)


def downsample_label_image(input: Image, shrink_factors: list[int], crop_radius: list[int] | None = None) -> Image:
    """``witk_downsample.downsample_label_image`` on the GPU (see the package docstring)."""
    out = _on_gpu("label", input, shrink_factors, crop_radius)
    return out if out is not None else _component("downsample_label_image")(input, shrink_factors, crop_radius)
