"""Importing pupils from a school's CSV export: preview first, then all or nothing."""
from __future__ import annotations

import itertools
import string

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from quizapp.extensions import db
from quizapp.models import Pupil, School, SchoolClass, now_utc
from quizapp.services.pupil_signin import PIN_PICTURES
from quizapp.services.roster_import import (
    NOT_UTF8,
    RosterError,
    apply_roster,
    parse_roster,
    parse_year_group,
    roster_template_csv,
)

HEADER = "First name,Last name,Year group,Class"


def csv_bytes(*lines: str, sep: str = ",") -> bytes:
    return "\r\n".join(line.replace(",", sep) for line in lines).encode("utf-8") + b"\r\n"


def school(world, which: str = "one") -> School:
    return db.session.get(School, getattr(world, which).school_id)


def pupil_count() -> int:
    return db.session.execute(select(func.count()).select_from(Pupil)).scalar_one()


def reasons(preview) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for error in preview.errors:
        found.setdefault(error.line, []).append(error.reason)
    return found


def test_a_sims_export_keeps_only_names_year_and_class(world, ctx):
    data = csv_bytes(
        "UPN,Legal Surname,Legal Forename,Preferred Forename,DOB,NC Year,Reg Group,Address",
        "A123456789012,Patel,Priyanka,Priya,2017-03-04,1,Hedgehogs,1 Oak Lane",
        "B123456789012,Jones,Oliver,,2014-09-30,4,Badgers,2 Elm Road",
    )
    preview = parse_roster(data, school(world))
    assert preview.file_errors == [] and preview.errors == []
    assert preview.ignored_columns == ["UPN", "DOB", "Address"]
    assert [(r.line, r.first_name, r.last_initial, r.year_group, r.class_name, r.status) for r in preview.rows] == [
        (2, "Priya", "P", 1, "Hedgehogs", "new"),  # the preferred forename wins
        (3, "Oliver", "J", 4, "Badgers", "new"),  # a blank preferred forename falls back to the legal one
    ]
    assert preview.ok and preview.counts == {"new": 2, "exists": 0, "errors": 0}

    ids = [pupil.id for pupil in apply_roster(preview, school(world))]
    db.session.remove()
    stored = db.session.execute(select(Pupil).where(Pupil.id.in_(ids))).scalars().all()
    assert len(stored) == 2
    for pupil in stored:
        values = " ".join(str(getattr(pupil, column.key)) for column in Pupil.__table__.columns)
        for secret in ("A123456789012", "B123456789012", "2017", "2014", "Oak Lane", "Elm Road", "Patel", "Priyanka"):
            assert secret not in values


def test_a_byte_order_mark_is_not_part_of_the_first_header(world, ctx):
    data = b"\xef\xbb\xbf" + csv_bytes(HEADER, "Amara,Jones,1,Hedgehogs")
    preview = parse_roster(data, school(world))
    assert preview.file_errors == [] and preview.ok
    assert preview.rows[0].first_name == "Amara"


@pytest.mark.parametrize("sep", [";", "\t"])
def test_semicolon_and_tab_separated_files(world, ctx, sep):
    data = csv_bytes(HEADER, "Amara,Jones,1,Hedgehogs", "Zoë,Brown,R,Badgers", sep=sep)
    preview = parse_roster(data, school(world))
    assert preview.file_errors == [] and preview.errors == []
    assert [(r.first_name, r.year_group) for r in preview.rows] == [("Amara", 1), ("Zoë", 0)]


def test_commas_win_when_a_header_also_has_a_semicolon(world, ctx):
    data = csv_bytes("First name,Last name,Year group,Class,Notes; misc", "Amara,Jones,1,Hedgehogs,")
    preview = parse_roster(data, school(world))
    assert preview.ok and preview.ignored_columns == ["Notes; misc"]


