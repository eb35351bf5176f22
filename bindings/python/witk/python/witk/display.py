"""Pictures of images in Jupyter: ``witk.Image`` shows its orthogonal middle slices
(``witk-view``'s ``render_slices``, windowed automatically) as a PNG written by
``witk-image-io``, with its geometry as a caption. Both packages are optional: without
them, or for an image they cannot show (4-D, vectors, no pixels), Jupyter falls back to
the text repr. Nothing here raises: a repr must not."""

from __future__ import annotations

import base64
import html
import os
import tempfile
from typing import Any


def png(image: Any) -> bytes | None:
    """The image's orthogonal middle slices as PNG bytes, or None if it cannot be shown."""
    try:
        import witk_image_io
        import witk_view
    except ImportError:
        return None
    if image.data is None or image.imageType.dimension not in (2, 3):
        return None
    try:
        picture = witk_view.render_slices(image)
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "view.png")
            witk_image_io.write_image(picture, path)
            with open(path, "rb") as f:
                return f.read()
    except Exception:  # noqa: BLE001 - a repr shows nothing rather than raising
        return None


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
    data = png(image)
    text = html.escape(caption(image))
    if data is None:
        return f"<pre>{text}</pre>"
    src = base64.b64encode(data).decode("ascii")
    return f'<figure><img src="data:image/png;base64,{src}"/><figcaption>{text}</figcaption></figure>'
