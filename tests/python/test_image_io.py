"""witk-image-io on system Python: round trips of every format, and independent readers
and writers (SimpleITK, pynrrd, nibabel) agreeing with us on pixels and ITK's geometry."""

from __future__ import annotations

import gzip
from pathlib import Path

import itkwasm
import nibabel
import nrrd
import numpy as np
import pytest
import SimpleITK as sitk
from witk_image_io import read_image, write_image

import witk

DTYPES = ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64"]
FORMATS = [".nrrd", ".nhdr", ".mha", ".mhd", ".nii", ".nii.gz", ".witk"]
# A rotation about z plus a flip of nothing: not axis-aligned, still a proper rotation.
ROT = np.array([[0.6, -0.8, 0.0], [0.8, 0.6, 0.0], [0.0, 0.0, 1.0]])


def sample(dtype: str, shape: tuple[int, ...], components: int = 1) -> witk.Image:
    rng = np.random.default_rng(sum(map(ord, dtype)) + len(shape))
    full = shape + ((components,) if components > 1 else ())
    if dtype.startswith("float"):
        arr = rng.normal(0, 100, full).astype(dtype)
    else:
        info = np.iinfo(dtype)
        arr = rng.integers(max(info.min, -1000), min(info.max, 1000), full, endpoint=True).astype(dtype)
    image = witk.image_from_array(arr, is_vector=components > 1)
    d = len(shape)
    image.origin = [1.5, -20.25, 7.0][:d]
    image.spacing = [0.5, 1.25, 2.5][:d]
    image.direction = ROT[:d, :d].copy() if d == 3 else np.array([[0.6, -0.8], [0.8, 0.6]])
    return image


def assert_geometry(a: witk.Image, origin, spacing, direction, tol: float = 1e-5) -> None:
    np.testing.assert_allclose(np.asarray(a.origin, float), np.asarray(origin, float), atol=tol)
    np.testing.assert_allclose(np.asarray(a.spacing, float), np.asarray(spacing, float), atol=tol)
    np.testing.assert_allclose(
        np.asarray(a.direction, float).reshape(-1), np.asarray(direction, float).reshape(-1), atol=tol
    )


@pytest.mark.parametrize("ext", FORMATS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(5, 7), (3, 4, 6)])
def test_round_trip(tmp_path: Path, ext: str, dtype: str, shape: tuple[int, ...]) -> None:
    image = sample(dtype, shape)
    path = tmp_path / f"img{ext}"
    write_image(image, path)
    back = read_image(path)
    assert back.imageType.componentType.value == dtype
    np.testing.assert_array_equal(witk.array_from_image(back), witk.array_from_image(image))
    assert_geometry(back, image.origin, image.spacing, image.direction)


@pytest.mark.parametrize("ext", [".nrrd", ".mha", ".nhdr", ".witk", ".nii.gz"])
def test_vector_images_and_compression(tmp_path: Path, ext: str) -> None:
    image = sample("float32", (3, 4, 5), components=3)
    for compress in (False, True):
        path = tmp_path / f"v{compress}{ext}"
        write_image(image, path, use_compression=compress)
        back = read_image(path)
        assert back.imageType.components == 3
        np.testing.assert_array_equal(witk.array_from_image(back), witk.array_from_image(image))


@pytest.mark.parametrize("ext", [".nrrd", ".mha", ".nii", ".nii.gz"])
@pytest.mark.parametrize("shape", [(4, 5), (2, 4, 5)])
def test_vector_images_with_simpleitk_both_ways(tmp_path: Path, ext: str, shape: tuple[int, ...]) -> None:
    # NIfTI keeps components in dim[5] with padding axes of size 1; the dimension must
    # still come back as written, as ITK reads it.
    image = sample("float32", shape, components=3)
    ours = tmp_path / f"ours{ext}"
    write_image(image, ours)
    s = sitk.ReadImage(str(ours))
    assert (s.GetDimension(), s.GetNumberOfComponentsPerPixel()) == (len(shape), 3)
    np.testing.assert_array_equal(sitk.GetArrayFromImage(s), witk.array_from_image(image))
    theirs = tmp_path / f"sitk{ext}"
    sitk.WriteImage(s, str(theirs))
    back = read_image(theirs)
    assert (back.imageType.dimension, back.imageType.components) == (len(shape), 3)
    np.testing.assert_array_equal(witk.array_from_image(back), witk.array_from_image(image))


