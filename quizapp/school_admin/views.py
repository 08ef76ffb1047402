"""School admins' pages. Every record is looked up through services/scope.py,
so another school's ids answer 404."""
from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import NumberRange

from ..downloads import download_headers
from ..formtools import choices
from ..models import YEAR_GROUPS
from ..services import accounts, data_protection, revisits, roster
from ..services.scope import class_or_404, pupil_for_staff_or_404, school_teachers, staff_or_404
from ..teacher.forms import ClassForm
from . import bp

# ----------------------------------------------------------------- classes


@bp.route("/classes/new", methods=["GET", "POST"])
def add_class():
    form = ClassForm()
    form.year_group.choices = choices(YEAR_GROUPS.items())
    if form.validate_on_submit():
        name = form.clean_name()
        try:
            roster.add_class(current_user.school, name, int(form.year_group.data))
        except roster.ClassNameTaken as exc:
            form.name.errors.append(str(exc))
        else:
            flash(f"Added the class {name}.", "success")
            return redirect(url_for("teacher.home"))
    return render_template("school_admin/class_form.html", form=form), 400 if form.errors else 200


@bp.route("/classes/<int:class_id>/teachers", methods=["GET", "POST"])
def class_teachers(class_id: int):
    school_class = class_or_404(current_user, class_id)
    staff = school_teachers(current_user)
    form = FlaskForm()
    if form.validate_on_submit():
        roster.set_class_teachers(school_class, staff, set(request.form.getlist("teacher")))
        flash(f"Saved the teachers of {school_class.name}.", "success")
        return redirect(url_for("teacher.class_page", class_id=class_id))
    return render_template("school_admin/class_teachers.html", school_class=school_class, staff=staff, form=form)


# --------------------------------------------------------- data protection


class RetentionForm(FlaskForm):
    retention_months = IntegerField("Months to keep the learning data of pupils who have left",
                                    validators=[NumberRange(min=1, max=120, message="Choose between 1 and 120 months.")])


@bp.get("/pupils/<int:pupil_id>/export.json")
def export_pupil(pupil_id: int):
    pupil = pupil_for_staff_or_404(current_user, pupil_id)
    response = jsonify(data_protection.export_pupil(pupil))
    response.headers.update(download_headers(f"pupil-{pupil.id}.json", "application/json"))
    return response


@bp.route("/pupils/<int:pupil_id>/erase", methods=["GET", "POST"])
def erase_pupil(pupil_id: int):
    pupil = pupil_for_staff_or_404(current_user, pupil_id)
    form = FlaskForm()
    if form.validate_on_submit():
        if request.form.get("confirm", "").strip().lower() != pupil.first_name.lower():
            flash(f"Type {pupil.first_name} to confirm.", "error")
        else:
            class_id = pupil.class_id
            erased = data_protection.erase_pupil(pupil, by=current_user)
            kept = f" {erased.concerns_kept} safeguarding record(s) are kept by the DSL, marked 'account erased'." if erased.concerns_kept else ""
            flash(f"The pupil's account and learning data are erased.{kept}", "success")
            return redirect(url_for("teacher.class_page", class_id=class_id))
    return render_template("school_admin/erase_pupil.html", pupil=pupil, form=form)


@bp.route("/school", methods=["GET", "POST"])
def school_settings():
    school = current_user.school
    form = RetentionForm(obj=school)
    if form.validate_on_submit():
        data_protection.set_retention(school, form.retention_months.data)
        flash("Saved.", "success")
        return redirect(url_for("school_admin.school_settings"))
    return render_template("school_admin/school.html", form=form, school=school,
                           revisit_form=RevisitForm(obj=school)), 400 if form.errors else 200


class RevisitForm(FlaskForm):
    revisit_first_weeks = IntegerField('First "Remember?" revisit: weeks after a pupil finishes a topic',
                                       validators=[NumberRange(min=1, max=51, message="Choose between 1 and 51 weeks.")])
    revisit_second_weeks = IntegerField("Second revisit: weeks after finishing",
                                        validators=[NumberRange(min=2, max=52, message="Choose between 2 and 52 weeks.")])


@bp.post("/school/revisits")
def revisit_schedule():
    """When "Remember?" revisits come back (services/revisits.py)."""
    school = current_user.school
    form = RevisitForm()
    if form.validate_on_submit():
        try:
            revisits.set_schedule(school, form.revisit_first_weeks.data, form.revisit_second_weeks.data)
        except ValueError as exc:
            flash(str(exc), "error")
        else:
            flash("Saved.", "success")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for("school_admin.school_settings"))


# ------------------------------------------------------------------- staff


@bp.get("/staff")
def staff_list():
    """Every staff account, to turn a leaver's off (or back on)."""
    return render_template("school_admin/staff.html", staff=accounts.school_staff(current_user.school_id), form=FlaskForm())


@bp.post("/staff/<int:user_id>/active")
def set_staff_active(user_id: int):
    staff = staff_or_404(current_user, user_id)
    if not FlaskForm().validate_on_submit():
        flash("That did not work: please try again.", "error")
        return redirect(url_for("school_admin.staff_list"))
    turn_on = request.form.get("active") == "1"
    try:
        accounts.set_staff_active(current_user, staff, turn_on)
    except accounts.AccountError as exc:
        flash(str(exc), "error")
    else:
        flash(f"{staff.name}'s account is {'on' if turn_on else 'off: they are signed out everywhere and cannot sign in'}.",
              "success")
    return redirect(url_for("school_admin.staff_list"))
