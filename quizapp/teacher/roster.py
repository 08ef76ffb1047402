"""Staff pages for the roster: CSV import, adding and editing pupils, classes,
teacher links, and printable sign-in cards. Registered on the teacher blueprint."""
from __future__ import annotations

import base64
import binascii

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import IntegerField
from wtforms.validators import NumberRange
from sqlalchemy import select

from ..downloads import attachment, download_headers
from ..extensions import db
from ..formtools import choices
from ..models import YEAR_GROUPS, Pupil, SchoolClass, User, now_utc
from ..services import accounts, roster_import
from ..services.render import cards
from ..services.roster_import import RowError
from ..services.scope import class_or_404, pupil_for_staff_or_404, staff_or_404, visible_classes
from .forms import ClassForm, PupilForm
from .views import bp
from flask import jsonify
from ..services.pupil_signin import random_pin
from ..services import data_protection

MAX_CSV_BYTES = 1024 * 1024


def _my_classes() -> list[SchoolClass]:
    return list(db.session.execute(visible_classes(current_user)).scalars())


def _admin_only() -> None:
    if not current_user.is_school_admin:
        abort(403)


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
    mine = {c.id for c in _my_classes()}
    for row in [r for r in preview.rows if r.class_id not in mine]:
        preview.rows.remove(row)
        preview.errors.append(RowError(row.line, f"You can only add pupils to your own classes ('{row.class_name}' is not one of them)."))
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
    flash(f"Imported {len(created)} pupil{'s' if len(created) != 1 else ''}. Print their sign-in cards from each class page.", "success")
    return redirect(url_for("teacher.home"))


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
    classes = _my_classes()
    form = _pupil_form(classes)
    if request.method == "GET" and request.args.get("class_id"):
        school_class = class_or_404(current_user, request.args.get("class_id", type=int) or 0)
        form.class_id.data, form.year_group.data = str(school_class.id), str(school_class.year_group)
    if form.validate_on_submit():
        school_class = class_or_404(current_user, int(form.class_id.data))

        pupil = Pupil(school_id=current_user.school_id, class_id=school_class.id, first_name=form.clean_first_name(),
                      last_initial=form.clean_initial(), year_group=int(form.year_group.data), pin=random_pin())
        db.session.add(pupil)
        db.session.commit()
        flash(f"Added {pupil.display_name}. Their picture PIN is: {pupil.pin.replace('-', ', ')}.", "success")
        return redirect(url_for("teacher.class_page", class_id=school_class.id))
    return render_template("teacher/pupil_form.html", form=form, pupil=None), 400 if form.errors else 200


@bp.route("/pupils/<int:pupil_id>/edit", methods=["GET", "POST"])
def edit_pupil(pupil_id: int):
    pupil = pupil_for_staff_or_404(current_user, pupil_id)
    classes = _my_classes()
    form = _pupil_form(classes, pupil)
    if form.validate_on_submit():
        school_class = class_or_404(current_user, int(form.class_id.data))
        pupil.first_name, pupil.last_initial = form.clean_first_name(), form.clean_initial()
        pupil.year_group, pupil.class_id = int(form.year_group.data), school_class.id
        db.session.commit()
        flash(f"Saved {pupil.display_name}.", "success")
        return redirect(url_for("teacher.class_page", class_id=school_class.id))
    return render_template("teacher/pupil_form.html", form=form, pupil=pupil), 400 if form.errors else 200


@bp.post("/pupils/<int:pupil_id>/archive")
def archive_pupil(pupil_id: int):
    pupil = pupil_for_staff_or_404(current_user, pupil_id)
    if FlaskForm().validate_on_submit():
        pupil.archived_at = now_utc()
        db.session.commit()
        flash(f"{pupil.display_name} is archived: they no longer appear on the class list. Their progress is kept.", "success")
    return redirect(url_for("teacher.class_page", class_id=pupil.class_id))


# ----------------------------------------------------------------- classes


@bp.route("/classes/new", methods=["GET", "POST"])
def add_class():
    _admin_only()
    form = ClassForm()
    form.year_group.choices = choices(YEAR_GROUPS.items())
    if form.validate_on_submit():
        name = form.name.data.strip()
        taken = db.session.execute(select(SchoolClass.id).where(SchoolClass.school_id == current_user.school_id,
                                                               SchoolClass.name == name)).first()
        if taken:
            form.name.errors.append("Another class already has that name.")
        else:
            db.session.add(SchoolClass(school_id=current_user.school_id, name=name, year_group=int(form.year_group.data)))
            db.session.commit()
            flash(f"Added the class {name}.", "success")
            return redirect(url_for("teacher.home"))
    return render_template("teacher/class_form.html", form=form), 400 if form.errors else 200


