"""Fuzzing with Hypothesis: whatever arrives, the app answers 2xx, 3xx or 4xx,
never a 500 or an unhandled exception.

1. Every form endpoint, signed in as someone who may use it, with random and
   hostile form data (and a valid CSRF token); a few pages' query strings;
   any number in every path that holds one; and names the forms accept,
   shown on every page and download.
2. The answer and chat endpoints: random JSON, random answer fields for a
   real question of every type, and tokens that are not ours.
3. The class-list import: parse_roster with random bytes, text and CSV, and
   the upload page with random files.

The world is built once per test; Hypothesis' examples share it and the
signed-in client (the tables are only emptied after each test), so a form
that archives a pupil leaves them archived for the examples after it.

Bugs found here are kept as plain regression tests at the end.
"""
from __future__ import annotations

import base64
import io
import json
import logging
import os
import re
import traceback
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

import fuzz_strategies as fs
from helpers import PASSWORD, SchoolWorld, World, csrf_token, post
from quizapp import rate_limits
from quizapp.content import get_content
from quizapp.extensions import db
from quizapp.models import STATUSES, Answer, Pupil, School, SchoolClass, User
from quizapp.models.concern import CATEGORIES, TALK_TO
from quizapp.questions import REGISTRY
from quizapp.services.roster_import import MAX_FIRST_NAME, RosterPreview, parse_roster, roster_template_csv
from simulation.solver import right_fields
from test_access import ROUTES, _expected, _sign_in

