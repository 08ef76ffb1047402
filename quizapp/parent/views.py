"""What a signed-in parent or carer sees: only their own linked children,
and for each, the topics finished (never per-question answers)."""
from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from ..content import get_content
from ..models import band_for_year_group
from ..services import dashboards, positions
from ..services.render import certificate
from ..services.scope import child_or_404, children_of
from . import bp


@bp.get("/")
def home():
    children = children_of(current_user)
    finished = positions.finished_modules([c.id for c in children])
    content = get_content()
    return render_template("parent/home.html", children=children, finished=finished, content=content,
                           band_for=band_for_year_group)


@bp.get("/children/<int:pupil_id>")
def child(pupil_id: int):
    pupil = child_or_404(current_user, pupil_id)
    content = get_content()
    modules = content.modules_for_band(band_for_year_group(pupil.year_group))
    finished, not_yet = positions.for_parent(pupil, modules)
    remembered = {m: ok for (_, m), ok in dashboards.remembered([pupil.id], modules).items()}
    return render_template("parent/child.html", child=pupil, modules=modules, finished=finished, not_yet=not_yet,
                           remembered=remembered)


@bp.get("/children/<int:pupil_id>/certificates/<module_id>.png")
def certificate_png(pupil_id: int, module_id: str):
    pupil = child_or_404(current_user, pupil_id)
    module = get_content().modules.get(module_id)
    row = positions.finished(pupil.id, module_id)
    if module is None or row is None:
        abort(404)
    png, headers = certificate.for_module(pupil.first_name, module, row.completed_at, pupil.school_class.school.name)
    return png, 200, headers
