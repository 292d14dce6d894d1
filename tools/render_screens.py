"""Renders the screenshot corpus: HTML replicas of Upwork's job page, as headless Chromium draws
them, with the truth beside each.

    python tools/render_screens.py [OUT_DIR]     (default: tests/core/screens)

Each case is a job from the post generator (tests/core/jobpost_gen.py) laid out as Upwork's
desktop page (the job on the left; the sidebar's Connects block and About the client on the
right) or the mobile app's job view (a phone status bar on top), light or dark, at a phone
width (360 or 412 CSS px) or a desktop width (1100 px), at scale 2x or 3x. A phone page is cut
into screens of the phone's height that overlap by a few lines, as a user scrolls and shoots.
Written per case: ``NAME-1.png`` ... (palette PNGs, small), and ``NAME.json`` with the layout,
the screens and the fields a reader must find (the generator's truth). Needs Debian's
``chromium`` on PATH (``apt-get install chromium``). Deterministic for a given Chromium.
"""

from __future__ import annotations

import html
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.core.jobpost_gen import generated  # noqa: E402

THEMES = {
    "light": {"bg": "#ffffff", "fg": "#181818", "muted": "#5e6d55", "line": "#e4ebe4"},
    "dark": {"bg": "#121212", "fg": "#f2f2f2", "muted": "#a5b3a0", "line": "#2e2e2e"},
}
#: (name, layout, theme, CSS width, scale): the corpus
CASES = (
    ("phone-light-3x-a", "mobile_app", "light", 360, 3),
    ("phone-dark-3x-b", "mobile_app", "dark", 360, 3),
    ("phone-light-2x-c", "mobile_app", "light", 412, 2),
    ("phone-dark-2x-d", "mobile_app", "dark", 412, 2),
    ("phone-light-3x-e", "mobile_app", "light", 412, 3),
    ("phone-dark-3x-f", "mobile_app", "dark", 360, 3),
    ("desktop-light-2x-g", "desktop", "light", 1100, 2),
    ("desktop-dark-2x-h", "desktop", "dark", 1100, 2),
    ("desktop-light-2x-i", "desktop", "light", 1100, 2),
    ("desktop-dark-2x-j", "desktop", "dark", 1100, 2),
)
PHONE_HEIGHT = 800  # CSS px: a 1080x2400 screen at 3x
OVERLAP = 90  # CSS px a scrolled screen repeats of the one before

_CSS = """
body {{ margin: 0; background: {bg}; color: {fg};
  font-family: 'Liberation Sans', 'DejaVu Sans', sans-serif; font-size: 15px; }}
.l {{ margin: 0 0 9px 0; line-height: 1.4; }}
.t {{ font-size: 20px; font-weight: bold; }}
.m {{ color: {muted}; font-size: 14px; }}
.bar {{ display: flex; justify-content: space-between; padding: 6px 18px;
  font-size: 13px; font-weight: bold; border-bottom: 1px solid {line}; }}
.page {{ padding: 14px 18px; }}
.cols {{ display: flex; gap: 36px; padding: 24px 32px; }}
.main {{ flex: 1 1 auto; }}
.side {{ flex: 0 0 300px; border-left: 1px solid {line}; padding-left: 24px; }}
"""


def _div(text: str, index: int) -> str:
    kind = "l t" if index == 0 else ("l m" if text.startswith("Posted") else "l")
    return f'<div class="{kind}">{html.escape(text)}</div>'


def page_html(layout: str, lines: list[str], theme: str) -> str:
    """The replica: a phone's job view, or the desktop page's two columns."""
    css = _CSS.format(**THEMES[theme])
    if layout == "mobile_app":
        bar = '<div class="bar"><span>9:41</span><span>5G  87%</span></div>'
        body = bar + '<div class="page">' + "".join(map(_div, lines, range(len(lines))))
        return f"<html><head><style>{css}</style></head><body>{body}</div></body></html>"
    cut = lines.index("Apply now")
    main = "".join(_div(t, i) for i, t in enumerate(lines[1:cut]))
    side = "".join(_div(t, 1) for t in lines[cut:])
    body = f'<div class="cols"><div class="main">{main}</div><div class="side">{side}</div></div>'
    return f"<html><head><style>{css}</style></head><body>{body}</body></html>"


def shoot(markup: str, width: int, scale: int, work: Path) -> Image.Image:
    """The page drawn by headless Chromium, cut where its content ends."""
    src = work / "page.html"
    src.write_text(markup, encoding="utf-8")
    png = work / "page.png"
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("chromium not found: apt-get install chromium")
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--window-size={width},3200",
            f"--force-device-scale-factor={scale}",
            f"--screenshot={png}",
            src.as_uri(),
        ],
        check=True,
        capture_output=True,
    )
    im = Image.open(png).convert("RGB")
    bg = Image.new("RGB", im.size, im.getpixel((im.width - 1, im.height - 1)))
    box = ImageChops.difference(im, bg).getbbox()
    bottom = min(im.height, (box[3] if box else im.height) + 24 * scale)
    return im.crop((0, 0, im.width, bottom))


def screens(im: Image.Image, layout: str, scale: int) -> list[Image.Image]:
    """A phone page as the screens a user shoots while scrolling; a desktop page whole."""
    if layout != "mobile_app":
        return [im]
    height, step = PHONE_HEIGHT * scale, (PHONE_HEIGHT - OVERLAP) * scale
    out, top = [], 0
    while True:
        shot = im.crop((0, top, im.width, min(im.height, top + height)))
        out.append(shot)
        if top + height >= im.height:
            return out
        top += step


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "core" / "screens"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for seed, (name, layout, theme, width, scale) in enumerate(CASES):
            post = generated(random.Random(2400 + seed), layout, "lines")
            lines = post.text.split("\n")
            shots = screens(
                shoot(page_html(layout, lines, theme), width, scale, Path(tmp)), layout, scale
            )
            files = []
            for i, shot in enumerate(shots, 1):
                path = out / f"{name}-{i}.png"
                shot.quantize(32, dither=Image.Dither.NONE).save(path, optimize=True)
                files.append(path.name)
            truth = {"layout": layout, "theme": theme, "screens": files, "truth": post.truth}
            (out / f"{name}.json").write_text(json.dumps(truth, indent=1) + "\n")
            print(name, [s.size for s in shots])


if __name__ == "__main__":
    main()