# FUZZ_SCALE=10 runs ten times the examples (a longer hunt, e.g. nightly).
SCALE = int(os.environ.get("FUZZ_SCALE", "1"))
FUZZ = settings(max_examples=30 * SCALE, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
FEW = settings(FUZZ, max_examples=25 * SCALE)
MORE = settings(FUZZ, max_examples=50 * SCALE)

M = "passwords-4-7"


# --------------------------------------------------------------- plumbing


class ServerErrors(list):
    def __repr__(self) -> str:  # Hypothesis prints the fixtures of a failing example
        return f"<{len(self)} server errors>"


@pytest.fixture
def server_errors(app):
    """Tracebacks of the unhandled errors the app logged (its 500 handler logs them)."""
    found = ServerErrors()

    class Keep(logging.Handler):
        def emit(self, record):
            if record.exc_info:
                found.append("".join(traceback.format_exception(*record.exc_info)))

    handler = Keep(level=logging.ERROR)
    app.logger.addHandler(handler)
    yield found
    app.logger.removeHandler(handler)


def no_server_error(response, errors: list[str], what: str = "") -> None:
    if currently_in_test_context():  # (the regression tests call this too)
        event(f"status {response.status_code}")
    assert response.status_code < 500, f"{what}: {response.status_code}\n{errors[-1][-3000:] if errors else ''}"
    assert 200 <= response.status_code < 500
    for name, value in response.headers.items():
        assert sendable(value), f"{what}: header {name}: {value!r} cannot be sent"


def sendable(value: str) -> bool:
    """Fit for an HTTP header: a WSGI server sends headers as ISO-8859-1 (PEP 3333)
    and HTTP allows no control characters but tab in a header's value."""
    return all(c == "\t" or " " <= c <= "~" or "\x80" <= c <= "\xff" for c in value)


class Visitor:
    """A client signed in as one role, once per test (or again when asked)."""

    def __init__(self, client, auth, world, role: str):
        self.client, self.auth, self.world, self.role = client, auth, world, role

    def sign_in(self) -> Visitor:
        if self.role == "tablet":  # a tablet that joined class A's sign-in; nobody signed in yet
            code = self.auth.open_class(self.world.one, self.world.one.class_a)
            post(self.client, "/tablet", {"code": code}, token_from="/tablet")
        else:
            _sign_in(self.auth, self.world, self.role)
        self.fresh = True  # signed in, and no example has used it yet
        return self

    def token(self) -> str:
        page = {"anon": "/signin", "tablet": f"/tablet/pupil/{self.world.one.pupil_a}"}.get(self.role, "/")
        return csrf_token(self.client, page)


def _paths() -> dict:
    return {endpoint: path for endpoint, _, path, _ in ROUTES}


# ------------------------------------------------------- 1. every form


def _fields(app, w, endpoint: str) -> fs.Fields:
    """Each form's fields: values its page sends, and odd ones (the strategies add hostile ones)."""
    F = fs.field
    one, two = w.one, w.two
    with app.app_context():
        content = get_content()
        topics = [t.id for t in content.topics]
        module = content.modules[M]
        real_ids = [module.id, *(q.id for q in module.bank.questions)]
        staff_ids = [str(i) for i in db.session.execute(select(User.id).where(User.school_id == one.school_id)).scalars()]
    years, odd_years = [str(n) for n in range(7)], ["-1", "7", "01", " 1", "١"]
    pupil = {"first_name": F(["Amara", "Zoë", "Mary-Jane", "ZOË", "O'Neil", "Zoe" * 13], ["İ" * 40, "ǅ", "ß" * 40]),
             "last_name": F(["S", "Smith", "o'brien"], ["ß", "ﬁsh", "'", "1"]),
             "year_group": F(years, odd_years),
             "class_id": F([str(one.class_a)], [str(one.class_b), str(two.class_a), "0", "-1", "99999999999999999999"])}
    new_email = F(["new.person@example.test", "New.Person@Example.TEST"], [*one.emails.values(), "a@b", "İ" * 120 + "@x.io"])
    codes = F(["K7QM-4TXA", "ABCDEF", "abc def"], ["ＡＢＣＤＥＦ", "0O1IL", "ß" * 3, ""])
    answer = {"module": F(real_ids), "question": F(real_ids), "client_id": F([uuid.uuid4().hex], ["x" * 65, "-" * 8]),
              "answer_token": F(["forged"], [""]), "source": F(["quiz", "lesson"]), "path": F([""]), "choice": F(["a"])}
    template = base64.b64encode(roster_template_csv().encode()).decode()
    table = {
        "auth.signin": {"email": F([one.emails["teacher_a"]], [w.platform_admin, "nobody@example.test"]),
                        "password": F([PASSWORD], ["wrong password"]),
                        "next": F(["/teacher/", "/teacher/coverage?year=1", ""], ["//evil.test", "https://evil.test", "/\\evil.test"])},
        "auth.tablet": {"code": codes},
        "auth.pin": {"pin": F([one.pins[one.pupil_a]], ["cat-cat-cat", "cat"]), "so_far": F(["", "cat", "cat-dog"]),
                     "pick": F(["cat", "dog", "sun"])},
        "parent.register": {"name": F(["Pat"]), "email": new_email, "password": F([PASSWORD], ["short"]), "code": codes},
        "parent.link": {"code": codes},
        "teacher.roster_import_confirm": {"csv_b64": F([template], ["!!", "AAAA", ""])},
        "teacher.assignments": {"target": F([f"c{one.class_a}", "y1"], [f"c{two.class_a}", "y4", "y9", "c", ""]),
                                "topics": F(topics, ["nonsense"]), "revisit": F(["", "y"]),
                                "start_on": F(["", "2025-09-01"], ["0001-01-01", "9999-12-31", "2025-02-30"]),
                                "due_on": F(["", "2025-09-30"], ["0001-01-01", "9999-12-31"])},
        "teacher.set_class_topic": {"topic": F(topics, ["nonsense", ""]),
                                    "due_on": F(["", "2025-09-30"], ["0001-01-01", "9999-12-31", "2025-02-30"])},
        "teacher.add_pupil": pupil,
        "teacher.edit_pupil": pupil,
        "school_admin.add_class": {"name": F(["Owls", " Foxes "], ["Hedgehogs", "x" * 61]), "year_group": F(years, odd_years)},
        "school_admin.school_settings": {"retention_months": F(["1", "36", "120"], ["0", "121", "1e3", "99999999999999999999"]),
                                         "timezone": F(["Europe/London", "Asia/Dubai"], ["", "Mars/Olympus", "../etc/passwd"])},
        "school_admin.erase_pupil": {"confirm": F(["Amara", " AMARA "], ["Ben"])},
        "school_admin.set_staff_active": {"active": F(["0", "1"], ["2", "", "yes", "-1"])},
        "school_admin.revisit_schedule": {"revisit_first_weeks": F(["3", "1"], ["0", "52", "x", "99999999999999999999"]),
                                          "revisit_second_weeks": F(["8", "52"], ["1", "53", "", "-4"])},
        "teacher.set_revisits": {"on": F(["0", "1"], ["2", "", "yes"])},
        "school_admin.add_staff": {"name": F(["Ms New", " Zoë O'Neil "], ["", "x" * 81]), "email": new_email,
                                   "roles": F(["teacher", "dsl", "deputy_dsl", "school_admin"], ["", "platform_admin"])},
        "school_admin.set_staff_roles": {"roles": F(["teacher", "dsl", "deputy_dsl", "school_admin"], ["", "owner"])},
        "school_admin.safe_adults_page": {"name": F(["Mrs Patel"], ["", "x" * 81]),
                                          "role": F(["keeps children safe at our school"], ["", "y" * 121])},
        "school_admin.edit_safe_adult": {"name": F(["Mrs Patel"], ["", "x" * 81]), "role": F(["our DSL"], [""]),
                                         "remove_photo": F(["y", ""])},
        "auth.accept_invite": {"new": F(["river lantern biscuit"], ["short"]), "again": F(["river lantern biscuit"], ["x"])},
        "auth.change_password": {"current": F([PASSWORD], ["wrong password"]),
                                 "new": F(["river lantern biscuit"], ["short", "x" * 201]),
                                 "again": F(["river lantern biscuit"], ["something else"])},
        "school_admin.class_teachers": {"teacher": F(staff_ids, ["-1", "99999999999999999999"])},
        "pupil.settings": {"text_size": F(["normal", "large"], ["huge"]), "dyslexia_font": F(["y", ""]),
                           "high_contrast": F(["y", ""]), "read_to_me": F(["y", ""]), "sounds": F(["y", ""])},
        "teacher.pupil_read_to_me": {"on": F(["0", "1"], ["", "yes"])},
        "teacher.class_read_to_me": {"on": F(["0", "1"], ["", "yes"])},
        "auth.leave_tablet": {"code": F(["", "ABC123"]), "email": F(["", "teacher@oak.test"]), "password": F(["", PASSWORD])},
        "pupil.worried": {"category": F(CATEGORIES), "words": F(["Someone was mean", ""]), "talk_to": F(TALK_TO)},
        "pupil_api.answer": answer,
        "pupil_api.chat": answer,
        "safeguarding.add_note": {"body": F(["Spoke to parents."])},
        "safeguarding.set_status": {"status": F(STATUSES, ["open"]), "action_taken": F(["Called home", ""]),
                                    "close_reason": F(["Resolved", ""])},
        "admin.home": {"name": F(["Birch Primary"]), "slug": F(["birch", "Birch-2"], ["oak", "birch primary"]),
                       "admin_name": F(["Mrs B"]), "admin_email": new_email, "admin_password": F([PASSWORD], ["short"])},
    }
    return table.get(endpoint, {})


# endpoint -> the role that may use it. Forms that sign the user out sign in again for every example.
FORMS = {
    "auth.signin": "anon", "auth.tablet": "anon", "parent.register": "anon", "auth.forgot_password": "anon",
    "auth.reset_password": "anon", "safeguarding.alert_settings": "dsl",
    "auth.pin": "tablet",
    "auth.signout": "teacher_a", "auth.change_password": "teacher_a", "auth.switch_pupil": "pupil", "auth.leave_tablet": "pupil", "auth.handover": "teacher_a",
    "parent.link": "parent",
    "teacher.class_letters": "teacher_a", "teacher.revoke_parent_link": "teacher_a", "teacher.open_signin": "teacher_a",
    "teacher.close_signin": "teacher_a", "teacher.reset_pin": "teacher_a", "teacher.remove_assignment": "teacher_a",
    "teacher.roster_import_page": "teacher_a", "teacher.roster_import_confirm": "teacher_a",
    "teacher.assignments": "teacher_a", "teacher.set_class_topic": "teacher_a", "teacher.add_pupil": "teacher_a", "teacher.edit_pupil": "teacher_a",
    "teacher.archive_pupil": "teacher_a", "teacher.pupil_read_to_me": "teacher_a", "teacher.class_read_to_me": "teacher_a",
    "pupil.no_voice": "pupil",
    "school_admin.add_class": "admin", "school_admin.school_settings": "admin", "school_admin.erase_pupil": "admin",
    "school_admin.class_teachers": "admin", "school_admin.set_staff_active": "admin",
    "school_admin.revisit_schedule": "admin", "teacher.set_revisits": "teacher_a", "pupil.remember_next": "pupil",
    "school_admin.add_staff": "admin", "school_admin.set_staff_roles": "admin", "school_admin.resend_invite": "admin",
    "school_admin.safe_adults_page": "admin", "school_admin.edit_safe_adult": "admin",
    "school_admin.remove_safe_adult": "admin", "auth.accept_invite": "anon",
    "pupil.lesson_next": "pupil", "pupil.quiz_next": "pupil", "pupil.settings": "pupil", "pupil.worried": "pupil",
    "pupil_api.answer": "pupil", "pupil_api.chat": "pupil",
    "safeguarding.add_note": "dsl", "safeguarding.set_status": "dsl", "safeguarding.share": "dsl",
    "admin.home": "platform",
}
SIGNS_OUT = {"auth.signout", "auth.switch_pupil", "auth.leave_tablet"}


def test_every_form_endpoint_is_fuzzed(app):
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}
    missing = sorted(posts - set(FORMS) - {"static"})
    assert not missing, f"POST endpoints with no row in FORMS: {missing}"
    assert set(FORMS) <= set(_paths()), "every fuzzed endpoint has a path in test_access.ROUTES"


