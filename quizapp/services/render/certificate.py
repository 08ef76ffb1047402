"""A printable certificate for a finished module: a PNG drawn with Pillow.

It shows only the pupil's first name, the topic, what they can now do, the
school's name and the date: nothing else about the child.

Every piece of text is measured with the font it is drawn in and fitted
(smaller, then wrapped) to its own band of the page, so nothing overlaps or
falls off whatever the name, topic or outcomes. `layout` returns the boxes it
will draw (tests check them); `render` draws exactly those boxes.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from ...dates import local
from ...downloads import download_headers
from ...paths import font_file

WIDTH, HEIGHT = 1600, 1131  # A4 landscape at about 136 dpi
NAVY, BLUE, GOLD, INK = (23, 74, 148), (31, 95, 191), (255, 191, 71), (29, 36, 51)
SAFE = (100, 100, WIDTH - 100, HEIGHT - 100)  # inside the gold border, with room
TEXT_LEFT, TEXT_RIGHT = 260, WIDTH - 260  # beside the two pictures
GAP = 10


@dataclass(frozen=True)
class Box:
    """One line of text where it will be drawn, with its measured ink box."""

    text: str
    size: int
    bold: bool
    fill: tuple
    x: float
    y: float
    box: tuple[float, float, float, float]


@lru_cache(maxsize=64)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_file(bold)), size=size)


_MEASURE = ImageDraw.Draw(Image.new("RGB", (1, 1)))


def _width(text: str, size: int, bold: bool) -> float:
    left, _, right, _ = _MEASURE.textbbox((0, 0), text, font=_font(size, bold))
    return right - left


def _wrap(text: str, size: int, bold: bool, width: float) -> list[str]:
    """Words into lines no wider than `width` (a word too long alone is cut)."""
    lines: list[str] = []
    for word in text.split():
        pieces = []
        while _width(word, size, bold) > width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and _width(word[:cut], size, bold) > width:
                cut -= 1
            pieces.append(word[:cut])
            word = word[cut:]
        for piece in [*pieces, word]:
            if lines and _width(lines[-1] + " " + piece, size, bold) <= width:
                lines[-1] += " " + piece
            else:
                lines.append(piece)
    return lines or [""]


def _line_height(size: int) -> int:
    return int(size * 1.25)


def _fit(texts: list[str], sizes: range, bold: bool, width: float, height: float, gap: int = 0) -> tuple[int, list[list[str]]]:
    """The biggest size at which all `texts`, wrapped, fit `height` (the smallest if none)."""
    for size in sizes:
        wrapped = [_wrap(t, size, bold, width) for t in texts]
        total = sum(len(lines) for lines in wrapped) * _line_height(size) + gap * max(len(texts) - 1, 0)
        if total <= height:
            return size, wrapped
    size = sizes[-1]
    return size, [_wrap(t, size, bold, width) for t in texts]


def _centred_lines(lines: list[str], size: int, bold: bool, fill, top: float, left=TEXT_LEFT, right=TEXT_RIGHT) -> tuple[list[Box], float]:
    boxes, y = [], top
    font = _font(size, bold)
    for line in lines:
        x = left + (right - left - _width(line, size, bold)) / 2
        boxes.append(Box(line, size, bold, fill, x, y, _MEASURE.textbbox((x, y), line, font=font)))
        y += _line_height(size)
    return boxes, y


def _band(text: str, sizes: range, bold: bool, fill, top: float, height: float) -> tuple[list[Box], float]:
    """`text` centred in a band of the page `height` high, as big as fits (wrapped if it must)."""
    size, (lines,) = _fit([text], sizes, bold, TEXT_RIGHT - TEXT_LEFT, height)
    boxes, _ = _centred_lines(lines, size, bold, fill, top)
    return boxes, top + height


def layout(first_name: str, topic_title: str, can_do: list[str], on: date, school_name: str = "") -> list[Box]:
    """Every line of text on the certificate, fitted to its band, top to bottom."""
    boxes: list[Box] = []
    y = 245.0
    for text, sizes, bold, fill, height in [
        ("Certificate", range(80, 40, -4), True, NAVY, 100),
        ("Well done,", range(48, 28, -4), False, INK, 62),
        (first_name, range(100, 15, -2), True, BLUE, 126),
        (f"for finishing: {topic_title}", range(44, 15, -2), False, INK, 58),
    ]:
        band, y = _band(text, sizes, bold, fill, y, height)
        boxes += band
    footer = [on.strftime("%-d %B %Y")] + ([school_name] if school_name else []) + ["Stay Safe Online"]
    footer_top = SAFE[3] - 40 * len(footer)
    # What the pupil can now do: every outcome, a bullet each, as big as fits.
    outcomes = [f"• {text}" for text in can_do]
    y += GAP
    size, wrapped = _fit(outcomes, range(36, 11, -1), False, TEXT_RIGHT - TEXT_LEFT, footer_top - GAP - y, gap=6)
    for lines in wrapped:
        band, y = _centred_lines(lines, size, False, INK, y)
        boxes += band
        y += 6
    y = float(footer_top)
    styles = [(range(32, 11, -2), NAVY)] + [(range(28, 11, -2), INK)] * (len(footer) - 2) + [(range(26, 11, -2), BLUE)]
    for text, (sizes, fill) in zip(footer, styles, strict=True):
        band, y = _band(text, sizes, False, fill, y, 40)
        boxes += band
    return boxes


# Where the pictures are drawn (left, top, right, bottom): text keeps out of them.
SHIELD = (WIDTH // 2 - 60, 100, WIDTH // 2 + 60, 230)
BOLTS = [(105, HEIGHT // 2 - 110, 245, HEIGHT // 2 + 70), (WIDTH - 245, HEIGHT // 2 - 110, WIDTH - 105, HEIGHT // 2 + 70)]
PICTURES = [SHIELD, *BOLTS]


def _bolt(draw: ImageDraw.ImageDraw, cx: int, cy: int) -> None:
    """Bolt, the app's helper: a round friendly face with a lightning flash."""
    draw.ellipse((cx - 70, cy - 70, cx + 70, cy + 70), fill=GOLD, outline=NAVY, width=6)
    draw.ellipse((cx - 32, cy - 22, cx - 14, cy - 4), fill=NAVY)
    draw.ellipse((cx + 14, cy - 22, cx + 32, cy - 4), fill=NAVY)
    draw.arc((cx - 36, cy - 10, cx + 36, cy + 40), start=20, end=160, fill=NAVY, width=7)
    draw.polygon([(cx + 40, cy - 110), (cx + 10, cy - 60), (cx + 34, cy - 60), (cx + 6, cy - 10), (cx + 60, cy - 74),
                  (cx + 36, cy - 74), (cx + 58, cy - 110)], fill=BLUE)


