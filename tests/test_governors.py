"""The governors' report: one page per school and term, on screen and as a PDF with real text; counts only, no names;
the school admin and the DSL team read their own school's (the role table is in test_access.py)."""
from __future__ import annotations

import io
from datetime import UTC, date, datetime

from pypdf import PdfReader

from helpers import PASSWORD
from quizapp.content import get_content
from quizapp.extensions import db
from quizapp.models import STAFF, Concern, ModuleProgress, OutcomeTally, School
from quizapp.services import governors
from quizapp.services.accounts import create_user


def finish(app, side, pupil_id: int, module_id: str, when: datetime) -> None:
    with app.app_context():
        module = get_content().modules[module_id]
        db.session.add(ModuleProgress(school_id=side.school_id, pupil_id=pupil_id, module_id=module_id, content_version="v",
                                      completed_at=when))
        db.session.add_all(OutcomeTally(pupil_id=pupil_id, outcome_id=o.id, school_id=side.school_id, tried=3, right_first_time=3)
                           for o in module.outline.outcomes)
        db.session.commit()


def test_terms_follow_the_school_year():
    assert governors.term_of(date(2026, 10, 5)).label == "Autumn term 2026"
    assert governors.term_of(date(2027, 2, 1)).key == "2027-spring" and governors.term_of(date(2027, 5, 1)).key == "2027-summer"
    assert [t.key for t in governors.recent_terms(date(2026, 10, 5), 4)] == ["2026-autumn", "2026-summer", "2026-spring", "2025-autumn"]
    assert governors.parse_term("2026-winter", date(2026, 1, 1)) is None and governors.parse_term("1066-autumn", date(2026, 1, 1)) is None


def test_the_report_counts_coverage_secure_set_topics_and_concerns(app, world, ctx):
    now = datetime(2026, 10, 5, 10, 0, tzinfo=UTC)
    finish(app, world.one, world.one.pupil_a, "passwords-4-7", now)  # Amara, Year 1: the set topic, all Secure
    finish(app, world.one, world.one.pupil_a2, "passwords-4-7", datetime(2026, 6, 5, tzinfo=UTC))  # Ben: last term
    db.session.get(Concern, world.one.concern).created_at = now
    db.session.commit()
    report = governors.governors_report(get_content(), db.session.get(School, world.one.school_id), governors.Term(2026, "autumn"))
    passwords = get_content().modules["passwords-4-7"].topic.title
    assert report.year_groups == [1, 4] and report.pupils == {1: 2, 4: 1}
    assert report.finished[(passwords, 1)] == 50 and report.finished[(passwords, 4)] == 0  # Ben finished in the summer
    assert report.secure[(passwords, 1)] == 100 and report.secure[(passwords, 4)] == 0  # Secure is as it stands now
    assert report.set_topics == {1: (2, 2), 4: (0, 0)}  # the set topic was set this term; both have finished it
    assert report.concerns == {("Someone was unkind to me", "New"): 1} and report.concern_total == 1
    strands = {o.strand.replace("-", " ").capitalize() for o in get_content().modules["passwords-4-7"].outline.outcomes}
    assert all(report.strand_finished[(s, 1)] > 0 and report.strand_finished[(s, 4)] == 0 for s in strands)
    assert all(report.strand_finished.get((s, 1), 0) == 0 for s in set(report.strands) - strands)
    spring = governors.governors_report(get_content(), db.session.get(School, world.one.school_id), governors.Term(2026, "spring"))
    assert spring.concern_total == 0 and spring.finished[(passwords, 1)] == 0


def test_screen_and_pdf_for_the_dsl_with_no_names(app, client, auth, world):
    finish(app, world.one, world.one.pupil_a, "passwords-4-7", datetime.now(UTC))
    auth.adult(world.one.emails["dsl"])
    page = client.get("/teacher/governors").get_data(as_text=True)
    assert "Online safety report for governors" in page and "Someone was unkind to me" in page and "Year 1" in page
    for private in ("Amara", "Ben", "Chloe", "Someone called me names", "Ms A", "Mr B"):
        assert private not in page
    pdf = client.get("/teacher/governors.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == 1  # one page
    text = reader.pages[0].extract_text()
    assert "Oak Primary" in text and "Someone was unkind to me" in text and "Year 4" in text
    for private in ("Amara", "Ben", "Chloe", "Someone called me names"):
        assert private not in text
    assert client.get("/teacher/governors?term=nonsense").status_code == 404


def test_a_deputy_dsl_reads_it_and_each_school_sees_only_its_own(app, client, auth, world):
    with app.app_context():
        create_user("deputy@one.test", PASSWORD, "Mr Deputy", STAFF, db.session.get(School, world.one.school_id), deputy_dsl=True)
        db.session.commit()
        db.session.get(Concern, world.two.concern).category = "photo"
        db.session.commit()
    auth.adult("deputy@one.test")
    mine = client.get("/teacher/governors").get_data(as_text=True)
    assert "Oak Primary" in mine and "Elm Primary" not in mine
    auth.signout()
    auth.adult(world.two.emails["dsl"])
    theirs = client.get("/teacher/governors").get_data(as_text=True)
    assert "Elm Primary" in theirs and "Oak Primary" not in theirs