@pytest.fixture
def me(endpoint, client, auth, world) -> Visitor:
    """Signed in once per test as the role that may use `endpoint`."""
    return Visitor(client, auth, world, FORMS[endpoint]).sign_in()


@pytest.fixture
def fields(endpoint, app, world) -> fs.Fields:
    return _fields(app, world, endpoint)


@pytest.mark.parametrize("endpoint", sorted(FORMS))
@FEW
@given(data=st.data())
def test_forms_never_fail(client, world, me, fields, server_errors, endpoint, data):
    if endpoint in SIGNS_OUT and not me.fresh:
        rate_limits.reset(client.application)  # signing in for every example goes past the per-minute limit
        me.sign_in()
    me.fresh = False
    form = data.draw(fs.form_data(fields), label="form")
    form.setlist("csrf_token", [me.token()])
    url = _paths()[endpoint](world)
    response = client.post(url, data=form)
    no_server_error(response, server_errors, f"POST {url} {form!r}"[:3000])


# A few pages that read their query string.
QUERIES = [
    ("pupil", lambda w, chat: chat, lambda w: {"path": fs.field(["", "a", "a,b"])}),
    ("pupil", lambda w, chat: f"/pupil/modules/{M}/lesson/1", lambda w: {"path": fs.field(["a"])}),
    ("dsl", lambda w, chat: "/safeguarding/", lambda w: {"status": fs.field(STATUSES, ["", "all"])}),
    ("teacher_a", lambda w, chat: "/teacher/coverage", lambda w: {"year": fs.field(["1", "4"], ["-1", "٣", " 1 ", "1_0", "9" * 30]),
                                                        "format": fs.field(["csv", "html"]), "by": fs.field(["topic", "strand"])}),
    ("admin", lambda w, chat: "/teacher/coverage", lambda w: {"year": fs.field(["0", "6"], ["7"]), "format": fs.field(["csv"]),
                                                    "by": fs.field(["strand"])}),
    ("teacher_a", lambda w, chat: f"/teacher/classes/{w.one.class_a}/progress", lambda w: {"format": fs.field(["csv"])}),
    ("teacher_a", lambda w, chat: f"/teacher/classes/{w.one.class_a}/questions", lambda w: {"format": fs.field(["csv"])}),
    ("teacher_a", lambda w, chat: "/teacher/years/1/progress", lambda w: {"format": fs.field(["csv"])}),
    ("teacher_a", lambda w, chat: "/teacher/years/1/questions", lambda w: {"format": fs.field(["csv"])}),
    ("teacher_a", lambda w, chat: f"/teacher/pupils/{w.one.pupil_a}", lambda w: {"format": fs.field(["csv"])}),
    ("teacher_a", lambda w, chat: "/teacher/pupils/new", lambda w: {"class_id": fs.field([str(w.one.class_a)], [str(w.two.class_a), "-1"])}),
    ("anon", lambda w, chat: "/signin", lambda w: {"next": fs.field(["/teacher/"], ["//evil.test"])}),
    ("anon", lambda w, chat: "/parent/register", lambda w: {"code": fs.field(["K7QM-4TXA"])}),
]
# Raw query strings, not necessarily well encoded.
raw_queries = st.text(alphabet=st.sampled_from("%&=+;#?/ab01fF\\u\x00é"), max_size=40)


