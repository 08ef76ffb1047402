"""The governors' report as one landscape A4 page with real text (fpdf2):
the same tables as the screen (templates/teacher/governors.html)."""
from __future__ import annotations

from fpdf import FPDF
from fpdf.fonts import FontFace

from ..governors import Report
from .document import GREY, INK, NAVY, PALE, new_document, output, paragraph, printable, style

MARGIN = 10.0
PAGE_W = 297.0
HALF = (PAGE_W - 2 * MARGIN - 6) / 2


def governors_pdf(report: Report, generated: str) -> bytes:
    pdf = new_document(f"Online safety report for governors: {report.school_name}, {report.term.label}", MARGIN, landscape=True)
    pdf.add_page()
    width = PAGE_W - 2 * MARGIN
    y = paragraph(pdf, MARGIN, MARGIN, width, f"{report.school_name}: online safety report for governors", 14, NAVY, bold=True)
    y = paragraph(pdf, MARGIN, y, width, f"{report.term.label} ({report.term.first_day:%-d %B %Y} to {report.term.last_day:%-d %B %Y})."
                  f" Made {generated}. Counts and percentages only: no names.", 8, GREY)
    years = [report.year_label(y) for y in report.year_groups]
    top = y + 2
    left, right = MARGIN, MARGIN + HALF + 6
    y_left = _table(pdf, left, top, HALF, "Topics: finished this term / Secure now (% of the year group)",
                    ["Topic", *years], [[t, *[f"{report.finished[(t, y)]}% / {report.secure[(t, y)]}%" for y in report.year_groups]]
                                        for t in report.topics])
    y_right = _table(pdf, right, top, HALF, "UKCIS strands: modules finished this term (%)",
                     ["Strand", *years], [[s, *[_strand_cell(report, s, y) for y in report.year_groups]]
                                          for s in report.strands])
    y_right = _table(pdf, right, y_right + 2, HALF, "Set topics this term: pupils who finished all of theirs",
                     ["", *years], [["Finished / set", *[f"{report.set_topics[y][1]} of {report.set_topics[y][0]}"
                                                         for y in report.year_groups]],
                                    ["Pupils on roll", *[str(report.pupils[y]) for y in report.year_groups]]])
    _table(pdf, right, y_right + 2, HALF, f"Concerns raised this term: {report.concern_total}",
           ["Category", *report.statuses], [[c, *[str(report.concerns.get((c, s), 0)) for s in report.statuses]]
                                            for c in report.categories])
    paragraph(pdf, left, max(y_left, 0) + 2, HALF,
              "Finished: pupils who finished their age band's module of the topic this term. Secure: at least 80% right first time"
              " on every \"I can\" outcome of that module. Strands: the UKCIS Education for a Connected World strands.", 7, GREY)
    return output(pdf)


def _strand_cell(report: Report, strand: str, year: int) -> str:
    return f"{report.strand_finished[(strand, year)]}%" if (strand, year) in report.strand_finished else "none at this age"


def _table(pdf: FPDF, x: float, y: float, width: float, title: str, heading: list[str], rows: list[list[str]]) -> float:
    """A titled table at (x, y); returns the y below it."""
    y = paragraph(pdf, x, y, width, title, 9, NAVY, bold=True)
    style(pdf, 7, INK)
    pdf.set_xy(x, y + 0.5)
    pdf.set_left_margin(x)
    first = width * (0.34 if len(heading) > 4 else 0.45)
    rest = (width - first) / max(1, len(heading) - 1)
    pdf.set_draw_color(*PALE)
    with pdf.table(width=width, col_widths=(first, *[rest] * (len(heading) - 1)), align="LEFT", line_height=3.4,
                   text_align=("LEFT", *["CENTER"] * (len(heading) - 1)), borders_layout="HORIZONTAL_LINES",
                   headings_style=FontFace(emphasis="BOLD", color=NAVY, fill_color=PALE)) as table:
        for cells in [heading, *rows]:
            row = table.row()
            for cell in cells:
                row.cell(printable(cell))
    pdf.set_left_margin(MARGIN)
    return pdf.get_y()
