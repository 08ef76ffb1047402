"""Who may see whom. Every lookup of a person by id goes through here, and
answers 404 (not 403) for anything outside the viewer's school, classes or
children, so ids of other schools' records reveal nothing."""
from __future__ import annotations

from flask import abort
from sqlalchemy import Select, select

from ..extensions import db
from ..models import MAX_ID, STAFF, ParentLink, Pupil, SchoolClass, User, teacher_classes


def _real_id_or_404(record_id) -> int:
    """An id from a URL or a form that could name a row; anything else (a
    number too big for the database, say) is simply not found."""
    if not isinstance(record_id, int) or not 0 < record_id <= MAX_ID:
        abort(404)
    return record_id


def visible_classes(user: User) -> Select:
    """Classes a member of staff may see: all of the school's for admins and
    DSLs, otherwise the teacher's own."""
    query = select(SchoolClass).where(SchoolClass.school_id == user.school_id)
    if not user.sees_whole_school:
        query = query.join(teacher_classes, teacher_classes.c.class_id == SchoolClass.id).where(teacher_classes.c.user_id == user.id)
    return query.order_by(SchoolClass.year_group, SchoolClass.name)


def class_or_404(user: User, class_id: int) -> SchoolClass:
    class_id = _real_id_or_404(class_id)
    school_class = db.session.execute(visible_classes(user).where(SchoolClass.id == class_id)).scalar_one_or_none()
    if school_class is None:
        abort(404)
    return school_class


def pupil_for_staff_or_404(user: User, pupil_id: int) -> Pupil:
    pupil = db.session.get(Pupil, _real_id_or_404(pupil_id))
    if pupil is None or pupil.school_id != user.school_id:
        abort(404)
    class_or_404(user, pupil.class_id)
    return pupil


def children_of(parent: User) -> list[Pupil]:
    return list(
        db.session.execute(
            select(Pupil)
            .join(ParentLink, ParentLink.pupil_id == Pupil.id)
            .where(ParentLink.parent_id == parent.id, Pupil.archived_at.is_(None))
            .order_by(Pupil.first_name)
        ).scalars()
    )


def staff_or_404(user: User, staff_id: int) -> User:
    """A staff account of the user's own school."""
    staff = db.session.get(User, _real_id_or_404(staff_id))
    if staff is None or staff.kind != STAFF or staff.school_id != user.school_id:
        abort(404)
    return staff


def child_or_404(parent: User, pupil_id: int) -> Pupil:
    pupil_id = _real_id_or_404(pupil_id)
    pupil = db.session.execute(
        select(Pupil)
        .join(ParentLink, ParentLink.pupil_id == Pupil.id)
        .where(ParentLink.parent_id == parent.id, Pupil.id == pupil_id, Pupil.archived_at.is_(None))
    ).scalar_one_or_none()
    if pupil is None:
        abort(404)
    return pupil