def sitk_geometry(s: sitk.Image) -> tuple:
    return s.GetOrigin(), s.GetSpacing(), s.GetDirection()


@pytest.mark.parametrize("ext", [".nrrd", ".nhdr", ".mha", ".mhd", ".nii", ".nii.gz"])
@pytest.mark.parametrize("dtype", ["uint8", "int16", "uint16", "int32", "float32", "float64"])
def test_simpleitk_reads_ours(tmp_path: Path, ext: str, dtype: str) -> None:
    image = sample(dtype, (4, 5, 6))
    path = tmp_path / f"ours{ext}"
    write_image(image, path)
    s = sitk.ReadImage(str(path))
    np.testing.assert_array_equal(sitk.GetArrayFromImage(s), witk.array_from_image(image))
    origin, spacing, direction = sitk_geometry(s)
    assert_geometry(image, origin, spacing, direction)


@pytest.mark.parametrize("ext", [".nrrd", ".mha", ".mhd", ".nii", ".nii.gz", ".nhdr"])
@pytest.mark.parametrize("compress", [False, True])
def test_we_read_simpleitk(tmp_path: Path, ext: str, compress: bool) -> None:
    arr = (np.arange(4 * 5 * 6).reshape(4, 5, 6) * 3 - 50).astype(np.int16)
    s = sitk.GetImageFromArray(arr)
    s.SetOrigin((10.5, -3.0, 2.25))
    s.SetSpacing((0.5, 0.7, 1.9))
    s.SetDirection(tuple(ROT.reshape(-1)))
    path = tmp_path / f"sitk{ext}"
    sitk.WriteImage(s, str(path), useCompression=compress)
    back = read_image(path)
    np.testing.assert_array_equal(witk.array_from_image(back), arr)
    assert_geometry(back, s.GetOrigin(), s.GetSpacing(), s.GetDirection())


def test_pynrrd_both_ways(tmp_path: Path) -> None:
    image = sample("float32", (4, 5, 6))
    write_image(image, tmp_path / "ours.nrrd", use_compression=True)
    data, header = nrrd.read(str(tmp_path / "ours.nrrd"))
    np.testing.assert_array_equal(data, witk.array_from_image(image).transpose(2, 1, 0))
    np.testing.assert_allclose(header["space origin"], image.origin)
    np.testing.assert_allclose(header["space directions"], (ROT * np.asarray(image.spacing)).T, atol=1e-12)

    arr = np.arange(60, dtype=np.uint16).reshape(3, 4, 5)  # pynrrd: fastest axis first
    theirs = {"space": "right-anterior-superior", "space directions": np.diag([2.0, 3.0, 4.0]),
              "space origin": np.array([1.0, 2.0, 3.0]), "encoding": "gzip"}  # fmt: skip
    nrrd.write(str(tmp_path / "theirs.nrrd"), arr, theirs)
    back = read_image(tmp_path / "theirs.nrrd")
    np.testing.assert_array_equal(witk.array_from_image(back), arr.transpose(2, 1, 0))
    assert_geometry(back, [-1.0, -2.0, 3.0], [2.0, 3.0, 4.0], np.diag([-1.0, -1.0, 1.0]))