@pytest.mark.parametrize(
    "header",
    [
        "Forename,Surname,Year,Form",
        "given_name,FAMILY-NAME,Curriculum Year,Registration Group",
        "FIRSTNAME,lastname,yr,Class Name",
        "First,Legal Surname,National Curriculum Year,Tutor Group",
        " Given Name , Family Name ,Year Group,class",
        "Legal Forename,Last Name,YearGroup,Reg. Group",
        "first.name,last_name,N.C. Year,CLASS",
    ],
)
def test_header_variants(world, ctx, header):
    preview = parse_roster(csv_bytes(header, "Amara,Jones,2,Hedgehogs"), school(world))
    assert preview.file_errors == [] and preview.errors == [], (preview.file_errors, preview.errors)
    assert preview.rows[0].first_name == "Amara" and preview.rows[0].year_group == 2


def test_a_missing_column_names_it_and_lists_the_headers_found(world, ctx):
    preview = parse_roster(csv_bytes("UPN,Forename,Surname,Form", "X1,Amara,Jones,Hedgehogs"), school(world))
    assert len(preview.file_errors) == 1
    message = preview.file_errors[0]
    assert "year group" in message
    assert all(name in message for name in ("UPN", "Forename", "Surname", "Form"))
    assert preview.rows == [] and not preview.ok


@pytest.mark.parametrize(
    ("value", "year"),
    [("R", 0), ("Rec", 0), ("reception", 0), ("YR", 0), ("Y0", 0), ("0", 0), ("Year R", 0), ("1", 1), ("Y3", 3),
     ("y 3", 3), ("Year 6", 6), ("year  2", 2), ("YEAR5", 5), ("Yr 4", 4), (" 6 ", 6)],
)
def test_year_group_values(value, year):
    assert parse_year_group(value) == year


@pytest.mark.parametrize("value", ["Year 7", "7", "N1", "N2", "Nursery", "", "  ", "Y", "1/2", "Reception 2", "-1"])
def test_year_group_values_that_are_not_primary(value):
    with pytest.raises(RosterError):
        parse_year_group(value)


def test_every_kind_of_bad_row_is_named_with_its_line_and_nothing_is_imported(world, ctx):
    data = csv_bytes(
        HEADER,
        "Amara,Jones,1,Hedgehogs",  # 2: fine
        "Ben,Jones,Year 7,Hedgehogs",  # 3
        "Cara,Jones,N1,Hedgehogs",  # 4
        "Dan,Jones,,Hedgehogs",  # 5
        "12345,Jones,1,Hedgehogs",  # 6
        "<script>,Jones,1,Hedgehogs",  # 7
        "Em\x07ma,Jones,1,Hedgehogs",  # 8
        f"{'A' * 41},Jones,1,Hedgehogs",  # 9
        "Finn,,1,Hedgehogs",  # 10
        "Gus,Jones,1,Owls",  # 11
        ",Jones,1,Hedgehogs",  # 12
        "Hana,Jones,1,",  # 13
        "Ivy,2024,1,Hedgehogs",  # 14
        "Jack",  # 15: a short row
        "Kit,Jones,9,Moles",  # 16: two problems, both reported
    )
    before = pupil_count()
    preview = parse_roster(data, school(world))
    found = reasons(preview)
    assert sorted(found) == list(range(3, 17))
    assert "'Year 7' is not Reception (R) or Years 1 to 6" in found[3][0]
    assert "'N1'" in found[4][0]
    assert found[5] == ["Year group is missing."]
    assert "'12345'" in found[6][0] and "letters" in found[6][0]
    assert "'<script>'" in found[7][0]
    assert "control character" in found[8][0]  # refused by services/names.py
    assert found[9] == ["First name is longer than 40 letters."]
    assert found[10] == ["Last name is missing."]
    assert found[11] == ["Class 'Owls' does not exist in this school. Add it first, or check the spelling."]
    assert found[12] == ["First name is missing."]
    assert found[13] == ["Class is missing."]
    assert "'2024'" in found[14][0]
    assert found[15] == ["Last name is missing.", "Year group is missing.", "Class is missing."]
    assert len(found[16]) == 2
    assert [row.line for row in preview.rows] == [2]
    assert not preview.ok and preview.counts == {"new": 1, "exists": 0, "errors": 17}

    with pytest.raises(RosterError):
        apply_roster(preview, school(world))
    assert pupil_count() == before


