"""The pupil's lesson player and quiz: pages for every piece of content, and
answers that are checked on the server and stored exactly once."""
from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import func, select

from helpers import answer_token, post, send_answer
from quizapp.content import get_content
from quizapp.extensions import db
from quizapp.models import Answer, Pupil
from simulation.solver import right_fields, wrong_fields


def _sign_in_band(auth, world, band, year6):
    if band == "4-7":
        auth.pupil(world.one, world.one.pupil_a)
    elif band == "7-9":
        auth.pupil(world.one, world.one.pupil_b)
    else:
        auth.pupil(world.one, year6[1], class_id=year6[0])


@pytest.mark.parametrize("band", ["4-7", "7-9", "9-11"])
def test_every_lesson_step_and_quiz_question_renders_without_giving_answers_away(app, client, auth, world, year6, band):
    _sign_in_band(auth, world, band, year6)
    with app.app_context():
        modules = [m for m in get_content().modules.values() if m.band == band]
    home = client.get("/pupil/").get_data(as_text=True)
    for module in modules:
        assert f'/pupil/modules/{module.id}"' in home
        assert client.get(f"/pupil/modules/{module.id}").status_code == 200
        pages = [f"/pupil/modules/{module.id}/lesson/{n}" for n in range(1, len(module.lesson.steps) + 1)]
        pages += [f"/pupil/modules/{module.id}/quiz/{n}" for n in range(1, len(module.bank.questions) + 1)]
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.get_data(as_text=True)
            for leak in ('"correct"', "data-correct", "data-safe", "data-clue", 'data-group="', "feedback_right"):
                assert leak not in html, f"{url} gives away the answer ({leak})"
    # Another band's modules are not for this pupil.
    other = next(m for m in get_content_modules(app) if m.band != band)
    assert client.get(f"/pupil/modules/{other.id}").status_code == 404


def get_content_modules(app):
    with app.app_context():
        return list(get_content().modules.values())


def test_a_whole_module_by_json_answers_then_certificate(app, client, auth, world):
    auth.pupil(world.one, world.one.pupil_b)  # Year 4: band 7-9
    with app.app_context():
        module = get_content().modules["passwords-7-9"]
    token = answer_token(client, f"/pupil/modules/{module.id}/quiz/1")
    for n, step in enumerate(module.lesson.steps, start=1):
        if step.question is not None:
            r = send_answer(client, token, module.id, step.question, right_fields(step.question), source="lesson")
            assert r.status_code == 200 and r.json["correct"], (step.question.id, r.json)
        post(client, f"/pupil/modules/{module.id}/lesson/{n}/next", token_from=f"/pupil/modules/{module.id}/lesson/{n}")
    for n, question in enumerate(module.bank.questions, start=1):
        wrong = send_answer(client, token, module.id, question, wrong_fields(question))
        assert wrong.status_code == 200 and not wrong.json["correct"], question.id
        assert wrong.json["lines"], "feedback explains why"
        right = send_answer(client, token, module.id, question, right_fields(question))
        assert right.json["correct"], (question.id, right.json)
        last = post(client, f"/pupil/modules/{module.id}/quiz/{n}/next", token_from=f"/pupil/modules/{module.id}/quiz/{n}")
    assert last.headers["Location"].endswith(f"/pupil/modules/{module.id}/done")
    done = client.get(f"/pupil/modules/{module.id}/done").get_data(as_text=True)
    assert "Well done, Chloe!" in done and "Now I can" in done
    png = client.get(f"/pupil/modules/{module.id}/certificate.png")
    assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert 'status--done' in client.get("/pupil/").get_data(as_text=True)
    with app.app_context():
        from quizapp.models import OutcomeTally

        tallies = db.session.execute(select(OutcomeTally).where(OutcomeTally.pupil_id == world.one.pupil_b)).scalars().all()
        assert {t.outcome_id for t in tallies} == set(module.outcome_ids)  # counted by the time the pupil's pages show progress
        assert sum(t.right_first_time for t in tallies) > 0  # the lesson checks were right first time
        first_tries = db.session.execute(select(Answer).where(Answer.first_try.is_(True), Answer.source == "quiz")).scalars().all()
        assert len(first_tries) == len(module.bank.questions) and not any(a.correct for a in first_tries)
        assert all(a.content_version == module.version and a.module_id == module.id for a in first_tries)


def test_the_same_answer_sent_twice_is_stored_once(app, client, auth, world):
    auth.pupil(world.one, world.one.pupil_a)
    with app.app_context():
        module = get_content().modules["passwords-4-7"]
    q = module.bank.questions[0]
    token = answer_token(client, f"/pupil/modules/{module.id}/quiz/1")
    client_id = uuid.uuid4().hex
    first = send_answer(client, token, module.id, q, right_fields(q), client_id=client_id)
    again = send_answer(client, token, module.id, q, right_fields(q), client_id=client_id)
    assert first.json["duplicate"] is False and again.json["duplicate"] is True
    with app.app_context():
        assert db.session.execute(select(func.count(Answer.id))).scalar_one() == 1


