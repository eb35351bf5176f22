"""witk-view's pictures against NumPy: the slices it shows are the volume's (windowed
as its WIT documents), in physical proportions; projections are NumPy's max; Pillow
reads the PNG that `witk view` and Jupyter's `_repr_png_` write, and it is the same
picture."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
import witk_image_io
import witk_view
from PIL import Image as Pillow

import witk

ROOT = Path(__file__).resolve().parents[2]
WITK = os.environ.get("WITK_BIN", str(ROOT / "target" / "release" / "witk"))
GAP = 8


def windowed(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """The WIT's rule: round(255 * clamp((v - lo) / (hi - lo), 0, 1)), halves up, NaN black."""
    t = np.clip((values.astype(np.float64) - lo) / (hi - lo), 0, 1)
    return np.where(np.isnan(t), 0, np.floor(255 * t + 0.5)).astype(np.uint8)


def volume() -> witk.Image:
    """A 20 x 16 x 6 float32 volume ([z, y, x] in NumPy), z spacing twice x and y's."""
    z, y, x = np.mgrid[:6, :16, :20]
    data = (x * 3 + y * 5 + z * 17 + np.sin(x * y)).astype(np.float32)
    image = witk.image_from_array(data)
    image.spacing = [0.5, 0.5, 1.0]
    return image


def picture(image: witk.Image) -> np.ndarray:
    return witk.array_from_image(image)  # [rows, columns, 3]


def test_the_three_panels_are_the_volumes_middle_slices() -> None:
    image = volume()
    vol = witk.array_from_image(image)
    lo, hi = 10.0, 150.0
    out = picture(witk_view.render_slices(image, window=hi - lo, level=(lo + hi) / 2))
    assert out.dtype == np.uint8 and out.shape == (16, 20 + GAP + 20 + GAP + 16, 3)
    assert (out[..., 0] == out[..., 1]).all() and (out[..., 1] == out[..., 2]).all()
    grey = out[..., 0]
    # Axial: z = 3, x right, y down.
    np.testing.assert_array_equal(grey[:, :20], windowed(vol[3], lo, hi))
    # Coronal: y = 8, z up, each z slice two rows (spacing 1 against 0.5).
    coronal = np.repeat(vol[::-1, 8, :], 2, axis=0)
    np.testing.assert_array_equal(grey[:12, 28:48], windowed(coronal, lo, hi))
    assert (grey[12:, 28:48] == 0).all()  # below the shorter panel
    # Sagittal: x = 10, y right, z up.
    sagittal = np.repeat(vol[::-1, :, 10], 2, axis=0)
    np.testing.assert_array_equal(grey[:12, 56:72], windowed(sagittal, lo, hi))
    assert (grey[:, 20:28] == 0).all()


def test_projections_slices_axes_and_the_default_window() -> None:
    image = volume()
    vol = witk.array_from_image(image)
    mip = picture(witk_view.render_slices(image, axis=1, projection=True, window=200.0, level=100.0))[..., 0]
    np.testing.assert_array_equal(mip, windowed(np.repeat(vol.max(axis=1)[::-1], 2, axis=0), 0, 200))
    one = picture(witk_view.render_slices(image, axis=2, slice=0, window=200.0, level=100.0))[..., 0]
    np.testing.assert_array_equal(one, windowed(vol[0], 0, 200))
    # By default: the 0.5th to 99.5th percentile of the values shown (nearest rank).
    auto = picture(witk_view.render_slices(image, axis=2))[..., 0]
    shown = np.sort(vol[3].ravel().astype(np.float64))
    lo, hi = (shown[round(q * (len(shown) - 1))] for q in (0.005, 0.995))
    np.testing.assert_array_equal(auto, windowed(vol[3], lo, hi))


def test_labels_and_colour_images() -> None:
    labels = np.zeros((8, 8), np.uint16)
    labels[2:5, 2:5], labels[5:, 5:] = 3, 7
    out = picture(witk_view.render_slices(witk.image_from_array(labels), labels=True))
    assert (out[labels == 0] == 0).all()
    threes, sevens = out[labels == 3], out[labels == 7]
    assert (threes == threes[0]).all() and (sevens == sevens[0]).all()
    assert threes[0].any() and not np.array_equal(threes[0], sevens[0])
    rgb = np.random.default_rng(2).integers(0, 256, (9, 7, 3), dtype=np.uint8)
    colour = witk.image_from_array(rgb, is_vector=True, image_type=witk.ImageType(2, "uint8", "RGB", 3))
    np.testing.assert_array_equal(picture(witk_view.render_slices(colour)), rgb)


