"""Pupils signing in on shared class tablets with picture PINs."""
from __future__ import annotations

import re

from sqlalchemy import select

from helpers import PASSWORD, post
from quizapp.extensions import db
from quizapp.models import Pupil


def _join(client, auth, world, class_id=None):
    code = auth.open_class(world.one, class_id or world.one.class_a)
    assert post(client, "/tablet", {"code": code.lower()}, token_from="/tablet").status_code == 302
    return code


def test_class_code_shows_the_class_list(client, auth, world):
    _join(client, auth, world)
    page = client.get("/tablet/class").get_data(as_text=True)
    assert "Amara S." in page and "Ben S." in page
    assert "Chloe" not in page  # another class


def test_wrong_class_code_is_refused_kindly(client):
    response = post(client, "/tablet", {"code": "ZZZZZZ"}, token_from="/tablet")
    assert response.status_code == 400
    assert "That code did not work" in response.get_data(as_text=True)


def test_class_code_guessing_is_throttled(client):
    for _ in range(20):
        post(client, "/tablet", {"code": "ZZZZZZ"}, token_from="/tablet")
    assert post(client, "/tablet", {"code": "ZZZZZZ"}, token_from="/tablet").status_code == 429


def test_picture_pin_signs_the_pupil_in(client, auth, world):
    _join(client, auth, world)
    pupil = world.one.pupil_a
    response = post(client, f"/tablet/pupil/{pupil}", {"pin": world.one.pins[pupil]}, token_from="/tablet/class")
    assert response.headers["Location"].endswith("/pupil/")
    page = client.get("/pupil/").get_data(as_text=True)
    assert "Hello, Amara!" in page and "Not me?" in page
    assert client.get_cookie("remember_token") is None


def test_pin_works_one_tap_at_a_time_without_javascript(client, auth, world):
    _join(client, auth, world)
    pupil = world.one.pupil_a
    pictures = world.one.pins[pupil].split("-")
    so_far = []
    for picture in pictures[:-1]:
        response = post(client, f"/tablet/pupil/{pupil}", {"pick": picture, "so_far": "-".join(so_far)}, token_from="/tablet/class")
        assert response.status_code == 200
        so_far.append(picture)
        assert f'value="{"-".join(so_far)}"' in response.get_data(as_text=True)
    response = post(client, f"/tablet/pupil/{pupil}", {"pick": pictures[-1], "so_far": "-".join(so_far)}, token_from="/tablet/class")
    assert response.status_code == 302


def test_teacher_can_hand_over_the_device(client, auth, world):
    auth.adult(world.one.emails["teacher_a"])
    post(client, f"/teacher/classes/{world.one.class_a}/signin/open", token_from="/teacher/")
    page = client.get(f"/teacher/classes/{world.one.class_a}").get_data(as_text=True)
    signin_id = re.search(r'/tablet/handover/(\d+)', page).group(1)
    response = post(client, f"/tablet/handover/{signin_id}", token_from="/teacher/")
    assert response.headers["Location"] == "/tablet/class"
    assert client.get("/teacher/").status_code == 302  # the teacher is signed out on this device
    assert "Amara S." in client.get("/tablet/class").get_data(as_text=True)


def test_another_schools_teacher_cannot_hand_over_a_class(client, auth, world):
    auth.adult(world.one.emails["teacher_a"])
    post(client, f"/teacher/classes/{world.one.class_a}/signin/open", token_from="/teacher/")
    signin_id = re.search(r'/tablet/handover/(\d+)', client.get(f"/teacher/classes/{world.one.class_a}").get_data(as_text=True)).group(1)
    auth.signout()
    auth.adult(world.two.emails["teacher_a"])
    assert post(client, f"/tablet/handover/{signin_id}", token_from="/teacher/").status_code == 404