def test_line_numbers_are_the_files_lines(world, ctx):
    data = (
        b"First name,Last name,Year,Class,Address\n"
        b'Amara,Jones,1,Hedgehogs,"1 High Street\nTown"\n'
        b"\n"
        b"Bob,Smith,9,Hedgehogs,\n"
    )
    preview = parse_roster(data, school(world))
    assert preview.rows[0].line == 2
    assert [error.line for error in preview.errors] == [5]


def test_a_forty_letter_name_is_allowed(world, ctx):
    preview = parse_roster(csv_bytes(HEADER, f"{'a' * 40},Jones,1,Hedgehogs"), school(world))
    assert preview.ok and len(preview.rows[0].first_name) == 40


def test_all_caps_names_are_title_cased_and_classes_match_loosely(world, ctx):
    data = csv_bytes(
        HEADER,
        "MARY-JANE,O'BRIEN,2,  hedgehogs ",
        "ZOË,DE LA CRUZ,Y2,HEDGEHOGS",
        "McKenzie,smith,2,Badgers",
        "  Siân  Ffion ,  ap Rhys,2,Badgers",
        "Zoe\u0301,Ng,2,Badgers",  # an accent sent as a separate character (macOS)
    )
    preview = parse_roster(data, school(world))
    assert preview.errors == [], preview.errors
    assert [(r.first_name, r.last_initial, r.class_name) for r in preview.rows] == [
        ("Mary-Jane", "O", "Hedgehogs"),
        ("Zoë", "D", "Hedgehogs"),
        ("McKenzie", "S", "Badgers"),
        ("Siân Ffion", "A", "Badgers"),
        ("Zoé", "N", "Badgers"),
    ]


def test_a_duplicate_row_in_the_file_is_an_error_on_the_later_row(world, ctx):
    data = csv_bytes(
        HEADER,
        "Amara,Jones,1,Hedgehogs",
        "Amara,Jones,1,Badgers",  # another class: a different pupil
        "Amara,Jackson,1,Hedgehogs",  # same first name and initial, same class
        "AMARA,jones,1,hedgehogs",
    )
    preview = parse_roster(data, school(world))
    found = reasons(preview)
    assert sorted(found) == [4, 5]
    assert "line 2" in found[4][0] and "line 2" in found[5][0]
    assert [row.line for row in preview.rows] == [2, 3]
    assert not preview.ok


def test_pupils_already_in_the_class_are_skipped(world, ctx):
    # The world has Amara S. and Ben S. in Hedgehogs and Chloe S. in Badgers, in both schools.
    data = csv_bytes(
        HEADER,
        "Amara,Smith,1,Hedgehogs",
        "chloe,SHAW,4,badgers",
        "Amara,Smith,4,Badgers",  # another class
        "Dev,Smith,1,Hedgehogs",
    )
    preview = parse_roster(data, school(world))
    assert [(r.first_name, r.status) for r in preview.rows] == [
        ("Amara", "exists"), ("chloe", "exists"), ("Amara", "new"), ("Dev", "new"),
    ]
    assert preview.rows[0].note == "already in the class - will be skipped"
    assert preview.ok and preview.counts == {"new": 2, "exists": 2, "errors": 0}

    created = apply_roster(preview, school(world))
    assert sorted((p.first_name, p.class_id) for p in created) == sorted(
        [("Amara", world.one.class_b), ("Dev", world.one.class_a)]
    )
    amaras = db.session.execute(
        select(func.count()).select_from(Pupil).where(Pupil.first_name == "Amara", Pupil.class_id == world.one.class_a)
    ).scalar_one()
    assert amaras == 1


def test_archived_pupils_do_not_count_as_existing(world, ctx):
    db.session.get(Pupil, world.one.pupil_a).archived_at = now_utc()
    db.session.commit()
    preview = parse_roster(csv_bytes(HEADER, "Amara,Smith,1,Hedgehogs"), school(world))
    assert preview.rows[0].status == "new" and preview.ok


