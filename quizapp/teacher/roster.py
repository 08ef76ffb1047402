"""Staff pages for the roster: CSV import, adding, editing and archiving
pupils, and printable sign-in cards. (Classes and their teachers are school
admins' pages: quizapp/school_admin/.)"""
from __future__ import annotations

import base64
import binascii

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField

from ..downloads import download_headers
from ..formtools import choices
from ..models import YEAR_GROUPS, Pupil
from ..services import roster, roster_import
from ..services.render import cards, cards_pdf
from ..services.roster_import import RowError
from ..services.scope import class_or_404, class_pupils, my_classes, pupil_for_staff_or_404
from . import bp
from .forms import PupilForm

MAX_CSV_BYTES = 1024 * 1024


# --------------------------------------------------------------- CSV import


class UploadForm(FlaskForm):
    file = FileField("CSV file from your school's information system")


@bp.route("/roster/import", methods=["GET", "POST"])
def roster_import_page():
    form = UploadForm()
    if form.validate_on_submit():
        upload = request.files.get("file")
        data = upload.read(MAX_CSV_BYTES + 1) if upload else b""
        if not data:
            flash("Choose a CSV file first.", "error")
            return render_template("teacher/roster_import.html", form=form), 400
        preview = _preview(data)
        return render_template("teacher/roster_preview.html", preview=preview, confirm=FlaskForm(),
                               csv_b64=base64.b64encode(data).decode() if preview.ok else "")
    return render_template("teacher/roster_import.html", form=form)


def _preview(data: bytes):
    """The service's preview, limited to the classes this member of staff may fill."""
    preview = roster_import.parse_roster(data, current_user.school)
    mine = {c.id for c in my_classes(current_user)}
    for row in [r for r in preview.rows if r.class_id not in mine]:
        preview.rows.remove(row)
        preview.errors.append(RowError(row.line, f"You can only add pupils to your own classes ('{row.class_name}' is not one of them).",
                                       row.display_name))
    preview.errors.sort(key=lambda e: e.line)
    return preview


@bp.post("/roster/import/confirm")
def roster_import_confirm():
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        data = base64.b64decode(request.form.get("csv_b64", ""), validate=True)
    except (binascii.Error, ValueError):
        abort(400)
    preview = _preview(data)  # checked again: nothing is trusted from the page
    try:
        created = roster_import.apply_roster(preview, current_user.school)
    except roster_import.RosterError as exc:
        flash(str(exc), "error")
        return redirect(url_for("teacher.roster_import_page"))
    flash(f"Imported {len(created)} pupil{'s' if len(created) != 1 else ''}.", "success")
    if not created:
        return redirect(url_for("teacher.home"))
    # The class most of them joined (the first, on a tie), where "Print their cards" waits.
    class_ids = [pupil.class_id for pupil in created]
    return redirect(url_for("teacher.class_page", class_id=max(dict.fromkeys(class_ids), key=class_ids.count), imported=len(created)))


@bp.get("/roster/template.csv")
def roster_template():
    return roster_import.roster_template_csv(), 200, download_headers("pupils-template.csv", "text/csv; charset=utf-8")


# ------------------------------------------------------------------ pupils


def _pupil_form(classes, pupil: Pupil | None = None) -> PupilForm:
    form = PupilForm(obj=pupil)
    if pupil is not None and request.method == "GET":
        form.last_name.data = pupil.last_initial
        form.class_id.data = str(pupil.class_id)
        form.year_group.data = str(pupil.year_group)
    form.class_id.choices = choices((c.id, f"{c.name} ({c.year_group_label})") for c in classes)
    form.year_group.choices = choices(YEAR_GROUPS.items())
    return form


@bp.route("/pupils/new", methods=["GET", "POST"])
def add_pupil():
    classes = my_classes(current_user)
    form = _pupil_form(classes)
    if request.method == "GET" and request.args.get("class_id"):
        school_class = class_or_404(current_user, request.args.get("class_id", type=int) or 0)
        form.class_id.data, form.year_group.data = str(school_class.id), str(school_class.year_group)
    if form.validate_on_submit():
        school_class = class_or_404(current_user, int(form.class_id.data))
        pupil = roster.add_pupil(school_class, form.clean_first_name(), form.clean_initial(), int(form.year_group.data))
        flash(f"Added {pupil.display_name}. Their picture PIN is: {pupil.pin.replace('-', ', ')}.", "success")
        return redirect(url_for("teacher.class_page", class_id=school_class.id))
    return render_template("teacher/pupil_form.html", form=form, pupil=None), 400 if form.errors else 200


@bp.route("/pupils/<int:pupil_id>/edit", methods=["GET", "POST"])
def edit_pupil(pupil_id: int):
    pupil = pupil_for_staff_or_404(current_user, pupil_id)
    classes = my_classes(current_user)
    form = _pupil_form(classes, pupil)
    if form.validate_on_submit():
        school_class = class_or_404(current_user, int(form.class_id.data))
        roster.edit_pupil(pupil, form.clean_first_name(), form.clean_initial(), int(form.year_group.data), school_class)
        flash(f"Saved {pupil.display_name}.", "success")
        return redirect(url_for("teacher.class_page", class_id=school_class.id))
    return render_template("teacher/pupil_form.html", form=form, pupil=pupil), 400 if form.errors else 200


@bp.post("/pupils/<int:pupil_id>/archive")
def archive_pupil(pupil_id: int):
    pupil = pupil_for_staff_or_404(current_user, pupil_id)
    if FlaskForm().validate_on_submit():
        roster.archive_pupil(pupil)
        flash(f"{pupil.display_name} is archived: they no longer appear on the class list. Their progress is kept.", "success")
    return redirect(url_for("teacher.class_page", class_id=pupil.class_id))


# ------------------------------------------------------------------- cards


@bp.get("/classes/<int:class_id>/cards.<kind>")
def class_cards(class_id: int, kind: str):
    school_class = class_or_404(current_user, class_id)
    if kind not in ("pdf", "zip"):
        abort(404)
    pupils = class_pupils(school_class)
    signin_url = url_for("auth.tablet", _external=True)
    if kind == "pdf":
        body, mime = cards_pdf.class_cards_pdf(school_class, pupils, signin_url), "application/pdf"
    else:  # every page as a PNG: every pupil, however big the class
        body, mime = cards.class_cards_zip(school_class, pupils, signin_url), "application/zip"
    return body, 200, download_headers(f"sign-in-cards-{school_class.name.lower()}.{kind}", mime, inline=kind == "pdf")
