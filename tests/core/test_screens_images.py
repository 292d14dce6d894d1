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
from core.quotes.screens.images import (
    MAX_BYTES,
    MAX_PIXELS,
    PHONE_READ_WIDTH,
    READ_WIDTH,
    check,
    parts_for,
    read_width,
)


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


@pytest.mark.parametrize(
    ("size", "workers", "parts"),
    [
        ((1080, 2400), 2, 2),  # a 3x phone's full screen: read by both workers at once
        ((824, 1600), 2, 2),  # a 2x phone's
        ((1080, 637), 2, 1),  # its short last screen: one part
        ((2200, 1709), 2, 1),  # a desktop page (read 1600 wide): too short for two parts
        ((1080, 2400), 1, 1),  # one idle worker: one part
        ((1080, 24000), 8, 8),  # never more parts than idle workers
    ],
)
def test_a_screen_is_split_only_when_workers_idle_and_parts_stay_tall(
    size: tuple[int, int], workers: int, parts: int
) -> None:
    """A screenshot is read in parts by idle workers at once only when each part stays tall
    (at least :data:`MIN_PART` of the width read): a short screen is not cut into slivers."""
    assert parts_for(*size, workers) == parts


def test_a_phone_screenshot_is_read_narrower_than_a_desktop_page() -> None:
    """A 3x phone's screen is read at :data:`PHONE_READ_WIDTH`, a desktop page at
    :data:`READ_WIDTH`; nothing is read wider than it is."""
    assert read_width(1080, 2400) == PHONE_READ_WIDTH < 1080
    assert read_width(2200, 1709) == READ_WIDTH
    assert read_width(600, 1200) == 600
