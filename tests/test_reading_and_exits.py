"""Issue 12: Read to me, guarded exits and no silent skips (server side)."""
from __future__ import annotations

from helpers import PASSWORD, post
from quizapp.content import get_content
from quizapp.extensions import db
from quizapp.models import Pupil


def _setting(app, pupil_id):
    with app.app_context():
        pupil = db.session.get(Pupil, pupil_id)
        return pupil.read_to_me, pupil.sounds


def test_read_to_me_is_on_for_year_1_and_off_for_year_4(app, client, auth, world):
    assert _setting(app, world.one.pupil_a) == (True, True)  # Year 1
    assert _setting(app, world.one.pupil_b)[0] is False  # Year 4
    auth.pupil(world.one, world.one.pupil_a)
    assert 'data-read-to-me="1"' in client.get("/pupil/").get_data(as_text=True)


def test_a_teacher_turns_read_to_me_off_for_a_pupil_and_on_for_a_class(app, client, auth, world):
    auth.adult(world.one.emails["teacher_a"])
    page = f"/teacher/classes/{world.one.class_a}"
    assert "Read to me: on for the whole class" in client.get(page).get_data(as_text=True)
    post(client, f"/teacher/pupils/{world.one.pupil_a}/read-to-me", {"on": "0"}, token_from=page)
    assert _setting(app, world.one.pupil_a)[0] is False
    post(client, f"/teacher/classes/{world.one.class_a}/read-to-me", {"on": "1"}, token_from=page)
    assert _setting(app, world.one.pupil_a)[0] is True and _setting(app, world.one.pupil_a2)[0] is True


def test_a_tablet_with_no_voice_shows_a_note_on_the_class_page(client, auth, world):
    auth.pupil(world.one, world.one.pupil_a)
    assert post(client, "/pupil/no-voice", {}, token_from="/pupil/settings").status_code == 204
    auth.adult(world.one.emails["teacher_a"])
    assert "Tablet could not read aloud" in client.get(f"/teacher/classes/{world.one.class_a}").get_data(as_text=True)


def test_not_me_asks_are_you_before_signing_out(client, auth, world):
    auth.pupil(world.one, world.one.pupil_a)
    home = client.get("/pupil/").get_data(as_text=True)
    assert "/tablet/switch" not in home  # no one-tap sign-out beside "I'm worried"
    page = client.get("/pupil/not-me").get_data(as_text=True)
    assert "Are you Amara?" in page and 'data-say="Are you Amara?"' in page and "/tablet/switch" in page


def test_leaving_class_mode_needs_the_class_code_or_a_staff_password(client, auth, world):
    code = auth.open_class(world.one, world.one.class_a)
    post(client, "/tablet", {"code": code}, token_from="/tablet")
    post(client, "/tablet/leave", {}, token_from="/tablet/class")
    assert client.get("/tablet/class").status_code == 200  # still the class list
    post(client, "/tablet/leave", {"code": "WRONG1"}, token_from="/tablet/class")
    assert client.get("/tablet/class").status_code == 200
    post(client, "/tablet/leave", {"code": code.lower()}, token_from="/tablet/class")
    assert client.get("/tablet/class").status_code == 302  # left
    post(client, "/tablet", {"code": code}, token_from="/tablet")
    post(client, "/tablet/leave", {"email": world.one.emails["teacher_a"], "password": PASSWORD}, token_from="/tablet/class")
    assert client.get("/tablet/class").status_code == 302


def test_the_end_of_the_quiz_goes_to_the_first_unanswered_question(app, client, auth, world):
    auth.pupil(world.one, world.one.pupil_a)
    with app.app_context():
        module = get_content().modules["passwords-4-7"]
        steps, questions = len(module.lesson.steps), len(module.bank.questions)
    post(client, f"/pupil/modules/passwords-4-7/lesson/{steps}/next", token_from="/pupil/settings")
    r = post(client, f"/pupil/modules/passwords-4-7/quiz/{questions}/next", token_from="/pupil/settings")
    assert r.headers["Location"].endswith("/pupil/modules/passwords-4-7/quiz/1")
    page = client.get("/pupil/modules/passwords-4-7").get_data(as_text=True)
    assert "Answer the questions left" in page
    assert client.get("/pupil/modules/passwords-4-7/done").status_code == 302  # no certificate yet


def test_a_module_title_is_not_said_twice(app, client, auth, world):
    auth.pupil(world.one, world.one.pupil_a)
    with app.app_context():
        same = [m for m in get_content().modules_for_band("4-7") if m.title == m.topic.pupil_title]
    for module in same:
        page = client.get(f"/pupil/modules/{module.id}").get_data(as_text=True)
        assert f"{module.title}: {module.title}" not in page
    home = client.get("/pupil/").get_data(as_text=True)
    assert home.count('class="say"') > 10  # every topic card can be read aloud
