"""What a signed-in pupil sees: their topics, the lesson player, the quiz,
the end-of-module summary and certificate, and their display settings."""
from __future__ import annotations

import uuid
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from ..content import Module, get_content
from ..formtools import choices
from ..models import band_for_year_group
from ..questions import AnswerError, get_type, seed_for
from ..services import answer_token, assignments, concerns, positions, pupil_settings, revisits, safe_adults
from ..services.render import certificate
from . import bp
from .forms import SettingsForm, WorriedForm


def pupil_band() -> str:
    return band_for_year_group(current_user.year_group)


def module_or_404(module_id: str) -> Module:
    """A pupil may open the modules of their own age band."""
    module = get_content().modules.get(module_id)
    if module is None or module.band != pupil_band():
        abort(404)
    return module


@bp.get("/")
def home():
    content = get_content()
    band_modules = content.modules_for_band(pupil_band())
    by_id = {m.id: m for m in band_modules}
    set_for_me = [a for a in assignments.for_pupil(current_user, date.today()) if a.module_id in by_id]
    assigned_ids = {a.module_id for a in set_for_me}
    return render_template(
        "pupil/home.html",
        assigned=[(by_id[a.module_id], a.due_on) for a in set_for_me],
        others=[m for m in band_modules if m.id not in assigned_ids],
        statuses=positions.statuses(current_user),
        remember=[(by_id[d.module_id], d) for d in revisits.due_for(current_user, by_id)][:1],
    )


@bp.get("/modules/<module_id>")
def module(module_id: str):
    mod = module_or_404(module_id)
    row = positions.get_progress(current_user, mod)
    left = positions.first_unanswered(current_user.id, mod) if row is not None and row.completed_at is None else None
    return render_template("pupil/module.html", module=mod, progress=row, form=FlaskForm(), first_unanswered=left)


# ------------------------------------------------------------------ lesson


def _step_or_404(mod: Module, number: int):
    if not 1 <= number <= len(mod.lesson.steps):
        abort(404)
    return mod.lesson.steps[number - 1]


@bp.get("/modules/<module_id>/lesson/<int:number>")
def lesson(module_id: str, number: int):
    mod = module_or_404(module_id)
    step = _step_or_404(mod, number)
    question = step.question
    return render_template(
        "pupil/lesson_step.html",
        module=mod, step=step, number=number, total=len(mod.lesson.steps), form=FlaskForm(),
        characters=[get_content().characters[c] for c in step.characters],
        # A safe_adults step shows the pupil's own school's list (or, with none set, the story's adult).
        safe_adults=safe_adults.for_school(current_user.school_id) if step.kind == "safe_adults" else [],
        **(question_context(mod, question, "lesson") if question is not None else {}),
    )


@bp.post("/modules/<module_id>/lesson/<int:number>/next")
def lesson_next(module_id: str, number: int):
    mod = module_or_404(module_id)
    _step_or_404(mod, number)
    if FlaskForm().validate_on_submit():
        positions.save_lesson_position(current_user, mod, number + 1)
    if number >= len(mod.lesson.steps):
        return redirect(url_for("pupil.quiz", module_id=mod.id, number=1))
    return redirect(url_for("pupil.lesson", module_id=mod.id, number=number + 1))


# -------------------------------------------------------------------- quiz


def _question_or_404(mod: Module, number: int):
    if not 1 <= number <= len(mod.bank.questions):
        abort(404)
    return mod.bank.questions[number - 1]


@bp.get("/modules/<module_id>/quiz/<int:number>")
def quiz(module_id: str, number: int):
    mod = module_or_404(module_id)
    question = _question_or_404(mod, number)
    return render_template(
        "pupil/quiz_question.html", module=mod, number=number, total=len(mod.bank.questions), form=FlaskForm(),
        **question_context(mod, question, "quiz"),
    )


@bp.post("/modules/<module_id>/quiz/<int:number>/next")
def quiz_next(module_id: str, number: int):
    mod = module_or_404(module_id)
    _question_or_404(mod, number)
    if FlaskForm().validate_on_submit():
        row = positions.save_quiz_position(current_user, mod, number + 1)
        if number >= len(mod.bank.questions):
            if row.completed_at is not None:
                return redirect(url_for("pupil.done", module_id=mod.id))
            left = positions.first_unanswered(current_user.id, mod)
            if left is not None:
                flash("You have a few questions still to answer. Have a go at them, then you are done!", "info")
                return redirect(url_for("pupil.quiz", module_id=mod.id, number=left))
            flash("Nearly done! Finish the lesson, then you are done.", "info")
            return redirect(url_for("pupil.module", module_id=mod.id))
    return redirect(url_for("pupil.quiz", module_id=mod.id, number=min(number + 1, len(mod.bank.questions))))


