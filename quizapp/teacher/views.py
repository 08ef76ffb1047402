"""Staff pages: classes, rosters and class sign-in.

Teachers see their own classes; school admins and DSLs see the whole school.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from ..access import guard, is_staff
from ..extensions import db
from ..models import Pupil
from ..services import pupil_signin as ps
from ..services.scope import class_or_404, pupil_for_staff_or_404, visible_classes

bp = Blueprint("teacher", __name__)
guard(bp, is_staff)


@bp.get("/")
def home():
    classes = db.session.execute(visible_classes(current_user)).scalars().all()
    counts = dict(
        db.session.execute(
            select(Pupil.class_id, func.count(Pupil.id))
            .where(Pupil.school_id == current_user.school_id, Pupil.archived_at.is_(None))
            .group_by(Pupil.class_id)
        ).all()
    )
    open_signins = {c.id: ps.current_signin(c) for c in classes}
    return render_template("teacher/home.html", classes=classes, counts=counts, open_signins=open_signins)


@bp.get("/classes/<int:class_id>")
def class_page(class_id: int):
    school_class = class_or_404(current_user, class_id)
    pupils = db.session.execute(
        select(Pupil).where(Pupil.class_id == school_class.id, Pupil.archived_at.is_(None)).order_by(Pupil.first_name)
    ).scalars().all()
    return render_template(
        "teacher/class.html",
        school_class=school_class,
        pupils=pupils,
        signin=ps.current_signin(school_class),
        form=FlaskForm(),
        is_locked=ps.is_locked,
    )


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
        new_pin = ps.reset_pin(pupil)
        flash(f"{pupil.display_name}'s new picture PIN is: {new_pin.replace('-', ', ')}.", "success")
    return redirect(url_for("teacher.class_page", class_id=pupil.class_id))
