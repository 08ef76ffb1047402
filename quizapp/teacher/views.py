"""Staff pages: classes, rosters and class sign-in.

Teachers see their own classes; school admins and DSLs see the whole school.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from ..content import get_content, module_id
from ..formtools import choices
from ..models import band_for_year_group
from ..services import assignments as assign_service
from ..services import concerns, dashboards, revisits, roster
from ..services import pupil_signin as ps
from ..services.scope import assignment_or_404, class_or_404, class_pupils, my_classes, pupil_for_staff_or_404
from . import bp
from .forms import AssignmentForm, ClassTopicForm


@bp.get("/")
def home():
    classes = my_classes(current_user)
    counts = roster.class_sizes(current_user.school_id)
    open_signins = ps.current_signins(classes)
    topics = assign_service.for_classes(current_user.school_id, classes, counts)
    emerging = dashboards.emerging_by_class(get_content(), current_user.school_id,
                                            {cid: {t.module_id for t in ts} for cid, ts in topics.items()})
    shared = concerns.shared_for_teacher(current_user) if current_user.is_teacher else []
    return render_template("teacher/home.html", classes=classes, counts=counts, open_signins=open_signins, shared=shared,
                           topics=topics, emerging=emerging, modules=get_content().modules, form=FlaskForm())


@bp.get("/classes/<int:class_id>")
def class_page(class_id: int):
    school_class = class_or_404(current_user, class_id)
    pupils = class_pupils(school_class)
    left = class_pupils(school_class, left=True)
    topics = assign_service.for_classes(current_user.school_id, [school_class], {school_class.id: len(pupils)})
    return render_template(
        "teacher/class.html",
        school_class=school_class,
        pupils=pupils,
        left=left,
        signin=ps.current_signin(school_class),
        form=FlaskForm(),
        is_locked=ps.is_locked,
        needs_reset=ps.needs_reset,
        topics=topics[school_class.id],
        modules=get_content().modules,
        topic_form=_class_topic_form(),
    )


@bp.post("/classes/<int:class_id>/revisits")
def set_revisits(class_id: int):
    """Turn "Remember?" revisits on or off for a class (revisits set as work still show)."""
    school_class = class_or_404(current_user, class_id)
    if FlaskForm().validate_on_submit():
        revisits.set_class_revisits(school_class, request.form.get("on") == "1")
        flash('"Remember?" revisits are ' + ("on" if school_class.revisits_on else "off") + f" for {school_class.name}.",
              "success")
    return redirect(url_for("teacher.class_page", class_id=school_class.id))
def _class_topic_form() -> ClassTopicForm:
    form = ClassTopicForm()
    form.topic.choices = choices([("", "Choose...")] + [(t.id, t.title) for t in get_content().topics])
    return form


@bp.post("/classes/<int:class_id>/assignments")
def set_class_topic(class_id: int):
    """ "Set a topic for this class", on the class page."""
    school_class = class_or_404(current_user, class_id)
    form = _class_topic_form()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors) or "Choose a topic.", "error")
        return redirect(url_for("teacher.class_page", class_id=class_id, _anchor="set-topic"))
    module = module_id(form.topic.data, band_for_year_group(school_class.year_group))
    try:
        assign_service.assign(current_user, assign_service.Target(class_id=school_class.id), school_class.year_group,
                              [module], None, form.due_on.data)
    except assign_service.AssignmentError as exc:
        flash(str(exc), "error")
    else:
        title = get_content().modules[module].topic.title
        flash(f"Set {title} for {school_class.name}.", "success")
    return redirect(url_for("teacher.class_page", class_id=class_id))


@bp.post("/classes/<int:class_id>/signin/open")
def open_signin(class_id: int):
    school_class = class_or_404(current_user, class_id)
    if FlaskForm().validate_on_submit():
        ps.open_signin(current_user, school_class)
        flash(f"Class sign-in is open for {school_class.name}.", "success")
    return redirect(url_for("teacher.class_page", class_id=class_id))


@bp.post("/classes/<int:class_id>/signin/close")
def close_signin(class_id: int):
    school_class = class_or_404(current_user, class_id)
    signin = ps.current_signin(school_class)
    if FlaskForm().validate_on_submit() and signin is not None:
        ps.close_signin(signin)
        flash(f"Class sign-in for {school_class.name} is closed. Pupils on tablets are signed out.", "success")
    return redirect(url_for("teacher.class_page", class_id=class_id))


@bp.post("/pupils/<int:pupil_id>/reset-pin")
def reset_pin(pupil_id: int):
    pupil = pupil_for_staff_or_404(current_user, pupil_id)
    if FlaskForm().validate_on_submit():
        new_pin = ps.reset_pin(pupil, by=current_user)
        flash(f"{pupil.display_name}'s new picture PIN is: {new_pin.replace('-', ', ')}.", "success")
    return redirect(url_for("teacher.class_page", class_id=pupil.class_id))


@bp.post("/pupils/<int:pupil_id>/read-to-me")
def pupil_read_to_me(pupil_id: int):
    pupil = pupil_for_staff_or_404(current_user, pupil_id)
    if FlaskForm().validate_on_submit():
        roster.set_read_to_me([pupil], request.form.get("on") == "1")
    return redirect(url_for("teacher.class_page", class_id=pupil.class_id))


@bp.post("/classes/<int:class_id>/read-to-me")
def class_read_to_me(class_id: int):
    school_class = class_or_404(current_user, class_id)
    if FlaskForm().validate_on_submit():
        on = request.form.get("on") == "1"
        roster.set_read_to_me(class_pupils(school_class), on)
        flash(f"Read to me is {'on' if on else 'off'} for everyone in {school_class.name}.", "success")
    return redirect(url_for("teacher.class_page", class_id=class_id))


# ------------------------------------------------------------- assignments


def _assignment_form(classes):
    form = AssignmentForm()
    targets = assign_service.targets_for(current_user, classes)
    form.target.choices = choices([("", "Choose...")] + [(_target_key(t), label) for label, t, _ in targets])
    form.topics.choices = choices((t.id, t.title) for t in get_content().topics)
    return form, {_target_key(t): (t, year) for _, t, year in targets}


def _target_key(target) -> str:
    return f"y{target.year_group}" if target.year_group is not None else f"c{target.class_id}"


@bp.route("/assignments", methods=["GET", "POST"])
def assignments():
    classes = my_classes(current_user)
    form, targets = _assignment_form(classes)
    if form.validate_on_submit():
        target, year_group = targets[form.target.data]
        band = band_for_year_group(year_group)
        topics = [t.id for t in get_content().topics] if form.whole_sequence.data else form.topics.data
        module_ids = [module_id(topic, band) for topic in topics]
        try:
            made = assign_service.assign(current_user, target, year_group, module_ids, form.start_on.data, form.due_on.data,
                                         revisit=form.revisit.data)
        except assign_service.AssignmentError as exc:
            flash(str(exc), "error")
        else:
            flash(f"Set {len(made)} topic{'s' if len(made) != 1 else ''} for {next(c.label for c in form.target.choices if c.value == form.target.data)}.", "success")
            return redirect(url_for("teacher.assignments"))
    rows = assign_service.visible_to(current_user, classes)
    return render_template(
        "teacher/assignments.html", form=form, rows=rows, modules=get_content().modules,
        completion=assign_service.completion(current_user.school_id, rows, get_content()),
        class_names={c.id: c.name for c in classes}, remove_form=FlaskForm(),
    )


@bp.post("/assignments/<int:assignment_id>/remove")
def remove_assignment(assignment_id: int):
    row = assignment_or_404(current_user, assignment_id)
    if FlaskForm().validate_on_submit():
        assign_service.remove(row)
        flash("The assignment was removed. Pupils keep anything they have already done.", "success")
    return redirect(url_for("teacher.assignments"))
