"""A4 documents with real text, made with fpdf2: sign-in cards, parent
letters and the governors' report.

fpdf2 (pure Python, LGPL, maintained) embeds a subset of the app's own
DejaVu Sans with a ToUnicode map, so every word can be selected, copied,
searched and read by a screen reader, and accented names print as written.
Sizes are in millimetres; fonts in points.
"""
from __future__ import annotations

import unicodedata

from fpdf import FPDF

from ...paths import font_file

FONT = "DejaVu"
PAGE_W, PAGE_H = 210.0, 297.0  # A4 portrait, mm
NAVY, BLUE, INK, GREY, PALE = (23, 74, 148), (31, 95, 191), (29, 36, 51), (110, 110, 110), (236, 240, 246)


def new_document(title: str, margin: float, landscape: bool = False) -> FPDF:
    """An empty A4 document with the app's font, a title and English as its language."""
    pdf = FPDF(orientation="L" if landscape else "P", unit="mm", format="A4")
    pdf.add_font(FONT, "", str(font_file(False)))
    pdf.add_font(FONT, "B", str(font_file(True)))
    pdf.set_margins(margin, margin, margin)
    pdf.set_auto_page_break(False)
    pdf.set_title(printable(title))
    pdf.set_lang("en-GB")
    pdf.set_creator("Stay Safe Online")
    pdf.set_font(FONT, size=11)
    return pdf


def output(pdf: FPDF) -> bytes:
    """The finished PDF. fontTools reads font files lazily and keeps them open: close them here."""
    try:
        return bytes(pdf.output())
    finally:
        for font in pdf.fonts.values():
            if getattr(font, "ttfont", None) is not None:
                font.ttfont.close()


def printable(text: str) -> str:
    """Text as written, composed (NFC) so accents typed separately print as one
    letter; control characters (which cannot be drawn) become spaces."""
    return "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in unicodedata.normalize("NFC", text))


def style(pdf: FPDF, size: float, colour=INK, bold: bool = False) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*colour)


def fitted_size(pdf: FPDF, text: str, width: float, largest: float, smallest: float, bold: bool = False) -> float:
    """The biggest size from `largest` down to `smallest` at which `text` fits on one line of `width`."""
    size = largest
    while size > smallest:
        pdf.set_font(FONT, "B" if bold else "", size)
        if pdf.get_string_width(text) <= width:
            return size
        size -= 1
    return smallest


def paragraph(pdf: FPDF, x: float, y: float, width: float, text: str, size: float, colour=INK, bold: bool = False,
              line: float = 1.3, align: str = "L") -> float:
    """`text` wrapped to `width` from (x, y); returns the y below it. Long words break between letters."""
    style(pdf, size, colour, bold)
    pdf.set_xy(x, y)
    pdf.multi_cell(width, size * 0.3528 * line, printable(text), align=align)
    return pdf.get_y()
