"""Printable picture sign-in cards for one class on A4: a PDF with real text
(cards_pdf.py), and the same pages as pictures (PNGs drawn with Pillow,
one per page, in a zip) for schools that print from a picture.

The first page is a sheet for the teacher: the class, a big QR code that
opens the class sign-in page on a tablet, and what to do. Then come pages
of cards to cut out, ten to a page, each with a pupil's display name, the
class and their three PIN pictures in order, with the word under each
picture for the adult helping. Nothing else about the child is printed.

Text is drawn in DejaVu Sans (shipped in quizapp/fonts), so names print as
they are written, accents and all.
"""
from __future__ import annotations

import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from functools import lru_cache

import resvg_py
from PIL import Image, ImageDraw

from ...models import PIN_LENGTH, Pupil, SchoolClass
from ...paths import asset_dir
from .drawing import font as _font
from .drawing import qr_image as _qr_image
from .drawing import wrap as _wrap

DPI = 150
PAGE_W, PAGE_H = 1240, 1754  # A4 portrait at 150 dpi: small files, sharp enough for big pictures
MARGIN = 60  # 1 cm: inside what every printer can reach
COLUMNS, ROWS = 2, 5
PER_PAGE = COLUMNS * ROWS
GRID_TOP = MARGIN + 50  # below the page's one-line heading
CARD_W = (PAGE_W - 2 * MARGIN) // COLUMNS
CARD_H = (PAGE_H - MARGIN - GRID_TOP) // ROWS
PAD = 20  # inside a card, so a wobbly cut does not clip the text
PICTURE = 136
NAVY, BLUE, INK, GREY, PALE = (23, 74, 148), (31, 95, 191), (29, 36, 51), (110, 110, 110), (236, 240, 246)

_PICTURE_NAME = re.compile(r"[a-z]{1,20}")

def class_cards_pages(school_class: SchoolClass, pupils: Sequence[Pupil], signin_url: str) -> list[Image.Image]:
    """Every page, in print order: the class sheet, then the cards (pupils in the order given)."""
    total = _page_count(len(pupils))
    pages = [_class_sheet(school_class, len(pupils), signin_url)]
    for index, start in enumerate(range(0, len(pupils), PER_PAGE)):
        pages.append(_card_page(school_class, pupils[start:start + PER_PAGE], index + 2, total))
    return pages


def class_cards_zip(school_class: SchoolClass, pupils: Sequence[Pupil], signin_url: str) -> bytes:
    """Every page as a PNG (page-1.png is the class sheet), in one zip: every pupil, however many."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:  # PNGs are already compressed
        for number, page in enumerate(class_cards_pages(school_class, pupils, signin_url), 1):
            png = io.BytesIO()
            page.save(png, format="PNG", dpi=(DPI, DPI))
            archive.writestr(f"page-{number}.png", png.getvalue())
    return out.getvalue()


def _page_count(pupil_count: int) -> int:
    return 1 + math.ceil(pupil_count / PER_PAGE)


# --- the class sheet -------------------------------------------------------

def _class_sheet(school_class: SchoolClass, pupil_count: int, signin_url: str) -> Image.Image:
    page = Image.new("RGB", (PAGE_W, PAGE_H), "white")
    draw = ImageDraw.Draw(page)
    y = _centred(draw, MARGIN, school_class.school.name, 40, INK)
    y = _centred(draw, y + 10, "Picture sign-in", 64, NAVY)
    y = _centred(draw, y, school_class.name, 88, BLUE, bold=True)
    qr = _qr_image(signin_url, 820)
    page.paste(qr, ((PAGE_W - qr.width) // 2, y + 10))
    y += qr.height + 20
    for line in _wrap(signin_url, _font(28), PAGE_W - 2 * MARGIN):
        y = _centred(draw, y, line, 28, INK)
    _instructions(draw, y + 30, pupil_count)
    return page


def instruction_steps(pupil_count: int) -> list[str]:
    """The numbered steps on the class sheet (the PNG pages and the PDF say the same)."""
    steps = [
        "Open class sign-in on your class page, then scan this code on each tablet"
        " or type the class code shown there.",
        "Pupils tap their name, then their three pictures in order.",
    ]
    if pupil_count:
        pages = math.ceil(pupil_count / PER_PAGE)
        steps.append(f"Cut out the {pupil_count} cards on the next {_plural(pages, 'page')} along the dashed lines."
                     " Keep them in the classroom.")
    else:
        steps.append("This class has no pupils yet, so there are no cards to print.")
    return steps


def _instructions(draw: ImageDraw.ImageDraw, top: int, pupil_count: int) -> None:
    steps = instruction_steps(pupil_count)
    font, width = _font(32), PAGE_W - 2 * MARGIN - 60
    lines = [(n, line) for n, step in enumerate(steps, 1) for line in _wrap(step, font, width - 50)]
    height = 44 * len(lines) + 50
    draw.rounded_rectangle((MARGIN, top, PAGE_W - MARGIN, top + height), radius=24, fill=PALE)
    y, last = top + 25, 0
    for n, line in lines:
        if n != last:
            draw.text((MARGIN + 30, y), f"{n}.", font=font, fill=NAVY)
            last = n
        draw.text((MARGIN + 80, y), _printable(line), font=font, fill=INK)
        y += 44




# --- the card pages --------------------------------------------------------

def _card_page(school_class: SchoolClass, pupils: Sequence[Pupil], number: int, total: int) -> Image.Image:
    page = Image.new("RGB", (PAGE_W, PAGE_H), "white")
    draw = ImageDraw.Draw(page)
    heading = _printable(f"{school_class.name}: picture sign-in cards. Cut along the dashed lines.")
    number_text = f"Page {number} of {total}"
    lines, font = _fit(draw, heading, PAGE_W - 2 * MARGIN - 200, 30, largest=24, smallest=14)
    draw.text((MARGIN, MARGIN), lines[0], font=font, fill=GREY)
    draw.text((PAGE_W - MARGIN - draw.textlength(number_text, font=_font(24)), MARGIN), number_text, font=_font(24), fill=GREY)
    for index, pupil in enumerate(pupils):
        row, column = divmod(index, COLUMNS)
        _card(page, draw, MARGIN + column * CARD_W, GRID_TOP + row * CARD_H, pupil, school_class.name)
    return page


def _cut_lines(draw: ImageDraw.ImageDraw, left: int, top: int) -> None:
    """A dashed border to cut along. Neighbours' borders fall on the same pixels, so they make one grid."""
    right, bottom = left + CARD_W, top + CARD_H
    _dashed(draw, (left, top), (right, top))
    _dashed(draw, (left, bottom), (right, bottom))
    _dashed(draw, (left, top), (left, bottom))
    _dashed(draw, (right, top), (right, bottom))