def test_bad_requests_raise_typed_errors() -> None:
    image = volume()
    with pytest.raises(witk.InvalidArgumentError, match="axis 5"):
        witk_view.render_slices(image, axis=5)
    with pytest.raises(witk.InvalidArgumentError, match="slice 6"):
        witk_view.render_slices(image, axis=2, slice=6)
    vectors = witk.image_from_array(np.zeros((4, 4, 2), np.float32), is_vector=True)
    with pytest.raises(witk.InvalidArgumentError):
        witk_view.render_slices(vectors)
    assert vectors._repr_png_() is None  # a repr never raises
    assert "<pre>" in vectors._repr_html_()
    # The component is fine afterwards.
    assert witk_view.render_slices(image, axis=0).size == [16, 12]


def test_the_cli_and_jupyter_write_the_same_png(tmp_path: Path) -> None:
    image = volume()
    witk_image_io.write_image(image, tmp_path / "v.nrrd")
    out = tmp_path / "slices.png"
    done = subprocess.run([WITK, "view", str(tmp_path / "v.nrrd"), "--out", str(out), "--mip"], capture_output=True)
    assert done.returncode == 0, done.stderr
    expected = picture(witk_view.render_slices(image, projection=True))
    np.testing.assert_array_equal(np.asarray(Pillow.open(out).convert("RGB")), expected)
    png = image._repr_png_()
    assert png is not None and png.startswith(b"\x89PNG")
    np.testing.assert_array_equal(np.asarray(Pillow.open(io.BytesIO(png))), picture(witk_view.render_slices(image)))
    bundle = image._repr_mimebundle_()  # what Jupyter calls: one rendering for both
    assert bundle["image/png"] == png and bundle["text/html"] == image._repr_html_()
    html = image._repr_html_()
    assert "data:image/png;base64," in html and "20 x 16 x 6" in html and "spacing 0.5 x 0.5 x 1" in html
    bad = subprocess.run([WITK, "view", str(tmp_path / "v.nrrd"), "--axis", "z", "--slice", "9"], capture_output=True)
    assert bad.returncode != 0 and b"slice 9" in bad.stderr


# -- meshes ----------------------------------------------------------------------------


def sphere_mesh(radius: float = 10.0) -> witk.Mesh:
    import trimesh

    s = trimesh.creation.icosphere(subdivisions=4, radius=radius)
    cells = np.empty((len(s.faces), 5), np.uint32)
    cells[:, 0], cells[:, 1], cells[:, 2:] = 2, 3, s.faces
    points = np.asarray(s.vertices, np.float32)
    return witk.mesh_from_arrays(points, cells.ravel(), point_data=points[:, 1].copy())


def test_a_mesh_picture_is_the_projected_sphere() -> None:
    """The silhouette of a sphere seen from 3 half-diagonals of its bounding box (3 sqrt(3)
    radii) with a 45° field of view is a disc of tan(asin(1 / (3 sqrt 3))) / tan(22.5°) of
    the half height: its area is checked against that to 3 %."""
    out = picture(witk_view.render_mesh(sphere_mesh(), width=300, height=300))
    assert out.shape == (300, 300, 3)
    background = np.array([20, 23, 31], np.uint8)
    inside = (out != background).any(axis=2)
    r = np.tan(np.arcsin(1 / (3 * np.sqrt(3)))) / np.tan(np.pi / 8) * 150
    assert abs(inside.sum() / (np.pi * r * r) - 1) < 0.03, inside.sum() / (np.pi * r * r)
    ys, xs = np.nonzero(inside)
    assert abs(xs.mean() - 149.5) < 1 and abs(ys.mean() - 149.5) < 1
    # y up, coloured by y: red above, blue below.
    top, bottom = out[150 - int(r * 0.6), 150].astype(int), out[150 + int(r * 0.6), 150].astype(int)
    assert top[0] > top[2] + 60 and bottom[2] > bottom[0] + 60, (top, bottom)
    # A yaw turns the surface, not its outline.
    turned = picture(witk_view.render_mesh(sphere_mesh(), width=300, height=300, yaw=90.0))
    assert abs(int((turned != background).any(axis=2).sum()) - int(inside.sum())) < 0.02 * inside.sum()


