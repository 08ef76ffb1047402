"""Importing a class list from a school's CSV export (SIMS, Arbor, Bromcom...).

Two steps, so that a teacher sees what will happen before anything is saved:
`parse_roster` reads and checks the file and returns a preview;
`apply_roster` then creates the new pupils, all or nothing.

Exports carry far more than we may keep (UPN, date of birth, address...).
Only first name, last initial, year group and class are read; every other
column is dropped while reading and named in the preview, so the teacher can
see that it was not stored.
"""
from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import select

from ..extensions import db
from ..models import Pupil, School, SchoolClass
from .names import BadName, clean_name, name_key
from .pupil_signin import random_pin

MAX_BYTES = 1_000_000
MAX_ROWS = 2000
MAX_FIRST_NAME = 40  # Pupil.first_name is String(40)

NOT_UTF8 = "This file is not saved as UTF-8 CSV. In Excel choose Save As > CSV UTF-8."
EXISTS = "exists"
NEW = "new"

# Headers are compared after dropping case, spaces and punctuation. Where a
# file has several matching columns, the first one in this order that holds a
# value wins: children know their preferred name, not their legal one.
COLUMNS: dict[str, tuple[str, ...]] = {
    "first name": (
        "preferredforename", "preferredfirstname", "firstname", "forename", "givenname", "first", "legalforename",
    ),
    "last name": ("preferredsurname", "lastname", "surname", "familyname", "legalsurname"),
    "year group": ("yeargroup", "year", "ncyear", "nationalcurriculumyear", "curriculumyear", "yr"),
    "class": ("class", "classname", "form", "reggroup", "registrationgroup", "tutorgroup"),
}

_RECEPTION = {"r", "rec", "reception", "yr", "y0", "0", "yearr", "yearreception", "year0"}
_YEAR = re.compile(r"(?:y|yr|year)?([1-6])")
_NAME_PUNCTUATION = {" ", "-", "'", "\u2019"}  # \u2019: Excel turns ' into a curly apostrophe


class RosterError(ValueError):
    pass


@dataclass
class RosterRow:
    line: int  # the file's line number; the header is line 1
    first_name: str
    last_initial: str
    year_group: int
    class_id: int
    class_name: str
    status: str  # NEW or EXISTS

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_initial}."

    @property
    def note(self) -> str:
        return "already in the class - will be skipped" if self.status == EXISTS else "will be added"


@dataclass
class RowError:
    line: int
    reason: str
    pupil: str = ""  # the name as the file has it ("Zoë A."), so the teacher can find the row


@dataclass
class RosterPreview:
    school_id: int
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def new_rows(self) -> list[RosterRow]:
        return [row for row in self.rows if row.status == NEW]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.errors and bool(self.new_rows)

    @property
    def counts(self) -> dict[str, int]:
        existing = sum(row.status == EXISTS for row in self.rows)
        return {"new": len(self.new_rows), "exists": existing, "errors": len(self.errors)}


class _FileProblem(Exception):
    """A problem with the whole file; its message is shown to the teacher."""