def _dashed(draw: ImageDraw.ImageDraw, start: tuple[int, int], end: tuple[int, int], dash: int = 14, gap: int = 10) -> None:
    (x0, y0), (x1, y1) = start, end
    length = max(x1 - x0, y1 - y0)
    for offset in range(0, length, dash + gap):
        stop = min(offset + dash, length)
        if x0 == x1:
            draw.line((x0, y0 + offset, x0, y0 + stop), fill=GREY, width=2)
        else:
            draw.line((x0 + offset, y0, x0 + stop, y0), fill=GREY, width=2)


def _card(page: Image.Image, draw: ImageDraw.ImageDraw, left: int, top: int, pupil: Pupil, class_name: str) -> None:
    _cut_lines(draw, left, top)
    width = CARD_W - 2 * PAD
    lines, font = _fit(draw, _printable(pupil.display_name), width, 66)
    y = top + PAD
    for line in lines:
        draw.text((left + PAD, y), line, font=font, fill=INK, stroke_width=1, stroke_fill=INK)
        y += round(font.size * 1.15)
    draw.text((left + PAD, top + PAD + 72), _printable(class_name), font=_font(26), fill=GREY)
    gap = (width - PIN_LENGTH * PICTURE) // (PIN_LENGTH - 1)
    for index, name in enumerate(pupil.pin_pictures):
        x = left + PAD + index * (PICTURE + gap)
        _draw_picture(page, draw, name, x, top + PAD + 112)
        if index:
            _arrow(draw, x - gap // 2, top + PAD + 112 + PICTURE // 2)


def _draw_picture(page: Image.Image, draw: ImageDraw.ImageDraw, name: str, x: int, y: int) -> None:
    picture = _picture(name, PICTURE)
    if picture is None:  # a PIN from an older picture set: the word alone still works
        draw.rounded_rectangle((x, y, x + PICTURE, y + PICTURE), radius=16, outline=GREY, width=3)
    else:
        page.paste(picture, (x, y), picture)
    font = _font(30)
    word = _printable(name)
    draw.text((x + (PICTURE - draw.textlength(word, font=font)) / 2, y + PICTURE + 4), word, font=font, fill=INK)


def _arrow(draw: ImageDraw.ImageDraw, x: int, y: int) -> None:
    """A small triangle between pictures: the order to tap them in."""
    draw.polygon([(x - 7, y - 11), (x + 8, y), (x - 7, y + 11)], fill=BLUE)


@lru_cache(maxsize=64)
def _picture(name: str, size: int) -> Image.Image | None:
    """A PIN picture rendered once per size; callers must not draw on it."""
    path = asset_dir("static") / "pins" / f"{name}.svg"
    if not _PICTURE_NAME.fullmatch(name) or not path.is_file():
        return None
    # The pictures hold no text, so resvg need not spend time loading system fonts.
    png = resvg_py.svg_to_bytes(svg_string=path.read_text(encoding="utf-8"), width=size, height=size, skip_system_fonts=True)
    with Image.open(io.BytesIO(png)) as image:
        return image.convert("RGBA")


# --- text ------------------------------------------------------------------



def _printable(text: str) -> str:
    """Names as written, composed (NFC) so accents typed separately draw as one
    letter; control characters (which the text layout cannot draw) become spaces."""
    return "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in unicodedata.normalize("NFC", text))


def _centred(draw: ImageDraw.ImageDraw, y: int, text: str, size: int, fill, bold: bool = False) -> int:
    """Draw one line centred on the page (shrunk to fit); return the y below it."""
    lines, font = _fit(draw, _printable(text), PAGE_W - 2 * MARGIN, round(size * 2.4), largest=size)
    for line in lines:
        width = draw.textlength(line, font=font)
        draw.text(((PAGE_W - width) / 2, y), line, font=font, fill=fill, stroke_width=int(bold), stroke_fill=fill)
        y += round(font.size * 1.25)
    return y + size // 4


def _fit(draw: ImageDraw.ImageDraw, text: str, width: int, height: int, largest: int = 56, smallest: int = 30):
    """The biggest font for `text` in a box: one line if it can be read that way, else wrapped.

    Returns (lines, font). A 40-letter name shrinks; a longer or wider one wraps.
    """
    smallest = min(smallest, largest)
    for size in range(largest, smallest - 1, -2):
        if draw.textlength(text, font=_font(size)) <= width:
            return [text], _font(size)
    for size in range(smallest, 11, -2):
        lines = _wrap(text, _font(size), width)
        if len(lines) * size * 1.15 <= height:
            return lines, _font(size)
    return _wrap(text, _font(12), width), _font(12)



def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{count} {word}s"
