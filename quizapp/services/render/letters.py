"""Letters home with a parent link code: one A4 page per pupil, a PDF with
real text (fpdf2, document.py), so the code can be copied and read aloud.

Each letter names the child by first name and initial only, says in a few
warm words what Stay Safe Online is, and how to sign up: the address (and a
QR code), then the code, big, with the last day it works. Nothing else
about the child is printed.

The QR code opens the sign-up page with the code after a `#`
(`/parent/register#code=K7QM-4TXA`): a browser never sends the part after
`#` to the server, so the code stays out of access logs and Referer headers,
and a small same-origin script (static/js/app.js) fills the code field.

The codes come from parent_links.issue_codes. Each one is checked against
the database before printing, so a letter never carries a code that is spent,
cancelled or meant for another child.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from fpdf import FPDF

from ...models import Pupil, School, now_utc
from ..parent_links import find_code, last_day
from .document import BLUE, GREY, INK, NAVY, PAGE_H, PAGE_W, PALE, fitted_size, new_document, output, paragraph, printable, style
from .drawing import qr_image

MARGIN = 18.0  # mm
WIDTH = PAGE_W - 2 * MARGIN
QR_SIZE = 42.0  # mm: scans from a phone at arm's length


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
        scan="Scan to open the sign-up page with the code filled in",
        footer="If you did not expect this letter, please contact the school office.",
    )


def qr_link(register_url: str, code: str) -> str:
    """The sign-up page with the code in the fragment, which browsers never send to the server."""
    return f"{register_url}#code={code}"


def letters_pdf(school: School, entries: Sequence[tuple[Pupil, str]], register_url: str) -> bytes:
    """All letters as one A4 PDF, a page per (pupil, code), in the order given."""
    if not entries:
        raise ValueError("no letters to print")
    now = now_utc()
    letters = []
    for pupil, code in entries:
        link_code = find_code(code)
        if link_code is None or link_code.pupil_id != pupil.id or link_code.school_id != school.id or not link_code.is_usable(now):
            raise ValueError(f"the code for pupil {pupil.id} is not a current code for them: issue new codes")
        letters.append((letter_text(pupil, code, last_day(link_code), register_url), qr_link(register_url, code)))
    pdf = new_document(f"Letters for parents: {school.name}", MARGIN)
    for text, qr_url in letters:
        _page(pdf, school.name, text, qr_url)
    return output(pdf)


# --- one page ---------------------------------------------------------------

def _page(pdf: FPDF, school_name: str, text: LetterText, qr_url: str) -> None:
    pdf.add_page()
    name = printable(school_name)
    y = paragraph(pdf, MARGIN, MARGIN, WIDTH, name, fitted_size(pdf, name, WIDTH, 18, 12, bold=True), NAVY, bold=True)
    y = paragraph(pdf, MARGIN, y, WIDTH, "Stay Safe Online", 13, BLUE)
    pdf.set_draw_color(*PALE)
    pdf.set_line_width(0.8)
    pdf.line(MARGIN, y + 2, PAGE_W - MARGIN, y + 2)
    greeting = printable(text.greeting)
    y = paragraph(pdf, MARGIN, y + 7, WIDTH, greeting, fitted_size(pdf, greeting, WIDTH, 16, 11, bold=True), INK, bold=True)
    y = paragraph(pdf, MARGIN, y + 3, WIDTH, text.about, 12, INK, line=1.4)
    y = paragraph(pdf, MARGIN, y + 6, WIDTH, "How to sign up", 14, NAVY, bold=True)
    for number, step in enumerate(text.steps, 1):
        paragraph(pdf, MARGIN, y + 1.5, 8, f"{number}.", 12, NAVY)
        y = paragraph(pdf, MARGIN + 8, y + 1.5, WIDTH - 8, step, 12, INK, line=1.35)
    y = _code_box(pdf, y + 4, text.code)
    y = paragraph(pdf, MARGIN, y + 4, WIDTH, text.until, 13, INK, bold=True)
    y = paragraph(pdf, MARGIN, y + 1, WIDTH, text.once, 12, INK)
    _qr_block(pdf, y + 7, qr_url, text.scan)
    paragraph(pdf, MARGIN, PAGE_H - MARGIN - 6, WIDTH, text.footer, 11, GREY)


def _code_box(pdf: FPDF, top: float, code: str) -> float:
    """The code, as big as fits, centred in a pale box with a blue edge."""
    height = 30.0
    pdf.set_fill_color(*PALE)
    pdf.set_draw_color(*BLUE)
    pdf.set_line_width(0.7)
    pdf.rect(MARGIN, top, WIDTH, height, style="DF", round_corners=True, corner_radius=4)
    size = fitted_size(pdf, code, WIDTH - 14, 48, 14, bold=True)
    style(pdf, size, INK, bold=True)
    pdf.set_xy(MARGIN, top)
    pdf.cell(WIDTH, height, code, align="C")
    return top + height


def _qr_block(pdf: FPDF, top: float, url: str, caption: str) -> None:
    pdf.image(qr_image(url, 600), x=MARGIN, y=top, w=QR_SIZE, h=QR_SIZE, alt_text=caption)
    x = MARGIN + QR_SIZE + 8
    y = paragraph(pdf, x, top + 8, PAGE_W - MARGIN - x, caption, 13, NAVY, bold=True)
    paragraph(pdf, x, y + 2, PAGE_W - MARGIN - x, url.split("#", 1)[0], 11, GREY)
