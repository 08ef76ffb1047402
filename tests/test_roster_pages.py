"""Teachers manage their class lists from the app's own pages."""
from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from helpers import post
from quizapp.extensions import db
from quizapp.models import Pupil, SchoolClass, User

GOOD = "UPN,Legal Forename,Legal Surname,Year,Reg Group,DOB\nA1,ZOE,WILLIAMS,1,Hedgehogs,2019-01-02\nA2,Omar,Farah,Year 1,hedgehogs,2019-03-04\n"


def _upload(client, text: str):
    token_page = client.get("/teacher/roster/import").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', token_page).group(1)
    return client.post("/teacher/roster/import", data={"csrf_token": token, "file": (io.BytesIO(text.encode()), "pupils.csv")},
                       content_type="multipart/form-data")


def test_import_previews_then_imports_only_what_was_shown(app, client, auth, world):
    auth.adult(world.one.emails["teacher_a"])
    preview = _upload(client, GOOD)
    page = preview.get_data(as_text=True)
    assert "2 to add" in page and "Zoe W." in page and "UPN" in page and "DOB" in page  # ignored columns named
    with app.app_context():
        assert db.session.execute(select(func.count(Pupil.id))).scalar_one() == 6  # nothing yet
    b64 = re.search(r'name="csv_b64" value="([^"]+)"', page).group(1)
    done = post(client, "/teacher/roster/import/confirm", {"csv_b64": b64}, token_from="/teacher/roster/import")
    assert done.status_code == 302 and done.location.startswith(f"/teacher/classes/{world.one.class_a}?imported=2")
    landed = client.get(done.location).get_data(as_text=True)  # the class page, with the next step
    assert "Imported 2 pupils" in landed and "Print their cards" in landed
    assert f'href="/teacher/classes/{world.one.class_a}/cards.pdf">Print their cards' in landed
    with app.app_context():
        zoe = db.session.execute(select(Pupil).where(Pupil.first_name == "Zoe")).scalar_one()
        assert zoe.last_initial == "W" and zoe.class_id == world.one.class_a and len(zoe.pin.split("-")) == 3


def test_a_bad_row_stops_the_whole_import_and_is_named(app, client, auth, world):
    auth.adult(world.one.emails["teacher_a"])
    text = GOOD + "A3,Sam,Lee,Year 9,Hedgehogs,2019-01-01\nA4,Ali,Khan,4,Badgers,2016-01-01\n"
    page = _upload(client, text).get_data(as_text=True)
    assert "Line" in page and "Year 9" in page and "not one of them" in page  # Badgers is another teacher's class
    assert '<th scope="row">Sam L.</th>' in page and '<th scope="row">Ali K.</th>' in page  # each problem row names its pupil
    assert 'name="csv_b64"' not in page
    forged = post(client, "/teacher/roster/import/confirm", {"csv_b64": "QUJD"}, token_from="/teacher/roster/import", follow_redirects=True)
    assert "Fix the problems" in forged.get_data(as_text=True) or forged.status_code == 400
    with app.app_context():
        assert db.session.execute(select(func.count(Pupil.id))).scalar_one() == 6


def test_not_csv_is_explained(client, auth, world):
    auth.adult(world.one.emails["teacher_a"])
    page = _upload(client, "").get_data(as_text=True)
    assert "Choose a CSV file first" in page
    latin1 = "First name,Last name,Year,Class\nZo\xeb,W,1,Hedgehogs\n"
    token_page = client.get("/teacher/roster/import").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', token_page).group(1)
    r = client.post("/teacher/roster/import", data={"csrf_token": token, "file": (io.BytesIO(latin1.encode("cp1252")), "x.csv")},
                    content_type="multipart/form-data")
    assert "UTF-8" in r.get_data(as_text=True)


