"""Letters home with parent link codes, and the school's list of parent links.
Registered on the teacher blueprint."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from ..downloads import download_headers
from ..extensions import db
from ..models import Pupil
from ..services import parent_links
from ..services.render import letters as parent_letters
from ..services.scope import class_or_404, visible_classes
from .views import bp


@bp.route("/classes/<int:class_id>/letters", methods=["GET", "POST"])
def class_letters(class_id: int):
    school_class = class_or_404(current_user, class_id)
    pupils = db.session.execute(
        select(Pupil).where(Pupil.class_id == school_class.id, Pupil.archived_at.is_(None)).order_by(Pupil.first_name)
    ).scalars().all()
    form = FlaskForm()
    if form.validate_on_submit():
        if not pupils:
            flash("There are no pupils in this class yet.", "error")
            return redirect(url_for("teacher.class_letters", class_id=class_id))
        entries = parent_links.issue_codes(current_user.school, pupils, current_user)
        pdf = parent_letters.letters_pdf(current_user.school, entries, url_for("parent.register", _external=True))
        return pdf, 200, download_headers(f"parent-letters-{school_class.name}.pdf", "application/pdf")
    return render_template("teacher/letters.html", school_class=school_class, pupils=pupils, form=form)


@bp.get("/parent-links")
def parent_link_list():
    class_ids = {c.id for c in db.session.execute(visible_classes(current_user)).scalars()}
    links = [(link, parent, pupil) for link, parent, pupil in parent_links.links_for_school(current_user.school_id)
             if pupil.class_id in class_ids]
    return render_template("teacher/parent_links.html", links=links, form=FlaskForm())


@bp.post("/parent-links/<int:link_id>/revoke")
def revoke_parent_link(link_id: int):
    class_ids = {c.id for c in db.session.execute(visible_classes(current_user)).scalars()}
    mine = {link.id for link, _, pupil in parent_links.links_for_school(current_user.school_id) if pupil.class_id in class_ids}
    if link_id not in mine:
        abort(404)
    if FlaskForm().validate_on_submit() and parent_links.revoke_link(current_user.school_id, link_id):
        flash("The parent's link to the child was removed.", "success")
    return redirect(url_for("teacher.parent_link_list"))
