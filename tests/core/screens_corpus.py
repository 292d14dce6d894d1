"""The rendered screenshot corpus (``tests/core/screens``, made by tools/render_screens.py) and
how a reading of it is scored against the truth beside each case: shared by the tests and
bench/ocr.py."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

from core.quotes.jobpost import read_post
from core.quotes.screens import images
from core.quotes.screens.lines import Page, page, stitch
from tests.core.jobpost_gen import FACTS

CORPUS = Path(__file__).resolve().parent / "screens"
#: the fields that must never be wrong (refusing is allowed): what a bid costs and what the
#: wallet holds on Upwork
EXACT = ("connects", "available")


@dataclass(frozen=True)
class Case:
    name: str
    layout: str
    shots: tuple[bytes, ...]
    truth: dict[str, object]


@dataclass(frozen=True)
class Score:
    """One case read: per field, ``right``, ``wrong`` (a value that is not the truth) or
    ``refused`` (nothing read where the truth has a value)."""

    case: str
    fields: dict[str, str]
    page: Page


def cases() -> list[Case]:
    out = []
    for meta in sorted(CORPUS.glob("*.json")):
        c = json.loads(meta.read_text())
        shots = tuple((CORPUS / s).read_bytes() for s in c["screens"])
        out.append(Case(meta.stem, c["layout"], shots, c["truth"]))
    return out


def read_shots(shots: tuple[bytes, ...], workers: int = 1) -> Page:
    """The shots recognised in this process, one after another, as the pool's ``workers``
    do: each image in as many parts as they would read it in when idle."""
    pages = []
    idle = max(1, workers // len(shots))
    for data in shots:
        size = images.check(data)
        parts = images.parts_for(*size, idle)
        read = [images.recognise(data, part, parts) for part in range(parts)]
        pages.append(page([box for _, boxes in read for box in boxes], read[0][0]))
    return stitch(pages)


def score(name: str, read: Page, truth: dict[str, object]) -> Score:
    post = read_post("\n".join(read.lines))
    fields = {}
    for field in FACTS:
        want, got = truth.get(field), getattr(post, field)
        if got == want:
            fields[field] = "right"
        elif got is None:
            fields[field] = "refused"
        else:
            fields[field] = "wrong"
    return Score(name, fields, read)


def jpeg(data: bytes, quality: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.open(io.BytesIO(data)).convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def cropped(data: bytes, top: float, bottom: float) -> bytes:
    """The image cut at ``top`` and ``bottom`` (fractions of its height): lines cut mid-way."""
    from PIL import Image

    im = Image.open(io.BytesIO(data))
    out = io.BytesIO()
    im.crop((0, int(im.height * top), im.width, int(im.height * bottom))).save(out, "PNG")
    return out.getvalue()


#: where phone-light-3x-a-2.png shows its cost's number (26), in pixels: x0, y0, x1, y1
COST_DIGITS = (872, 512, 945, 572)


def smudged(data: bytes, box: tuple[int, int, int, int], radius: float = 8) -> bytes:
    """The image with ``box`` blurred past reading (a thumb's smear, a bad crop), the rest as
    it was."""
    from PIL import Image, ImageFilter

    im = Image.open(io.BytesIO(data)).convert("RGB")
    im.paste(im.crop(box).filter(ImageFilter.GaussianBlur(radius)), box[:2])
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()