def parse_roster(data: bytes, school: School) -> RosterPreview:
    """Read a CSV export and say, row by row, what importing it would do. Saves nothing."""
    preview = RosterPreview(school_id=school.id)
    try:
        header, records = _read_csv(_decode(data))
        columns = _match_columns(header)
    except _FileProblem as problem:
        preview.file_errors.append(str(problem))
        return preview
    preview.ignored_columns = [name for i, name in enumerate(header) if name.strip() and not _is_used(i, columns)]
    _check_rows(preview, records, columns, school)
    return preview


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise _FileProblem("This file is larger than 1 MB. Export only the columns and year groups you need.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _FileProblem(NOT_UTF8) from None
    if "\x00" in text:  # a spreadsheet or other binary file, or UTF-16 "Unicode text"
        raise _FileProblem(NOT_UTF8)
    if not text.strip():
        raise _FileProblem("This file is empty.")
    return text


def _read_csv(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Return the header, and (line number, cells) for each non-blank row below it."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    records = []
    try:
        for line, cells in _numbered(reader):
            records.append((line, cells))
            if len(records) > MAX_ROWS + 1:
                raise _FileProblem(f"This file has more than {MAX_ROWS} pupils. Import one year group at a time.")
    except csv.Error as error:
        raise _FileProblem(f"This file could not be read as CSV (near line {reader.line_num}: {error}).") from None
    if not records:
        raise _FileProblem("This file is empty.")
    (_, header), rows = records[0], records[1:]
    return [name.strip() for name in header], rows


def _numbered(reader) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank row with the line it starts on (a quoted cell may span lines)."""
    while True:
        start = reader.line_num + 1
        cells = next(reader, None)
        if cells is None:
            return
        if any(cell.strip() for cell in cells):
            yield start, cells


def _delimiter(text: str) -> str:
    """Comma, unless the header line clearly uses semicolons (European Excel) or tabs."""
    header = text.lstrip().split("\n", 1)[0]
    return max((",", ";", "\t"), key=header.count)  # max keeps the first (comma) on a tie


def _squash(header: str) -> str:
    return "".join(ch for ch in header.casefold() if ch.isalnum())


def _match_columns(header: list[str]) -> dict[str, list[int]]:
    """For each field we need, the indexes of the columns that may hold it, best first."""
    squashed = [_squash(name) for name in header]
    columns = {
        label: [i for alias in aliases for i, name in enumerate(squashed) if name == alias]
        for label, aliases in COLUMNS.items()
    }
    missing = [label for label, found in columns.items() if not found]
    if missing:
        found = ", ".join(f"'{name}'" for name in header if name) or "none"
        raise _FileProblem(f"No column for {' or '.join(missing)}. Column headers found: {found}.")
    return columns


def _is_used(index: int, columns: dict[str, list[int]]) -> bool:
    return any(index in found for found in columns.values())


def _cell(cells: list[str], indexes: list[int]) -> str:
    """The first non-blank value among the columns for one field."""
    for i in indexes:
        if i < len(cells) and cells[i].strip():
            return cells[i]
    return ""


def _check_rows(preview: RosterPreview, records, columns, school: School) -> None:
    classes = _classes_by_name(school)
    existing = _existing_pupils(school)
    seen: dict[tuple[str, str, int], int] = {}
    for line, cells in records:
        values = {label: _cell(cells, indexes) for label, indexes in columns.items()}
        row, reasons = _check_row(line, values, classes)
        preview.errors.extend(RowError(line, reason, _name_in_file(values)) for reason in reasons)
        if row is None:
            continue
        key = _pupil_key(row.first_name, row.last_initial, row.class_id)
        if key in seen:
            preview.errors.append(RowError(line, f"{row.display_name} in {row.class_name} is already on line {seen[key]}.",
                                           row.display_name))
            continue
        seen[key] = line
        row.status = EXISTS if key in existing else NEW
        preview.rows.append(row)


def _check_row(line: int, values: dict[str, str], classes: dict[str, SchoolClass]) -> tuple[RosterRow | None, list[str]]:
    reasons: list[str] = []

    def check(parse, raw: str):
        try:
            return parse(raw)
        except RosterError as error:
            reasons.append(str(error))
            return None

    first_name = check(parse_first_name, values["first name"])
    last_initial = check(parse_last_initial, values["last name"])
    year_group = check(parse_year_group, values["year group"])
    school_class = check(lambda raw: _find_class(raw, classes), values["class"])
    if reasons:
        return None, reasons
    row = RosterRow(line, first_name, last_initial, year_group, school_class.id, school_class.name, NEW)
    return row, []


def _clean(raw: str) -> str:
    """Trim, collapse runs of spaces, join accents to their letters (Mac exports split them), and
    refuse invisible and direction characters: the same rules as the forms (services/names.py)."""
    try:
        return clean_name(raw)
    except BadName as error:
        raise RosterError(str(error)) from None


def _is_name(text: str, also: str = "") -> bool:
    allowed = _NAME_PUNCTUATION | set(also)
    return any(ch.isalpha() for ch in text) and all(ch.isalpha() or ch in allowed for ch in text)


def parse_first_name(raw: str) -> str:
    name = _clean(raw)
    if not name:
        raise RosterError("First name is missing.")
    if len(name) > MAX_FIRST_NAME:
        raise RosterError(f"First name is longer than {MAX_FIRST_NAME} letters.")
    if not _is_name(name):
        raise RosterError(f"First name '{_shown(name)}' may only use letters, spaces, hyphens and apostrophes.")
    # Exports are often in capitals; anything else is kept as the school wrote it.
    titled = name.title() if name.isupper() else name
    return titled if len(titled) <= MAX_FIRST_NAME else name  # some letters grow when re-cased (İ)


def parse_last_initial(raw: str) -> str:
    name = _clean(raw)
    if not name:
        raise RosterError("Last name is missing.")
    if not _is_name(name, also="."):  # "St. John"
        raise RosterError(f"Last name '{_shown(name)}' may only use letters, spaces, hyphens, apostrophes and full stops.")
    letter = next(ch for ch in name if ch.isalpha())
    # A few letters upper-case to two (e.g. German sharp s); Pupil.last_initial holds one.
    return letter.upper() if len(letter.upper()) == 1 else letter


def parse_year_group(raw: str) -> int:
    value = re.sub(r"[\s._]", "", raw.casefold())  # "Year 1", "Y.1"; a minus sign still fails
    if not value:
        raise RosterError("Year group is missing.")
    if value in _RECEPTION:
        return 0
    match = _YEAR.fullmatch(value)
    if match is None:
        raise RosterError(f"Year group '{_shown(raw.strip())}' is not Reception (R) or Years 1 to 6.")
    return int(match.group(1))


def _find_class(raw: str, classes: dict[str, SchoolClass]) -> SchoolClass:
    name = _clean(raw)
    if not name:
        raise RosterError("Class is missing.")
    school_class = classes.get(name_key(name))
    if school_class is None:
        nearest = difflib.get_close_matches(name_key(name), list(classes), n=1, cutoff=0.6)
        hint = f" Did you mean {classes[nearest[0]].name}?" if nearest else " Add it first, or check the spelling."
        raise RosterError(f"Class '{_shown(name)}' does not exist in this school.{hint}")
    return school_class


def _name_in_file(values: dict[str, str]) -> str:
    """The pupil's name as the row has it (first name and last initial), for a row that could not be read."""
    first = _shown(" ".join(values["first name"].split()))
    last = next((ch for ch in values["last name"] if ch.isalpha()), "")
    return f"{first} {last.upper()}." if first and last else first or "(no first name)"


def _shown(text: str) -> str:
    """A cell quoted back in a message: printable and short."""
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= 40 else text[:39] + "\u2026"


def _classes_by_name(school: School) -> dict[str, SchoolClass]:
    classes = db.session.execute(select(SchoolClass).where(SchoolClass.school_id == school.id)).scalars()
    return {name_key(c.name): c for c in classes}


def _pupil_key(first_name: str, last_initial: str, class_id: int) -> tuple[str, str, int]:
    return name_key(first_name), name_key(last_initial), class_id


def _existing_pupils(school: School) -> set[tuple[str, str, int]]:
    query = select(Pupil.first_name, Pupil.last_initial, Pupil.class_id).where(
        Pupil.school_id == school.id, Pupil.archived_at.is_(None)
    )
    return {_pupil_key(*found) for found in db.session.execute(query)}


def apply_roster(preview: RosterPreview, school: School) -> list[Pupil]:
    """Create the preview's new pupils with random picture PINs, all in one transaction.

    Pupils added by someone else since the preview was made are skipped, not
    doubled. Raises RosterError, saving nothing, if the preview has any error
    or a class has gone.
    """
    if preview.school_id != school.id:
        raise RosterError("This preview was made for another school.")
    if not preview.ok:
        raise RosterError("Fix the problems in the file and upload it again before importing.")
    classes = {c.id: c for c in _classes_by_name(school).values()}
    gone = sorted({row.class_name for row in preview.new_rows if row.class_id not in classes})
    if gone:
        raise RosterError(f"These classes no longer exist: {', '.join(gone)}. Upload the file again.")
    existing = _existing_pupils(school)
    created = [
        Pupil(school_id=school.id, class_id=row.class_id, first_name=row.first_name,
              last_initial=row.last_initial, year_group=row.year_group, pin=random_pin())
        for row in preview.new_rows
        if _pupil_key(row.first_name, row.last_initial, row.class_id) not in existing
    ]
    try:
        db.session.add_all(created)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return created


def roster_template_csv() -> str:
    """A small example file with the headers we look for.

    It starts with a byte-order mark so that Excel shows accented names
    correctly when the teacher opens it; parse_roster accepts it.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["First name", "Last name", "Year group", "Class"])
    writer.writerow(["Zoë", "Ahmed", "1", "Hedgehogs"])  # each row's year group is its class's
    writer.writerow(["Oliver", "Jones", "1", "Hedgehogs"])
    writer.writerow(["Mary-Jane", "O'Brien", "4", "Badgers"])
    return "\ufeff" + out.getvalue()
