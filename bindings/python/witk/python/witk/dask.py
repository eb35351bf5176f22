"""witk's downsampling on dask arrays: images of any size, chunk by chunk, on every core
(dask's threaded scheduler) or on a cluster (``dask.distributed``).

Each output chunk is one call of the pipeline's ``*-region`` function on exactly the input
pixels it reads, which the component itself names (its ``*-region-input`` functions: the
kernel radius, the shrink blocks, clipped at the image's edges, where zero-flux Neumann
boundaries apply as in one call). Stitched, the chunks are exactly what the in-memory
function gives for the whole image, for any chunking of the input or the output.

    >>> import dask.array as da, witk.dask
    >>> volume = da.zeros((1024, 2048, 2048), dtype="uint16", chunks=256)
    >>> half = witk.dask.downsample(volume, [2, 2, 2])          # lazy: a dask array
    >>> image = witk.dask.downsample(witk.Image(...data=volume...), [2, 2, 2])  # a witk.Image

Arrays are in NumPy's order (``z, y, x``, plus a last axis of components with
``is_vector=True``); shrink factors and crop radii, as everywhere in witk, in the image's
(``x, y, z``). An Image whose ``data`` is a dask array keeps its geometry: the result's
origin and spacing are the component's, computed, not guessed. Workers load the runtime
and the compiled component once per process (witk's compile cache).

:func:`read_image` maps an uncompressed NRRD, MetaImage or NIfTI file of any size into a
dask array (the component parses the header and says where the pixels lie; they never
pass through an instance), and :func:`write_image` writes a dask-backed image to one slab
by slab.

Needs ``dask``, and the ``witk-downsample`` or ``witk-image-io`` package.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any, Callable

from .arrays import component_type_of, dtype_of
from .component_types import PixelTypes
from .spatial import Image, ImageRegion, ImageType

__all__ = [
    "compare_images",
    "downsample",
    "downsample_bin_shrink",
    "downsample_label_image",
    "read_image",
    "write_image",
]

# How each function computes a region, and which input it needs: the component's names.
_REGION = {
    "downsample": ("downsample_region", "downsample_region_input", True),
    "downsample_bin_shrink": ("downsample_bin_shrink_region", "downsample_bin_shrink_region_input", False),
    "downsample_label_image": ("downsample_label_image_region", "downsample_label_image_region_input", True),
}


def downsample(
    image: Any, shrink_factors: Sequence[int], crop_radius: Sequence[int] | None = None, is_vector: bool = False
) -> Any:
    """:func:`witk_downsample.downsample` (ITK's anti-aliasing Gaussian, then
    subsampling) on a dask array or a dask-backed :class:`witk.Image`; lazy."""
    return _run("downsample", image, shrink_factors, crop_radius, is_vector)


def downsample_bin_shrink(image: Any, shrink_factors: Sequence[int], is_vector: bool = False) -> Any:
    """:func:`witk_downsample.downsample_bin_shrink` (block means) on a dask array or a
    dask-backed :class:`witk.Image`; lazy. Blocks that do not fit at the far end are
    dropped, as in one call."""
    return _run("downsample_bin_shrink", image, shrink_factors, None, is_vector)


def downsample_label_image(image: Any, shrink_factors: Sequence[int], crop_radius: Sequence[int] | None = None) -> Any:
    """:func:`witk_downsample.downsample_label_image` (label voting, never a new label) on
    a dask array or a dask-backed :class:`witk.Image`; lazy."""
    return _run("downsample_label_image", image, shrink_factors, crop_radius, False)


def _functions(name: str) -> tuple[Callable[..., Any], Callable[..., Any], bool]:
    import witk_downsample

    region, region_input, has_crop = _REGION[name]
    return getattr(witk_downsample, region), getattr(witk_downsample, region_input), has_crop


def _header(image: Image) -> Image:
    """``image`` without pixels (what travels to workers with each block)."""
    return Image(
        imageType=image.imageType,
        name=image.name,
        origin=list(image.origin),
        spacing=list(image.spacing),
        direction=image.direction,
        size=list(image.size),
        metadata=dict(image.metadata),
    )


def _compute_block(
    name: str,
    header: Image,
    block: Any,
    in_index: list[int],
    shrink: list[int],
    out_index: list[int],
    out_size: list[int],
    crop: list[int] | None,
) -> Any:
    """One output chunk: the region function on the input block it reads (runs on a worker)."""
    region, _, has_crop = _functions(name)
    part = _header(header)
    part.data = block
    part.bufferedRegion = ImageRegion(index=in_index, size=[int(s) for s in reversed(_spatial_shape(header, block))])
    args: list[Any] = [part, shrink, out_index, out_size]
    if has_crop:
        args.append(crop)
    return region(*args).data


def _spatial_shape(header: Image, block: Any) -> tuple[int, ...]:
    return tuple(block.shape[: header.imageType.dimension])


def _as_image(image: Any, is_vector: bool) -> tuple[Image, Any, bool]:
    """(header, dask array, whether the caller gave an Image)."""
    import dask.array as da

    if isinstance(image, Image):
        data = image.data if isinstance(image.data, da.Array) else da.asarray(image.data)
        return _header(image), data, True
    data = image if isinstance(image, da.Array) else da.asarray(image)
    components = int(data.shape[-1]) if is_vector else 1
    dimension = data.ndim - (1 if is_vector else 0)
    kind = ImageType(dimension=dimension, componentType=component_type_of(data.dtype), components=components)
    if components > 1:
        kind.pixelType = PixelTypes.VariableLengthVector
    size = [int(n) for n in reversed(data.shape[:dimension])]
    return Image(imageType=kind, size=size), data, False


def _run(
    name: str, image: Any, shrink_factors: Sequence[int], crop_radius: Sequence[int] | None, is_vector: bool
) -> Any:
    import dask
    import dask.array as da

    header, data, gave_image = _as_image(image, is_vector)
    d = header.imageType.dimension
    shrink = [int(s) for s in shrink_factors]
    crop = None if crop_radius is None else [int(c) for c in crop_radius]
    region, region_input, has_crop = _functions(name)
    input_size = [int(n) for n in header.size]

    def needs(out_index: list[int], out_size: list[int]) -> tuple[list[int], list[int]]:
        args: list[Any] = [input_size, shrink, out_index, out_size]
        if has_crop:
            args.append(crop)
        index, size = region_input(*args)
        return [int(i) for i in index], [int(s) for s in size]

    # The whole output's grid, from the component: one output pixel from what it reads.
    first, count = needs([0] * d, [1] * d)
    probe = _header(header)
    probe.data = data[_slices(first, count, d)].compute()
    probe.bufferedRegion = ImageRegion(index=first, size=count)
    args: list[Any] = [probe, shrink, [0] * d, [1] * d] + ([crop] if has_crop else [])
    grid = region(*args)
    out_size = [int(n) for n in grid.size]

    # Output chunks: the input's chunks shrunk (at least one pixel), in x, y, z order.
    chunk = [max(1, max(data.chunks[d - 1 - a]) // shrink[a]) for a in range(d)]
    starts = [list(range(0, out_size[a], chunk[a])) for a in range(d)]
    dtype = dtype_of(header.imageType.componentType)
    extra = tuple(data.shape[d:])  # the components axis, if any
    blocks: dict[tuple[int, ...], Any] = {}
    for corner in itertools.product(*[range(len(s)) for s in starts]):
        out_index = [starts[a][corner[a]] for a in range(d)]
        size = [min(chunk[a], out_size[a] - out_index[a]) for a in range(d)]
        in_index, in_size = needs(out_index, size)
        part = data[_slices(in_index, in_size, d)]
        task = dask.delayed(_compute_block, pure=True)(name, header, part, in_index, shrink, out_index, size, crop)
        shape = tuple(reversed(size)) + extra
        blocks[corner] = da.from_delayed(task, shape=shape, dtype=dtype)
    nested = _nest(blocks, [len(s) for s in starts], len(extra))
    result = da.block(nested)
    if not gave_image:
        return result
    out = _header(grid)
    out.data = result
    out.bufferedRegion = ImageRegion(index=[0] * d, size=out_size)
    return out


def _slices(index: list[int], size: list[int], d: int) -> tuple[slice, ...]:
    """NumPy slices (z, y, x) of an (x, y, z) region."""
    return tuple(slice(index[a], index[a] + size[a]) for a in reversed(range(d)))


def _nest(blocks: dict[tuple[int, ...], Any], counts: list[int], extra: int) -> Any:
    """The blocks as ``da.block`` wants them: nested lists, slowest NumPy axis (z)
    outermost, and one more single-block level per trailing (components) axis."""
    d = len(counts)

    def level(axis: int, prefix: dict[int, int]) -> Any:
        if axis < 0:
            leaf = blocks[tuple(prefix[a] for a in range(d))]
            for _ in range(extra):
                leaf = [leaf]
            return leaf
        return [level(axis - 1, {**prefix, axis: i}) for i in range(counts[axis])]

    return level(d - 1, {})


# ---------------------------------------------------------------------------------------
# Files larger than a component's memory.
# ---------------------------------------------------------------------------------------


class _MappedPixels:
    """The pixels of a file as dask reads them: a memory map opened per access (so a
    graph pickles as a path and an offset, not as the data, for dask.distributed)."""

    def __init__(self, path: str, dtype: Any, offset: int, shape: tuple[int, ...]) -> None:
        import numpy as np

        self.path, self.dtype, self.offset, self.shape = path, np.dtype(dtype), offset, shape
        self.ndim = len(shape)

    def __getitem__(self, key: Any) -> Any:
        import numpy as np

        mapped = np.memmap(self.path, dtype=self.dtype, mode="r", offset=self.offset, shape=self.shape)
        return np.array(mapped[key])


def read_image(path: Any, chunks: Any = "auto") -> Image:
    """An image file as a :class:`witk.Image` whose ``data`` is a dask array. Raw NRRD,
    uncompressed MetaImage and NIfTI files are mapped, at any size (the header read by
    the component from the file's first MiB; companion files confined as by
    :func:`witk_image_io.read_image`); any other file is read whole by
    :func:`witk_image_io.read_image` (so within one component's 4 GiB)."""
    import os

    import dask.array as da
    import numpy as np
    import witk_image_io
    from witk_image_io_wasi._component import pipeline

    from . import convert
    from .component_types import STORAGE
    from .errors import InvalidDataError

    path = os.fspath(path)
    main = convert.read_binary_file(path)
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        head = f.read(convert.HEADER_BYTES)
    image_io = pipeline()
    mappable, file, offset, big = image_io.call("raw-pixel-layout", (main[0], head))
    if not mappable:
        image = witk_image_io.read_image(path)
        image.data = da.from_array(image.data, chunks=chunks)
        return image
    header = convert.image_from_native(image_io.call("read-image", (main[0], head), [], True, None, None))
    data_path = path if not file else convert.companion_paths(path, [file])[0]
    ctype = header.imageType.componentType.value
    dtype = np.dtype(STORAGE[ctype].dtype).newbyteorder(">" if big else "<")
    components = header.imageType.components
    shape = tuple(int(n) for n in reversed(header.size)) + ((components,) if components > 1 else ())
    nbytes = int(np.prod(shape, dtype=np.uint64)) * dtype.itemsize
    available = (size if data_path == path else os.stat(data_path).st_size) - int(offset)
    if available < nbytes:
        raise InvalidDataError(
            "read-image",
            f"{data_path}: the pixels are truncated: {max(available, 0)} bytes for the {nbytes} the header describes",
        )
    data = da.from_array(
        _MappedPixels(data_path, dtype, int(offset), shape), chunks=chunks, meta=np.empty((0,) * len(shape), dtype)
    )
    if big:
        data = data.astype(dtype.newbyteorder("<"))
    header.data = data
    return header


def write_image(image: Image, path: Any, slab_bytes: int = 256 << 20) -> None:
    """Write a :class:`witk.Image` (dask or NumPy pixels) to a raw NRRD (``.nrrd``,
    ``.nhdr`` + ``.raw``), MetaImage (``.mha``, ``.mhd`` + ``.raw``) or NIfTI (``.nii``)
    file, computing and writing about ``slab_bytes`` of pixels at a time: the header is
    the component's (:func:`witk_image_io.write_image` with ``information_only``), the
    pixels little-endian in the order it reads them. Read it back with
    :func:`read_image` or any reader of the format."""
    import os

    import dask.array as da
    import numpy as np
    from witk_image_io_wasi._component import pipeline

    from . import convert
    from .errors import UnsupportedError

    path = os.fspath(path)
    data = image.data if isinstance(image.data, da.Array) else da.asarray(image.data)
    header = _header(image)
    image_io = pipeline()
    files = image_io.call("write-image", convert.image_to_native(header), os.path.basename(path), True, False)
    name, text = files[0][0], bytes(files[0][1])
    mappable, file, offset, _ = image_io.call("raw-pixel-layout", (name, text))
    if not mappable:
        raise UnsupportedError(
            "write-image", f"{path}: witk.dask.write_image writes raw NRRD, MetaImage and NIfTI files"
        )
    folder = os.path.dirname(os.path.abspath(path))
    target = path if not file else os.path.join(folder, file)
    dtype = data.dtype.newbyteorder("<")
    plane = int(np.prod(data.shape[1:], dtype=np.uint64)) * dtype.itemsize
    rows = max(1, slab_bytes // max(plane, 1))
    slabs = data.rechunk((rows,) + tuple(-1 for _ in data.shape[1:]))
    with open(path, "wb") as f:
        f.write(text)
    with open(target, "r+b" if target == path else "wb") as f:
        f.seek(int(offset))
        for i in range(slabs.numblocks[0]):
            f.write(np.ascontiguousarray(slabs.blocks[i].compute(), dtype=dtype).tobytes())


# ---------------------------------------------------------------------------------------
# compare-images as a reduction.
# ---------------------------------------------------------------------------------------


def _compare_block(
    test: Image,
    test_block: Any,
    baselines: list[Image],
    baseline_blocks: list[Any],
    need: tuple[list[int], list[int]],
    region: tuple[list[int], list[int]],
    options: tuple,
) -> Any:
    """One chunk's difference images, one per baseline, stacked on a first axis: the
    component's compare-images-region on the pixels its region-input rule names (runs on
    a worker)."""
    import numpy as np
    from witk_compare_images import compare_images_region

    def part(header: Image, block: Any) -> Image:
        image = _header(header)
        image.data = block
        image.bufferedRegion = ImageRegion(index=need[0], size=need[1])
        return image

    threshold, radius, ignore, spatial = options
    differences = compare_images_region(
        part(test, test_block),
        [part(b, block) for b, block in zip(baselines, baseline_blocks)],
        difference_threshold=threshold,
        radius_tolerance=radius,
        ignore_boundary_pixels=ignore,
        spatial_tolerance=spatial,
        index=region[0],
        size=region[1],
    )
    return np.stack([np.asarray(d.data) for d in differences])


def compare_images(
    test_image: Any,
    baseline_images: Sequence[Any],
    difference_threshold: float = 0.0,
    radius_tolerance: int = 0,
    number_of_pixels_tolerance: int = 0,
    ignore_boundary_pixels: bool = False,
    spatial_tolerance: float = 1e-8,
) -> tuple[dict[str, Any], Image]:
    """:func:`witk_compare_images.compare_images` on dask-backed images, as a reduction:
    each chunk is compared by the component with the halo its ``radius_tolerance`` reads
    (chunks merged so none is narrower than the neighbourhood), the chunks' difference
    images give each baseline's count, minimum, maximum and total of differing pixels,
    and the baseline with the fewest (the last of equals) gives the metrics, as in one
    call. Returns the metrics (computed) and the difference image (float64, lazy; it is
    computed again when used). No 2-D rendering is made: render a slice of the
    difference with :func:`witk_view.render_slices` if one is wanted."""
    import dask
    import dask.array as da
    import numpy as np

    from .errors import InvalidArgumentError
    from .spatial import ImageType

    test, test_data, _ = _as_image(test_image, False)
    baselines = [_as_image(b, False)[:2] for b in baseline_images]
    if not baselines:
        raise InvalidArgumentError("compare-images", "baseline-images is empty: give at least one baseline")
    for i, (_, data) in enumerate(baselines):
        if data.shape != test_data.shape:
            raise InvalidArgumentError(
                "compare-images", f"baseline {i} has shape {data.shape}; the test image has {test_data.shape}"
            )
    from witk_compare_images import compare_images_region_input

    d = test.imageType.dimension
    test_data = test_data.rechunk(test_data.chunks[:d] + tuple((n,) for n in test_data.shape[d:]))
    chunks = test_data.chunks
    options = (
        float(difference_threshold),
        int(radius_tolerance),
        bool(ignore_boundary_pixels),
        float(spatial_tolerance),
    )
    size = [int(n) for n in test.size]
    starts = [np.cumsum((0,) + c[:-1]) for c in chunks[:d]]
    baseline_data = [data.rechunk(chunks) for _, data in baselines]
    headers = [header for header, _ in baselines]
    stacks: dict[tuple[int, ...], Any] = {}
    for corner in itertools.product(*[range(len(c)) for c in chunks[:d]]):
        # The chunk, in x, y, z order, and the pixels the component says it reads.
        index = [int(starts[d - 1 - a][corner[d - 1 - a]]) for a in range(d)]
        extent = [int(chunks[d - 1 - a][corner[d - 1 - a]]) for a in range(d)]
        first, count = compare_images_region_input(size, radius_tolerance=options[1], index=index, size=extent)
        need = ([int(i) for i in first], [int(n) for n in count])
        outer = _slices(need[0], need[1], d)
        task = dask.delayed(_compare_block, pure=True)(
            test, test_data[outer], headers, [data[outer] for data in baseline_data], need, (index, extent), options
        )
        shape = (len(baselines),) + tuple(reversed(extent))
        stacks[tuple(reversed(corner))] = da.from_delayed(task, shape=shape, dtype=np.float64)  # keyed x, y, z
    # One lazy difference image per baseline, each block a slice of its chunk's stack.
    differences = [
        da.block(_nest({k: v[i] for k, v in stacks.items()}, [len(c) for c in reversed(chunks[:d])], 0))
        for i in range(len(baselines))
    ]
    # Differing pixels are those whose difference exceeds the threshold (the component
    # writes 0 for the others): ITK's statistics of them, per baseline, in one pass.
    threshold = options[0]
    stats = []
    for diff in differences:
        differing = diff > threshold
        stats.append(
            (
                differing.sum(),
                da.where(differing, diff, np.inf).min(),
                da.where(differing, diff, -np.inf).max(),
                da.where(differing, diff, 0.0).sum(),
            )
        )
    (computed,) = dask.compute(stats)
    counts = [int(c) for c, _, _, _ in computed]
    best = max(i for i, c in enumerate(counts) if c == min(counts))
    count, low, high, total = computed[best]
    count = int(count)
    largest = float(np.finfo(np.float64).max)
    metrics = {
        "almostEqual": count <= int(number_of_pixels_tolerance),
        "numberOfPixelsWithDifferences": count,
        "minimumDifference": float(low) if count else largest,
        "maximumDifference": float(high) if count else -largest,
        "totalDifference": float(total),
        "meanDifference": float(total) / count if count else 0.0,
        "bestBaselineIndex": best,
    }
    difference = _header(test)
    difference.imageType = ImageType(dimension=d, componentType="float64")
    difference.data = differences[best]
    return metrics, difference