@pytest.mark.parametrize("fields", [{}, {"choice": ["nonsense"]}, {"choice": ["x" * 5000]}, {"nonsense": ["1"]}, "not a dict"])
def test_malformed_answers_get_a_clear_400_and_store_nothing(app, client, auth, world, fields):
    auth.pupil(world.one, world.one.pupil_a)
    with app.app_context():
        module = get_content().modules["passwords-4-7"]
    q = next(q for q in module.bank.questions if q.type == "single_choice")
    token = answer_token(client, f"/pupil/modules/{module.id}/quiz/1")
    r = send_answer(client, token, module.id, q, fields)
    assert r.status_code == 400 and r.json["error"]
    with app.app_context():
        assert db.session.execute(select(func.count(Answer.id))).scalar_one() == 0


def test_bad_tokens_and_other_bands_are_refused(app, client, auth, world):
    auth.pupil(world.one, world.one.pupil_a)
    with app.app_context():
        content = get_content()
        mine, theirs = content.modules["passwords-4-7"], content.modules["passwords-9-11"]
    token = answer_token(client, f"/pupil/modules/{mine.id}/quiz/1")
    q = mine.bank.questions[0]
    assert send_answer(client, "forged", mine.id, q, right_fields(q)).status_code == 403
    assert send_answer(client, token, theirs.id, theirs.bank.questions[0], right_fields(theirs.bank.questions[0])).status_code == 404
    assert send_answer(client, token, mine.id, theirs.bank.questions[0], {}).status_code == 404
    raw = client.post("/pupil/api/answer", data="{not json", content_type="application/json")
    assert raw.status_code in (400, 403)


def test_an_answer_left_for_hours_is_still_stored_then_the_pupil_is_signed_out(app, client, auth, world, monkeypatch):
    import time as real_time

    auth.pupil(world.one, world.one.pupil_a)
    with app.app_context():
        module = get_content().modules["being-kind-4-7"]
    q = module.bank.questions[0]
    token = answer_token(client, f"/pupil/modules/{module.id}/quiz/1")
    later = real_time.time() + 2 * 3600
    monkeypatch.setattr("quizapp.services.sessions.time.time", lambda: later)
    r = send_answer(client, token, module.id, q, right_fields(q))
    assert r.status_code == 200 and r.json["stored"]
    assert "Set-Cookie" not in r.headers  # the JSON answer leaves the tablet's session alone
    nxt = client.get(f"/pupil/modules/{module.id}/quiz/2")  # the pupil's next page signs them out, kindly
    assert nxt.status_code == 302 and nxt.headers["Location"].endswith("/tablet/class")
    assert "nobody tapped for a while" in client.get("/tablet/class").get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(func.count(Answer.id))).scalar_one() == 1


def test_a_json_answer_neither_reads_nor_changes_the_session(app, client, auth, world):
    """The answer token says whose answer it is; the tablet's sign-in cookie is not opened (it is
    not needed, and opening it for every answer of a class costs), nor sent back."""
    auth.pupil(world.one, world.one.pupil_a)
    with app.app_context():
        module = get_content().modules["being-kind-4-7"]
    q = module.bank.questions[0]
    token = answer_token(client, f"/pupil/modules/{module.id}/quiz/1")
    client.delete_cookie("quizapp_session")  # a tablet whose sign-in has gone: the answer still counts
    r = send_answer(client, token, module.id, q, right_fields(q))
    assert r.status_code == 200 and r.json["stored"] and "signed_out" not in r.json
    assert "Set-Cookie" not in r.headers and "Cookie" not in r.headers.get("Vary", "")


def test_an_answer_sent_after_the_pupil_switched_still_counts_for_them(app, client, auth, world):
    """Answers queued offline are sent later, maybe after "Not me": they belong to the page's pupil."""
    auth.pupil(world.one, world.one.pupil_a)
    with app.app_context():
        module = get_content().modules["being-kind-4-7"]
    q = module.bank.questions[0]
    token = answer_token(client, f"/pupil/modules/{module.id}/quiz/1")
    post(client, "/tablet/switch", token_from="/pupil/")
    post(client, f"/tablet/pupil/{world.one.pupil_a2}", {"pin": world.one.pins[world.one.pupil_a2]}, token_from="/tablet/class")
    assert send_answer(client, token, module.id, q, right_fields(q)).status_code == 200
    with app.app_context():
        assert db.session.execute(select(Answer.pupil_id)).scalar_one() == world.one.pupil_a


