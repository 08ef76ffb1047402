"""Shared pieces for pages drawn with Pillow (sign-in cards, letters home):
the shipped font, word wrapping and QR codes."""
from __future__ import annotations

from functools import lru_cache

import segno
from PIL import Image, ImageFont

from ...paths import font_file


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    # DejaVu Sans ships with the package: it draws accented names (Zoë, Łukasz).
    return ImageFont.truetype(str(font_file(bold)), size=size)


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy wrapping by words; a word wider than the line (a long web address)
    is broken between letters."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if face.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for ch in word:
            if current and face.getlength(current + ch) > width:
                lines.append(current)
                current = ""
            current += ch
    return lines + [current] if current else lines


def qr_image(url: str, size: int) -> Image.Image:
    """A QR code at most `size` pixels wide, with whole pixels per module so it scans reliably."""
    modules = list(segno.make(url, error="m", micro=False).matrix_iter(scale=1, border=4))
    count = len(modules)
    image = Image.new("1", (count, count), 1)
    image.putdata([0 if dark else 1 for row in modules for dark in row])
    scale = max(1, size // count)
    return image.resize((count * scale, count * scale), Image.Resampling.NEAREST)