@pytest.fixture
def chat_quiz_page(app) -> str:
    """The quiz page of a chat question in pupil A's band (4-7)."""
    with app.app_context():
        for module in get_content().modules_for_band("4-7"):
            for n, q in enumerate(module.bank.questions, start=1):
                if q.type == "chat_scenario":
                    return f"/pupil/modules/{module.id}/quiz/{n}"
    pytest.skip("no chat question for ages 4-7")


@pytest.mark.parametrize("number", range(len(QUERIES)), ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(QUERIES)])
@FEW
@given(data=st.data())
def test_query_strings_never_fail(client, auth, world, chat_quiz_page, server_errors, signed_in_for_query, number, data):
    role, path, params = QUERIES[number]
    url = path(world, chat_quiz_page)
    query = data.draw(st.one_of(fs.form_data(params(world)), raw_queries), label="query")
    response = client.get(url, query_string=query)
    no_server_error(response, server_errors, f"GET {url} ? {query!r}"[:3000])


@pytest.fixture
def signed_in_for_query(number, client, auth, world) -> Visitor:
    return Visitor(client, auth, world, QUERIES[number][0]).sign_in()


@MORE
@given(next_url=st.one_of(fs.hostile_text, fs.hostile_text.map("/".__add__), st.sampled_from(["//evil.test", "/\\evil.test", "https://evil.test/x",
                                                              "/\t/evil.test", " //evil.test", "/ok", "javascript:alert(1)"])))
def test_signing_in_never_leaves_the_site(client, world, server_errors, next_url):
    """Whatever `next` holds, a successful sign-in lands on a page of this site."""
    rate_limits.reset(client.application)  # more sign-ins than the per-minute limit allows
    response = post(client, "/signin", {"email": world.one.emails["teacher_a"], "password": PASSWORD, "next": next_url})
    no_server_error(response, server_errors, f"next={next_url!r}")
    if "\x00" in next_url:  # NUL is never real input: refused before sign-in
        assert response.status_code == 400
        return
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert not location.scheme and not location.netloc and response.headers["Location"].startswith("/")


# Every route with a number in its path (a record's id, a year, a step), with any number there.
_NUMBER = re.compile(r"(?<=/)\d+(?=/|\.|$)")
_ROLES = ("teacher_a", "teacher_b", "dsl", "admin", "parent")
_SAMPLE_WORLD = World(one=SchoolWorld(1, "oak", 1, 2, 3, 4, 5, 6, 7, user_ids=dict(zip(_ROLES, range(15, 20), strict=True))),
                      two=SchoolWorld(2, "elm", 8, 9, 10, 11, 12, 13, 14, user_ids=dict(zip(_ROLES, range(20, 25), strict=True))),
                      platform_admin="platform@deploy.test")
ID_ROUTES = {endpoint: (method, path, next((r for r in ("teacher_a", "admin", "dsl", "pupil", "parent", "platform", "anon")
                                            if _expected(table, r) < 400), "teacher_a"))
             for endpoint, method, path, table in ROUTES if _NUMBER.search(path(_SAMPLE_WORLD))}