def test_nibabel_both_ways(tmp_path: Path) -> None:
    image = sample("int16", (4, 5, 6))
    write_image(image, tmp_path / "ours.nii.gz")
    n = nibabel.load(str(tmp_path / "ours.nii.gz"))
    np.testing.assert_array_equal(np.asarray(n.dataobj), witk.array_from_image(image).transpose(2, 1, 0))
    lps_to_ras = np.diag([-1.0, -1.0, 1.0])
    want = np.eye(4)
    want[:3, :3] = lps_to_ras @ ROT @ np.diag(image.spacing)
    want[:3, 3] = lps_to_ras @ np.asarray(image.origin)
    np.testing.assert_allclose(n.affine, want, atol=1e-5)

    # nibabel's file with an oblique affine and intensity scaling.
    affine = np.array([[-0.9, 0.0, 0.1, 20.0], [0.0, 1.1, 0.0, -30.0], [0.2, 0.0, 2.0, 5.0], [0, 0, 0, 1]])
    data = np.arange(3 * 4 * 5, dtype=np.int16).reshape(3, 4, 5)
    img = nibabel.Nifti1Image(data, affine)
    img.header.set_slope_inter(0.5, -10.0)
    nibabel.save(img, str(tmp_path / "theirs.nii"))
    back = read_image(tmp_path / "theirs.nii")
    np.testing.assert_allclose(witk.array_from_image(back), data.transpose(2, 1, 0) * 0.5 - 10.0)
    best = img.header.get_best_affine()
    spacing = np.linalg.norm(best[:3, :3], axis=0)
    assert_geometry(back, lps_to_ras @ best[:3, 3], spacing, lps_to_ras @ (best[:3, :3] / spacing))


def test_information_only_casts_and_itkwasm_images(tmp_path: Path) -> None:
    image = sample("int16", (4, 5, 6))
    write_image(image, tmp_path / "a.nrrd")
    info = read_image(tmp_path / "a.nrrd", information_only=True)
    assert info.data is None and list(info.size) == [6, 5, 4]
    f = read_image(tmp_path / "a.nrrd", component_type=witk.FloatTypes.Float64)
    assert f.imageType.componentType is witk.FloatTypes.Float64
    np.testing.assert_array_equal(witk.array_from_image(f), witk.array_from_image(image).astype(np.float64))
    theirs = itkwasm.image_from_array(np.arange(12, dtype=np.uint8).reshape(3, 4))
    write_image(theirs, tmp_path / "itkwasm.mha")
    np.testing.assert_array_equal(witk.array_from_image(read_image(tmp_path / "itkwasm.mha")), theirs.data)


def test_bad_files_give_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "junk.nrrd").write_bytes(
        b"NRRD0004\ntype: float\ndimension: 3\nsizes: 100000 100000 100000\nencoding: raw\n\n"
    )
    with pytest.raises(witk.LimitExceededError, match="junk.nrrd"):
        read_image(tmp_path / "junk.nrrd")
    (tmp_path / "trunc.mha").write_bytes(
        b"NDims = 2\nDimSize = 8 8\nElementType = MET_UCHAR\nElementDataFile = LOCAL\nab"
    )
    with pytest.raises(witk.InvalidDataError, match="trunc.mha.*truncated"):
        read_image(tmp_path / "trunc.mha")
    bomb = b"NRRD0004\ntype: uint8\ndimension: 1\nsizes: 16\nencoding: gzip\n\n" + gzip.compress(bytes(64 << 20))
    (tmp_path / "bomb.nrrd").write_bytes(bomb)
    with pytest.raises(witk.InvalidDataError, match="more bytes"):
        read_image(tmp_path / "bomb.nrrd")
    (tmp_path / "what.xyz").write_bytes(b"hello")
    with pytest.raises(witk.UnsupportedError, match="what.xyz"):
        read_image(tmp_path / "what.xyz")
    (tmp_path / "lonely.nhdr").write_bytes(
        b"NRRD0004\ntype: uint8\ndimension: 1\nsizes: 4\nencoding: raw\ndata file: gone.raw\n"
    )
    with pytest.raises(FileNotFoundError, match="gone.raw"):
        read_image(tmp_path / "lonely.nhdr")
    with pytest.raises(FileNotFoundError):
        read_image(tmp_path / "missing.nrrd")
    with pytest.raises(witk.UnsupportedError):
        write_image(sample("uint8", (3, 3)), tmp_path / "out.unknown")
    # Failed calls leave the pipeline working.
    write_image(sample("uint8", (3, 3)), tmp_path / "ok.nrrd")
    assert read_image(tmp_path / "ok.nrrd").imageType.componentType.value == "uint8"


