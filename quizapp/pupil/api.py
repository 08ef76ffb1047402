"""Where pupils' answers arrive: from the page's JavaScript (JSON, possibly
much later after the network came back) or from a plain form post.

Authentication is the page's signed answer token (services/answer_token.py),
not the session, so an answer is stored even when the pupil was signed out
for being idle or the page's CSRF token has expired. Each answer carries a
client id and is stored exactly once.

JSON requests (the page's JavaScript) neither read nor change the tablet's
signed-in session: its cookie is not even opened (see
sessions_hooks.SessionInterface), and an idle pupil is signed out by their
next page, with the usual message. The no-JavaScript form post shows a page,
so it uses the session as any page does.
"""
from __future__ import annotations

from flask import g, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from ..content import get_content
from ..extensions import csrf
from ..models import band_for_year_group
from ..questions import AnswerError, get_type, seed_for
from ..services import answer_token, answers, positions, revisits, sessions
from . import api_bp as bp

MAX_FIELDS = 64
MAX_VALUE = 200


class BadAnswer(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


def _payload() -> dict:
    if request.is_json:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise BadAnswer("That answer could not be read.")
        return data
    return {
        "module": request.form.get("module", ""),
        "question": request.form.get("question", ""),
        "client_id": request.form.get("client_id", ""),
        "token": request.form.get("answer_token", ""),
        "source": request.form.get("source", "quiz"),
        "fields": request.form,
    }


def _fields(raw) -> MultiDict:
    """The question's form fields, as a MultiDict of short strings."""
    if isinstance(raw, MultiDict):
        items = [(k, v) for k, v in raw.items(multi=True)]
    elif isinstance(raw, dict):
        items = []
        for key, value in raw.items():
            values = value if isinstance(value, list) else [value]
            items.extend((key, v) for v in values)
    else:
        raise BadAnswer("That answer could not be read.")
    if len(items) > MAX_FIELDS * 4:
        raise BadAnswer("That answer is too big.")
    clean = []
    for key, value in items:
        if not isinstance(key, str) or not isinstance(value, (str, int)) or len(str(value)) > MAX_VALUE:
            raise BadAnswer("That answer could not be read.")
        clean.append((key, str(value)))
    return MultiDict(clean)


STALE_PAGE = "This page is too old to take answers. Please go back to your topics."


def _resolve(data: dict, check_pupil: bool = True):
    """The token's pupil and school, the module and the question, or BadAnswer.

    The answer endpoint skips the pupil check (check_pupil=False): its INSERT
    only stores the answer of a pupil still at the school and in the module's
    band, and _not_stored says why when it did not."""
    token = answer_token.read(data.get("token"))
    if token is None:
        raise BadAnswer(STALE_PAGE, 403)
    if check_pupil:
        pupil = answers.answerer(token)
        if pupil is None:
            raise BadAnswer(STALE_PAGE, 403)
    content = get_content()
    module = content.modules.get(str(data.get("module", "")))
    question = content.questions.get(str(data.get("question", "")))
    if module is None or question is None or content.question_module.get(question.id) != module.id:
        raise BadAnswer("We could not find that question.", 404)
    if check_pupil and module.band != band_for_year_group(pupil.year_group):
        raise BadAnswer("We could not find that question.", 404)
    return token, module, question


def _not_stored(token) -> BadAnswer:
    """Why the INSERT stored nothing: the pupil left the school (or was
    archived), or moved out of the module's age band."""
    if answers.answerer(token) is None:
        return BadAnswer(STALE_PAGE, 403)
    return BadAnswer("We could not find that question.", 404)


def _client_id(data: dict) -> str:
    client_id = str(data.get("client_id", ""))
    if not (8 <= len(client_id) <= answers.MAX_CLIENT_ID) or not client_id.replace("-", "").isalnum():
        raise BadAnswer("That answer could not be read.")
    return client_id


class ChatGoesOn(Exception):
    """A no-JavaScript chat choice that does not end the chat yet."""

    def __init__(self, path: list[str]):
        self.path = path


def _grade(question, fields: MultiDict):
    qt = get_type(question.type)
    try:
        answer = qt.parse(question, fields)
    except AnswerError as exc:
        if qt.walks and not request.is_json:
            path = [p for p in (fields.get("path") or "").split(",") if p] + fields.getlist("choice")[:1]
            try:
                if qt.walk(question, path).ending is None:
                    raise ChatGoesOn(path) from exc
            except AnswerError:
                pass
        raise BadAnswer(str(exc)) from exc
    return qt.check(question, answer)


@bp.post("/answer")
@csrf.exempt  # the signed answer token does this job here (see the module docstring)
def answer():
    try:
        data = _payload()
        token, module, question = _resolve(data, check_pupil=False)
        client_id = _client_id(data)
        grade = _grade(question, _fields(data.get("fields", {})))
        source = _source(data)
        if revisits.is_revisit_source(source) and positions.finished(token.pupil_id, module.id) is None:
            raise BadAnswer("This topic comes back to remember only once it is finished.", 409)
        recorded = answers.record_answer(token, module, question, source, grade.record, grade.correct, grade.score,
                                          client_id)
        if recorded is None:
            raise _not_stored(token)
    except ChatGoesOn as more:
        source = _source(data)
        return redirect(_place(module, question, source)["again_url"] + "?path=" + ",".join(more.path))
    except BadAnswer as exc:
        if request.is_json:
            return jsonify({"error": exc.message}), exc.status
        return render_template("errors/error.html", code=exc.status, title="That answer did not work",
                               message=exc.message), exc.status
    body = {
        "stored": True,
        "duplicate": recorded.duplicate,
        "correct": grade.correct,
        "score": grade.score,
        "summary": grade.summary,
        "lines": [{"ref": line.ref, "text": line.text, "good": line.good} for line in grade.lines],
    }
    if request.is_json:
        return jsonify(body)
    body["lines"] = _in_screen_order(body["lines"], question, token.pupil_id)
    signed_out = _end_idle_session()
    where = _place(module, question, source)
    return render_template("pupil/answer_saved.html", result=body, module=module, signed_out=signed_out, form=FlaskForm(),
                           **where)


def _in_screen_order(lines: list[dict], question, pupil_id: int) -> list[dict]:
    """Feedback lines in the order the question page showed their parts (its
    shuffle, from the same seed), as the JavaScript page orders them."""
    qt = get_type(question.type)
    order = {ref: n for n, ref in enumerate(qt.screen_order(qt.view(question, seed_for(pupil_id, question.id))))}
    return sorted(lines, key=lambda line: order.get(line["ref"], len(order)))


def _source(data: dict) -> str:
    """Where the answer was given: the lesson, the quiz or a "Remember?" revisit."""
    source = data.get("source")
    if source == "lesson" or revisits.is_revisit_source(source):
        return source
    return "quiz"


def _place(module, question, source: str) -> dict:
    """Where the question sits, for the no-JavaScript "Try again" and "Next" buttons."""
    if revisits.is_revisit_source(source):
        return _revisit_place(module, question, revisits.revisit_number(source))
    if source == "lesson":
        for number, step in enumerate(module.lesson.steps, start=1):
            if step.question is not None and step.question.id == question.id:
                return {"again_url": url_for("pupil.lesson", module_id=module.id, number=number),
                        "next_url": url_for("pupil.lesson_next", module_id=module.id, number=number)}
    for number, bank_question in enumerate(module.bank.questions, start=1):
        if bank_question.id == question.id:
            return {"again_url": url_for("pupil.quiz", module_id=module.id, number=number),
                    "next_url": url_for("pupil.quiz_next", module_id=module.id, number=number)}
    return {"again_url": url_for("pupil.module", module_id=module.id), "next_url": None}


def _revisit_place(module, question, number: int) -> dict:
    picked = [q.id for q in revisits.pick_questions(current_user.id, module, number)] if current_user.is_authenticated else []
    position = picked.index(question.id) + 1 if question.id in picked else 1
    again = url_for("pupil.remember", module_id=module.id, number=number, position=position)
    return {"again_url": again, "next_url": url_for("pupil.remember_next", module_id=module.id, number=number,
                                                    position=position)}


@bp.post("/chat")
@csrf.exempt  # read-only: walks a chat scenario; the token still has to be valid
def chat():
    """The next part of a branching chat, after the pupil's choices so far."""
    try:
        data = _payload()
        _, _, question = _resolve(data)
        qt = get_type(question.type)
        if not qt.walks:
            raise BadAnswer("We could not find that question.", 404)
        path = data.get("path", [])
        if not isinstance(path, list) or len(path) > 20 or not all(isinstance(p, str) for p in path):
            raise BadAnswer("That answer could not be read.")
        state = qt.walk(question, path)
    except AnswerError as exc:
        return jsonify({"error": str(exc)}), 400
    except BadAnswer as exc:
        return jsonify({"error": exc.message}), exc.status
    return jsonify(state.as_dict())


def _end_idle_session() -> bool:
    """For the no-JavaScript form post, which shows a page: whether the tablet
    is signed out now. The idle hook let this request through (answers are
    never lost, see sessions_hooks); now that the answer is safe, finish
    signing an idle pupil out. (JSON answers leave the session alone: the
    pupil's next page does this.)"""
    token = sessions.cookie_token()
    if g.get("idle_expired"):
        sessions.end(token)
        return True
    return token is None