def test_the_cli_and_jupyter_draw_meshes(tmp_path: Path) -> None:
    import witk_mesh_io

    mesh = sphere_mesh()
    witk_mesh_io.write_mesh(mesh, tmp_path / "sphere.vtk", binary_file_type=True)
    out = tmp_path / "sphere.png"
    done = subprocess.run(
        [WITK, "view", str(tmp_path / "sphere.vtk"), "--out", str(out), "--yaw", "-30"], capture_output=True
    )
    assert done.returncode == 0, done.stderr
    expected = picture(witk_view.render_mesh(witk_mesh_io.read_mesh(tmp_path / "sphere.vtk"), yaw=-30.0))
    np.testing.assert_array_equal(np.asarray(Pillow.open(out).convert("RGB")), expected)
    png = mesh._repr_png_()
    assert png is not None
    np.testing.assert_array_equal(np.asarray(Pillow.open(io.BytesIO(png))), picture(witk_view.render_mesh(mesh)))
    assert "2562 points, 5120 cells, 2562 point pixels" in mesh._repr_html_()
    lines = witk.mesh_from_arrays(np.eye(3, dtype=np.float32), np.array([1, 2, 0, 1], np.uint32))
    with pytest.raises(witk.InvalidArgumentError, match="no polygons"):
        witk_view.render_mesh(lines)
    assert lines._repr_png_() is None and "<pre>" in lines._repr_html_()
    assert list(lines._repr_mimebundle_()) == ["text/html"]


def test_view_serves_the_viewer_its_packages_and_the_data_only() -> None:
    from urllib.error import HTTPError
    from urllib.parse import parse_qs, urlparse
    from urllib.request import urlopen

    import witk_image_io

    image = volume()
    url = witk.view(image, sphere_mesh(), open_browser=False)
    try:
        u = urlparse(url)
        assert u.hostname == "127.0.0.1" and u.path == "/bindings/js/viewer/index.html"
        base = f"http://127.0.0.1:{u.port}"
        get = lambda path: urlopen(base + path, timeout=10).read()  # noqa: E731
        assert b"witk \xc2\xb7 viewer" in get(u.path)
        assert b"render-slices" in get("/bindings/js/viewer/viewer.js")
        for p in ("image-io", "dicom", "mesh-io"):
            assert b"export" in get(f"/build/npm/{p}/index.js")
        data = parse_qs(u.query)["url"]
        assert [d.rsplit(".", 1)[1] for d in data] == ["nrrd", "vtk"]
        local = Path(__file__).parent / "view-served.nrrd"
        try:
            local.write_bytes(get(data[0]))
            np.testing.assert_array_equal(
                witk.array_from_image(witk_image_io.read_image(local)), witk.array_from_image(image)
            )
        finally:
            local.unlink()
        # Nothing outside its folders: traversal and unknown paths are 404s.
        for bad in (
            "/data/../../../etc/hostname",
            "/bindings/js/viewer/%2e%2e/%2e%2e/etc/hostname",
            "/etc/hostname",
            "/",
        ):
            with pytest.raises(HTTPError) as e:
                get(bad)
            assert e.value.code == 404, bad
    finally:
        witk.viewing.stop_servers()