def test_a_file_of_only_existing_pupils_has_nothing_to_import(world, ctx):
    preview = parse_roster(csv_bytes(HEADER, "Amara,Smith,1,Hedgehogs"), school(world))
    assert preview.errors == [] and preview.counts["exists"] == 1
    assert not preview.ok
    with pytest.raises(RosterError):
        apply_roster(preview, school(world))


def test_only_this_schools_classes_are_matched(world, ctx):
    db.session.add(SchoolClass(school_id=world.two.school_id, name="Owls", year_group=2))
    db.session.commit()
    data = csv_bytes(HEADER, "Amara,Jones,1,Hedgehogs", "Ben,Jones,2,Owls")
    preview = parse_roster(data, school(world, "one"))
    assert preview.rows[0].class_id == world.one.class_a
    assert reasons(preview) == {3: ["Class 'Owls' does not exist in this school. Add it first, or check the spelling."]}


def test_a_preview_cannot_be_applied_to_another_school(world, ctx):
    preview = parse_roster(csv_bytes(HEADER, "Amara,Jones,1,Hedgehogs"), school(world, "one"))
    before = pupil_count()
    with pytest.raises(RosterError):
        apply_roster(preview, school(world, "two"))
    assert pupil_count() == before


def test_apply_creates_pupils_with_random_pins_in_the_right_class_and_school(world, ctx):
    names = ["Ava", "Bea", "Cal", "Dee", "Eli", "Fay", "Gil", "Hal"]
    data = csv_bytes(HEADER, *(f"{name},Jones,R,Badgers" for name in names))
    before = pupil_count()
    ids = [pupil.id for pupil in apply_roster(parse_roster(data, school(world)), school(world))]
    assert pupil_count() == before + len(names)
    db.session.remove()  # read back what was committed, not what the session remembers
    stored = db.session.execute(select(Pupil).where(Pupil.id.in_(ids))).scalars().all()
    assert sorted(p.first_name for p in stored) == names
    for pupil in stored:
        assert (pupil.school_id, pupil.class_id, pupil.year_group, pupil.last_initial) == (
            world.one.school_id, world.one.class_b, 0, "J",
        )
        pictures = pupil.pin.split("-")
        assert len(pictures) == 3 and all(picture in PIN_PICTURES for picture in pictures)
        assert pupil.pin_failures == 0 and pupil.archived_at is None
    assert len({p.pin for p in stored}) > 1  # random, not one PIN for everyone


def test_apply_is_all_or_nothing(world, ctx):
    preview = parse_roster(csv_bytes(HEADER, "Ava,Jones,1,Hedgehogs", "Bea,Jones,1,Hedgehogs"), school(world))
    preview.rows[1].year_group = 9  # breaks the database's year group check on the second pupil
    before = pupil_count()
    with pytest.raises(IntegrityError):
        apply_roster(preview, school(world))
    assert pupil_count() == before


def test_apply_refuses_when_a_class_has_gone_since_the_preview(world, ctx):
    owls = SchoolClass(school_id=world.one.school_id, name="Owls", year_group=2)
    db.session.add(owls)
    db.session.commit()
    preview = parse_roster(csv_bytes(HEADER, "Ava,Jones,2,Owls", "Bea,Jones,1,Hedgehogs"), school(world))
    assert preview.ok
    db.session.delete(owls)
    db.session.commit()
    before = pupil_count()
    with pytest.raises(RosterError, match="Owls"):
        apply_roster(preview, school(world))
    assert pupil_count() == before


def test_pupils_added_meanwhile_are_not_doubled(world, ctx):
    preview = parse_roster(csv_bytes(HEADER, "Ava,Jones,1,Hedgehogs", "Bea,Jones,1,Hedgehogs"), school(world))
    db.session.add(Pupil(school_id=world.one.school_id, class_id=world.one.class_a, first_name="Ava",
                         last_initial="J", year_group=1, pin="cat-cat-cat"))
    db.session.commit()
    created = apply_roster(preview, school(world))
    assert [p.first_name for p in created] == ["Bea"]


