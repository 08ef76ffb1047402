"""Picture sign-in cards for one class as an A4 PDF with real text (fpdf2).

The same pages as cards.py draws as pictures: a sheet for the teacher (the
class, a big QR code that opens class sign-in on a tablet, what to do), then
cards to cut out, ten to a page, each with a pupil's display name, the class
and their three PIN pictures in order, with the word under each picture.
Nothing else about the child is printed.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from fpdf import FPDF

from ...models import PIN_LENGTH, Pupil, SchoolClass
from .cards import COLUMNS, PER_PAGE, ROWS, _picture, instruction_steps
from .document import BLUE, GREY, INK, NAVY, PAGE_H, PAGE_W, PALE, fitted_size, new_document, output, paragraph, printable, style
from .drawing import qr_image

MARGIN = 10.0  # mm: inside what every printer can reach
GRID_TOP = MARGIN + 8  # below the page's one-line heading
CARD_W = (PAGE_W - 2 * MARGIN) / COLUMNS
CARD_H = (PAGE_H - MARGIN - GRID_TOP) / ROWS
PAD = 3.5
PICTURE = 22.0  # mm
PICTURE_PX = 200


def class_cards_pdf(school_class: SchoolClass, pupils: Sequence[Pupil], signin_url: str) -> bytes:
    """The class sheet, then the cards (pupils in the order given), as one PDF."""
    pdf = new_document(f"Picture sign-in cards: {school_class.name}", MARGIN)
    total = 1 + math.ceil(len(pupils) / PER_PAGE)
    _class_sheet(pdf, school_class, len(pupils), signin_url)
    for index, start in enumerate(range(0, len(pupils), PER_PAGE)):
        _card_page(pdf, school_class, pupils[start:start + PER_PAGE], index + 2, total)
    return output(pdf)


def _class_sheet(pdf: FPDF, school_class: SchoolClass, pupil_count: int, signin_url: str) -> None:
    pdf.add_page()
    width = PAGE_W - 2 * MARGIN
    y = paragraph(pdf, MARGIN, MARGIN + 4, width, school_class.school.name, 16, INK, align="C")
    y = paragraph(pdf, MARGIN, y + 2, width, "Picture sign-in", 26, NAVY, align="C")
    name = printable(school_class.name)
    y = paragraph(pdf, MARGIN, y, width, name, fitted_size(pdf, name, width, 36, 16, bold=True), BLUE, bold=True, align="C")
    size = 120.0
    pdf.image(qr_image(signin_url, 1200), x=(PAGE_W - size) / 2, y=y + 2, w=size, h=size, alt_text="QR code: class sign-in")
    y = paragraph(pdf, MARGIN, y + size + 4, width, signin_url, 11, INK, align="C")
    steps = instruction_steps(pupil_count)
    top = y + 6
    pdf.set_fill_color(*PALE)
    pdf.rect(MARGIN, top, width, PAGE_H - MARGIN - top, style="F", round_corners=True, corner_radius=4)
    y = top + 5
    for number, step in enumerate(steps, 1):
        paragraph(pdf, MARGIN + 5, y, 8, f"{number}.", 13, NAVY)
        y = paragraph(pdf, MARGIN + 13, y, width - 18, step, 13, INK) + 2


def _card_page(pdf: FPDF, school_class: SchoolClass, pupils: Sequence[Pupil], number: int, total: int) -> None:
    pdf.add_page()
    width = PAGE_W - 2 * MARGIN
    heading = printable(f"{school_class.name}: picture sign-in cards. Cut along the dashed lines.")
    style(pdf, 10, GREY)
    page_text = f"Page {number} of {total}"
    pdf.set_xy(MARGIN, MARGIN)
    pdf.cell(width, 5, page_text, align="R")
    size = fitted_size(pdf, heading, width - pdf.get_string_width(page_text) - 6, 10, 6)
    style(pdf, size, GREY)
    pdf.set_xy(MARGIN, MARGIN)
    pdf.cell(width - 40, 5, heading)
    pdf.set_draw_color(*GREY)
    pdf.set_line_width(0.3)
    with pdf.local_context():
        pdf.set_dash_pattern(dash=2.4, gap=1.7)
        for index in range(len(pupils)):  # neighbours' borders fall on the same line, so they make one grid
            row, column = divmod(index, COLUMNS)
            pdf.rect(MARGIN + column * CARD_W, GRID_TOP + row * CARD_H, CARD_W, CARD_H)
    for index, pupil in enumerate(pupils):
        row, column = divmod(index, COLUMNS)
        _card(pdf, MARGIN + column * CARD_W, GRID_TOP + row * CARD_H, pupil, school_class.name)


def _card(pdf: FPDF, left: float, top: float, pupil: Pupil, class_name: str) -> None:
    width = CARD_W - 2 * PAD
    name = printable(pupil.display_name)
    size = fitted_size(pdf, name, width, 22, 10, bold=True)
    paragraph(pdf, left + PAD, top + PAD, width, name, size, INK, bold=True, line=1.1)
    paragraph(pdf, left + PAD, top + PAD + 10, width, class_name, 9, GREY)
    gap = (width - PIN_LENGTH * PICTURE) / (PIN_LENGTH - 1)
    y = top + PAD + 16
    for index, word in enumerate(pupil.pin_pictures):
        x = left + PAD + index * (PICTURE + gap)
        picture = _picture(word, PICTURE_PX)
        if picture is None:  # a PIN from an older picture set: the word alone still works
            pdf.set_draw_color(*GREY)
            pdf.rect(x, y, PICTURE, PICTURE, round_corners=True, corner_radius=2)
        else:
            pdf.image(picture, x=x, y=y, w=PICTURE, h=PICTURE, alt_text=printable(word))
        paragraph(pdf, x - gap / 2, y + PICTURE + 0.5, PICTURE + gap, word, 11, INK, align="C")
        if index:
            ax, ay = x - gap / 2, y + PICTURE / 2
            pdf.set_fill_color(*BLUE)
            pdf.polygon([(ax - 1.2, ay - 2), (ax + 1.5, ay), (ax - 1.2, ay + 2)], style="F")