@pytest.mark.parametrize(
    ("mode", "dtype", "shape"),
    [
        ("L", "uint8", (5, 7)),
        ("I;16", "uint16", (5, 7)),
        ("LA", "uint8", (5, 7, 2)),
        ("RGB", "uint8", (5, 7, 3)),
        ("RGBA", "uint8", (5, 7, 4)),
    ],  # fmt: skip
)
def test_png_with_pillow_both_ways(tmp_path: Path, mode: str, dtype: str, shape: tuple[int, ...]) -> None:
    from PIL import Image as PILImage

    arr = (np.arange(int(np.prod(shape))).reshape(shape) * 7 % 250).astype(dtype)
    PILImage.fromarray(arr, mode=mode if mode != "I;16" else None).save(tmp_path / "pil.png")
    back = read_image(tmp_path / "pil.png")
    np.testing.assert_array_equal(witk.array_from_image(back), arr)
    write_image(back, tmp_path / "ours.png")
    np.testing.assert_array_equal(np.asarray(PILImage.open(tmp_path / "ours.png")), arr)


@pytest.mark.parametrize("dtype", ["uint8", "int16", "uint16", "int32", "float32", "float64"])
def test_tiff_with_tifffile_both_ways(tmp_path: Path, dtype: str) -> None:
    import tifffile

    stack = (np.arange(3 * 5 * 7).reshape(3, 5, 7) * 3 - 20).astype(dtype)
    tifffile.imwrite(tmp_path / "theirs.tif", stack, photometric="minisblack")
    back = read_image(tmp_path / "theirs.tif")
    assert list(back.size) == [7, 5, 3]
    np.testing.assert_array_equal(witk.array_from_image(back), stack)
    write_image(back, tmp_path / "ours.tif", use_compression=True)
    np.testing.assert_array_equal(tifffile.imread(tmp_path / "ours.tif"), stack)


def test_bmp_and_jpeg_with_pillow(tmp_path: Path) -> None:
    from PIL import Image as PILImage

    rgb = (np.arange(6 * 9 * 3).reshape(6, 9, 3) * 5 % 256).astype(np.uint8)
    PILImage.fromarray(rgb).save(tmp_path / "pil.bmp")
    np.testing.assert_array_equal(witk.array_from_image(read_image(tmp_path / "pil.bmp")), rgb)
    write_image(read_image(tmp_path / "pil.bmp"), tmp_path / "ours.bmp")
    np.testing.assert_array_equal(np.asarray(PILImage.open(tmp_path / "ours.bmp")), rgb)
    gray = rgb[..., 0].copy()
    PILImage.fromarray(gray).save(tmp_path / "gray.bmp")
    np.testing.assert_array_equal(witk.array_from_image(read_image(tmp_path / "gray.bmp")), gray)

    smooth = np.tile(np.linspace(0, 255, 32, dtype=np.uint8), (24, 1))
    PILImage.fromarray(smooth).save(tmp_path / "pil.jpg", quality=95)
    ours = witk.array_from_image(read_image(tmp_path / "pil.jpg"))
    pillow = np.asarray(PILImage.open(tmp_path / "pil.jpg"))
    assert ours.shape == pillow.shape
    assert np.abs(ours.astype(int) - pillow.astype(int)).max() <= 2  # decoders may round differently
    with pytest.raises(witk.UnsupportedError, match="JPEG"):
        write_image(read_image(tmp_path / "pil.jpg"), tmp_path / "out.jpg")


