"""Pupils' concerns reach their own school's DSLs, who keep a formal record."""
from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from helpers import post
from quizapp.extensions import db
from quizapp.models import Concern, ConcernAudit, ConcernNote


def test_a_pupil_raises_a_concern_and_sees_where_to_get_help(app, client, auth, world):
    auth.pupil(world.one, world.one.pupil_b)
    r = post(client, "/pupil/worried", {"category": "meet", "words": "someone in a game wants to meet", "talk_to": "other_adult"},
             token_from="/pupil/worried")
    assert r.headers["Location"] == "/pupil/worried/thanks"
    thanks = client.get("/pupil/worried/thanks").get_data(as_text=True)
    assert "0800 1111" in thanks and "999" in thanks and "A grown-up at school will talk to you soon" in thanks
    with app.app_context():
        concern = db.session.execute(select(Concern).where(Concern.pupil_id == world.one.pupil_b)).scalar_one()
        assert concern.school_id == world.one.school_id and concern.class_name == "Badgers" and concern.pupil_name == "Chloe S."


def _concerns_of(app, pupil_id):
    with app.app_context():
        return list(db.session.execute(select(Concern).where(Concern.pupil_id == pupil_id)).scalars())


def test_any_press_of_tell_a_grown_up_reaches_the_dsl_with_not_said_for_what_was_left_out(app, client, auth, world):
    auth.pupil(world.one, world.one.pupil_b)
    r = post(client, "/pupil/worried", {}, token_from="/pupil/worried")
    assert r.headers["Location"] == "/pupil/worried/thanks"
    post(client, "/pupil/worried", {"category": "nonsense", "talk_to": "nobody", "words": "x" * 900}, token_from="/pupil/worried")
    first, second = sorted(_concerns_of(app, world.one.pupil_b), key=lambda c: c.id)
    assert (first.category_label, first.talk_to_label, first.words) == ("Not said", "Not said", "")
    assert (second.category_label, second.talk_to_label, len(second.words)) == ("Not said", "Not said", 500)
    auth.adult(world.one.emails["dsl"])
    assert "Not said" in client.get("/safeguarding/").get_data(as_text=True)


def test_a_double_tap_records_one_concern(app, client, auth, world):
    auth.pupil(world.one, world.one.pupil_b)
    page = client.get("/pupil/worried").get_data(as_text=True)
    token = re.search(r'name="request_token" type="hidden" value="([^"]+)"|id="request_token" name="request_token" type="hidden" value="([^"]+)"', page)
    value = next(g for g in token.groups() if g)
    for _ in range(2):
        post(client, "/pupil/worried", {"category": "upset", "request_token": value}, token_from="/pupil/worried")
    assert len(_concerns_of(app, world.one.pupil_b)) == 1
    post(client, "/pupil/worried", {"category": "upset"}, token_from="/pupil/worried")  # a new page: a new worry
    assert len(_concerns_of(app, world.one.pupil_b)) == 2


def test_every_worry_picture_and_person_has_a_speaker(client, auth, world):
    from quizapp.models.concern import CATEGORIES, TALK_TO

    auth.pupil(world.one, world.one.pupil_b)
    page = client.get("/pupil/worried").get_data(as_text=True)
    for words in [*CATEGORIES.values(), *TALK_TO.values()]:
        assert f'data-say="{words}"'.replace("'", "&#39;") in page, words
    assert "data-read-page" in client.get("/pupil/worried/thanks").get_data(as_text=True)


def test_the_dsl_sees_the_new_count_adds_a_note_and_closes_it_with_a_reason(app, client, auth, world):
    auth.adult(world.one.emails["dsl"])
    home = client.get("/teacher/").get_data(as_text=True)
    assert "1 new" in home  # the badge in the navigation
    queue = client.get("/safeguarding/").get_data(as_text=True)
    assert "Amara S." in queue and "Someone was unkind to me" in queue
    page = client.get(f"/safeguarding/concerns/{world.one.concern}").get_data(as_text=True)
    assert "Someone called me names" in page
    post(client, f"/safeguarding/concerns/{world.one.concern}/notes", {"body": "Spoke to Amara at lunch."},
         token_from=f"/safeguarding/concerns/{world.one.concern}")
    refused = post(client, f"/safeguarding/concerns/{world.one.concern}/status", {"status": "closed"},
                   token_from=f"/safeguarding/concerns/{world.one.concern}")
    assert refused.status_code == 400 and "record the action taken and the reason" in refused.get_data(as_text=True)
    post(client, f"/safeguarding/concerns/{world.one.concern}/status",
         {"status": "closed", "action_taken": "Talked with parents; blocked the account.", "close_reason": "Resolved."},
         token_from=f"/safeguarding/concerns/{world.one.concern}")
    with app.app_context():
        concern = db.session.get(Concern, world.one.concern)
        assert concern.status == "closed" and concern.closed_at and concern.close_reason == "Resolved."
        note = db.session.execute(select(ConcernNote)).scalar_one()
        assert note.author_name == "Mrs D" and note.body == "Spoke to Amara at lunch."
        actions = [a.action for a in db.session.execute(select(ConcernAudit).order_by(ConcernAudit.id)).scalars()]
        assert actions[0] == "viewed" and "note added" in actions and actions.count("status") == 2


def test_csv_export_for_the_schools_safeguarding_system(app, client, auth, world):
    with app.app_context():
        concern = db.session.get(Concern, world.one.concern)
        concern.words = "=HYPERLINK(\"http://evil\")"
        db.session.commit()
    auth.adult(world.one.emails["dsl"])
    response = client.get("/safeguarding/export.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1 and rows[0]["pupil"] == "Amara S."
    assert rows[0]["pupil_words"].startswith("'=")  # never a live formula in a spreadsheet
    with app.app_context():
        assert db.session.execute(select(ConcernAudit.action).where(ConcernAudit.action == "exported")).scalar_one()


def test_nobody_else_sees_a_concerns_detail(app, client, auth, world):
    url = f"/safeguarding/concerns/{world.one.concern}"
    for email, expected in [(world.one.emails["teacher_a"], 404), (world.one.emails["admin"], 404),
                            (world.one.emails["parent"], 404), (world.two.emails["dsl"], 404), (world.platform_admin, 404)]:
        auth.adult(email)
        assert client.get(url).status_code == expected, email
        export = client.get("/safeguarding/export.csv")
        ids = [row["id"] for row in csv.DictReader(io.StringIO(export.get_data(as_text=True)))] if export.status_code == 200 else []
        assert str(world.one.concern) not in ids
        auth.signout()
    auth.pupil(world.one, world.one.pupil_a)
    assert client.get(url).status_code == 404
    with app.app_context():
        seen = db.session.execute(select(ConcernAudit).where(ConcernAudit.concern_id == world.one.concern)).first()
        assert seen is None  # nobody saw school one's concern


def test_the_class_teacher_sees_it_only_when_the_dsl_shares_it(app, client, auth, world):
    auth.adult(world.one.emails["teacher_a"])
    assert "raised a concern" not in client.get("/teacher/").get_data(as_text=True)
    auth.signout()
    auth.adult(world.one.emails["dsl"])
    post(client, f"/safeguarding/concerns/{world.one.concern}/share", token_from="/safeguarding/")
    auth.signout()
    auth.adult(world.one.emails["teacher_a"])
    home = client.get("/teacher/").get_data(as_text=True)
    assert "Amara S. (Hedgehogs) raised a concern" in home and "Someone called me names" not in home
    auth.signout()
    auth.adult(world.one.emails["teacher_b"])
    assert "raised a concern" not in client.get("/teacher/").get_data(as_text=True)
