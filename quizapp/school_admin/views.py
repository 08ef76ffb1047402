"""School admins' pages. Every record is looked up through services/scope.py,
so another school's ids answer 404."""
from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import BooleanField, EmailField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, ValidationError

from ..dates import is_time_zone
from ..downloads import download_headers
from ..formtools import choices
from ..models import YEAR_GROUPS
from ..services import accounts, data_protection, revisits, roster, safe_adults
from ..services import staff as staff_service
from ..services.scope import class_or_404, pupil_for_staff_or_404, safe_adult_or_404, school_teachers, staff_or_404
from ..teacher.forms import ClassForm, MultiCheckboxField
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


class SchoolSettingsForm(FlaskForm):
    retention_months = IntegerField("Months to keep the learning data of pupils who have left",
                                    validators=[NumberRange(min=1, max=120, message="Choose between 1 and 120 months.")])
    timezone = StringField("Time zone", description="Every date and time on these pages, in downloads and in emails is shown in"
                           " this time zone, for example Europe/London.",
                           validators=[DataRequired(message="Give a time zone, for example Europe/London.")])

    def validate_timezone(self, field):
        if not is_time_zone((field.data or "").strip()):
            raise ValidationError("That is not a time zone we know. Try Europe/London.")


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
    form = SchoolSettingsForm(obj=school)
    if form.validate_on_submit():
        school.timezone = form.timezone.data.strip()
        data_protection.set_retention(school, form.retention_months.data)  # commits both
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


class SafeAdultForm(FlaskForm):
    name = StringField("Name, as pupils know them", description="For example Mrs Patel.",
                       validators=[DataRequired(message="Enter their name."), Length(max=80)])
    role = StringField("What they do", description="For example: keeps children safe at our school; our head teacher.",
                       validators=[DataRequired(message="Say what they do."), Length(max=120)])
    photo = FileField("Photo (optional)", description="A JPEG, PNG or WebP photo under 5 MB. We remove its hidden "
                      "details (such as where it was taken) and make it small.")
    remove_photo = BooleanField("Remove the photo")


def _photo_bytes(form: SafeAdultForm) -> bytes | None:
    upload = form.photo.data
    if not isinstance(upload, FileStorage) or not upload.filename:
        return None
    return upload.read(safe_adults.MAX_BYTES + 1) or b""  # b"": an empty file, refused with a message


@bp.route("/safe-adults", methods=["GET", "POST"])
def safe_adults_page():
    """The school's safe grown-ups, shown to pupils; add one."""
    form = SafeAdultForm()
    if form.validate_on_submit():
        try:
            adult = safe_adults.add(current_user, form.name.data, form.role.data, _photo_bytes(form))
        except safe_adults.PhotoError as exc:
            form.photo.errors.append(str(exc))
        except safe_adults.SafeAdultError as exc:
            form.name.errors.append(str(exc))
        else:
            flash(f"Added {adult.name}. Pupils see them on the \"I'm worried\" page and in the getting-help lessons.",
                  "success")
            return redirect(url_for("school_admin.safe_adults_page"))
    return render_template("school_admin/safe_adults.html", form=form,
                           adults=safe_adults.for_school(current_user.school_id)), 400 if form.errors else 200


@bp.route("/safe-adults/<int:adult_id>", methods=["GET", "POST"])
def edit_safe_adult(adult_id: int):
    adult = safe_adult_or_404(current_user, adult_id)
    form = SafeAdultForm(data={"name": adult.name, "role": adult.role})
    if form.validate_on_submit():
        try:
            safe_adults.update(adult, form.name.data, form.role.data, _photo_bytes(form), form.remove_photo.data)
        except safe_adults.PhotoError as exc:
            form.photo.errors.append(str(exc))
        except safe_adults.SafeAdultError as exc:
            form.name.errors.append(str(exc))
        else:
            flash(f"Saved {adult.name}.", "success")
            return redirect(url_for("school_admin.safe_adults_page"))
    return render_template("school_admin/safe_adult_edit.html", form=form, adult=adult), 400 if form.errors else 200


@bp.post("/safe-adults/<int:adult_id>/remove")
def remove_safe_adult(adult_id: int):
    adult = safe_adult_or_404(current_user, adult_id)
    if FlaskForm().validate_on_submit():
        safe_adults.remove(adult)
        flash(f"Removed {adult.name}.", "success")
    return redirect(url_for("school_admin.safe_adults_page"))


class AddStaffForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(message="Enter their name."), Length(max=80)])
    email = EmailField("Email", validators=[DataRequired(message="Enter their email address."), Length(max=254)])
    roles = MultiCheckboxField("Roles", choices=choices(staff_service.ROLES.items()),
                               validators=[DataRequired(message="Choose at least one role.")])


def _staff_page(add_form: AddStaffForm, status: int = 200):
    school_id = current_user.school_id
    return render_template("school_admin/staff.html", staff=accounts.school_staff(school_id), form=FlaskForm(),
                           add_form=add_form, roles=staff_service.ROLES, roles_of=staff_service.roles_of,
                           audit=staff_service.audit_log(school_id)), status


@bp.get("/staff")
def staff_list():
    """Every staff account: add and invite, set roles, turn a leaver's off (or back on); the audit of changes."""
    return _staff_page(AddStaffForm(formdata=None))


@bp.post("/staff/new")
def add_staff():
    form = AddStaffForm()
    if form.validate_on_submit():
        try:
            staff = staff_service.add_staff(current_user, form.name.data, form.email.data, set(form.roles.data))
        except accounts.AccountError as exc:
            form.email.errors.append(str(exc))
        else:
            flash(f"Added {staff.name}. An invitation is on its way to {staff.email}: the link works for 72 hours.", "success")
            return redirect(url_for("school_admin.staff_list"))
    return _staff_page(form, 400)


@bp.post("/staff/<int:user_id>/roles")
def set_staff_roles(user_id: int):
    staff = staff_or_404(current_user, user_id)
    if not FlaskForm().validate_on_submit():
        flash("That did not work: please try again.", "error")
        return redirect(url_for("school_admin.staff_list"))
    try:
        changed = staff_service.set_roles(current_user, staff, set(request.form.getlist("roles")))
    except accounts.AccountError as exc:
        flash(str(exc), "error")
    else:
        flash(f"Saved {staff.name}'s roles." if changed else "Nothing to change.", "success")
    return redirect(url_for("school_admin.staff_list"))


@bp.post("/staff/<int:user_id>/invite")
def resend_invite(user_id: int):
    staff = staff_or_404(current_user, user_id)
    if not FlaskForm().validate_on_submit():
        flash("That did not work: please try again.", "error")
        return redirect(url_for("school_admin.staff_list"))
    try:
        staff_service.resend_invite(current_user, staff)
    except accounts.AccountError as exc:
        flash(str(exc), "error")
    else:
        flash(f"A new invitation is on its way to {staff.email}. Earlier links no longer work.", "success")
    return redirect(url_for("school_admin.staff_list"))


@bp.post("/staff/<int:user_id>/active")
def set_staff_active(user_id: int):
    staff = staff_or_404(current_user, user_id)
    if not FlaskForm().validate_on_submit():
        flash("That did not work: please try again.", "error")
        return redirect(url_for("school_admin.staff_list"))
    turn_on = request.form.get("active") == "1"
    try:
        staff_service.set_active(current_user, staff, turn_on)
    except accounts.AccountError as exc:
        flash(str(exc), "error")
    else:
        flash(f"{staff.name}'s account is {'on' if turn_on else 'off: they are signed out everywhere and cannot sign in'}.",
              "success")
    return redirect(url_for("school_admin.staff_list"))