numbers = st.one_of(st.integers(min_value=0, max_value=2**70).map(str), st.text("0123456789", min_size=1, max_size=30),
                    st.sampled_from([str(n) for n in (2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**30)] + ["9" * 5000]))


@pytest.fixture
def signed_in_for_ids(endpoint, client, auth, world) -> Visitor:
    return Visitor(client, auth, world, ID_ROUTES[endpoint][2]).sign_in()


@pytest.mark.parametrize("endpoint", sorted(ID_ROUTES))
@settings(FUZZ, max_examples=12 * SCALE)
@given(data=st.data())
def test_any_number_in_a_path(client, world, signed_in_for_ids, server_errors, endpoint, data):
    method, path, _ = ID_ROUTES[endpoint]
    def swap(_match) -> str:
        return data.draw(numbers, label="number")

    url = _NUMBER.sub(swap, path(world))
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data={"csrf_token": signed_in_for_ids.token()})
    no_server_error(response, server_errors, f"{method} {url[:200]}")


names = st.one_of(fs.name_cells(), fs.tricky_text, fs.hostile_text.map(str))


@pytest.fixture
def admin(client, auth, world):
    auth.adult(world.one.emails["admin"])


@FUZZ
@given(class_name=names, first_name=names, last_name=names)
def test_whatever_the_forms_accept_can_be_shown_and_downloaded(app, client, world, admin, server_errors,
                                                                class_name, first_name, last_name):
    """A class and a pupil added through the forms, with any names they
    accept, fit their columns and appear on every page and download."""
    made = post(client, "/teacher/classes/new", {"name": class_name, "year_group": "3"}, token_from="/")
    no_server_error(made, server_errors, f"class {class_name!r}")
    if made.status_code != 302:  # refused (a NUL character, say): nothing to look up
        return
    with app.app_context():
        class_id = db.session.execute(select(SchoolClass.id).where(
            SchoolClass.school_id == world.one.school_id, SchoolClass.name == class_name.strip())).scalar()
    if class_id is None:
        return
    event("class added")
    try:
        _show_class_and_pupil(app, client, server_errors, class_id, f"{class_name!r}", first_name, last_name)
    finally:  # the next example may use the same name again
        with app.app_context():
            db.session.execute(delete(Pupil).where(Pupil.class_id == class_id))
            db.session.execute(delete(SchoolClass).where(SchoolClass.id == class_id))
            db.session.commit()


def _show_class_and_pupil(app, client, server_errors, class_id, class_name, first_name, last_name):
    form = {"first_name": first_name, "last_name": last_name, "year_group": "3", "class_id": str(class_id)}
    added = post(client, "/teacher/pupils/new", form, token_from="/")
    no_server_error(added, server_errors, f"pupil {form!r}")
    with app.app_context():
        pupil = db.session.execute(select(Pupil).where(Pupil.class_id == class_id)).scalar()
        if pupil is not None:
            event("pupil added")
            assert len(pupil.first_name) <= MAX_FIRST_NAME and len(pupil.last_initial) == 1, (pupil.first_name, pupil.last_initial)
    pages = [f"/teacher/classes/{class_id}", f"/teacher/classes/{class_id}/progress", f"/teacher/classes/{class_id}/progress?format=csv",
             f"/teacher/classes/{class_id}/questions?format=csv", f"/teacher/classes/{class_id}/cards.zip", "/teacher/years/3/progress"]
    if pupil is not None:
        pages += [f"/teacher/pupils/{pupil.id}", f"/teacher/pupils/{pupil.id}?format=csv", f"/teacher/pupils/{pupil.id}/export.json"]
    for url in pages:
        no_server_error(client.get(url), server_errors, f"GET {url} for class {class_name} and {form!r}")


# ------------------------------------------------ 2. answers and chats

TOKEN = re.compile(r'name="answer_token" value="([^"]+)"')



@dataclass
class Quiz:
    """A signed-in pupil on a question's page: what an answer needs."""

    client: object
    module_id: str
    question: object
    token: str

    def envelope(self, fields, **changes) -> dict:
        return {"module": self.module_id, "question": self.question.id, "client_id": uuid.uuid4().hex,
                "token": self.token, "source": "quiz", "fields": fields, **changes}

    def send(self, doc, path: str = "/pupil/api/answer"):
        return self.client.post(path, data=json.dumps(doc), content_type="application/json",
                                headers={"Accept": "application/json"})


def _question_of_type(app, kind: str):
    with app.app_context():
        content = get_content()
        question = next(q for q in content.questions.values() if q.type == kind)
        return content.modules[content.question_module[question.id]], question


def _open_quiz(app, client, auth, world, year6, kind: str) -> Quiz:
    module, question = _question_of_type(app, kind)
    if module.band == "4-7":
        auth.pupil(world.one, world.one.pupil_a)
    elif module.band == "7-9":
        auth.pupil(world.one, world.one.pupil_b)
    else:
        auth.pupil(world.one, year6[1], class_id=year6[0])
    page = client.get(f"/pupil/modules/{module.id}/quiz/1").get_data(as_text=True)
    return Quiz(client, module.id, question, TOKEN.search(page).group(1))


