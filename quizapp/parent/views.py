"""What a signed-in parent or carer sees: only their own linked children,
and for each, the topics finished (never per-question answers)."""
from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user
from sqlalchemy import select

from ..content import get_content
from ..extensions import db
from ..models import ModuleProgress, band_for_year_group
from ..services.render import certificate
from ..services.scope import child_or_404, children_of
from . import bp



def _finished(pupil_ids: list[int]) -> dict[int, list[ModuleProgress]]:
    """Finished modules per child, oldest first. One query for all children."""
    out: dict[int, list[ModuleProgress]] = {pid: [] for pid in pupil_ids}
    if pupil_ids:
        rows = db.session.execute(
            select(ModuleProgress).where(ModuleProgress.pupil_id.in_(pupil_ids), ModuleProgress.completed_at.is_not(None))
            .order_by(ModuleProgress.completed_at)
        ).scalars()
        for row in rows:
            out[row.pupil_id].append(row)
    return out


@bp.get("/")
def home():
    children = children_of(current_user)
    finished = _finished([c.id for c in children])
    content = get_content()
    return render_template("parent/home.html", children=children, finished=finished, content=content,
                           band_for=band_for_year_group)


@bp.get("/children/<int:pupil_id>")
def child(pupil_id: int):
    pupil = child_or_404(current_user, pupil_id)
    content = get_content()
    done = {row.module_id: row for row in _finished([pupil.id])[pupil.id]}
    modules = content.modules_for_band(band_for_year_group(pupil.year_group))
    return render_template("parent/child.html", child=pupil, modules=modules, done=done)


@bp.get("/children/<int:pupil_id>/certificates/<module_id>.png")
def certificate_png(pupil_id: int, module_id: str):
    pupil = child_or_404(current_user, pupil_id)
    module = get_content().modules.get(module_id)
    row = db.session.execute(
        select(ModuleProgress).where(ModuleProgress.pupil_id == pupil.id, ModuleProgress.module_id == module_id,
                                     ModuleProgress.completed_at.is_not(None))
    ).scalar_one_or_none()
    if module is None or row is None:
        abort(404)
    png, headers = certificate.for_module(pupil.first_name, module, row.completed_at)
    return png, 200, headers