@bp.route("/classes/<int:class_id>/teachers", methods=["GET", "POST"])
def class_teachers(class_id: int):
    _admin_only()
    school_class = class_or_404(current_user, class_id)
    staff = list(db.session.execute(
        select(User).where(User.school_id == current_user.school_id, User.is_teacher.is_(True)).order_by(User.name)).scalars())
    form = FlaskForm()
    if form.validate_on_submit():
        chosen = set(request.form.getlist("teacher"))  # compared as text: any value that is not a listed id is ignored
        for teacher in staff:
            linked = school_class in teacher.classes
            if str(teacher.id) in chosen and not linked:
                teacher.classes.append(school_class)
            elif str(teacher.id) not in chosen and linked:
                teacher.classes.remove(school_class)
        db.session.commit()
        flash(f"Saved the teachers of {school_class.name}.", "success")
        return redirect(url_for("teacher.class_page", class_id=class_id))
    return render_template("teacher/class_teachers.html", school_class=school_class, staff=staff, form=form)


# ------------------------------------------------------------------- cards


@bp.get("/classes/<int:class_id>/cards.<kind>")
def class_cards(class_id: int, kind: str):
    school_class = class_or_404(current_user, class_id)
    if kind not in ("pdf", "png"):
        abort(404)
    pupils = db.session.execute(
        select(Pupil).where(Pupil.class_id == school_class.id, Pupil.archived_at.is_(None)).order_by(Pupil.first_name)
    ).scalars().all()
    signin_url = url_for("auth.tablet", _external=True)
    if kind == "pdf":
        body, mime = cards.class_cards_pdf(school_class, pupils, signin_url), "application/pdf"
    else:
        body, mime = cards.class_cards_png(school_class, pupils, signin_url), "image/png"
    return body, 200, download_headers(f"sign-in-cards-{school_class.name.lower()}.{kind}", mime, inline=True)


# --------------------------------------------------------- data protection


class RetentionForm(FlaskForm):
    retention_months = IntegerField("Months to keep the learning data of pupils who have left",
                                    validators=[NumberRange(min=1, max=120, message="Choose between 1 and 120 months.")])


@bp.get("/pupils/<int:pupil_id>/export.json")
def export_pupil(pupil_id: int):
    _admin_only()

    pupil = pupil_for_staff_or_404(current_user, pupil_id)
    response = jsonify(data_protection.export_pupil(pupil))
    response.headers["Content-Disposition"] = attachment(f"pupil-{pupil.id}.json")
    return response


@bp.route("/pupils/<int:pupil_id>/erase", methods=["GET", "POST"])
def erase_pupil(pupil_id: int):
    _admin_only()

    pupil = pupil_for_staff_or_404(current_user, pupil_id)
    form = FlaskForm()
    if form.validate_on_submit():
        if request.form.get("confirm", "").strip().lower() != pupil.first_name.lower():
            flash(f"Type {pupil.first_name} to confirm.", "error")
        else:
            class_id = pupil.class_id
            erased = data_protection.erase_pupil(pupil)
            kept = f" {erased.concerns_kept} safeguarding record(s) are kept by the DSL, marked 'account erased'." if erased.concerns_kept else ""
            flash(f"The pupil's account and learning data are erased.{kept}", "success")
            return redirect(url_for("teacher.class_page", class_id=class_id))
    return render_template("teacher/erase_pupil.html", pupil=pupil, form=form)


@bp.get("/staff")
def staff_list():
    """School admins: every staff account, to turn a leaver's off (or back on)."""
    _admin_only()
    return render_template("teacher/staff.html", staff=accounts.school_staff(current_user.school_id), form=FlaskForm())


@bp.post("/staff/<int:user_id>/active")
def set_staff_active(user_id: int):
    _admin_only()
    staff = staff_or_404(current_user, user_id)
    if not FlaskForm().validate_on_submit():
        flash("That did not work: please try again.", "error")
        return redirect(url_for("teacher.staff_list"))
    turn_on = request.form.get("active") == "1"
    try:
        accounts.set_staff_active(current_user, staff, turn_on)
    except accounts.AccountError as exc:
        flash(str(exc), "error")
    else:
        flash(f"{staff.name}'s account is {'on' if turn_on else 'off: they are signed out everywhere and cannot sign in'}.",
              "success")
    return redirect(url_for("teacher.staff_list"))


@bp.route("/school", methods=["GET", "POST"])
def school_settings():
    _admin_only()
    school = current_user.school
    form = RetentionForm(obj=school)
    if form.validate_on_submit():
        school.retention_months = form.retention_months.data
        db.session.commit()
        flash("Saved.", "success")
        return redirect(url_for("teacher.school_settings"))
    return render_template("teacher/school.html", form=form, school=school), 400 if form.errors else 200