QUESTION_TYPES = sorted(REGISTRY)


@pytest.fixture
def quiz(request, app, client, auth, world, year6) -> Quiz:
    return _open_quiz(app, client, auth, world, year6, getattr(request, "param", "chat_scenario"))


def _answers_stored(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(Answer.id))).scalar_one()


@pytest.mark.parametrize("quiz", QUESTION_TYPES, indirect=True)
@MORE
@given(data=st.data())
def test_random_answer_fields_for_every_question_type(app, quiz, server_errors, data):
    """Anything in "fields": a graded answer (200) or a kind refusal (400)."""
    fields = data.draw(fs.answer_fields(quiz.question), label="fields")
    response = quiz.send(quiz.envelope(fields, client_id=data.draw(st.uuids(), label="client id").hex))
    no_server_error(response, server_errors, f"{quiz.question.type} {fields!r}"[:3000])
    assert response.status_code in (200, 400), response.json
    if response.status_code == 200:
        body = response.json
        assert body["stored"] is True and isinstance(body["correct"], bool) and 0 <= body["score"] <= 1
    else:
        assert isinstance(response.json["error"], str) and response.json["error"]


@pytest.mark.parametrize("path", ["/pupil/api/answer", "/pupil/api/chat"])
@MORE
@given(data=st.data())
def test_random_json_documents(app, quiz, server_errors, path, data):
    """Any JSON at all, on its own or in place of part of a real answer."""
    doc = data.draw(fs.json_documents, label="document")
    shape = data.draw(st.sampled_from(["alone", "merged", "one key"]), label="shape")
    if shape == "merged" and isinstance(doc, dict):
        doc = {**quiz.envelope({"path": ""}), "path": [], **doc}
    elif shape == "one key":
        key = data.draw(st.sampled_from(["module", "question", "client_id", "token", "source", "fields", "path"]), label="key")
        doc = {**quiz.envelope({"path": ""}), "path": [], key: doc}
    response = quiz.send(doc, path)
    no_server_error(response, server_errors, f"{path} {doc!r}"[:3000])
    assert response.status_code in (200, 400, 403, 404)
    assert response.is_json


@MORE
@given(data=st.data())
def test_chat_walks_any_path(app, quiz, server_errors, data):
    """The chat endpoint with a valid token and any list of choices."""
    ids = fs.answer_values(quiz.question)
    path = data.draw(st.one_of(st.lists(st.one_of(st.sampled_from(ids), fs.hostile_text), max_size=25),
                               fs.json_documents), label="path")
    response = quiz.send({**quiz.envelope({}), "path": path}, "/pupil/api/chat")
    no_server_error(response, server_errors, f"path={path!r}"[:3000])
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert set(response.json) == {"path", "messages", "choices", "ending", "last_feedback"}


def _tampered(token: str) -> st.SearchStrategy[str]:
    return st.tuples(st.integers(0, len(token) - 1), st.sampled_from("Aa0_-.")).map(
        lambda pair: token[:pair[0]] + pair[1] + token[pair[0] + 1:]).filter(lambda t: t != token)


@MORE
@given(data=st.data())
def test_tokens_that_are_not_ours_are_refused(app, quiz, server_errors, data):
    """A forged, tampered, truncated or missing answer token: 403, and nothing stored."""
    before = _answers_stored(app)
    token = data.draw(st.one_of(fs.hostile_text, _tampered(quiz.token), st.just(quiz.token[:-3]),
                                st.just(quiz.token + "x"), st.just(quiz.token.upper()), fs.json_documents), label="token")
    response = quiz.send(quiz.envelope(right_fields(quiz.question), token=token))
    no_server_error(response, server_errors, f"token={token!r}")
    assert response.status_code == 403, (token, response.json)
    assert _answers_stored(app) == before


@MORE
@given(data=st.data())
def test_no_javascript_answers_with_random_form_fields(app, quiz, server_errors, data):
    """The plain-form answer (no JavaScript), for a chat: any path and choice."""
    ids = fs.answer_values(quiz.question)
    fields = {"path": fs.field(ids[-3:], ids), "choice": fs.field(ids, ["", ","])}
    form = data.draw(fs.form_data(fields), label="form")
    for name, value in (("module", quiz.module_id), ("question", quiz.question.id), ("answer_token", quiz.token),
                        ("client_id", data.draw(st.uuids(), label="client id").hex), ("source", "quiz")):
        if name not in form:
            form[name] = value
    response = quiz.client.post("/pupil/api/answer", data=form)
    no_server_error(response, server_errors, f"{form!r}"[:3000])
    assert response.status_code in (200, 302, 400, 403, 404)


# ------------------------------------------------------ 3. class lists


@pytest.fixture
def school_one(world, ctx) -> School:
    return db.session.get(School, world.one.school_id)