def question_context(mod: Module, question, source: str) -> dict:
    """What every question page needs: the type's view (never the answers),
    a fresh client id for this answer, and the pupil's answer token.

    A branching chat without JavaScript moves on one choice per page load:
    the choices so far come back in `?path=` (an invalid path starts again).
    """
    seed = seed_for(current_user.id, question.id)  # the same order on every reload
    qt = get_type(question.type)
    view = None
    if qt.walks and request.args.get("path"):
        try:
            view = qt.view(question, seed, request.args["path"][:1000].split(","))
        except AnswerError:
            view = None
    return {
        "q": question,
        "view": view or qt.view(question, seed),
        "question_type": qt,
        "client_id": uuid.uuid4().hex,
        "answer_token": answer_token.make(current_user.id, current_user.school_id, current_user.answer_key),
        "source": source,
        # "Skip this one?" is not asked for a question answered on an earlier visit
        "answered_before": positions.has_answered(current_user.id, question.id,
                                                  source if revisits.is_revisit_source(source) else None),
    }


# ------------------------------------------------------------- remember?


def _revisit_or_404(module_id: str, number: int, position: int):
    """A revisit of a module the pupil finished, and its question at `position`."""
    mod = module_or_404(module_id)
    if number not in revisits.REVISITS or positions.finished(current_user.id, mod.id) is None:
        abort(404)
    picked = revisits.pick_questions(current_user.id, mod, number)
    if not 1 <= position <= len(picked):
        abort(404)
    return mod, picked


@bp.get("/remember/<module_id>/<int:number>/<int:position>")
def remember(module_id: str, number: int, position: int):
    """A "Remember?" question, weeks after the module (services/revisits.py). No score."""
    mod, picked = _revisit_or_404(module_id, number, position)
    return render_template("pupil/remember.html", module=mod, number=number, position=position, total=len(picked),
                           form=FlaskForm(), **question_context(mod, picked[position - 1], revisits.source_for(number)))


@bp.post("/remember/<module_id>/<int:number>/<int:position>/next")
def remember_next(module_id: str, number: int, position: int):
    mod, picked = _revisit_or_404(module_id, number, position)
    if position >= len(picked):
        flash("Thank you for remembering with us! Well done for having a go.", "success")
        return redirect(url_for("pupil.home"))
    return redirect(url_for("pupil.remember", module_id=mod.id, number=number, position=position + 1))


# ------------------------------------------------------------- finishing


@bp.get("/modules/<module_id>/done")
def done(module_id: str):
    mod = module_or_404(module_id)
    row = positions.get_progress(current_user, mod)
    if row is None or row.completed_at is None:
        return redirect(url_for("pupil.module", module_id=mod.id))
    return render_template("pupil/done.html", module=mod, progress=row)


@bp.get("/modules/<module_id>/certificate.png")
def certificate_png(module_id: str):
    mod = module_or_404(module_id)
    row = positions.get_progress(current_user, mod)
    if row is None or row.completed_at is None:
        abort(404)
    png, headers = certificate.for_module(current_user.first_name, mod, row.completed_at, current_user.school_class.school.name)
    return png, 200, headers


# ---------------------------------------------------------------- settings


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    form = SettingsForm(obj=current_user)
    if form.validate_on_submit():
        pupil_settings.save(current_user, text_size=form.text_size.data, dyslexia_font=form.dyslexia_font.data,
                            high_contrast=form.high_contrast.data, read_to_me=form.read_to_me.data,
                            sounds=form.sounds.data)
        flash("Your settings are saved. They follow you to any tablet.", "success")
        return redirect(url_for("pupil.home"))
    return render_template("pupil/settings.html", form=form)


@bp.get("/not-me")
def not_me():
    """ "Not me?" asks "Are you <name>?" before signing anyone out."""
    return render_template("pupil/not_me.html")


@bp.post("/no-voice")
def no_voice():
    """The page found no voice to read aloud: the teacher sees a note on the class page."""
    pupil_settings.note_no_voice(current_user)
    return "", 204


# ------------------------------------------------------------ I'm worried


WORRIED_PICTURES = {"unkind": "unkind", "stranger": "stranger", "meet": "meet", "photo": "photo", "upset": "upset", "other": "other"}


@bp.route("/worried", methods=["GET", "POST"])
def worried():
    form = WorriedForm()
    people = safe_adults.talk_to_choices(current_user.school_id)  # the school's safe adults, "my teacher", home
    form.talk_to.choices = choices((value, label) for value, label, _ in people)
    if request.method == "POST":
        # Nothing the pupil left out can stop a worry (services/concerns.raise_concern).
        concerns.raise_concern(current_user, form.category.data, form.words.data, form.talk_to.data,
                               (form.request_token.data or "")[:36])
        return redirect(url_for("pupil.worried_thanks"))
    form.request_token.data = str(uuid.uuid4())
    return render_template("pupil/worried.html", form=form, pictures=WORRIED_PICTURES,
                           people={value: adult for value, _, adult in people})


@bp.get("/worried/thanks")
def worried_thanks():
    return render_template("pupil/worried_thanks.html")
