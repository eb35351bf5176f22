"""Pictures in Jupyter: ``witk.Image`` shows its orthogonal middle slices (``witk-view``'s
``render_slices``, windowed automatically) and ``witk.Mesh`` its surface
(``render_mesh``), as PNGs written by ``witk-image-io``, with a caption. Both packages are
optional: without them, or for what they cannot show (4-D images, vectors, meshes without
polygons, no buffers), Jupyter falls back to the text repr. Nothing here raises: a repr
must not."""

from __future__ import annotations

import base64
import html
import os
import tempfile
from typing import Any


def _picture_png(render: Any) -> bytes | None:
    """The PNG of the picture ``render(witk_view)`` makes, or None if it cannot be made."""
    try:
        import witk_image_io
        import witk_view
    except ImportError:
        return None
    try:
        picture = render(witk_view)
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "view.png")
            witk_image_io.write_image(picture, path)
            with open(path, "rb") as f:
                return f.read()
    except Exception:  # noqa: BLE001 - a repr shows nothing rather than raising
        return None


def png(image: Any) -> bytes | None:
    """The image's orthogonal middle slices as PNG bytes, or None if it cannot be shown."""
    if image.data is None or image.imageType.dimension not in (2, 3):
        return None
    return _picture_png(lambda view: view.render_slices(image))


def mesh_png(mesh: Any, width: int = 384, height: int = 384) -> bytes | None:
    """The mesh's surface as PNG bytes, or None if it cannot be shown."""
    if mesh.points is None or mesh.cells is None:
        return None
    return _picture_png(lambda view: view.render_mesh(mesh, width=width, height=height))


def caption(image: Any) -> str:
    """Size, spacing, origin and pixel type, as one line."""
    t = image.imageType
    numbers = lambda xs: " x ".join(f"{x:g}" for x in xs)  # noqa: E731
    kind = t.componentType if t.components == 1 else f"{t.components} x {t.componentType} {t.pixelType}"
    return (
        f"{image.name or 'Image'}: {numbers(image.size)} {kind}, spacing {numbers(image.spacing)}, "
        f"origin {numbers(image.origin)}"
    )


def html_view(image: Any) -> str:
    """The picture with its caption, for Jupyter's HTML display."""
    return _figure(png(image), caption(image))


def bundle(data: bytes | None, text: str) -> dict[str, Any]:
    """Jupyter's mime bundle: the PNG and the captioned figure from one rendering (with
    ``_repr_png_`` and ``_repr_html_`` alone, IPython would render twice)."""
    figure = _figure(data, text)
    return {"text/html": figure} if data is None else {"image/png": data, "text/html": figure}


def mesh_caption(mesh: Any) -> str:
    """Points, cells and data, as one line."""
    data = f", {mesh.numberOfPointPixels} point pixels" if mesh.numberOfPointPixels else ""
    return f"{mesh.name or 'Mesh'}: {mesh.numberOfPoints} points, {mesh.numberOfCells} cells{data}"


def mesh_html_view(mesh: Any) -> str:
    """The surface with its caption, for Jupyter's HTML display."""
    return _figure(mesh_png(mesh), mesh_caption(mesh))


def _figure(data: bytes | None, text: str) -> str:
    text = html.escape(text)
    if data is None:
        return f"<pre>{text}</pre>"
    src = base64.b64encode(data).decode("ascii")
    return f'<figure><img src="data:image/png;base64,{src}"/><figcaption>{text}</figcaption></figure>'
