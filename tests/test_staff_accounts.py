"""School admins turn leavers' staff accounts off (and on again)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from helpers import PASSWORD, post
from quizapp.extensions import db
from quizapp.models import AuthSession, User


def _toggle(client, user_id: int, on: bool):
    return post(client, f"/teacher/staff/{user_id}/active", {"active": "1" if on else "0"}, token_from="/teacher/staff")


def test_turning_a_leaver_off_signs_them_out_everywhere_and_keeps_them_out(app, client, make_app, auth, world):
    other_device = app.test_client()
    assert post(other_device, "/signin", {"email": world.one.emails["teacher_b"], "password": PASSWORD}).status_code == 302
    assert other_device.get("/teacher/").status_code == 200
    auth.adult(world.one.emails["admin"])
    page = client.get("/teacher/staff").get_data(as_text=True)
    assert "Mr B" in page and "Badgers" in page and "Turn off" in page
    response = _toggle(client, world.one.user_ids["teacher_b"], on=False)
    assert response.status_code == 302
    assert "account is off" in client.get("/teacher/staff").get_data(as_text=True)
    assert other_device.get("/teacher/").status_code == 302  # signed out at once
    again = post(other_device, "/signin", {"email": world.one.emails["teacher_b"], "password": PASSWORD})
    assert again.status_code != 302 and "do not match an account" in again.get_data(as_text=True)
    with app.app_context():
        live = db.session.execute(select(AuthSession).where(
            AuthSession.user_id == world.one.user_ids["teacher_b"], AuthSession.ended_at.is_(None))).scalars().all()
        assert live == []
    _toggle(client, world.one.user_ids["teacher_b"], on=True)
    assert post(other_device, "/signin", {"email": world.one.emails["teacher_b"], "password": PASSWORD}).status_code == 302


def test_an_admin_cannot_turn_off_their_own_account_but_can_turn_off_another_admin(app, client, auth, world):
    auth.adult(world.one.emails["admin"])
    assert _toggle(client, world.one.user_ids["admin"], on=False).status_code == 302
    assert "cannot turn off your own account" in client.get("/teacher/staff").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, world.one.user_ids["admin"]).active
        db.session.get(User, world.one.user_ids["dsl"]).is_school_admin = True  # a second admin
        db.session.get(User, world.one.user_ids["teacher_a"]).is_dsl = True  # and a second DSL
        db.session.commit()
    assert _toggle(client, world.one.user_ids["dsl"], on=False).status_code == 302
    with app.app_context():
        assert not db.session.get(User, world.one.user_ids["dsl"]).active


def test_the_only_admin_account_cannot_be_turned_off(app, client, auth, world):
    from quizapp.services import accounts

    with app.app_context():
        admin = db.session.get(User, world.one.user_ids["admin"])
        other = db.session.get(User, world.one.user_ids["dsl"])
        other.is_school_admin = True
        db.session.commit()
        other.active = False
        db.session.commit()
        with pytest.raises(accounts.AccountError, match="only school admin"):
            accounts.set_staff_active(other, admin, False)
        assert db.session.get(User, world.one.user_ids["admin"]).active


@pytest.mark.parametrize("target", ["other_school_teacher", "parent", "missing"])
def test_another_schools_staff_or_a_parent_is_not_found(app, client, auth, world, target):
    user_id = {"other_school_teacher": world.two.user_ids["teacher_a"], "parent": world.one.user_ids["parent"],
               "missing": 2**31 - 1}[target]
    auth.adult(world.one.emails["admin"])
    assert _toggle(client, user_id, on=False).status_code == 404
    if target != "missing":
        with app.app_context():
            assert db.session.get(User, user_id).active
