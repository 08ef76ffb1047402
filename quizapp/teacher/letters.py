"""Letters home with parent link codes, and the school's list of parent links.
On the teacher blueprint."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from ..downloads import download_headers
from ..services import parent_links
from ..services.render import letters as parent_letters
from ..services.scope import class_or_404, class_pupils, parent_link_or_404, parent_links_for_staff
from . import bp


@bp.route("/classes/<int:class_id>/letters", methods=["GET", "POST"])
def class_letters(class_id: int):
    school_class = class_or_404(current_user, class_id)
    pupils = class_pupils(school_class)
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
    return render_template("teacher/parent_links.html", links=parent_links_for_staff(current_user), form=FlaskForm())


@bp.post("/parent-links/<int:link_id>/revoke")
def revoke_parent_link(link_id: int):
    link = parent_link_or_404(current_user, link_id)
    if FlaskForm().validate_on_submit() and parent_links.revoke_link(current_user.school_id, link.id):
        flash("The parent's link to the child was removed.", "success")
    return redirect(url_for("teacher.parent_link_list"))
