"""Letters home with a parent link code: one A4 page per pupil, drawn with Pillow.

Each letter names the child by first name and initial only, says in a few
warm words what Stay Safe Online is, and how to sign up: the address (and a
QR code of it), then the code, big, with the last day it works. Nothing else
about the child is printed.

The codes come from parent_links.issue_codes. Each one is checked against
the database before printing, so a letter never carries a code that is spent,
cancelled or meant for another child.
"""
from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PIL import Image, ImageDraw, ImageFont

from ...models import Pupil, School, now_utc
from ..parent_links import find_code, last_day
from .drawing import font as _font
from .drawing import qr_image as _qr_image
from .drawing import wrap as _wrap

DPI = 150
PAGE_W, PAGE_H = 1240, 1754  # A4 portrait at 150 dpi, as the sign-in cards
MARGIN = 100  # about 1.7 cm
WIDTH = PAGE_W - 2 * MARGIN
QR_SIZE = 300
NAVY, BLUE, INK, GREY, PALE = (23, 74, 148), (31, 95, 191), (29, 36, 51), (110, 110, 110), (236, 240, 246)


@dataclass(frozen=True)
class LetterText:
    """Every word on one letter, apart from the school's name."""

    greeting: str
    about: str
    steps: tuple[str, ...]
    code: str
    until: str
    once: str
    scan: str
    footer: str


def letter_text(pupil: Pupil, code: str, last: date, register_url: str) -> LetterText:
    return LetterText(
        greeting=f"Dear parent or carer of {pupil.first_name} {pupil.last_initial}.",
        about=("Your child is learning how to stay safe online at school with Stay Safe Online: short, friendly lessons"
               " and quizzes. With a free parent account you can see which topics they have finished, and get ideas"
               " for talking about them at home."),
        steps=(
            f"Go to {register_url} (or scan the QR code below with your phone's camera).",
            "Create an account with your email address and a password.",
            "Enter this code:",
        ),
        code=code,
        until=f"Use the code by {last.day} {last:%B %Y}.",
        once="The code works once, and is for this child only. Please keep it private.",
        scan="Scan to open the sign-up page",
        footer="If you did not expect this letter, please contact the school office.",
    )


def letters_pdf(school: School, entries: Sequence[tuple[Pupil, str]], register_url: str) -> bytes:
    """All letters as one A4 PDF, a page per (pupil, code), in the order given."""
    first, *rest = letter_pages(school, entries, register_url)
    out = io.BytesIO()
    # Pillow stores RGB pages as JPEG; a high quality keeps the code and the QR edges crisp.
    first.save(out, format="PDF", save_all=True, append_images=rest, resolution=DPI, quality=90)
    return out.getvalue()


def letter_pages(school: School, entries: Sequence[tuple[Pupil, str]], register_url: str) -> list[Image.Image]:
    if not entries:
        raise ValueError("no letters to print")
    now = now_utc()
    pages = []
    for pupil, code in entries:
        link_code = find_code(code)
        if link_code is None or link_code.pupil_id != pupil.id or link_code.school_id != school.id or not link_code.is_usable(now):
            raise ValueError(f"the code for pupil {pupil.id} is not a current code for them: issue new codes")
        pages.append(_page(school.name, letter_text(pupil, code, last_day(link_code), register_url), register_url))
    return pages


# --- one page ---------------------------------------------------------------

def _page(school_name: str, text: LetterText, register_url: str) -> Image.Image:
    page = Image.new("RGB", (PAGE_W, PAGE_H), "white")
    draw = ImageDraw.Draw(page)
    y = _fitted(draw, MARGIN, school_name, 40, NAVY, bold=True)
    y = _lines(draw, MARGIN, y, "Stay Safe Online", _font(30), BLUE)
    draw.line((MARGIN, y + 14, PAGE_W - MARGIN, y + 14), fill=PALE, width=4)
    y = _fitted(draw, y + 50, text.greeting, 40, INK, bold=True)
    y = _lines(draw, MARGIN, y + 16, text.about, _font(30), INK, spacing=1.4)
    y = _lines(draw, MARGIN, y + 36, "How to sign up", _font(34, bold=True), NAVY)
    y = _steps(draw, y + 10, text.steps)
    y = _code_box(draw, y + 20, text.code)
    y = _lines(draw, MARGIN, y + 24, text.until, _font(32, bold=True), INK)
    y = _lines(draw, MARGIN, y + 4, text.once, _font(28), INK, spacing=1.3)
    _qr_block(page, draw, y + 40, register_url, text.scan)
    footer = _font(28)
    footer_lines = _wrap(text.footer, footer, WIDTH)
    _lines(draw, MARGIN, PAGE_H - MARGIN - len(footer_lines) * round(footer.size * 1.3), text.footer, footer, GREY, spacing=1.3)
    return page


def _steps(draw: ImageDraw.ImageDraw, y: int, steps: Sequence[str]) -> int:
    font, indent = _font(30), 50
    for number, step in enumerate(steps, 1):
        draw.text((MARGIN, y), f"{number}.", font=font, fill=NAVY)
        y = _lines(draw, MARGIN + indent, y, step, font, INK, width=WIDTH - indent, spacing=1.35) + 8
    return y


def _code_box(draw: ImageDraw.ImageDraw, top: int, code: str) -> int:
    """The code, as big as fits, centred in a pale box with a blue edge."""
    height = 190
    draw.rounded_rectangle((MARGIN, top, PAGE_W - MARGIN, top + height), radius=28, fill=PALE, outline=BLUE, width=4)
    font = next(_font(size, bold=True) for size in range(120, 20, -4) if _font(size, bold=True).getlength(code) <= WIDTH - 80)
    left, glyph_top, right, bottom = draw.textbbox((0, 0), code, font=font)
    x = (PAGE_W - (right - left)) / 2 - left
    draw.text((x, top + (height - (bottom - glyph_top)) / 2 - glyph_top), code, font=font, fill=INK)
    return top + height


def _qr_block(page: Image.Image, draw: ImageDraw.ImageDraw, top: int, url: str, caption: str) -> None:
    qr = _qr_image(url, QR_SIZE)
    page.paste(qr, (MARGIN, top))
    x = MARGIN + qr.width + 40
    y = _lines(draw, x, top + 40, caption, _font(30, bold=True), NAVY, width=PAGE_W - MARGIN - x)
    _lines(draw, x, y + 10, url, _font(26), GREY, width=PAGE_W - MARGIN - x)




# --- text -------------------------------------------------------------------



def _fitted(draw: ImageDraw.ImageDraw, y: int, text: str, largest: int, fill, bold: bool = False, smallest: int = 30) -> int:
    """One line at the biggest size that fits, down to `smallest`; wrapped at that size beyond."""
    text = unicodedata.normalize("NFC", text)
    size = next((size for size in range(largest, smallest, -2) if _font(size, bold).getlength(text) <= WIDTH), smallest)
    return _lines(draw, MARGIN, y, text, _font(size, bold), fill)


def _lines(draw: ImageDraw.ImageDraw, x: int, y: int, text: str, font: ImageFont.FreeTypeFont, fill,
           width: int = WIDTH, spacing: float = 1.25) -> int:
    """Draw `text` wrapped to `width`; return the y below it."""
    for line in _wrap(unicodedata.normalize("NFC", text), font, width):
        draw.text((x, y), line, font=font, fill=fill)
        y += round(font.size * spacing)
    return y


