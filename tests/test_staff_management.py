"""A school admin manages staff in the app: adds them with roles, invites
them by email (a single-use link for 72 hours), changes roles, and every
change is audited. The last DSL and the last school admin stay."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from helpers import PASSWORD, post
from quizapp.extensions import db
from quizapp.models import INVITE, StaffAudit, User, UserToken, now_utc
from quizapp.services import outbox

LINK = re.compile(r"https://staysafe.test(/invite/[A-Za-z0-9_-]+)")
NEW_PASSWORD = "meadow kettle sparrow"


def _add(client, name="Ms New", email="new@oak.test", roles=("dsl",)):
    return post(client, "/teacher/staff/new", {"name": name, "email": email, "roles": list(roles)},
                token_from="/teacher/staff")


def _roles(client, user_id, roles):
    return post(client, f"/teacher/staff/{user_id}/roles", {"roles": list(roles)}, token_from="/teacher/staff")


def _invite_links(app, smtp) -> list[str]:
    with app.app_context():
        outbox.send_due()
    return [LINK.search(m.get_content()).group(1) for _, m in smtp.inbox.received if LINK.search(m.get_content())]


def _user(app, email) -> User:
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == email)).scalar_one()
        db.session.expunge(user)
        return user


def test_an_admin_adds_a_dsl_who_sets_a_password_from_the_emailed_link_once(app, client, auth, world, smtp):
    auth.adult(world.one.emails["admin"])
    assert _add(client, roles=("dsl", "teacher")).status_code == 302
    page = client.get("/teacher/staff").get_data(as_text=True)
    assert "Ms New" in page and "Invited: no password yet" in page and "invited by email" in page
    new = _user(app, "new@oak.test")
    assert new.is_dsl and new.is_teacher and not new.is_school_admin and new.invite_pending and new.school_id == world.one.school_id
    with app.app_context():  # the link is written when sent: never stored
        [row] = db.session.execute(select(outbox.OutboxMessage)).scalars().all()
        assert row.kind == "staff-invite" and row.body == ""

    [link] = _invite_links(app, smtp)
    [(to, message)] = smtp.inbox.received
    assert to == ["new@oak.test"] and "72 hours" in message.get_content() and "Oak" in message["Subject"]
    with app.app_context():
        token = db.session.execute(select(UserToken).where(UserToken.purpose == INVITE)).scalar_one()
        assert timedelta(hours=71) < token.expires_at - token.created_at <= timedelta(hours=72)

    newcomer = app.test_client()
    assert "Choose your password" in newcomer.get(link).get_data(as_text=True)
    done = post(newcomer, link, {"new": NEW_PASSWORD, "again": NEW_PASSWORD}, token_from=link)
    assert done.status_code == 302
    assert newcomer.get("/teacher/").status_code == 200
    assert not _user(app, "new@oak.test").invite_pending
    assert newcomer.get(link).status_code == 400  # once only
    other = app.test_client()
    assert post(other, "/signin", {"email": "new@oak.test", "password": NEW_PASSWORD}).status_code == 302


def test_an_invitation_link_runs_out_after_72_hours_and_can_be_sent_again(app, client, auth, world, smtp):
    auth.adult(world.one.emails["admin"])
    _add(client)
    [old] = _invite_links(app, smtp)
    with app.app_context():
        db.session.execute(update(UserToken).values(expires_at=now_utc() - timedelta(minutes=1)))
        db.session.commit()
    assert app.test_client().get(old).status_code == 400
    new_id = _user(app, "new@oak.test").id
    assert post(client, f"/teacher/staff/{new_id}/invite", token_from="/teacher/staff").status_code == 302
    links = _invite_links(app, smtp)
    assert len(links) == 2 and links[1] != old
    assert app.test_client().get(links[1]).status_code == 200


def test_adding_needs_a_role_a_name_and_a_new_email_and_keeps_what_was_typed(app, client, auth, world):
    auth.adult(world.one.emails["admin"])
    no_role = _add(client, roles=())
    assert no_role.status_code == 400 and "Choose at least one role" in no_role.get_data(as_text=True)
    assert 'value="new@oak.test"' in no_role.get_data(as_text=True)
    taken = _add(client, email=world.two.emails["teacher_a"])
    assert taken.status_code == 400 and "already an account" in taken.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(User).where(User.email == "new@oak.test")).first() is None


def test_roles_change_several_at_once_and_every_change_is_audited(app, client, auth, world):
    auth.adult(world.one.emails["admin"])
    teacher = world.one.user_ids["teacher_a"]
    assert _roles(client, teacher, ("teacher", "deputy_dsl", "school_admin")).status_code == 302
    with app.app_context():
        user = db.session.get(User, teacher)
        assert user.is_teacher and user.is_deputy_dsl and user.is_school_admin and not user.is_dsl
        [row] = db.session.execute(select(StaffAudit)).scalars().all()
        assert row.actor_id == world.one.user_ids["admin"] and row.staff_id == teacher and row.at is not None
        assert "from Teacher to Teacher, Deputy DSL, School admin" in row.action
    assert _roles(client, teacher, ()).status_code == 302
    assert "Choose at least one role" in client.get("/teacher/staff").get_data(as_text=True)


def test_the_last_dsl_and_the_last_admin_cannot_be_removed(app, client, auth, world):
    auth.adult(world.one.emails["admin"])
    dsl, admin = world.one.user_ids["dsl"], world.one.user_ids["admin"]
    _roles(client, dsl, ("teacher",))
    assert "only designated safeguarding lead" in client.get("/teacher/staff").get_data(as_text=True)
    post(client, f"/teacher/staff/{dsl}/active", {"active": "0"}, token_from="/teacher/staff")
    assert "only designated safeguarding lead" in client.get("/teacher/staff").get_data(as_text=True)
    _roles(client, admin, ("teacher",))
    assert "only school admin" in client.get("/teacher/staff").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, dsl).is_dsl and db.session.get(User, dsl).active
        assert db.session.get(User, admin).is_school_admin
        assert db.session.execute(select(StaffAudit)).first() is None  # nothing changed, nothing audited
    # With a second DSL, the first can go.
    _roles(client, world.one.user_ids["teacher_a"], ("teacher", "dsl"))
    _roles(client, dsl, ("teacher",))
    with app.app_context():
        assert not db.session.get(User, dsl).is_dsl


def test_turning_off_and_on_is_audited(app, client, auth, world):
    auth.adult(world.one.emails["admin"])
    post(client, f"/teacher/staff/{world.one.user_ids['teacher_b']}/active", {"active": "0"}, token_from="/teacher/staff")
    page = client.get("/teacher/staff").get_data(as_text=True)
    assert "account turned off" in page


def test_another_schools_staff_cannot_be_changed(app, client, auth, world):
    auth.adult(world.one.emails["admin"])
    other = world.two.user_ids["teacher_a"]
    assert _roles(client, other, ("dsl",)).status_code == 404
    assert post(client, f"/teacher/staff/{other}/invite", token_from="/teacher/staff").status_code == 404
    with app.app_context():
        assert not db.session.get(User, other).is_dsl


def test_a_password_reset_link_is_not_an_invitation(app, client, world):
    assert client.get("/invite/not-a-token").status_code == 400
    assert PASSWORD  # the world's accounts keep their passwords
