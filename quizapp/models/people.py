"""The people who use the app.

Pupils hold the minimum a school needs to teach them: first name, last
initial, year group, class, a picture PIN and display preferences. No email,
date of birth, photo or address is ever stored for a pupil.

Adults (`User`) sign in with email and password and are one of three kinds:
  - staff of one school, with any mix of roles: teacher (linked to classes),
    designated safeguarding lead (DSL), deputy DSL, school admin; a deputy
    DSL sees and answers concerns as the DSL does (the "DSL team");
  - parents, who belong to no school; their links to pupils define what they see;
  - platform admins, who create schools for the whole deployment.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, ForeignKeyConstraint, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import NEVER_REUSED, UTCDateTime, now_utc
from .school import School, SchoolClass, year_group_label

STAFF, PARENT, PLATFORM_ADMIN = "staff", "parent", "platform_admin"


class Principal(UserMixin):
    """Flask-Login's view of whoever is signed in.

    `get_id()` returns the token of the signed-in session (an `AuthSession`
    row), not the person's id, so that signing out ends exactly that session
    on the server and a copied cookie stops working.
    """

    auth_token: str | None = None
    kind: str

    def get_id(self) -> str | None:
        return self.auth_token

    @property
    def is_pupil(self) -> bool:
        return self.kind == "pupil"


teacher_classes = db.Table(
    "teacher_classes",
    db.Column("user_id", db.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    db.Column("class_id", db.ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True),
)


class User(Principal, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"kind IN ('{STAFF}', '{PARENT}', '{PLATFORM_ADMIN}')", name="kind_known"),
        CheckConstraint(f"(kind = '{STAFF}') = (school_id IS NOT NULL)", name="staff_have_school"),
        NEVER_REUSED,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    password_hash: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    is_teacher: Mapped[bool] = mapped_column(Boolean, default=False)
    is_dsl: Mapped[bool] = mapped_column(Boolean, default=False)
    is_school_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_deputy_dsl: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Added by a school admin and invited by email; false once they have set
    # their own password from the link (services/staff.py).
    invite_pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Sign-in throttling is kept on the account, not only per IP address:
    # a whole school shares one address.
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    school: Mapped[School | None] = relationship()
    classes: Mapped[list[SchoolClass]] = relationship(secondary=teacher_classes, order_by=SchoolClass.year_group)

    @property
    def is_staff(self) -> bool:
        return self.kind == STAFF

    @property
    def is_parent(self) -> bool:
        return self.kind == PARENT

    @property
    def is_platform_admin(self) -> bool:
        return self.kind == PLATFORM_ADMIN

    @property
    def in_dsl_team(self) -> bool:
        """A DSL or deputy DSL: reads and answers pupils' concerns, and is alerted to new ones."""
        return self.is_staff and (self.is_dsl or self.is_deputy_dsl)

    @property
    def sees_whole_school(self) -> bool:
        """School admins and the DSL team see every class of their school."""
        return self.is_staff and (self.is_school_admin or self.in_dsl_team)

    @property
    def role_names(self) -> list[str]:
        names = []
        if self.is_teacher:
            names.append("Teacher")
        if self.is_dsl:
            names.append("Designated safeguarding lead")
        if self.is_deputy_dsl:
            names.append("Deputy DSL")
        if self.is_school_admin:
            names.append("School admin")
        return names

    def __repr__(self) -> str:
        return f"<User {self.kind} {self.id}>"


PIN_LENGTH = 3


def new_answer_key() -> str:
    return secrets.token_urlsafe(12)


class Pupil(Principal, db.Model):
    __tablename__ = "pupils"
    __table_args__ = (
        ForeignKeyConstraint(["class_id", "school_id"], ["classes.id", "classes.school_id"]),
        CheckConstraint("year_group BETWEEN 0 AND 6", name="year_group_range"),
        NEVER_REUSED,
    )
    kind = "pupil"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    class_id: Mapped[int] = mapped_column(index=True)
    first_name: Mapped[str] = mapped_column(String(40))
    last_initial: Mapped[str] = mapped_column(String(1))
    year_group: Mapped[int]
    # The picture PIN, as picture names joined by "-" (e.g. "cat-sun-tree").
    # Kept readable on purpose: teachers print it on the pupil's sign-in card.
    # It only works while the teacher has that class's sign-in open, and
    # repeated wrong tries lock it (pin_failures / pin_locked_until).
    pin: Mapped[str] = mapped_column(String(60))
    pin_failures: Mapped[int] = mapped_column(default=0)
    pin_locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Locks since the teacher last reset the PIN, shown on the class page: was
    # someone guessing it? (pin_failures counts wrong tries in a row.)
    pin_locks: Mapped[int] = mapped_column(default=0)
    pin_last_locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A random value the pupil's answer tokens carry, checked by the answer
    # INSERT: a token names this pupil, not just an id (services/answer_token.py).
    answer_key: Mapped[str] = mapped_column(String(24), default=new_answer_key)
    # Display settings follow the pupil from tablet to tablet.
    text_size: Mapped[str] = mapped_column(String(10), default="normal")
    dyslexia_font: Mapped[bool] = mapped_column(Boolean, default=False)
    high_contrast: Mapped[bool] = mapped_column(Boolean, default=False)
    # "Read to me": each screen reads itself aloud. None means the default for
    # the year group (on for Reception to Year 2); a teacher or pupil may set it.
    read_to_me_setting: Mapped[bool | None] = mapped_column("read_to_me", Boolean)
    # The short right / try-again sounds after an answer (Web Audio, no files).
    sounds: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # When a page last found that this pupil's tablet has no voice to read aloud
    # (the teacher sees a one-line note on the class page).
    no_voice_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    school_class: Mapped[SchoolClass] = relationship(foreign_keys=[class_id], primaryjoin="Pupil.class_id == SchoolClass.id")

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_initial}."

    @property
    def year_group_label(self) -> str:
        return year_group_label(self.year_group)

    @property
    def read_to_me(self) -> bool:
        """On by default for Reception to Year 2 (year groups 0-2), off for older pupils."""
        return self.year_group <= 2 if self.read_to_me_setting is None else self.read_to_me_setting

    @property
    def pin_pictures(self) -> list[str]:
        return self.pin.split("-")

    def __repr__(self) -> str:
        return f"<Pupil {self.id}>"


class ParentLink(db.Model):
    """A parent or carer linked to a pupil; a pupil may have several, and a parent several children."""

    __tablename__ = "parent_links"
    __table_args__ = (UniqueConstraint("parent_id", "pupil_id"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    parent: Mapped[User] = relationship()
    pupil: Mapped[Pupil] = relationship()