def test_add_edit_move_and_archive_a_pupil(app, client, auth, world):
    auth.adult(world.one.emails["admin"])
    post(client, "/teacher/pupils/new", {"first_name": "Maya", "last_name": "Jones", "year_group": "1", "class_id": str(world.one.class_a)},
         token_from="/teacher/pupils/new")
    bad = post(client, "/teacher/pupils/new", {"first_name": "<b>1</b>", "last_name": "9", "year_group": "1", "class_id": str(world.one.class_a)},
               token_from="/teacher/pupils/new")
    assert bad.status_code == 400 and "letters only" in bad.get_data(as_text=True)
    with app.app_context():
        maya = db.session.execute(select(Pupil).where(Pupil.first_name == "Maya")).scalar_one()
        assert maya.last_initial == "J"
        maya_id = maya.id
    post(client, f"/teacher/pupils/{maya_id}/edit", {"first_name": "Maya", "last_name": "K", "year_group": "4",
                                                     "class_id": str(world.one.class_b)}, token_from="/teacher/")
    post(client, f"/teacher/pupils/{maya_id}/archive", token_from="/teacher/")
    with app.app_context():
        maya = db.session.get(Pupil, maya_id)
        assert maya.class_id == world.one.class_b and maya.year_group == 4 and maya.archived_at is not None
    client.get(f"/teacher/classes/{world.one.class_b}")  # shows (and so clears) the flash message
    page = client.get(f"/teacher/classes/{world.one.class_b}").get_data(as_text=True)
    roster = page.split("Pupils who have left")[0]
    assert "Maya K." not in roster  # off the class list...
    assert f'/teacher/pupils/{maya_id}">Maya K.</a>, left' in page  # ...but still reachable, e.g. to export or erase


def test_a_teacher_cannot_move_a_pupil_into_another_schools_class(client, auth, world):
    auth.adult(world.one.emails["admin"])
    r = post(client, f"/teacher/pupils/{world.one.pupil_a}/edit", {"first_name": "Amara", "last_name": "S", "year_group": "1",
                                                                  "class_id": str(world.two.class_a)}, token_from="/teacher/")
    assert r.status_code == 400  # not one of the choices


def test_admins_add_classes_and_link_teachers(app, client, auth, world):
    auth.adult(world.one.emails["teacher_a"])
    assert client.get("/teacher/classes/new").status_code == 403
    auth.signout()
    auth.adult(world.one.emails["admin"])
    post(client, "/teacher/classes/new", {"name": "Owls", "year_group": "2"}, token_from="/teacher/classes/new")
    dup = post(client, "/teacher/classes/new", {"name": "Owls", "year_group": "2"}, token_from="/teacher/classes/new")
    assert "already has that name" in dup.get_data(as_text=True)
    with app.app_context():
        owls = db.session.execute(select(SchoolClass).where(SchoolClass.name == "Owls", SchoolClass.school_id == world.one.school_id)).scalar_one()
        teacher = db.session.execute(select(User).where(User.email == world.one.emails["teacher_a"])).scalar_one()
        owls_id, teacher_id = owls.id, teacher.id
    post(client, f"/teacher/classes/{owls_id}/teachers", {"teacher": [str(teacher_id)]}, token_from=f"/teacher/classes/{owls_id}/teachers")
    auth.signout()
    auth.adult(world.one.emails["teacher_a"])
    assert "Owls" in client.get("/teacher/").get_data(as_text=True)


def test_printable_sign_in_cards(client, auth, world):
    auth.adult(world.one.emails["teacher_a"])
    pdf = client.get(f"/teacher/classes/{world.one.class_a}/cards.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    pictures = client.get(f"/teacher/classes/{world.one.class_a}/cards.zip")
    assert pictures.status_code == 200 and pictures.data[:2] == b"PK" and pictures.mimetype == "application/zip"
    assert client.get(f"/teacher/classes/{world.one.class_a}/cards.png").status_code == 404
    assert client.get(f"/teacher/classes/{world.one.class_a}/cards.exe").status_code == 404