def test_view_takes_what_itkwidgets_takes(tmp_path: Path) -> None:
    """Each kind of object itkwidgets.view shows becomes the file the viewer reads, with
    its pixels (or points and cells) and its geometry: read back and compared."""
    import dask.array as da
    import itkwasm
    import itkwasm_mesh_io
    import itkwasm_mesh_to_poly_data
    import pyvista as pv
    import witk_mesh_io
    import xarray as xr
    import zarr

    from witk.viewing import _write

    z, y, x = np.mgrid[:5, :7, :9]
    values = (x * 3 + y * 11 + z * 29).astype(np.int16)

    def image_back(obj: object, stem: str) -> witk.Image:
        name = _write(obj, str(tmp_path), stem)
        assert name == f"{stem}.nrrd"
        return witk_image_io.read_image(tmp_path / name)

    def same(image: witk.Image, spacing: list[float], origin: list[float], direction: np.ndarray) -> None:
        np.testing.assert_array_equal(witk.array_from_image(image), values)
        np.testing.assert_allclose(image.spacing, spacing)
        np.testing.assert_allclose(image.origin, origin)
        np.testing.assert_allclose(np.asarray(image.direction).reshape(3, 3), direction, atol=1e-12)

    eye = np.eye(3)
    # itkwasm's Image.
    iw = itkwasm.image_from_array(values)
    iw.spacing, iw.origin = [0.5, 0.75, 2.0], [1.0, -2.0, 3.0]
    same(image_back(iw, "itkwasm"), [0.5, 0.75, 2.0], [1.0, -2.0, 3.0], eye)
    # xarray in spatial-image's layout (here given x first: the order of dims is free).
    xa = xr.DataArray(
        values.transpose(2, 1, 0),
        dims=("x", "y", "z"),
        coords={"x": 1.0 + 0.5 * np.arange(9), "y": -2.0 + 0.75 * np.arange(7), "z": 3.0 + 2.0 * np.arange(5)},
    )
    same(image_back(xa, "xarray"), [0.5, 0.75, 2.0], [1.0, -2.0, 3.0], eye)
    with pytest.raises(ValueError, match="dimensions"):
        _write(xr.DataArray(values, dims=("t", "y", "x")), str(tmp_path), "bad")
    # PyVista image data with a direction matrix (VTK order: x fastest).
    turn = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    grid = pv.ImageData(dimensions=(9, 7, 5), spacing=(0.5, 0.75, 2.0), origin=(1.0, -2.0, 3.0))
    grid.direction_matrix = turn
    grid.point_data["values"] = values.ravel()
    same(image_back(grid, "pyvista"), [0.5, 0.75, 2.0], [1.0, -2.0, 3.0], turn)
    # dask and zarr arrays: their pixels.
    same(image_back(da.from_array(values, chunks=(2, 3, 4)), "dask"), [1, 1, 1], [0, 0, 0], eye)
    za = zarr.create_array(store={}, shape=values.shape, dtype=values.dtype, chunks=(2, 3, 4))
    za[:] = values
    same(image_back(za, "zarr"), [1, 1, 1], [0, 0, 0], eye)
    # itkwasm's Mesh and PolyData: the same points and triangles as the mesh they came from.
    mesh = sphere_mesh()
    witk_mesh_io.write_mesh(mesh, tmp_path / "sphere.vtk")
    iwm = itkwasm_mesh_io.read_mesh(str(tmp_path / "sphere.vtk"))
    for obj, stem in ((iwm, "itkwasm-mesh"), (itkwasm_mesh_to_poly_data.mesh_to_poly_data(iwm), "itkwasm-poly")):
        name = _write(obj, str(tmp_path), stem)
        back = witk_mesh_io.read_mesh(tmp_path / name)
        np.testing.assert_allclose(witk.arrays_from_mesh(back)[0], witk.arrays_from_mesh(mesh)[0], rtol=1e-6)
        # The triangles: as itkwasm read them (polygons of three points from VTK's
        # POLYGONS, cell type 4), and so from its poly data (ITK-Wasm's mapping).
        np.testing.assert_array_equal(witk.arrays_from_mesh(back)[1], np.asarray(iwm.cells))
        cells, expected = (witk.arrays_from_mesh(m)[1].reshape(-1, 5) for m in (back, mesh))
        assert set(cells[:, 0].tolist()) == {4}
        np.testing.assert_array_equal(cells[:, 1:], expected[:, 1:])


def test_the_cli_opens_the_viewer_in_a_browser(tmp_path: Path) -> None:
    """`witk view FILE --open` serves the viewer on the file through this package and
    hands the browser ($BROWSER here: a script that records the address) its URL, whose
    data is the file; it serves until interrupted, then exits 0."""
    import signal
    import sys
    from urllib.parse import parse_qs, urlparse
    from urllib.request import urlopen

    seen = tmp_path / "browser-was-given"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\nprintf %s "$1" > {seen}\n', encoding="utf-8")
    browser.chmod(0o755)
    env = {**os.environ, "WITK_PYTHON": sys.executable, "BROWSER": str(browser)}
    phantom = ROOT / "data" / "phantom.nrrd"
    cli = subprocess.Popen(
        [WITK, "view", str(phantom), "--open"], env=env, stdout=subprocess.PIPE, text=True, encoding="utf-8"
    )
    try:
        assert cli.stdout is not None
        url = cli.stdout.readline().strip()
        assert seen.read_text(encoding="utf-8") == url
        u = urlparse(url)
        assert u.hostname == "127.0.0.1" and u.path == "/bindings/js/viewer/index.html"
        base = f"http://127.0.0.1:{u.port}"
        assert b"witk \xc2\xb7 viewer" in urlopen(url, timeout=10).read()
        (data,) = parse_qs(u.query)["url"]
        assert urlopen(base + data, timeout=10).read() == phantom.read_bytes()
        for p in ("image-io", "downsample"):
            assert b"export" in urlopen(f"{base}/build/npm/{p}/index.js", timeout=10).read()
    finally:
        cli.send_signal(signal.SIGINT)
        assert cli.wait(timeout=30) == 0
    # Without witk's Python package (an interpreter that is not there): a clear error.
    out = subprocess.run(
        [WITK, "view", str(phantom), "--open"],
        env={**env, "WITK_PYTHON": str(tmp_path / "no-python")},
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert out.returncode != 0 and "pip install witk" in out.stderr, out.stderr
    # A file that is not there: exit code 2, naming it.
    out = subprocess.run(
        [WITK, "view", str(tmp_path / "missing.nrrd"), "--open"],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert out.returncode == 2 and "missing.nrrd: no such file" in out.stderr, out.stderr