def _check_preview(preview: RosterPreview, school: School) -> None:
    """Either the whole file is refused, or every row is a pupil to add (or
    skip) or an error on a line of the file."""
    assert isinstance(preview, RosterPreview) and preview.school_id == school.id
    event("file refused" if preview.file_errors else "can import" if preview.ok else "rows with errors")
    if preview.file_errors:
        assert not preview.rows and not preview.errors
        assert all(isinstance(e, str) and e for e in preview.file_errors)
        return
    classes = {c.id for c in db.session.execute(select(SchoolClass).where(SchoolClass.school_id == school.id)).scalars()}
    for row in preview.rows:
        assert row.line >= 2 and row.first_name and row.status in ("new", "exists")
        assert 0 <= row.year_group <= 6 and row.class_id in classes
        assert len(row.first_name) <= MAX_FIRST_NAME and len(row.last_initial) == 1, row  # they fit the columns
    assert all(e.line >= 2 and e.reason for e in preview.errors)
    assert not (preview.ok and preview.errors)


@FUZZ
@given(data=st.binary(max_size=4000))
def test_parse_roster_takes_any_bytes(school_one, data):
    _check_preview(parse_roster(data, school_one), school_one)


@FUZZ
@given(text=st.one_of(st.text(max_size=2000), fs.hostile_text), encoding=fs.encodings)
def test_parse_roster_takes_any_text_in_any_encoding(school_one, text, encoding):
    _check_preview(parse_roster(fs.encoded(text, encoding), school_one), school_one)


