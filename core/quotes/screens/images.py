"""Checking an uploaded screenshot before anything reads it, and reading it (in a worker).

The image is a stranger's bytes: a file that is not an image, one over :data:`MAX_BYTES`, one
whose header claims more than :data:`MAX_PIXELS` (a decompression bomb: a few kilobytes that
unpack to gigabytes) is refused in one line before it is decoded. Pillow and the recogniser are
imported here, inside the functions, so only a command that brings an image loads them.
Nothing here writes an image anywhere.
"""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from typing import Any

from core.interface.errors import BadInput
from core.interface.uploads import MAX_BYTES
from core.quotes.screens.lines import Box

__all__ = ["MAX_BYTES", "MAX_PIXELS", "check", "recognise", "warm"]
MAX_PIXELS = 40_000_000
#: The formats a screenshot comes in; anything else Pillow could open is refused all the same.
FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
#: The widest a screenshot is read at: a desktop's 2x (2200 px and more) scaled down to this,
#: where its text still reads (bench/ocr.py).
READ_WIDTH = 1600
#: The widest a phone's screenshot (taller than wide) is read at: a 3x phone's (1080 to 1290 px)
#: text is far larger than the recogniser needs; scaled to this, its text is still as large as
#: a 2x phone's, and the detector has half the pixels to look at (bench/ocr.py).
PHONE_READ_WIDTH = 800


def read_width(width: int, height: int) -> int:
    """The width a ``width`` x ``height`` screenshot is read at: a phone's (portrait) at most
    :data:`PHONE_READ_WIDTH`, anything else at most :data:`READ_WIDTH`; never wider than it
    is."""
    return min(width, PHONE_READ_WIDTH if height > width else READ_WIDTH)


def check(data: bytes, name: str = "image") -> tuple[int, int]:
    """The width and height of the image in ``data``. Raises :class:`BadInput` (one line)
    when it is empty, too large, not an image of :data:`FORMATS`, broken, or would unpack to
    more than :data:`MAX_PIXELS`."""
    if not data:
        raise BadInput(f"{name} is empty: share the screenshot itself.")
    if len(data) > MAX_BYTES:
        raise BadInput(f"{name} is over 10 MB: share a screenshot, not a photo or a scan.")
    from PIL import Image

    # Pillow raises past twice its limit and warns past it; the size is checked here as well
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data))
        with im:
            size = im.size
            kind = im.format
            im.verify()
    except Image.DecompressionBombError:
        raise BadInput(f"{name} is over 40 megapixels: share a phone screenshot.") from None
    except Exception:
        raise BadInput(f"{name} is not an image Connects bot can read: use PNG or JPEG.") from None
    if kind not in FORMATS:
        raise BadInput(f"{name} is not an image Connects bot can read: use PNG or JPEG.")
    if size[0] * size[1] > MAX_PIXELS:
        raise BadInput(f"{name} is over 40 megapixels: share a phone screenshot.")
    return size


_ENGINE: Any = None


def _engine() -> Any:
    """The recogniser, built once per worker process: RapidOCR's PP-OCR models, which ship in
    its wheel (nothing is downloaded), without the angle classifier (screenshots are upright)."""
    global _ENGINE
    if _ENGINE is None:
        from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-untyped]

        threads = int(os.environ.get("CONNECTS_OCR_THREADS", "1"))
        # boxes grown a little more than by default (2.0, not 1.6): a title's thin first
        # letter ("Illustrations") falls inside its box. A short run of text ("Canada",
        # "4.9"; two boxes in three on the corpus) is recognised padded to 160 px, not 320:
        # the recogniser's input is 11% narrower in all, and the corpus reads as well or
        # better (bench/ocr.py)
        _ENGINE = RapidOCR(
            use_cls=False,
            intra_op_num_threads=threads,
            inter_op_num_threads=1,
            det_unclip_ratio=2.0,
            rec_img_shape=[3, 48, 160],
        )
    return _ENGINE


def warm() -> None:
    """Loads the recogniser (a worker's initializer): the first image then pays no start-up."""
    with contextlib.suppress(OSError):
        os.nice(5)  # a screenshot yields the cores to the bot's own commands
    _engine()


#: How far a part of a screenshot read on its own (:func:`recognise`) reaches into its
#: neighbours, as a share of the width read: more than the tallest line of text is high, so each
#: line lies whole inside the part that keeps it.
OVERLAP = 0.12
#: A screenshot is split into parts only when each part is at least this tall, as a share of
#: the width read (a phone's full screen, not its short last one).
MIN_PART = 0.6


def parts_for(width: int, height: int, workers: int) -> int:
    """Into how many parts a ``width`` x ``height`` screenshot is read at once by ``workers``
    idle workers: one, unless each part would still be tall (:data:`MIN_PART`)."""
    read_height = height * read_width(width, height) / width
    fits = int(read_height // (MIN_PART * read_width(width, height)))
    return max(1, min(workers, fits))


def recognise(data: bytes, part: int = 0, parts: int = 1) -> tuple[float, list[Box]]:
    """The width the boxes are measured in, and the boxes of text in the image ``data`` (already
    :func:`check`-ed): all of them, or, of ``parts`` bands of equal height, those whose middle
    lies in band ``part`` (read with :data:`OVERLAP` above and below it), measured in the whole
    image. Runs in a worker process; the parts of one image are read by different workers at
    once and together give its boxes."""
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    import numpy as np

    with Image.open(io.BytesIO(data)) as im:
        rgb = ImageOps.exif_transpose(im).convert("RGB")
    width = read_width(rgb.width, rgb.height)
    if rgb.width > width:
        rgb = rgb.resize((width, round(rgb.height * width / rgb.width)))
    step = rgb.height / parts
    keep = (part * step, rgb.height + 1 if part == parts - 1 else (part + 1) * step)
    reach = OVERLAP * rgb.width
    top = 0 if part == 0 else max(0, round(keep[0] - reach))
    bottom = rgb.height if part == parts - 1 else min(rgb.height, round(keep[1] + reach))
    band = rgb if (top, bottom) == (0, rgb.height) else rgb.crop((0, top, rgb.width, bottom))
    pixels = np.asarray(band)[:, :, ::-1]  # the recogniser takes OpenCV's BGR
    found, _ = _engine()(pixels, use_cls=False)
    boxes = []
    for corners, text, score in found or ():
        xs = [float(p[0]) for p in corners]
        ys = [float(p[1]) + top for p in corners]
        box = Box(min(xs), min(ys), max(xs), max(ys), str(text), float(score))
        if keep[0] <= box.middle < keep[1]:
            boxes.append(box)
    return float(rgb.width), boxes
