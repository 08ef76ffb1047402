"""The school's roster, one function per use case: add, edit (and move) and
archive a pupil; add a class; set a class's teachers. The views check who
may do it (services/scope.py and the blueprints' guards) and pass in
records they have already been allowed to see."""
from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from ..models import Pupil, School, SchoolClass, User, now_utc
from .names import same_name_taken
from .pupil_signin import random_pin


class ClassNameTaken(ValueError):
    """Another class of the school already has this name."""


def add_pupil(school_class: SchoolClass, first_name: str, last_initial: str, year_group: int) -> Pupil:
    """A new pupil in a class, with a fresh picture PIN."""
    pupil = Pupil(school_id=school_class.school_id, class_id=school_class.id, first_name=first_name,
                  last_initial=last_initial, year_group=year_group, pin=random_pin())
    db.session.add(pupil)
    db.session.commit()
    return pupil


def edit_pupil(pupil: Pupil, first_name: str, last_initial: str, year_group: int, school_class: SchoolClass) -> None:
    """Change a pupil's name or year group, or move them to another class."""
    pupil.first_name, pupil.last_initial = first_name, last_initial
    pupil.year_group, pupil.class_id = year_group, school_class.id
    db.session.commit()


def archive_pupil(pupil: Pupil) -> None:
    """A leaver: off the class list; their progress is kept until the
    retention period ends (services/data_protection.py)."""
    pupil.archived_at = now_utc()
    db.session.commit()


def class_sizes(school_id: int) -> dict[int, int]:
    """class id -> pupils on the roll, for the whole school. One query."""
    return dict(db.session.execute(
        select(Pupil.class_id, func.count(Pupil.id))
        .where(Pupil.school_id == school_id, Pupil.archived_at.is_(None))
        .group_by(Pupil.class_id)
    ).all())


def add_class(school: School, name: str, year_group: int) -> SchoolClass:
    """A new class; ClassNameTaken if the school has one of that name, or
    one that only looks the same (services/names.py)."""
    names = db.session.execute(select(SchoolClass.name).where(SchoolClass.school_id == school.id)).scalars()
    if same_name_taken(name, names):
        raise ClassNameTaken("Another class already has that name.")
    school_class = SchoolClass(school_id=school.id, name=name, year_group=year_group)
    db.session.add(school_class)
    db.session.commit()
    return school_class


def set_class_teachers(school_class: SchoolClass, teachers: list[User], chosen: set[str]) -> None:
    """Link exactly the chosen teachers (their ids as text, from a form) of
    `teachers` to the class; any other value is ignored."""
    for teacher in teachers:
        linked = school_class in teacher.classes
        if str(teacher.id) in chosen and not linked:
            teacher.classes.append(school_class)
        elif str(teacher.id) not in chosen and linked:
            teacher.classes.remove(school_class)
    db.session.commit()


def set_read_to_me(pupils, on: bool) -> None:
    """A teacher turns "Read to me" on or off for these pupils."""
    for pupil in pupils:
        pupil.read_to_me_setting = on
    db.session.commit()