@MORE
@given(text=fs.roster_csv(["Hedgehogs", "Badgers", "hedgehogs", " Badgers ", "Otters"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-8", "cp1252", "utf-16"]))
def test_parse_roster_reads_any_class_list_with_the_right_headers(school_one, text, encoding):
    preview = parse_roster(fs.encoded(text, encoding), school_one)
    _check_preview(preview, school_one)
    if encoding.startswith("utf-8"):
        assert not any("column" in e for e in preview.file_errors), preview.file_errors  # the headers were found


@pytest.fixture
def teacher_a(client, auth, world):
    """Signed in as class A's teacher (their own class takes pupils; class B's rows are refused)."""
    auth.adult(world.one.emails["teacher_a"])


uploads = st.one_of(
    st.binary(max_size=3000),
    st.tuples(fs.roster_csv(["Hedgehogs", "Badgers"]), fs.encodings).map(lambda pair: fs.encoded(*pair)),
    st.just(roster_template_csv().encode()),
)


@MORE
@given(data=uploads, filename=st.one_of(st.just("pupils.csv"), fs.hostile_text))
def test_roster_upload_page_takes_any_file(client, teacher_a, server_errors, data, filename):
    token = csrf_token(client, "/teacher/roster/import")
    response = client.post("/teacher/roster/import", data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
                           content_type="multipart/form-data")
    no_server_error(response, server_errors, f"upload {data[:200]!r} as {filename!r}")
    assert response.status_code in (200, 400)
    found = re.search(r'name="csv_b64" value="([^"]*)"', response.get_data(as_text=True))
    if found and found.group(1):  # a clean file: import it
        event("imported")
        confirm = post(client, "/teacher/roster/import/confirm", {"csv_b64": found.group(1)}, token_from="/teacher/")
        no_server_error(confirm, server_errors, f"confirm {data[:200]!r}")
        assert confirm.status_code == 302


# ------------------------------------------------------------ regressions

@pytest.mark.parametrize("path", ["/pupil/api/answer", "/pupil/api/chat"])
@pytest.mark.parametrize("token", [5, 1.5, True])
def test_regression_answer_token_that_is_a_number(quiz, server_errors, path, token):
    response = quiz.send({**quiz.envelope({"path": ""}), "path": [], "token": token}, path)
    no_server_error(response, server_errors, f"token={token!r}")
    assert response.status_code == 403


def test_regression_class_teachers_with_a_digit_that_is_not_decimal(client, world, admin, server_errors):
    response = post(client, f"/teacher/classes/{world.one.class_a}/teachers", {"teacher": "²"}, token_from="/")
    no_server_error(response, server_errors, "teacher='²'")
    assert response.status_code == 302


@pytest.mark.parametrize("by", ["\r", "Ł", "\x07"])
def test_regression_coverage_csv_puts_by_in_a_header(client, world, teacher_a, server_errors, by):
    response = client.get("/teacher/coverage", query_string={"format": "csv", "by": by})
    no_server_error(response, server_errors, f"by={by!r}")


@pytest.mark.parametrize("class_name,download", [
    ("Owls\rRoom 2", "progress?format=csv"), ("Owls\rRoom 2", "cards.zip"), ("Łabędzie", "questions?format=csv"),
    ("🦔 Hedgehogs", "cards.zip"), ("🦔 Hedgehogs", "cards.pdf"), ("Owls\rRoom 2", "cards.pdf"), ("Łabędzie", "pupil answers"),
])
def test_regression_class_name_in_download_headers(app, client, world, admin, server_errors, class_name, download):
    made = post(client, "/teacher/classes/new", {"name": class_name, "year_group": "3"}, token_from="/")
    if made.status_code == 400:  # refused kindly (a line break in a class name), so nothing to download
        assert "class name" in made.get_data(as_text=True)
        return
    assert made.status_code == 302
    with app.app_context():
        class_id = db.session.execute(select(SchoolClass.id).where(SchoolClass.name == class_name)).scalar_one()
    url = f"/teacher/classes/{class_id}/{download}"
    if download == "pupil answers":
        form = {"first_name": "Łucja", "last_name": "Żak", "year_group": "3", "class_id": str(class_id)}
        assert post(client, "/teacher/pupils/new", form, token_from="/").status_code == 302
        with app.app_context():
            url = f"/teacher/pupils/{db.session.execute(select(Pupil.id).where(Pupil.class_id == class_id)).scalar_one()}?format=csv"
    no_server_error(client.get(url), server_errors, f"GET {url} for {class_name!r}")


@pytest.mark.parametrize("last_name", ["ß", "ﬁsh"])
def test_regression_initial_that_upper_cases_to_two_letters(app, client, world, admin, server_errors, last_name):
    form = {"first_name": "Amy", "last_name": last_name, "year_group": "1", "class_id": str(world.one.class_a)}
    response = post(client, "/teacher/pupils/new", form, token_from="/")
    no_server_error(response, server_errors, f"last_name={last_name!r}")
    with app.app_context():
        initial = db.session.execute(select(Pupil.last_initial).where(Pupil.first_name == "Amy")).scalar()
    assert initial is None or len(initial) == 1, initial


@pytest.mark.parametrize("way", ["form", "roster"])
def test_regression_first_name_that_grows_when_title_cased(app, client, world, admin, server_errors, way):
    name = "İ" * 40
    if way == "form":
        form = {"first_name": name, "last_name": "S", "year_group": "1", "class_id": str(world.one.class_a)}
        no_server_error(post(client, "/teacher/pupils/new", form, token_from="/"), server_errors, "first_name='İ' * 40")
        with app.app_context():
            stored = db.session.execute(select(Pupil.first_name).where(Pupil.last_initial == "S", Pupil.class_id == world.one.class_a,
                                                                    Pupil.first_name.not_in(["Amara", "Ben"]))).scalars().all()
        assert all(len(n) <= MAX_FIRST_NAME for n in stored), [len(n) for n in stored]
    else:
        with app.app_context():
            preview = parse_roster(f"First name,Last name,Year group,Class\n{name},Smith,1,Hedgehogs\n".encode(),
                                   db.session.get(School, world.one.school_id))
            assert all(len(row.first_name) <= MAX_FIRST_NAME for row in preview.rows), preview.rows


@pytest.mark.parametrize("where", ["sign-in email", "safeguarding note", "worried words"])
def test_regression_nul_characters_on_postgresql(client, auth, world, server_errors, where):
    if where == "sign-in email":
        response = post(client, "/signin", {"email": "a\x00b@oak.test", "password": PASSWORD})
    elif where == "safeguarding note":
        auth.adult(world.one.emails["dsl"])
        response = post(client, f"/safeguarding/concerns/{world.one.concern}/notes", {"body": "a\x00b"}, token_from="/")
    else:
        auth.pupil(world.one, world.one.pupil_a)
        response = post(client, "/pupil/worried", {"category": "unkind", "words": "a\x00b", "talk_to": "teacher"},
                        token_from="/pupil/worried")
    no_server_error(response, server_errors, where)


def test_regression_class_teachers_with_a_very_long_number(client, world, admin, server_errors):
    response = post(client, f"/teacher/classes/{world.one.class_a}/teachers", {"teacher": "0" * 4301}, token_from="/")
    no_server_error(response, server_errors, "teacher='0' * 4301")
    assert response.status_code == 302


ID_PAGES = [("teacher_a", "/teacher/pupils/{}"), ("teacher_a", "/teacher/classes/{}"), ("dsl", "/safeguarding/concerns/{}"),
            ("parent", "/parent/children/{}")]


@pytest.mark.parametrize("number", ["99999999999999999999999999", str(2**31), "0", "-1"])
def test_regression_class_id_in_a_query_string_beyond_the_database_integer_range(client, auth, world, server_errors, number):
    """Found by test_query_strings_never_fail on PostgreSQL: NumericValueOutOfRange."""
    _sign_in(auth, world, "teacher_a")
    response = client.get(f"/teacher/pupils/new?class_id={number}")
    no_server_error(response, server_errors, f"class_id={number}")
    assert response.status_code == 404


@pytest.mark.parametrize("number", [2**31, 2**63])
@pytest.mark.parametrize("role,page", ID_PAGES)
def test_regression_ids_beyond_the_database_integer_range(client, auth, world, server_errors, role, page, number):
    """Found by test_any_number_in_a_path: such an id reached the query (OverflowError on SQLite past 2**63 - 1,
    NumericValueOutOfRange on PostgreSQL past 2**31 - 1)."""
    _sign_in(auth, world, role)
    response = client.get(page.format(number))
    no_server_error(response, server_errors, page.format(number))
    assert response.status_code == 404
