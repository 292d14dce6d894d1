"""An uploaded image is a stranger's bytes: refused in one line, before it is decoded, when it
is not an image, over 10 MB, over 40 megapixels, or a decompression bomb (a small file whose
header claims a huge picture)."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from core.interface.errors import BadInput
from core.quotes.screens.images import MAX_BYTES, MAX_PIXELS, check


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, "PNG")
    return out.getvalue()


def _bomb(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` with a few bytes of data: what a
    decompression bomb looks like before it is decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def test_a_screenshot_passes_with_its_size() -> None:
    """A phone screenshot's PNG is read for its size only."""
    assert check(_png(108, 240)) == (108, 240)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b"%PDF-1.7 not a picture", "not an image"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "not an image"),  # a cut file
        (b"GIF89a" + b"\x00" * 10, "not an image"),
        (_bomb(20_000, 20_000), "over 40 megapixels"),  # 400 MP claimed in 100 bytes
        (_bomb(7_000, 6_000), "over 40 megapixels"),  # 42 MP: just past the bound
    ],
)
def test_what_is_not_a_readable_screenshot_is_refused_in_one_line(data: bytes, says: str) -> None:
    """Attack: a member uploads a bomb or a disguised file to stall or crash the bot's
    workers. Each is one line naming the file and what to share instead."""
    with pytest.raises(BadInput) as caught:
        check(data, "shot.png")
    message = str(caught.value.message)
    assert says in message and "shot.png" in message and "\n" not in message


def test_over_ten_megabytes_is_refused_unopened() -> None:
    """A file over 10 MB is refused by its length, before any decoder sees it."""
    with pytest.raises(BadInput, match="over 10 MB"):
        check(b"\x89PNG" + b"\x00" * MAX_BYTES)


def test_the_pixel_bound_is_set_for_pillows_decoder() -> None:
    """Pillow's own bomb guard is set to the same bound (it raises past twice it, so the
    workers' decoder never unpacks a bomb that slipped past the header's size)."""
    check(_png(10, 10))
    assert Image.MAX_IMAGE_PIXELS == MAX_PIXELS