@pytest.mark.parametrize("dtype", ["uint8", "int16", "float32", "float64"])
def test_vtk_with_simpleitk_both_ways(tmp_path: Path, dtype: str) -> None:
    image = sample(dtype, (4, 5, 6))
    image.direction = np.eye(3)
    write_image(image, tmp_path / "ours.vtk")
    s = sitk.ReadImage(str(tmp_path / "ours.vtk"))
    np.testing.assert_array_equal(sitk.GetArrayFromImage(s), witk.array_from_image(image))
    assert_geometry(image, s.GetOrigin(), s.GetSpacing(), s.GetDirection())
    sitk.WriteImage(s, str(tmp_path / "sitk.vtk"))
    back = read_image(tmp_path / "sitk.vtk")
    np.testing.assert_array_equal(witk.array_from_image(back), witk.array_from_image(image))
    assert_geometry(back, image.origin, image.spacing, np.eye(3))
    with pytest.raises(witk.UnsupportedError, match="direction"):
        write_image(sample(dtype, (4, 5, 6)), tmp_path / "rotated.vtk")


def test_itkwasm_short_names(tmp_path: Path) -> None:
    from witk_image_io import imread, imwrite

    image = sample("uint8", (4, 5))
    imwrite(image, tmp_path / "short.nrrd")
    np.testing.assert_array_equal(witk.array_from_image(imread(tmp_path / "short.nrrd")), witk.array_from_image(image))


@pytest.mark.parametrize(
    ("shape", "dtype"), [((2, 3, 10, 11), np.float64), ((3, 12, 13), np.uint8), ((4, 7, 9), np.uint16)]
)
def test_planar_tiffs_read_as_tifffile_reads_them(tmp_path: Path, shape: tuple[int, ...], dtype: type) -> None:
    """TIFFs with separate sample planes (PlanarConfiguration 2), as scikit-image's
    multipage_rgb.tif (two pages of float64 RGB): every plane, interleaved, with the size
    the pixels have."""
    import tifffile

    planes = (np.random.default_rng(1).random(shape) * 200).astype(dtype)
    extra = {"extrasamples": [2]} if shape[-3] == 4 else {}
    tifffile.imwrite(tmp_path / "planar.tif", planes, planarconfig="separate", photometric="rgb", **extra)
    image = read_image(tmp_path / "planar.tif")
    expected = np.moveaxis(tifffile.imread(tmp_path / "planar.tif"), -3, -1)
    assert image.imageType.components == shape[-3]
    assert np.array_equal(witk.array_from_image(image), expected)


def component_read(path: Path, companions: list[tuple[str, bytes]] | None = None) -> witk.Image:
    """The component's own reading of a file given as bytes (the host's raw fast path
    only takes files given by path)."""
    from witk_image_io_wasi._component import pipeline

    native = pipeline().call("read-image", (path.name, path.read_bytes()), companions or [], False, None, None)
    return witk.convert.image_from_native(native)


def assert_same_image(a: witk.Image, b: witk.Image) -> None:
    assert a.imageType == b.imageType
    assert (list(a.size), a.name, dict(a.metadata)) == (list(b.size), b.name, dict(b.metadata))
    for field in ("origin", "spacing", "direction"):
        np.testing.assert_array_equal(np.asarray(getattr(a, field)), np.asarray(getattr(b, field)))
    assert np.asarray(a.data).dtype == np.asarray(b.data).dtype
    np.testing.assert_array_equal(np.asarray(a.data), np.asarray(b.data))


