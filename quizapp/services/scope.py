"""Who may see whom. Every lookup of a person by id goes through here, and
answers 404 (not 403) for anything outside the viewer's school, classes or
children, so ids of other schools' records reveal nothing."""
from __future__ import annotations

from flask import abort
from sqlalchemy import Select, select

from ..extensions import db
from ..models import (
    MAX_ID,
    STAFF,
    YEAR_GROUPS,
    Assignment,
    ParentLink,
    Pupil,
    SafeAdult,
    School,
    SchoolClass,
    User,
    teacher_classes,
)
from .parent_links import links_for_school


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


def safe_adult_or_404(viewer, adult_id: int) -> SafeAdult:
    """One of the school's safe adults, for a signed-in pupil or member of
    staff of that school (their photos too); 404 for everyone else."""
    adult = db.session.get(SafeAdult, _real_id_or_404(adult_id))
    if (adult is None or not getattr(viewer, "is_authenticated", False)
            or not (viewer.is_pupil or viewer.is_staff) or viewer.school_id != adult.school_id):
        abort(404)
    return adult


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


# ------------------------------------------------------------ staff reads


def my_classes(user: User) -> list[SchoolClass]:
    """The classes a member of staff may see (visible_classes), loaded."""
    return list(db.session.execute(visible_classes(user)).scalars())


def class_pupils(school_class: SchoolClass, left: bool = False) -> list[Pupil]:
    """A class's pupils by first name: those on the roll, or (left=True) those
    archived, whose records are kept until the retention period ends."""
    archived = Pupil.archived_at.is_not(None) if left else Pupil.archived_at.is_(None)
    return list(db.session.execute(
        select(Pupil).where(Pupil.class_id == school_class.id, archived).order_by(Pupil.first_name)
    ).scalars())


def visible_year_groups(user: User) -> set[int] | None:
    """The year groups a member of staff may see reports of: None for the
    whole school (admins and DSLs), else the years of their classes."""
    if user.sees_whole_school:
        return None
    return {c.year_group for c in my_classes(user)}


def year_group_or_404(user: User, year_group: int) -> int:
    years = visible_year_groups(user)
    if year_group not in YEAR_GROUPS or (years is not None and year_group not in years):
        abort(404)
    return year_group


def governors_report_school_or_404(user: User) -> School:
    """The school whose governors' report this person may read: school admins and the DSL team, their own school only."""
    if not (user.is_staff and (user.is_school_admin or user.in_dsl_team)) or user.school is None:
        abort(404)
    return user.school


def school_teachers(user: User) -> list[User]:
    """The teachers of the user's school, by name (for linking to classes)."""
    return list(db.session.execute(
        select(User).where(User.school_id == user.school_id, User.is_teacher.is_(True)).order_by(User.name)
    ).scalars())


def parent_links_for_staff(user: User) -> list[tuple[ParentLink, User, Pupil]]:
    """Parent links of pupils in the classes this member of staff may see,
    with the parent and the pupil, by pupil name."""
    return links_for_school(user.school_id, class_ids=_visible_class_ids(user))


def _visible_class_ids(user: User) -> Select:
    return visible_classes(user).with_only_columns(SchoolClass.id).order_by(None)


def parent_link_or_404(user: User, link_id: int) -> ParentLink:
    """A parent link of a pupil in one of this member of staff's classes."""
    link_id = _real_id_or_404(link_id)
    link = db.session.execute(
        select(ParentLink).join(Pupil, ParentLink.pupil_id == Pupil.id)
        .where(ParentLink.id == link_id, Pupil.school_id == user.school_id, Pupil.class_id.in_(_visible_class_ids(user)))
    ).scalar_one_or_none()
    if link is None:
        abort(404)
    return link


def assignment_or_404(user: User, assignment_id: int) -> Assignment:
    """An assignment for one of the classes this member of staff may see, or
    for the year group of one of them."""
    assignment = db.session.get(Assignment, _real_id_or_404(assignment_id))
    classes = my_classes(user)
    if (assignment is None or assignment.school_id != user.school_id or not classes
            or (assignment.class_id not in {c.id for c in classes}
                and assignment.year_group not in {c.year_group for c in classes})):
        abort(404)
    return assignment
