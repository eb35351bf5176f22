"""OME-Zarr (OME-NGFF) multiscale pyramids computed by witk's downsample pipeline.

:func:`to_multiscales` builds the pyramid lazily with :mod:`witk.dask` (chunk by chunk,
any image size, threaded or on ``dask.distributed``); :func:`to_ngff_zarr` writes it as
OME-NGFF 0.4 (Zarr v2) or 0.5 (Zarr v3, optionally sharded) and :func:`from_ngff_zarr`
reads one back, through ngff-zarr, the maintained library of the format (its metadata
models, zarr-python 3 and the Zarr codecs), so what is written is what ngff-zarr and
ome-zarr-py read.

The pyramid is the one ``ngff_zarr.to_multiscales(..., method=Methods.ITKWASM_GAUSSIAN
/ ITKWASM_BIN_SHRINK / ITKWASM_LABEL_IMAGE)`` computes, level by level: each level from
the previous one when that reaches the requested size exactly (else from the first), the
same incremental factors, and, for ``gaussian`` on integer images, ngff-zarr's recipe:
blurred as float32, then rounded, clipped and cast back. That differs from
:func:`witk_downsample.downsample` on the whole integer image, which truncates each pass
as ITK does (by up to 3 on smooth data); use :func:`witk.dask.downsample` for that.
Scale and translation are the component's output spacing and origin (the first
block's centre), which is ngff-zarr's ``translation + (factor - 1) / 2 * scale``.

OME-NGFF 0.4/0.5 have no rotation: an image's direction must be the identity (or pass
``ignore_direction=True``). Needs ``dask``, ``ngff-zarr`` and ``witk-downsample``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any, Union

from . import dask as witk_dask
from .component_types import PixelTypes, component_type
from .spatial import Image, ImageRegion

__all__ = ["from_ngff_zarr", "to_multiscales", "to_ngff_image", "to_ngff_zarr"]

ScaleFactor = Union[int, Mapping[str, int]]

_METHODS = {
    # method: (witk.dask function, ngff-zarr's name for the same pyramid, description)
    "gaussian": ("downsample", "itkwasm_gaussian", "Gaussian anti-aliasing, then subsampling"),
    "bin_shrink": ("downsample_bin_shrink", "itkwasm_bin_shrink", "Local mean of shrink-factor blocks"),
    "label": ("downsample_label_image", "itkwasm_label_image", "Label voting: never a new label"),
}
_SPATIAL = ("x", "y", "z")


def _dims(image: Image) -> list[str]:
    d = image.imageType.dimension
    if d not in (2, 3):
        raise ValueError(f"OME-NGFF images here are 2-D or 3-D; this one has {d} dimensions")
    dims = ["z", "y", "x"][3 - d :]
    return dims + (["c"] if image.imageType.components > 1 else [])


def to_ngff_image(image: Image, ignore_direction: bool = False) -> Any:
    """A :class:`witk.Image` (NumPy or dask pixels) as an ``ngff_zarr.NgffImage``: dims
    ``z, y, x`` (``c`` last for multi-component pixels), scale from spacing, translation
    from origin."""
    import dask.array as da
    import ngff_zarr
    import numpy as np

    direction = np.asarray(image.direction, dtype=float).reshape(-1)
    if not ignore_direction and not np.allclose(direction, np.eye(image.imageType.dimension).reshape(-1)):
        raise ValueError(
            "OME-NGFF 0.4/0.5 cannot store a rotated grid: the image's direction is not the identity "
            "(pass ignore_direction=True to drop it)"
        )
    dims = _dims(image)
    spatial = [d for d in dims if d in _SPATIAL]
    data = image.data if isinstance(image.data, da.Array) else da.asarray(image.data)
    scale = {dim: float(s) for dim, s in zip(reversed(spatial), image.spacing)}
    translation = {dim: float(o) for dim, o in zip(reversed(spatial), image.origin)}
    return ngff_zarr.to_ngff_image(data, dims=dims, scale=scale, translation=translation, name=image.name or "image")


def _from_ngff_image(ngff_image: Any) -> Image:
    from .arrays import component_type_of
    from .spatial import ImageType

    spatial = [d for d in ngff_image.dims if d in _SPATIAL]
    components = ngff_image.data.shape[ngff_image.dims.index("c")] if "c" in ngff_image.dims else 1
    kind = ImageType(
        dimension=len(spatial), componentType=component_type_of(ngff_image.data.dtype), components=components
    )
    if components > 1:
        kind.pixelType = PixelTypes.VariableLengthVector
    size = [int(ngff_image.data.shape[ngff_image.dims.index(d)]) for d in reversed(spatial)]
    return Image(
        imageType=kind,
        name=ngff_image.name,
        origin=[float(ngff_image.translation.get(d, 0.0)) for d in reversed(spatial)],
        spacing=[float(ngff_image.scale.get(d, 1.0)) for d in reversed(spatial)],
        size=size,
        data=ngff_image.data,
        bufferedRegion=ImageRegion(index=[0] * len(size), size=size),
    )


def _incremental_factor(previous_size: int, target_size: int, nominal: int) -> int:
    """ngff-zarr's rule: the integer factor that takes ``previous_size`` to ``target_size``."""
    import math

    if target_size <= 0:
        return 1
    if nominal >= 1 and int(previous_size / nominal) == target_size:
        return nominal
    factor = int(math.ceil(previous_size / (target_size + 0.5)))
    if int(previous_size / factor) != target_size:
        factor = max(1, int(previous_size / target_size))
        if int(previous_size / factor) != target_size:
            factor = max(1, int(math.ceil(previous_size / target_size)))
    return max(1, factor)


