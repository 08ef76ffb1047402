"""The demo school that `make run` and `flask seed-demo` create.

Its pupils' PINs come from a fixed random seed, so the same demo sign-ins
work on every machine. Demo passwords are printed and documented: never use
seed-demo on a real deployment's database.
"""
from __future__ import annotations

import io
import random
from collections.abc import Callable

from PIL import Image, ImageDraw
from sqlalchemy import select

from ..extensions import db
from ..models import (
    PARENT,
    PIN_LENGTH,
    PLATFORM_ADMIN,
    STAFF,
    ParentLink,
    Pupil,
    SafeAdult,
    School,
    SchoolClass,
    User,
    year_group_label,
)
from .accounts import create_school, create_user
from .pupil_signin import PIN_PICTURES
from .safe_adults import process_photo

DEMO_SLUG = "demo"
DEMO_PASSWORD = "demo-password-1"
DEMO_DOMAIN = "demo.example.org"

CLASSES = [
    (0, "Robins", "Ms Ahmed"),
    (1, "Hedgehogs", "Mr Jones"),
    (2, "Owls", "Mrs Wright"),
    (3, "Foxes", "Mr Nowak"),
    (4, "Badgers", "Ms Campbell"),
    (5, "Kestrels", "Mr Mensah"),
    (6, "Otters", "Mrs Singh"),
]
FIRST_NAMES = [
    "Amara", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Hamza", "Isla", "Jamal", "Kai", "Lily",
    "Maya", "Noah", "Olivia", "Oscar", "Poppy", "Reuben", "Sofia", "Theo", "Yusuf", "Zara", "Alfie", "Ruby",
]
INITIALS = "ABCDEFGHJKLMNPRSTW"
PUPILS_PER_CLASS = 8


def seed() -> School:
    rng = random.Random(2026)
    school = create_school("Oakwood Primary School (demo)", DEMO_SLUG)
    db.session.flush()
    for year_group, class_name, teacher_name in CLASSES:
        school_class = SchoolClass(school=school, name=class_name, year_group=year_group)
        db.session.add(school_class)
        db.session.flush()
        teacher = create_user(_email(class_name.lower()), DEMO_PASSWORD, teacher_name, STAFF, school, teacher=True)
        teacher.classes.append(school_class)
        names = rng.sample(FIRST_NAMES, PUPILS_PER_CLASS)
        for first_name in names:
            db.session.add(
                Pupil(
                    school_id=school.id,
                    class_id=school_class.id,
                    first_name=first_name,
                    last_initial=rng.choice(INITIALS),
                    year_group=year_group,
                    pin="-".join(rng.choice(PIN_PICTURES) for _ in range(PIN_LENGTH)),
                )
            )
    create_user(_email("dsl"), DEMO_PASSWORD, "Mrs Hughes", STAFF, school, dsl=True, teacher=False)
    create_user(_email("deputy"), DEMO_PASSWORD, "Ms Clarke", STAFF, school, deputy_dsl=True, teacher=False)
    create_user(_email("admin"), DEMO_PASSWORD, "Mr Patel", STAFF, school, school_admin=True)
    create_user(_email("platform"), DEMO_PASSWORD, "Platform admin", PLATFORM_ADMIN)
    db.session.flush()
    _link_parents(school)
    _add_safe_adults(school)
    db.session.commit()
    return school


# The demo's safe grown-ups, with simple drawn avatars (no real person's photo).
SAFE_ADULTS = [
    ("Mrs Hughes", "keeps children safe at our school", (46, 125, 50), (120, 84, 60)),
    ("Ms Clarke", "helps keep children safe at our school", (21, 101, 192), (60, 40, 30)),
]


def _avatar(background: tuple[int, int, int], hair: tuple[int, int, int]) -> bytes:
    """A friendly drawn face, as a PNG, going through the same checks as an upload."""
    image = Image.new("RGB", (400, 400), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((95, 70, 305, 300), fill=hair)  # hair
    draw.ellipse((120, 105, 280, 285), fill=(241, 194, 160))  # face
    draw.ellipse((160, 170, 180, 190), fill=(40, 40, 40))
    draw.ellipse((220, 170, 240, 190), fill=(40, 40, 40))
    draw.arc((165, 200, 235, 250), start=20, end=160, fill=(150, 60, 60), width=6)
    draw.pieslice((70, 300, 330, 520), start=180, end=360, fill=(250, 250, 250))  # shoulders
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _add_safe_adults(school: School) -> None:
    for position, (name, role, background, hair) in enumerate(SAFE_ADULTS, 1):
        db.session.add(SafeAdult(school_id=school.id, name=name, role=role, position=position,
                                 photo=process_photo(_avatar(background, hair)), photo_version=1))


def _link_parents(school: School) -> None:
    """parent1 has a child in Year 1 and one in Year 4; parent2 has one in Year 6."""
    def first_pupil(class_name: str) -> Pupil:
        return db.session.execute(
            select(Pupil).join(SchoolClass, SchoolClass.id == Pupil.class_id)
            .where(SchoolClass.school_id == school.id, SchoolClass.name == class_name)
            .order_by(Pupil.first_name)
        ).scalars().first()

    parent1 = create_user(_email("parent1"), DEMO_PASSWORD, "Sam Taylor", PARENT)
    parent2 = create_user(_email("parent2"), DEMO_PASSWORD, "Alex Morgan", PARENT)
    db.session.flush()
    for parent, class_name in ((parent1, "Hedgehogs"), (parent1, "Badgers"), (parent2, "Otters")):
        db.session.add(ParentLink(parent_id=parent.id, pupil_id=first_pupil(class_name).id))


def _email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def print_demo_signins(school: School, echo: Callable[[str], None]) -> None:
    echo(f"Demo school: {school.name}")
    echo(f"Every demo adult's password: {DEMO_PASSWORD}")
    users = db.session.execute(select(User).where((User.school_id == school.id) | (User.kind != STAFF)).order_by(User.id)).scalars()
    for user in users:
        if user.email.endswith(DEMO_DOMAIN):
            roles = ", ".join(user.role_names) or user.kind.replace("_", " ")
            echo(f"  {user.email:<34} {user.name:<16} {roles}")
    echo("Pupils sign in on a tablet: a teacher opens 'Class sign-in', then each pupil taps their name and picture PIN.")
    for school_class in school.classes:
        pupils = db.session.execute(
            select(Pupil).where(Pupil.class_id == school_class.id).order_by(Pupil.first_name)
        ).scalars().all()
        shown = ", ".join(f"{p.display_name} {p.pin}" for p in pupils[:3])
        echo(f"  {year_group_label(school_class.year_group):<9} {school_class.name:<10} {shown}, ...")
