"""``witk.view``: the browser viewer (``bindings/js/viewer``, shipped in this package) on
a local server, showing an image and/or a mesh.

The server listens on 127.0.0.1 only and serves three things: the viewer's files, the
npm packages it imports (from the installed ``witk-<pipeline>-emscripten`` wheels, which
carry them for Pyodide) and the data written for this call. Nothing else on the machine
is reachable through it."""

from __future__ import annotations

import importlib.util
import os
import posixpath
import tempfile
import threading
import webbrowser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote, unquote, urlparse

# The pipelines the viewer imports: its npm packages must be installed (as the
# emscripten wheels of these pipelines).
VIEWER_PIPELINES = ("image-io", "dicom", "mesh-io", "downsample")

_servers: list[ThreadingHTTPServer] = []


def _npm_folder(pipeline: str) -> str:
    """Where the installed ``witk-<pipeline>-emscripten`` wheel keeps the npm package."""
    module = f"witk_{pipeline.replace('-', '_')}_emscripten"
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"witk.view needs witk-{pipeline} (its emscripten wheel, {module}) installed")
    return os.path.join(list(spec.submodule_search_locations)[0], "js")


def _routes(data_folder: str) -> dict[str, str]:
    """URL prefixes and the folders behind them (the viewer's imports are relative to the
    repository layout: /bindings/js/viewer/ and /build/npm/<pipeline>/)."""
    routes = {"/bindings/js/viewer/": os.path.join(os.path.dirname(__file__), "viewer"), "/data/": data_folder}
    for p in VIEWER_PIPELINES:
        routes[f"/build/npm/{p}/"] = _npm_folder(p)
    return routes


class _Handler(SimpleHTTPRequestHandler):
    routes: dict[str, str] = {}
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript", ".wasm": "application/wasm"}

    def translate_path(self, path: str) -> str:
        # Only the routes' folders: no path outside them (.., absolute parts) is served.
        path = posixpath.normpath(unquote(urlparse(path).path))
        for prefix, folder in self.routes.items():
            if path.startswith(prefix):
                parts = [p for p in path[len(prefix) :].split("/") if p not in ("", ".", "..")]
                return os.path.join(folder, *parts)
        return os.path.join(tempfile.gettempdir(), "witk-view-nothing-here", "404")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


def _write(obj: Any, folder: str, stem: str) -> str:
    """``obj`` as a file in ``folder``: images as NRRD, meshes as binary VTK; paths as
    they are (copied, so that the server serves only this call's folder)."""
    from .spatial import Image, Mesh, coerce

    if isinstance(obj, (str, os.PathLike)):
        import shutil

        name = os.path.basename(os.fspath(obj))
        shutil.copyfile(obj, os.path.join(folder, name))
        return name
    if isinstance(obj, Image):
        import witk_image_io

        witk_image_io.write_image(obj, os.path.join(folder, f"{stem}.nrrd"))
        return f"{stem}.nrrd"
    if isinstance(obj, Mesh):
        import witk_mesh_io

        witk_mesh_io.write_mesh(obj, os.path.join(folder, f"{stem}.vtk"), binary_file_type=True)
        return f"{stem}.vtk"
    # What itkwidgets.view takes, through witk's conversions: itkwasm's images, meshes and
    # poly data; PyVista image data and meshes; meshio meshes; xarray DataArrays; NumPy,
    # dask and zarr arrays (dask's computed, zarr's read: the viewer needs the pixels).
    from . import arrays, interop

    module = type(obj).__module__.split(".")[0]
    kind = type(obj).__name__
    if module == "itkwasm" and kind in ("Image", "Mesh"):
        return _write(coerce(Image if kind == "Image" else Mesh, obj), folder, stem)
    if kind == "PolyData" and module in ("itkwasm", "witk"):
        import witk_mesh_to_poly_data

        return _write(witk_mesh_to_poly_data.poly_data_to_mesh(obj), folder, stem)
    if module == "pyvista" and kind in ("ImageData", "UniformGrid"):
        return _write(interop.image_from_pyvista(obj), folder, stem)
    if module in ("pyvista", "vtkmodules"):
        return _write(interop.from_pyvista(obj), folder, stem)
    if module == "meshio":
        return _write(interop.from_meshio(obj), folder, stem)
    if module == "xarray":
        return _write(interop.image_from_xarray(obj), folder, stem)
    return _write(arrays.image_from_array(obj), folder, stem)


def view(*objects: Any, port: int = 0, open_browser: bool = True) -> str:
    """Show images and meshes in the viewer; returns its URL. They may be ``witk.Image``,
    ``witk.Mesh`` and ``witk.PolyData``; what itkwidgets takes: itkwasm's ``Image``,
    ``Mesh`` and ``PolyData``, PyVista's ``ImageData`` and meshes, meshio meshes, xarray
    ``DataArray``s (spatial-image's ``z``/``y``/``x``/``c`` dimensions), NumPy, dask and
    zarr arrays; or file paths.

    A local server (127.0.0.1, ``port`` or a free one) is started for them in a daemon
    thread; the browser is opened on it unless ``open_browser`` is False. In Jupyter the
    viewer is shown inline as well (an IFrame)."""
    folder = tempfile.mkdtemp(prefix="witk-view-")
    names = [_write(obj, folder, f"object{i}") for i, obj in enumerate(objects)]
    handler = type("Handler", (_Handler,), {"routes": _routes(folder)})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _servers.append(server)
    query = "&".join(f"url={quote('/data/' + n)}" for n in names)
    url = f"http://127.0.0.1:{server.server_address[1]}/bindings/js/viewer/index.html?{query}"
    try:
        from IPython import get_ipython

        if get_ipython() is not None and "IPKernelApp" in get_ipython().config:
            from IPython.display import IFrame, display

            display(IFrame(url, width="100%", height=720))
            return url
    except ImportError:
        pass
    if open_browser:
        webbrowser.open(url)
    return url


def stop_servers() -> None:
    """Stop every server ``view`` started."""
    while _servers:
        s = _servers.pop()
        s.shutdown()
        s.server_close()


def main(argv: list[str] | None = None) -> int:
    """``python -m witk.viewing FILE... [--port N] [--no-browser]``: serve the viewer on
    these files until interrupted (``witk view FILE --open`` runs this). Exit code 2 when
    the viewer's packages are not installed or a file is missing."""
    import argparse
    import sys
    import time

    parser = argparse.ArgumentParser(prog="python -m witk.viewing", description=main.__doc__)
    parser.add_argument("files", nargs="+", help="images (any format image-io reads), DICOM files, meshes")
    parser.add_argument("--port", type=int, default=0, help="the port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--no-browser", action="store_true", help="print the URL only")
    args = parser.parse_args(argv)
    for f in args.files:
        if not os.path.isfile(f):
            print(f"{f}: no such file", file=sys.stderr)
            return 2
    try:
        url = view(*args.files, port=args.port, open_browser=False)
    except ImportError as e:
        print(f"witk view --open: {e}", file=sys.stderr)
        return 2
    opened = not args.no_browser and webbrowser.open(url)
    print(url if opened else f"{url}\n(no browser opened: open this address to see the viewer)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        stop_servers()


if __name__ == "__main__":
    raise SystemExit(main())
