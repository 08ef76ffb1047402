"""A printable certificate for a finished module: a PNG drawn with Pillow.

It shows only the pupil's first name, the topic, what they can now do and
the date: nothing else about the child.
"""
from __future__ import annotations

import io
import textwrap
from datetime import date
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from ...dates import local
from ...downloads import download_headers
from ...paths import font_file

WIDTH, HEIGHT = 1600, 1131  # A4 landscape at about 136 dpi
NAVY, BLUE, GOLD, INK = (23, 74, 148), (31, 95, 191), (255, 191, 71), (29, 36, 51)


@lru_cache(maxsize=32)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_file(bold)), size=size)


def _centred(draw: ImageDraw.ImageDraw, y: int, text: str, size: int, fill, bold: bool = False) -> int:
    font = _font(size, bold)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    draw.text(((WIDTH - (right - left)) / 2, y), text, font=font, fill=fill)
    return y + (bottom - top) + size // 2


def render(first_name: str, topic_title: str, can_do: list[str], on: date) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((30, 30, WIDTH - 30, HEIGHT - 30), radius=40, outline=BLUE, width=14)
    draw.rounded_rectangle((62, 62, WIDTH - 62, HEIGHT - 62), radius=28, outline=GOLD, width=6)
    # A simple shield with a tick, like the app's logo.
    cx = WIDTH // 2
    draw.polygon([(cx - 60, 110), (cx + 60, 110), (cx + 60, 190), (cx, 240), (cx - 60, 190)], fill=BLUE)
    draw.line([(cx - 28, 168), (cx - 6, 192), (cx + 32, 140)], fill="white", width=12, joint="curve")
    y = _centred(draw, 270, "Certificate", 88, NAVY, bold=True)
    y = _centred(draw, y + 10, "Well done,", 52, INK)
    y = _centred(draw, y, first_name, 110, BLUE, bold=True)
    y = _centred(draw, y + 10, f"for finishing: {topic_title}", 48, INK)
    for line in can_do[:3]:
        for part in textwrap.wrap(line, width=58):
            y = _centred(draw, y, part, 36, INK)
    _centred(draw, HEIGHT - 170, on.strftime("%-d %B %Y"), 40, NAVY)
    _centred(draw, HEIGHT - 120, "Stay Safe Online", 34, BLUE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def for_module(first_name: str, module, completed_at) -> tuple[bytes, dict[str, str]]:
    """A finished module's certificate, and the headers to send it with (the
    same for the pupil's page and the parent's)."""
    png = render(first_name, module.topic.pupil_title, [o.text for o in module.outline.outcomes], local(completed_at).date())  # the day in the school's zone
    return png, download_headers(f"certificate-{module.id}.png", "image/png", inline=True)