@pytest.mark.parametrize("ext", [".nrrd", ".nhdr", ".mha", ".mhd", ".nii", ".nii.gz"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("components", [1, 3])
def test_raw_pixels_read_by_the_host_equal_the_components_reading(
    tmp_path: Path, ext: str, dtype: str, components: int
) -> None:
    # Raw files given by path have their pixels read by the host (components/image-io/host/raw.rs);
    # the same file given as bytes is read by the component: the images are identical.
    image = sample(dtype, (3, 4, 6), components)
    path = tmp_path / f"img{ext}"
    write_image(image, path)
    companions = [(p.name, p.read_bytes()) for p in tmp_path.iterdir() if p != path]
    assert_same_image(read_image(path), component_read(path, companions))
    np.testing.assert_array_equal(witk.array_from_image(read_image(path)), witk.array_from_image(image))


def test_raw_pixels_from_other_writers_and_big_endian(tmp_path: Path) -> None:
    arr = np.arange(2 * 3 * 5, dtype=">f8").reshape(2, 3, 5) - 7.5
    nrrd.write(str(tmp_path / "big.nrrd"), arr, {"encoding": "raw", "endian": "big"})
    nrrd.write(str(tmp_path / "det.nhdr"), arr.astype("<i2"), {"encoding": "raw"}, detached_header=True)
    nib = nibabel.Nifti1Pair(arr.astype("<u2"), np.diag([0.5, 1.0, 2.0, 1.0]))
    nibabel.save(nib, str(tmp_path / "pair.hdr"))
    for name, want in [("big.nrrd", arr), ("det.nhdr", arr.astype("<i2")), ("pair.hdr", arr.astype("<u2"))]:
        path = tmp_path / name
        got = read_image(path)
        companions = [(p.name, p.read_bytes()) for p in tmp_path.iterdir() if p.suffix in (".raw", ".img")]
        assert_same_image(got, component_read(path, companions))
        # pynrrd (index order F) and nibabel store their first axis fastest: ITK's x.
        np.testing.assert_array_equal(witk.array_from_image(got), want.transpose())


def test_raw_files_whose_pixels_are_short_or_lie_fail_as_the_component_fails(tmp_path: Path) -> None:
    header = b"NRRD0004\ntype: uint16\ndimension: 2\nsizes: 64 64\nencoding: raw\nendian: little\n\n"
    (tmp_path / "short.nrrd").write_bytes(header + bytes(64 * 64 * 2 - 1))
    (tmp_path / "huge.nrrd").write_bytes(header.replace(b"64 64", b"4000000000 4000000000") + bytes(16))
    detached = header.rstrip(b"\n") + b"\n"
    (tmp_path / "gone.nhdr").write_bytes(detached + b"data file: gone.raw\n")
    (tmp_path / "far.nhdr").write_bytes(detached + b"data file: ../far.raw\n")
    (tmp_path.parent / "far.raw").write_bytes(bytes(64 * 64 * 2))
    for name, error in [
        ("short.nrrd", witk.InvalidDataError),
        ("huge.nrrd", witk.LimitExceededError),
        ("gone.nhdr", FileNotFoundError),
        ("far.nhdr", witk.InvalidArgumentError),
    ]:
        with pytest.raises(error):
            read_image(tmp_path / name)
    # The component, given the same bytes, says the same of the short file.
    with pytest.raises(witk.InvalidDataError):
        component_read(tmp_path / "short.nrrd")
    # Failed reads leave the pipeline working.
    (tmp_path / "ok.nrrd").write_bytes(header + bytes(64 * 64 * 2))
    assert witk.array_from_image(read_image(tmp_path / "ok.nrrd")).shape == (64, 64)


@pytest.mark.parametrize("ext", [".nrrd", ".nhdr", ".mha", ".nii"])
def test_raw_pixels_never_enter_the_component(tmp_path: Path, fresh_settings: Path, ext: str) -> None:
    # A 64 MiB image is written and read back under a 32 MiB limit on the component's
    # memory: only its header goes through the component. The same file given as bytes,
    # which the component reads whole, exceeds the limit.
    witk.configure(cache_dir=str(fresh_settings), memory_limit=32 << 20)
    arr = np.arange(1 << 24, dtype=np.float32).reshape(256, 256, 256)
    path = tmp_path / f"big{ext}"
    write_image(witk.image_from_array(arr), path)
    np.testing.assert_array_equal(witk.array_from_image(read_image(path)), arr)
    with pytest.raises((witk.MemoryLimitError, witk.InvalidArgumentError)):
        component_read(path)