def test_typed_passwords_are_never_stored(app, client, auth, world, year6):
    auth.pupil(world.one, year6[1], class_id=year6[0])
    with app.app_context():
        module = get_content().modules["passwords-9-11"]
    q = next(q for q in module.bank.questions if q.type == "password_builder" and q.allow_typing)
    token = answer_token(client, f"/pupil/modules/{module.id}/quiz/1")
    secret = "PurpleElephantDancing"
    r = send_answer(client, token, module.id, q, {"typed": [secret]})
    assert r.status_code == 200
    assert secret not in r.get_data(as_text=True)
    with app.app_context():
        stored = json.dumps(db.session.execute(select(Answer.response)).scalar_one())
    assert "Purple" not in stored and "Elephant" not in stored


def test_no_javascript_answer_and_chat(app, client, auth, world):
    auth.pupil(world.one, world.one.pupil_b)
    with app.app_context():
        module = get_content().modules["meeting-online-friends-7-9"]
    n, q = next((n, q) for n, q in enumerate(module.bank.questions, start=1) if q.type == "chat_scenario")
    token = answer_token(client, f"/pupil/modules/{module.id}/quiz/{n}")
    path = right_fields(q)["path"][0].split(",")
    form = {"module": module.id, "question": q.id, "source": "quiz", "answer_token": token, "client_id": uuid.uuid4().hex}
    for step, choice in enumerate(path):
        response = client.post("/pupil/api/answer", data={**form, "path": ",".join(path[:step]), "choice": choice})
        if step < len(path) - 1:
            assert response.status_code == 302 and "path=" in response.headers["Location"]
            assert client.get(response.headers["Location"]).status_code == 200
    assert response.status_code == 200 and "feedback-line" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(Answer.correct)).scalar_one() is True


def test_display_settings_follow_the_pupil(app, client, auth, world):
    auth.pupil(world.one, world.one.pupil_a)
    post(client, "/pupil/settings", {"text_size": "large", "dyslexia_font": "y", "high_contrast": "y"}, token_from="/pupil/settings")
    body = client.get("/pupil/").get_data(as_text=True)
    assert "text-large" in body and "font-dyslexia" in body and "high-contrast" in body
    with app.app_context():
        pupil = db.session.get(Pupil, world.one.pupil_a)
        assert pupil.text_size == "large" and pupil.dyslexia_font and pupil.high_contrast


def test_assigned_modules_come_first_with_due_dates(app, client, auth, world):
    from datetime import date, timedelta

    from quizapp.models import Assignment

    with app.app_context():
        db.session.add(Assignment(school_id=world.one.school_id, module_id="passwords-4-7", class_id=world.one.class_a,
                                  due_on=date.today() + timedelta(days=7)))
        db.session.add(Assignment(school_id=world.two.school_id, module_id="being-kind-4-7", year_group=1))
        db.session.commit()
    auth.pupil(world.one, world.one.pupil_a)
    home = client.get("/pupil/").get_data(as_text=True)
    assert "Set by my teacher" in home and "Finish by" in home
    assert home.index("/pupil/modules/passwords-4-7") < home.index("/pupil/modules/personal-info-4-7")
    # Another school's assignment does not show.
    assert home.index("/pupil/modules/being-kind-4-7") > home.index("More topics")
    assert "grown-ups at home can see which topics you have finished" in home


def test_the_answer_paths_without_a_session_are_the_answer_endpoints(app):
    """sessions_hooks names the answer endpoints twice (as paths, because the session is opened
    before the URL is matched): the two lists must agree."""
    from quizapp.sessions_hooks import ANSWER_ENDPOINTS, ANSWER_PATHS

    assert {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint in ANSWER_ENDPOINTS} == ANSWER_PATHS


def test_no_javascript_feedback_lines_follow_the_order_on_screen(app, client, auth, world):
    """Without JavaScript the feedback page lists its lines in the order the
    question page showed the parts (its shuffle), as the JavaScript page does;
    they used to come in the content's order."""
    import re

    auth.pupil(world.one, world.one.pupil_a)
    with app.app_context():
        modules = [get_content().modules[m] for m in ("passwords-4-7", "being-kind-4-7", "personal-info-4-7")]
    compared = 0
    for module in modules:
        for n, q in enumerate(module.bank.questions, start=1):
            page = client.get(f"/pupil/modules/{module.id}/quiz/{n}").get_data(as_text=True)
            on_screen = re.findall(r'data-ref="([^"]+)"', page)
            token = re.search(r'name="answer_token" value="([^"]+)"', page).group(1)
            fields = wrong_fields(q) or right_fields(q)
            response = client.post("/pupil/api/answer", data={"module": module.id, "question": q.id, "source": "quiz",
                                                              "answer_token": token, "client_id": uuid.uuid4().hex,
                                                              **fields})
            if response.status_code != 200:
                continue  # a chat goes on page by page
            lines = re.findall(r'class="feedback-line[^"]*" data-ref="([^"]+)"', response.get_data(as_text=True))
            shown = [ref for ref in on_screen if ref in lines]
            assert [ref for ref in lines if ref in on_screen] == shown, q.id
            compared += len(shown) > 1
    assert compared >= 5