def render(first_name: str, topic_title: str, can_do: list[str], on: date, school_name: str = "") -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((30, 30, WIDTH - 30, HEIGHT - 30), radius=40, outline=BLUE, width=14)
    draw.rounded_rectangle((62, 62, WIDTH - 62, HEIGHT - 62), radius=28, outline=GOLD, width=6)
    # A simple shield with a tick, like the app's logo.
    cx = WIDTH // 2
    draw.polygon([(cx - 60, 100), (cx + 60, 100), (cx + 60, 180), (cx, 230), (cx - 60, 180)], fill=BLUE)
    draw.line([(cx - 28, 158), (cx - 6, 182), (cx + 32, 130)], fill="white", width=12, joint="curve")
    for left, _, right, _ in BOLTS:
        _bolt(draw, (left + right) // 2, HEIGHT // 2)
    for box in layout(first_name, topic_title, can_do, on, school_name):
        draw.text((box.x, box.y), box.text, font=_font(box.size, box.bold), fill=box.fill)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def for_module(first_name: str, module, completed_at, school_name: str = "") -> tuple[bytes, dict[str, str]]:
    """A finished module's certificate, and the headers to send it with (the
    same for the pupil's page and the parent's)."""
    png = render(first_name, module.topic.pupil_title, [o.text for o in module.outline.outcomes],
                 local(completed_at).date(), school_name)  # the day in the school's zone
    return png, download_headers(f"certificate-{module.id}.png", "image/png", inline=True)
