"""Letters home: one A4 page per pupil with their parent link code, a QR code of the sign-up page and nothing else about the child."""
from __future__ import annotations

import io
import re
from dataclasses import astuple
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Pupil, School, User
from quizapp.services import parent_links
from quizapp.services.parent_links import issue_codes, redeem, revoke_code
from quizapp.services.render.letters import letter_text, letters_pdf, qr_link

URL = "https://staysafe.example.org/parent/register"


def school(side) -> School:
    return db.session.get(School, side.school_id)


def pupils(*ids: int) -> list[Pupil]:
    return [db.session.get(Pupil, pupil_id) for pupil_id in ids]


def letters_for(side, *ids: int) -> list[tuple[Pupil, str]]:
    return issue_codes(school(side), pupils(*ids), None)


def pdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_one_a4_page_per_pupil_with_their_code_as_text(world, ctx):
    entries = letters_for(world.one, world.one.pupil_a, world.one.pupil_a2, world.one.pupil_b)
    pdf = letters_pdf(school(world.one), entries, URL)
    reader = PdfReader(io.BytesIO(pdf))
    assert pdf.startswith(b"%PDF") and len(reader.pages) == 3
    assert all((round(float(p.mediabox.width)), round(float(p.mediabox.height))) == (595, 842) for p in reader.pages)
    for (pupil, code), text in zip(entries, pdf_pages(pdf), strict=True):
        assert code in text and f"Dear parent or carer of {pupil.first_name} {pupil.last_initial}." in text
        assert URL in text and "#code" not in text
    assert b"DejaVuSans" in pdf and b"/FontFile2" in pdf  # the app's own font, embedded


def test_a_whole_class_gets_a_letter_each(world, ctx):
    from quizapp.services.pupil_signin import random_pin
    extra = [Pupil(school_id=world.one.school_id, class_id=world.one.class_a, first_name=f"Child{i}", last_initial="T",
                   year_group=1, pin=random_pin()) for i in range(33)]
    db.session.add_all(extra)
    db.session.commit()
    entries = letters_for(world.one, world.one.pupil_a, world.one.pupil_a2, *[p.id for p in extra])
    pages = pdf_pages(letters_pdf(school(world.one), entries, URL))
    assert len(pages) == 35
    assert all(code in text for (_, code), text in zip(entries, pages, strict=True))


def test_the_letter_says_what_parents_need_to_know(world, ctx, monkeypatch):
    monkeypatch.setattr(parent_links, "now_utc", lambda: datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    [(amara, code)] = letters_for(world.one, world.one.pupil_a)
    row = parent_links.find_code(code)
    text = letter_text(amara, code, parent_links.last_day(row), URL)
    assert text.greeting == "Dear parent or carer of Amara S."
    assert "learning how to stay safe online at school" in text.about
    assert "which topics they have finished" in text.about and "talking about them at home" in text.about
    assert URL in text.steps[0] and "email address and a password" in text.steps[1] and "this code" in text.steps[2]
    assert text.code == code
    assert text.until == "Use the code by 25 December 2026."
    assert "works once" in text.once and "this child only" in text.once
    assert text.footer == "If you did not expect this letter, please contact the school office."


def test_nothing_else_about_the_child_is_printed(world, ctx):
    [(amara, code)] = letters_for(world.one, world.one.pupil_a)
    text = letter_text(amara, code, datetime(2026, 12, 25).date(), URL)
    words = " ".join(part for field in astuple(text) for part in ([field] if isinstance(field, str) else field))
    for private in ("Hedgehogs", "Year 1", "Reception"):
        assert private not in words
    assert not set(amara.pin_pictures) & set(re.findall(r"[a-z]+", words.lower()))
    assert words.count("Amara") == 1


def test_the_qr_code_carries_the_code_where_the_server_never_sees_it(world, ctx):
    [(amara, code)] = letters_for(world.one, world.one.pupil_a)
    assert qr_link(URL, code) == f"{URL}#code={code}"  # a fragment: never sent in a request, so never logged
    pdf = letters_pdf(school(world.one), [(amara, code)], URL)
    assert b"/Subtype /Image" in pdf


@pytest.mark.parametrize("name", ["W" * 40, "A" * 40, "Mary Jane Elizabeth Catherine Smith-Jone"])
def test_a_forty_letter_name_fits_on_one_page(world, ctx, name):
    amara = pupils(world.one.pupil_a)[0]
    amara.first_name = name
    school(world.one).name = "St Mary and St John's Church of England Voluntary Aided Primary School and Nursery"
    db.session.commit()
    [text] = pdf_pages(letters_pdf(school(world.one), letters_for(world.one, world.one.pupil_a), URL + "/" + "x" * 120))
    assert name in text.replace("\n", "") and "contact the school office" in text


def test_accented_names_print_as_written(world, ctx):
    amara = pupils(world.one.pupil_a)[0]
    amara.first_name = "Zoe\u0308"  # "Zoë" typed as e + a separate diaeresis
    db.session.commit()
    [(zoe, code)] = letters_for(world.one, world.one.pupil_a)
    assert letter_text(zoe, code, datetime(2026, 12, 25).date(), URL).greeting.startswith("Dear parent or carer of Zoe")
    assert "Dear parent or carer of Zo\u00eb S." in pdf_pages(letters_pdf(school(world.one), [(zoe, code)], URL))[0]


def test_no_letters_no_pdf(world, ctx):
    with pytest.raises(ValueError, match="no letters"):
        letters_pdf(school(world.one), [], URL)


def test_a_letter_never_carries_a_code_that_will_not_work(world, ctx):
    entries = letters_for(world.one, world.one.pupil_a, world.one.pupil_a2)
    (amara, amara_code), (ben, ben_code) = entries
    with pytest.raises(ValueError):  # Ben's code on Amara's letter
        letters_pdf(school(world.one), [(amara, ben_code)], URL)
    with pytest.raises(ValueError):  # a code that was never issued
        letters_pdf(school(world.one), [(amara, "K7QM-4TXA")], URL)
    with pytest.raises(ValueError):  # under another school's name
        letters_pdf(school(world.two), [(amara, amara_code)], URL)
    revoke_code(world.one.school_id, parent_links.find_code(amara_code).id)
    with pytest.raises(ValueError):
        letters_pdf(school(world.one), [(amara, amara_code)], URL)
    parent = db.session.execute(select(User).where(User.email == world.one.emails["parent"])).scalar_one()
    redeem(parent, ben_code)
    with pytest.raises(ValueError):
        letters_pdf(school(world.one), [(ben, ben_code)], URL)