def test_wrong_pins_lock_only_that_pupil_and_a_reset_unlocks(app, client, auth, world):
    _join(client, auth, world)
    locked_pupil, classmate = world.one.pupil_a, world.one.pupil_a2
    wrong = "moon-moon-moon"  # moon is not on the grid: malformed
    assert post(client, f"/tablet/pupil/{locked_pupil}", {"pin": wrong}, token_from="/tablet/class").status_code == 400
    wrong = "cat-cat-cat" if world.one.pins[locked_pupil] != "cat-cat-cat" else "dog-dog-dog"
    for _ in range(app.config["PIN_FAILURES_BEFORE_LOCK"] - 1):
        assert post(client, f"/tablet/pupil/{locked_pupil}", {"pin": wrong}, token_from="/tablet/class").status_code == 401
    assert post(client, f"/tablet/pupil/{locked_pupil}", {"pin": wrong}, token_from="/tablet/class").status_code == 429
    # Even the right PIN waits now...
    right = post(client, f"/tablet/pupil/{locked_pupil}", {"pin": world.one.pins[locked_pupil]}, token_from="/tablet/class")
    assert right.status_code == 429 and "resting" in right.get_data(as_text=True)
    # ...but a classmate on the same tablet is not affected.
    ok = post(client, f"/tablet/pupil/{classmate}", {"pin": world.one.pins[classmate]}, token_from="/tablet/class")
    assert ok.status_code == 302
    post(client, "/tablet/switch", token_from="/pupil/")
    # The teacher sees the lock and resets the PIN.
    teacher = app.test_client()
    post(teacher, "/signin", {"email": world.one.emails["teacher_a"], "password": PASSWORD})
    assert "Resting after wrong tries" in teacher.get(f"/teacher/classes/{world.one.class_a}").get_data(as_text=True)
    flash = post(teacher, f"/teacher/pupils/{locked_pupil}/reset-pin", token_from="/teacher/", follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        new_pin = db.session.execute(select(Pupil.pin).where(Pupil.id == locked_pupil)).scalar_one()
    assert new_pin.replace("-", ", ") in flash
    assert post(client, f"/tablet/pupil/{locked_pupil}", {"pin": new_pin}, token_from="/tablet/class").status_code == 302


def test_picture_sign_in_is_refused_for_other_classes_and_schools(client, auth, world):
    _join(client, auth, world)
    for pupil_id in (world.one.pupil_b, world.two.pupil_a, 999999):
        response = post(client, f"/tablet/pupil/{pupil_id}", {"pin": "cat-cat-cat"}, token_from="/tablet/class")
        assert response.status_code == 404


def test_staff_and_parents_have_no_picture_sign_in(client, auth, world):
    """Adults are not on any class list, and the PIN page only takes pupils of the open class."""
    _join(client, auth, world)
    page = client.get("/tablet/class").get_data(as_text=True)
    assert "Ms A" not in page and "Pat Parent" not in page
    assert len(re.findall(r'class="name-button"', page)) == 2


def test_switch_pupil_returns_to_the_class_list_and_clears_the_browser(client, auth, world):
    auth.pupil(world.one, world.one.pupil_a)
    response = post(client, "/tablet/switch", token_from="/pupil/")
    assert response.headers["Location"] == "/tablet/class"
    assert response.headers["Clear-Site-Data"] == '"cache"'
    assert client.get("/pupil/").status_code == 302
    assert "Amara S." in client.get("/tablet/class").get_data(as_text=True)


def test_pupil_sign_out_also_returns_to_the_class_list(client, auth, world):
    auth.pupil(world.one, world.one.pupil_a)
    response = post(client, "/signout", token_from="/pupil/")
    assert response.headers["Location"] == "/tablet/class"
    assert "Clear-Site-Data" in response.headers


def test_idle_pupils_are_signed_out_after_twenty_minutes(app, client, auth, world, monkeypatch):
    import time as real_time

    auth.pupil(world.one, world.one.pupil_a)
    assert app.config["PUPIL_IDLE_MINUTES"] == 20
    now = real_time.time()
    monkeypatch.setattr("quizapp.services.sessions.time.time", lambda: now + 19 * 60)
    assert client.get("/pupil/").status_code == 200
    monkeypatch.setattr("quizapp.services.sessions.time.time", lambda: now + 19 * 60 + 21 * 60)
    response = client.get("/pupil/")
    assert response.status_code == 302 and response.headers["Location"] == "/tablet/class"


def test_closing_class_sign_in_signs_pupils_out(app, client, auth, world):
    auth.pupil(world.one, world.one.pupil_a)
    teacher = app.test_client()
    post(teacher, "/signin", {"email": world.one.emails["teacher_a"], "password": PASSWORD})
    post(teacher, f"/teacher/classes/{world.one.class_a}/signin/close", token_from="/teacher/")
    assert client.get("/pupil/").status_code == 302
    assert client.get("/tablet/class").headers["Location"] == "/tablet"
