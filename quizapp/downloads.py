"""Files the app hands out: safe download headers and CSV that a
spreadsheet will not run."""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable

from flask import Response

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")

# A cell starting with one of these is a formula to Excel, LibreOffice or Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def attachment(filename: str, inline: bool = False) -> str:
    """A Content-Disposition value whose file name is plain ASCII: class and
    pupil names can hold any letter, or even a line break, which a header
    must never carry."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    safe = _UNSAFE.sub("-", ascii_name).strip("-.") or "download"
    return f'{"inline" if inline else "attachment"}; filename="{safe[:100]}"'


def download_headers(filename: str, content_type: str, inline: bool = False) -> dict[str, str]:
    """The headers of a file response: its type, and a safe file name."""
    return {"Content-Type": content_type, "Content-Disposition": attachment(filename, inline=inline)}


def safe_cell(value) -> str:
    """Stop a spreadsheet treating text (often typed by a pupil, a parent or
    a teacher) as a formula: prefix it with a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: list[str], rows: Iterable[Iterable]) -> str:
    """A CSV document, every cell through safe_cell."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> Response:
    return Response(csv_text(header, rows), headers=download_headers(filename, "text/csv; charset=utf-8"))
