"""What a signed-in parent or carer sees: only their own linked children."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from ..access import guard, is_parent
from ..services.scope import child_or_404, children_of

bp = Blueprint("parent", __name__)
guard(bp, is_parent)


@bp.get("/")
def home():
    return render_template("parent/home.html", children=children_of(current_user))


@bp.get("/children/<int:pupil_id>")
def child(pupil_id: int):
    return render_template("parent/child.html", child=child_or_404(current_user, pupil_id))