@pytest.mark.parametrize(
    "data",
    [
        "First name,Last name,Year group,Class\nZoë,Brown,1,Hedgehogs\n".encode("cp1252"),
        "First name,Last name,Year group,Class\nAmara,Jones,1,Hedgehogs\n".encode("utf-16"),
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xc1\xa3\x8d\xff",  # an .xlsx workbook
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"First name,Last name,Year group,Class\nAm\x00ara,Jones,1,Hedgehogs\n",
    ],
    ids=["windows-1252", "utf-16", "xlsx", "png", "nul"],
)
def test_files_that_are_not_utf8_csv(world, ctx, data):
    preview = parse_roster(data, school(world))
    assert preview.file_errors == [NOT_UTF8]
    assert preview.rows == [] and not preview.ok


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n  \n", b",,,\n,,,\n"])
def test_an_empty_file(world, ctx, data):
    preview = parse_roster(data, school(world))
    assert preview.file_errors == ["This file is empty."]


def test_a_header_without_rows_has_nothing_to_import(world, ctx):
    preview = parse_roster(csv_bytes(HEADER), school(world))
    assert preview.file_errors == [] and preview.rows == [] and not preview.ok


def _names(count: int) -> list[str]:
    letters = itertools.product(string.ascii_lowercase, repeat=3)
    return ["A" + "".join(next(letters)) for _ in range(count)]


def test_a_file_over_one_megabyte(world, ctx):
    data = csv_bytes(HEADER + ",Notes", f"Amara,Jones,1,Hedgehogs,{'x' * 1_000_000}")
    preview = parse_roster(data, school(world))
    assert len(preview.file_errors) == 1 and "1 MB" in preview.file_errors[0]


def test_two_thousand_rows_is_the_limit(world, ctx):
    rows = [f"{name},Jones,1,Hedgehogs" for name in _names(2001)]
    preview = parse_roster(csv_bytes(HEADER, *rows[:2000]), school(world))
    assert preview.file_errors == [] and preview.counts["new"] == 2000
    preview = parse_roster(csv_bytes(HEADER, *rows), school(world))
    assert len(preview.file_errors) == 1 and "2000" in preview.file_errors[0]


def test_a_cell_too_big_for_csv_is_a_file_error(world, ctx):
    data = csv_bytes(HEADER + ",Notes", f'Amara,Jones,1,Hedgehogs,"{"x" * 200_000}')
    preview = parse_roster(data, school(world))
    assert len(preview.file_errors) == 1 and "could not be read as CSV" in preview.file_errors[0]


def test_the_template_can_be_imported_as_it_is(world, ctx):
    template = roster_template_csv()
    assert template.splitlines()[0] == "\ufeffFirst name,Last name,Year group,Class"
    preview = parse_roster(template.encode("utf-8"), school(world))
    assert preview.file_errors == [] and preview.errors == [] and preview.ok
    assert [(r.first_name, r.year_group) for r in preview.rows] == [("Zoë", 1), ("Oliver", 1), ("Mary-Jane", 4)]
    classes = {c.name: c.year_group for c in db.session.execute(select(SchoolClass)).scalars()}
    assert all(classes[r.class_name] == r.year_group for r in preview.rows)  # each example agrees with its class


def test_an_unknown_class_suggests_the_nearest_and_error_rows_name_the_pupil(world, ctx):
    preview = parse_roster(csv_bytes(HEADER, "Amara,Jones,1,Hedgehog", "Ben,Smith,4,badgerz", "Cara,Lee,4,Zebras",
                                     ",Khan,4,Badgers"), school(world))
    assert [(e.line, e.pupil, e.reason) for e in preview.errors] == [
        (2, "Amara J.", "Class 'Hedgehog' does not exist in this school. Did you mean Hedgehogs?"),
        (3, "Ben S.", "Class 'badgerz' does not exist in this school. Did you mean Badgers?"),
        (4, "Cara L.", "Class 'Zebras' does not exist in this school. Add it first, or check the spelling."),
        (5, "(no first name)", "First name is missing."),
    ]
