"""Adults change their own password; other devices are signed out."""
from __future__ import annotations

import pytest

from helpers import PASSWORD, post

NEW = "river lantern biscuit"


def _change(client, current, new=NEW, again=None):
    return post(client, "/account/password", {"current": current, "new": new, "again": again or new},
                token_from="/account/password")


@pytest.mark.parametrize("role", ["teacher_a", "parent"])
def test_an_adult_changes_their_password_and_other_devices_are_signed_out(app, client, auth, world, role):
    email = world.one.emails[role]
    other_device = app.test_client()
    assert post(other_device, "/signin", {"email": email, "password": PASSWORD}).status_code == 302
    auth.adult(email)
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert 'href="/account/password"' in home  # reachable from every adult page
    done = _change(client, PASSWORD)
    assert done.status_code == 302
    assert "Your password is changed" in client.get(done.headers["Location"]).get_data(as_text=True)
    assert client.get("/account/password").status_code == 200  # still signed in here
    assert other_device.get("/account/password").status_code == 302  # signed out there
    post(client, "/signout", token_from="/account/password")
    assert post(client, "/signin", {"email": email, "password": PASSWORD}).status_code == 401
    assert post(client, "/signin", {"email": email, "password": NEW}).status_code == 302


@pytest.mark.parametrize("current,new,again,message", [
    ("wrong password here", NEW, NEW, "not your password now"),
    (PASSWORD, "short", "short", "at least 10 characters"),
    (PASSWORD, NEW, NEW + "x", "not the same"),
    ("", NEW, NEW, "Enter your password now"),
])
def test_bad_input_changes_nothing_and_says_why(app, client, auth, world, current, new, again, message):
    auth.adult(world.one.emails["teacher_a"])
    response = _change(client, current, new, again)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    post(client, "/signout", token_from="/account/password")
    assert post(client, "/signin", {"email": world.one.emails["teacher_a"], "password": PASSWORD}).status_code == 302


def test_wrong_current_passwords_lock_the_account_like_wrong_sign_ins(app, client, auth, world):
    auth.adult(world.one.emails["teacher_a"])
    for _ in range(5):
        _change(client, "not it at all")
    post(client, "/signout", token_from="/account/password")
    assert post(client, "/signin", {"email": world.one.emails["teacher_a"], "password": PASSWORD}).status_code == 429


def test_the_server_sets_a_forgotten_password_and_unlocks_the_account(app, client, auth, world):
    email = world.one.emails["teacher_a"]
    for _ in range(5):
        post(client, "/signin", {"email": email, "password": "forgotten it"})
    assert post(client, "/signin", {"email": email, "password": PASSWORD}).status_code == 429  # locked
    runner = app.test_cli_runner()
    assert runner.invoke(args=["set-password", email, "--password", "short"]).exit_code != 0
    assert "no account" in runner.invoke(args=["set-password", "nobody@nowhere.test", "--password", NEW]).output
    result = runner.invoke(args=["set-password", email.upper(), "--password", NEW])
    assert result.exit_code == 0 and "signed out everywhere" in result.output
    assert post(client, "/signin", {"email": email, "password": NEW}).status_code == 302
