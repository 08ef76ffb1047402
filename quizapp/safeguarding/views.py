"""The designated safeguarding lead's record of pupils' concerns.

Only staff with the DSL role see this area; a concern of another school
answers 404. Every view and change is audited (services/concerns.py).
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..access import is_dsl
from ..downloads import download_headers
from ..formtools import choices
from ..models import STATUSES
from ..services import concerns as service
from . import bp


class NoteForm(FlaskForm):
    body = TextAreaField("Add a note to the record", validators=[DataRequired(message="Write the note first."), Length(max=5000)])


class StatusForm(FlaskForm):
    status = SelectField("Status", choices=choices(STATUSES.items()))
    action_taken = TextAreaField("Action taken (needed to close)", validators=[Length(max=5000)])
    close_reason = TextAreaField("Reason for closing (needed to close)", validators=[Length(max=5000)])


@bp.get("/")
def queue():
    status = request.args.get("status")
    if status not in STATUSES:
        status = None
    return render_template("safeguarding/queue.html", concerns=service.queue(current_user, status), status=status,
                           statuses=STATUSES, new_count=service.new_count(current_user.school_id))


@bp.get("/concerns/<int:concern_id>")
def concern(concern_id: int):
    item = service.for_dsl_or_404(current_user, concern_id)
    service.record_view(item, current_user)
    return _detail(item)


def _detail(item, note_form=None, status_form=None, status=200):
    audit = service.audit_trail(item)
    status_form = status_form or StatusForm(status=item.status, action_taken=item.action_taken, close_reason=item.close_reason)
    return render_template("safeguarding/concern.html", concern=item, audit=audit, note_form=note_form or NoteForm(),
                           status_form=status_form, share_form=FlaskForm()), status


@bp.post("/concerns/<int:concern_id>/notes")
def add_note(concern_id: int):
    item = service.for_dsl_or_404(current_user, concern_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _detail(item, note_form=form, status=400)
    service.add_note(item, current_user, form.body.data)
    flash("Note added to the record.", "success")
    return redirect(url_for("safeguarding.concern", concern_id=item.id))


@bp.post("/concerns/<int:concern_id>/status")
def set_status(concern_id: int):
    item = service.for_dsl_or_404(current_user, concern_id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            service.set_status(item, current_user, form.status.data, form.action_taken.data or "", form.close_reason.data or "")
        except service.ConcernError as exc:
            flash(str(exc), "error")
            return _detail(item, status_form=form, status=400)
        flash(f"Status is now: {STATUSES[item.status]}.", "success")
    return redirect(url_for("safeguarding.concern", concern_id=item.id))


@bp.post("/concerns/<int:concern_id>/share")
def share(concern_id: int):
    item = service.for_dsl_or_404(current_user, concern_id)
    if FlaskForm().validate_on_submit():
        service.share_with_teacher(item, current_user, not item.shared_with_teacher)
        flash("The class teacher can now see that this pupil raised a concern." if item.shared_with_teacher
              else "The class teacher no longer sees this concern.", "success")
    return redirect(url_for("safeguarding.concern", concern_id=item.id))


@bp.get("/export.csv")
def export():
    body = service.export_csv(current_user)
    return body, 200, download_headers("safeguarding-concerns.csv", "text/csv; charset=utf-8")


@bp.app_context_processor
def _new_concerns_badge():
    """The new-concern count in a DSL's navigation, on every page."""
    if current_user.is_authenticated and is_dsl(current_user):
        return {"new_concerns": service.new_count(current_user.school_id)}
    return {}