def _level_factors(
    spatial: list[str], factor: ScaleFactor, first: dict[str, int], previous: dict[str, int], done: dict[str, int]
) -> tuple[dict[str, int], bool]:
    """(factor per spatial dim from the previous level, whether that reaches the target
    size; else the factors from the first level), as ngff-zarr steps its ladder."""
    wanted = {d: int(factor if isinstance(factor, int) else factor.get(d, 1)) for d in spatial}
    step = {}
    for d in spatial:
        target = int(first[d] / wanted[d])
        step[d] = _incremental_factor(previous[d], target, int(wanted[d] // done.get(d, 1)))
    if all(int(previous[d] / step[d]) == int(first[d] / wanted[d]) for d in spatial):
        return step, True
    return wanted, False


def _derive(source: Image, shrink: list[int], method: str, rechunk: tuple[int, ...]) -> Image:
    """One pyramid level from ``source`` (lazy), shrunk by ``shrink`` (x, y, z)."""
    import dask.array as da
    import numpy as np

    function = _METHODS[method][0]
    if method == "gaussian" and np.issubdtype(source.data.dtype, np.integer):
        # ngff-zarr's recipe for integer pixels: blur as float32, round, clip, cast back.
        dtype = source.data.dtype
        as_float = Image(**{**source.__dict__})
        as_float.imageType = copy.copy(source.imageType)
        as_float.imageType.componentType = component_type("float32")
        as_float.data = source.data.astype(np.float32)
        out = witk_dask.downsample(as_float, shrink)
        info = np.iinfo(dtype)
        out.data = da.clip(da.rint(out.data), info.min, info.max).astype(dtype)
        out.imageType = copy.copy(source.imageType)
    else:
        out = getattr(witk_dask, function)(source, shrink)
    out.data = out.data.rechunk(rechunk)
    return out


def to_multiscales(
    image: Image,
    scale_factors: Sequence[ScaleFactor],
    method: str = "gaussian",
    chunks: int | Mapping[str, int] | None = None,
    ignore_direction: bool = False,
) -> Any:
    """The multiscale pyramid of ``image`` as an ``ngff_zarr.NgffMultiscales`` (lazy):
    one level per scale factor (an int for every spatial axis, or ``{"x": 2, "y": 2,
    "z": 1}``), by ``method`` ``"gaussian"``, ``"bin_shrink"`` or ``"label"``, each level
    chunked by ``chunks`` (default: 128 for 3-D, 256 for 2-D, as ngff-zarr).
    :func:`to_ngff_zarr` writes it level by level, each computed once from the level it
    derives from as written (a shallow graph whatever the depth of the pyramid)."""
    import ngff_zarr

    if method not in _METHODS:
        raise ValueError(f"method must be one of {', '.join(_METHODS)}, not {method!r}")
    function, ngff_method, description = _METHODS[method]
    base = to_ngff_image(image, ignore_direction)
    dims = list(base.dims)
    spatial = [d for d in dims if d in _SPATIAL]
    if chunks is None:
        chunks = 128 if len(spatial) == 3 else 256
    out_chunks = {d: (chunks if isinstance(chunks, int) else int(chunks.get(d, 128))) for d in spatial}
    if "c" in dims:
        out_chunks["c"] = int(base.data.shape[dims.index("c")])
    rechunk = tuple(out_chunks[d] for d in dims)

    first_image = Image(**{**image.__dict__})
    first_image.data = base.data
    first_size = {d: int(base.data.shape[dims.index(d)]) for d in spatial}
    levels = [first_image]
    steps: list[tuple[int, list[int]]] = []  # (source level, shrink factors x, y, z)
    done = dict.fromkeys(spatial, 1)
    for factor in scale_factors:
        previous = levels[-1]
        previous_size = {d: int(previous.data.shape[dims.index(d)]) for d in spatial}
        step, incremental = _level_factors(spatial, factor, first_size, previous_size, done)
        source = len(levels) - 1 if incremental else 0
        shrink = [step[d] for d in reversed(spatial)]  # x, y, z
        levels.append(_derive(levels[source], shrink, method, rechunk))
        steps.append((source, shrink))
        done = {d: int(factor if isinstance(factor, int) else factor.get(d, done[d])) for d in spatial}

    ngff_images = [base] + [to_ngff_image(level, ignore_direction=True) for level in levels[1:]]
    for level in ngff_images:
        level.data = level.data.rechunk(rechunk)
        level.name = base.name
    template = ngff_zarr.to_multiscales(base, scale_factors=[], chunks=out_chunks)
    metadata = template.metadata
    first = metadata.datasets[0]
    datasets = []
    for i, level in enumerate(ngff_images):
        dataset = copy.deepcopy(first)
        path = f"scale{i}/{base.name}"
        dataset.path = path
        sequence = dataset.coordinateTransformations[0]
        sequence.name = f"scale{i}_to_intrinsic"
        sequence.input.path = path
        scale, translation = sequence.transformations
        scale.scale = [float(level.scale.get(d, 1.0)) for d in dims]
        translation.translation = [float(level.translation.get(d, 0.0)) for d in dims]
        datasets.append(dataset)
    metadata.datasets = datasets
    from importlib.metadata import PackageNotFoundError, version

    try:
        witk_version = version("witk-downsample")
    except PackageNotFoundError:  # pragma: no cover - a source checkout
        witk_version = None
    metadata.type = ngff_method
    metadata.metadata = ngff_zarr.MethodMetadata(
        description=f"{description}, by witk's downsample component (witk.ngff; ngff-zarr's {ngff_method} pyramid).",
        method=f"witk_downsample.{function}",
        version=witk_version,
    )
    multiscales = ngff_zarr.NgffMultiscales(
        ngff_images,
        metadata,
        scale_factors=list(scale_factors),
        method=ngff_zarr.Methods(ngff_method),
        chunks=out_chunks,
    )
    # How each level derives from another, for to_ngff_zarr (ngff-zarr leaves levels
    # without its generated_data_keys as they are).
    multiscales._witk_plan = (method, rechunk, steps, [_header(level) for level in levels])
    return multiscales


def _header(image: Image) -> Image:
    header = Image(**{**image.__dict__})
    header.data = None
    return header


def to_ngff_zarr(
    store: Any,
    multiscales: Any,
    version: str = "0.4",
    progress: bool = False,
    cache_dir: Any = None,
    **kwargs: Any,
) -> None:
    """Write ``multiscales`` (from :func:`to_multiscales`) to ``store`` (a path or a
    Zarr store) as OME-NGFF ``version`` "0.4" (Zarr v2) or "0.5" (Zarr v3; pass
    ``chunks_per_shard`` to shard). ``progress`` shows dask's progress bar.

    A pyramid from :func:`to_multiscales` is computed level by level: each level that
    another derives from is written once to a temporary Zarr store (in ``cache_dir``,
    default the system's temporary folder) and read back from it, so no level is
    computed twice and memory stays bounded by the chunks in flight."""
    import tempfile

    import dask.array as da
    import ngff_zarr

    if version not in ("0.4", "0.5"):
        raise ValueError(f"version must be '0.4' or '0.5', not {version!r}")
    plan = getattr(multiscales, "_witk_plan", None)

    def write() -> None:
        if plan is None:
            ngff_zarr.to_ngff_zarr(store, multiscales, version=version, **kwargs)
            return
        method, rechunk, steps, headers = plan
        sources = {source for source, _ in steps}
        lazy = [level.data for level in multiscales.images]
        try:
            with tempfile.TemporaryDirectory(prefix="witk-ngff-", dir=cache_dir) as cache:
                data = {0: lazy[0]}
                for i, (source, shrink) in enumerate(steps, start=1):
                    level = _header(headers[source])
                    level.data = data[source]
                    out = _derive(level, shrink, method, rechunk).data
                    if i in sources:  # another level reads it: compute it once, keep it on disk
                        path = f"{cache}/level{i}.zarr"
                        out.to_zarr(path)
                        out = da.from_zarr(path)
                    data[i] = out
                    multiscales.images[i].data = out
                ngff_zarr.to_ngff_zarr(store, multiscales, version=version, **kwargs)
        finally:  # the pyramid stays as the caller had it (the cache is gone)
            for level, array in zip(multiscales.images, lazy):
                level.data = array

    if progress:
        from dask.diagnostics import ProgressBar

        with ProgressBar():
            write()
    else:
        write()


def from_ngff_zarr(store: Any) -> list[Image]:
    """Every level of the OME-Zarr multiscale image at ``store`` as a :class:`witk.Image`
    whose ``data`` is a dask array (spacing from scale, origin from translation)."""
    import ngff_zarr

    multiscales = ngff_zarr.from_ngff_zarr(store)
    return [_from_ngff_image(level) for level in multiscales.images]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m witk.ngff IN OUT --scale-factors 2,4,8 [--method gaussian|bin_shrink|label]
    [--version 0.4|0.5] [--chunks N] [--chunks-per-shard N] [--ignore-direction] [--quiet]``
    (what ``witk ngff`` runs): ``IN`` read lazily by :func:`witk.dask.read_image` (raw
    files of any size mapped), its pyramid written to ``OUT`` with dask's progress bar.
    Exit code 1 for a pipeline's error, 2 for bad arguments or a missing file."""
    import argparse
    import os
    import sys

    from .errors import PipelineError

    parser = argparse.ArgumentParser(prog="witk ngff", description="An OME-Zarr multiscale pyramid of an image.")
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--scale-factors", required=True, help="comma-separated, from the first level: 2,4,8")
    parser.add_argument("--method", choices=sorted(_METHODS), default="gaussian")
    parser.add_argument("--version", choices=("0.4", "0.5"), default="0.4")
    parser.add_argument("--chunks", type=int)
    parser.add_argument("--chunks-per-shard", type=int)
    parser.add_argument("--ignore-direction", action="store_true")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    try:
        factors = [int(f) for f in args.scale_factors.split(",")]
    except ValueError:
        parser.error(f"--scale-factors: {args.scale_factors!r} is not a comma-separated list of integers")
    if not os.path.isfile(args.input):
        print(f"witk ngff: {args.input}: no such file", file=sys.stderr)
        return 2
    kwargs = {} if args.chunks_per_shard is None else {"chunks_per_shard": args.chunks_per_shard}
    try:
        image = witk_dask.read_image(args.input)
        multiscales = to_multiscales(image, factors, args.method, args.chunks, args.ignore_direction)
        to_ngff_zarr(args.output, multiscales, version=args.version, progress=not args.quiet, **kwargs)
    except (PipelineError, ValueError) as e:
        print(f"witk ngff: {e}", file=sys.stderr)
        return 1 if isinstance(e, PipelineError) else 2
    sizes = ", ".join(" x ".join(str(n) for n in reversed(level.data.shape)) for level in multiscales.images)
    print(f"{args.output}: OME-NGFF {args.version}, {len(multiscales.images)} levels ({sizes})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
