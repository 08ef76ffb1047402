"""Pupils' concerns and the DSL's record of them.

Only designated safeguarding leads of the concern's own school see a
concern's detail. Every view and change is written to the audit log. A class
teacher learns that a pupil of theirs raised a concern only when a DSL
shares it (and then sees the category and status, not the DSL's notes).
"""
from __future__ import annotations

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..dates import csv_time, school_zone
from ..downloads import csv_text
from ..extensions import db
from ..models import CLOSED, IN_PROGRESS, NEW, Concern, ConcernAudit, ConcernNote, Pupil, User, now_utc, teacher_classes
from ..models.concern import CATEGORIES, NOT_SAID, SAFE_ADULT, TALK_TO
from .safe_adults import talk_to_choices

MAX_WORDS = 500


class ConcernError(ValueError):
    pass


def _who(pupil: Pupil, talk_to: str) -> tuple[str, str]:
    """The pupil's choice of who to talk to: one of TALK_TO, or one of their
    school's safe adults ("adult-<id>"), kept by name for the record; else "not said"."""
    if talk_to in TALK_TO:
        return talk_to, ""
    for value, label, adult in talk_to_choices(pupil.school_id):
        if adult is not None and value == talk_to:
            return SAFE_ADULT, label
    return NOT_SAID, ""  # left out (or not one of theirs): the worry still gets through


def raise_concern(pupil: Pupil, category: str | None, words: str | None, talk_to: str | None,
                  request_token: str | None = None) -> Concern:
    """Record a pupil's worry. It always gets through: a picture or person left
    out is "not said", and long words are cut, never refused. The same
    request_token (one per page shown) records one concern however often it is sent."""
    if request_token:
        earlier = db.session.execute(select(Concern).where(Concern.request_token == request_token)).scalar_one_or_none()
        if earlier is not None and earlier.pupil_id == pupil.id:
            return earlier
        if earlier is not None:
            request_token = None  # not this pupil's token: record the worry anyway
    talk_to, talk_to_name = _who(pupil, talk_to or "")
    concern = Concern(
        school_id=pupil.school_id, pupil_id=pupil.id, class_id=pupil.class_id, pupil_name=pupil.display_name,
        class_name=pupil.school_class.name, category=category if category in CATEGORIES else NOT_SAID,
        words=(words or "").replace("\x00", "").strip()[:MAX_WORDS], talk_to=talk_to, talk_to_name=talk_to_name,
        request_token=request_token or None,
    )
    db.session.add(concern)
    try:
        db.session.flush()
    except IntegrityError:  # the other tap of a double tap got there first
        db.session.rollback()
        return db.session.execute(select(Concern).where(Concern.request_token == request_token)).scalar_one()
    from .alerts import concern_raised

    concern_raised(concern)  # the DSL team's emails, in the same transaction as the concern
    db.session.commit()
    return concern


def new_count(school_id: int) -> int:
    return db.session.execute(
        select(func.count(Concern.id)).where(Concern.school_id == school_id, Concern.status == NEW)
    ).scalar_one()


def queue(dsl: User, status: str | None = None) -> list[Concern]:
    query = select(Concern).where(Concern.school_id == dsl.school_id)
    if status:
        query = query.where(Concern.status == status)
    return list(db.session.execute(query.order_by(Concern.status != NEW, Concern.created_at.desc())).scalars())


def for_dsl_or_404(dsl: User, concern_id: int) -> Concern:
    concern = db.session.get(Concern, concern_id)
    if concern is None or concern.school_id != dsl.school_id or not dsl.in_dsl_team:
        abort(404)
    return concern


def audit(concern: Concern, user: User, action: str, detail: str = "") -> None:
    db.session.add(ConcernAudit(concern_id=concern.id, user_id=user.id, user_name=user.name, action=action, detail=detail[:200]))


def record_view(concern: Concern, dsl: User) -> None:
    if concern.first_opened_at is None:
        concern.first_opened_at = now_utc()  # stops the second alert
    audit(concern, dsl, "viewed")
    db.session.commit()


def add_note(concern: Concern, dsl: User, body: str) -> ConcernNote:
    body = (body or "").strip()
    if not body:
        raise ConcernError("Write the note first.")
    note = ConcernNote(concern_id=concern.id, author_id=dsl.id, author_name=dsl.name, body=body[:5000])
    db.session.add(note)
    if concern.status == NEW:
        concern.status = IN_PROGRESS
        audit(concern, dsl, "status", "new -> in progress (note added)")
    audit(concern, dsl, "note added")
    db.session.commit()
    return note


def set_status(concern: Concern, dsl: User, status: str, action_taken: str = "", reason: str = "") -> None:
    if status not in (NEW, IN_PROGRESS, CLOSED):
        raise ConcernError("Choose a status.")
    if status == CLOSED and (not action_taken.strip() or not reason.strip()):
        raise ConcernError("To close a concern, record the action taken and the reason for closing.")
    old = concern.status
    concern.status = status
    if status == CLOSED:
        concern.action_taken, concern.close_reason, concern.closed_at = action_taken.strip(), reason.strip(), now_utc()
    else:
        concern.closed_at = None
    audit(concern, dsl, "status", f"{old} -> {status}")
    db.session.commit()


def share_with_teacher(concern: Concern, dsl: User, share: bool) -> None:
    concern.shared_with_teacher = share
    audit(concern, dsl, "shared with class teacher" if share else "unshared from class teacher")
    db.session.commit()


def shared_for_teacher(user: User) -> list[Concern]:
    """Concerns a DSL chose to share, about pupils in this teacher's classes."""
    return list(db.session.execute(
        select(Concern)
        .join(teacher_classes, teacher_classes.c.class_id == Concern.class_id)
        .where(teacher_classes.c.user_id == user.id, Concern.school_id == user.school_id, Concern.shared_with_teacher.is_(True))
        .order_by(Concern.created_at.desc())
    ).scalars())


CSV_COLUMNS = ["id", "raised_at", "pupil", "class", "category", "pupil_words", "wants_to_talk_to", "status",
               "action_taken", "close_reason", "closed_at", "notes", "pupil_account_erased"]


def export_csv(dsl: User) -> str:
    """Every concern of the DSL's school as CSV (each cell formula-guarded)."""
    concerns = queue(dsl)
    notes = _notes_by_concern([c.id for c in concerns])
    zone = school_zone(dsl.school)  # times as the school reads them, in its own zone
    rows = []
    for c in concerns:
        rows.append([
            c.id, csv_time(c.created_at, zone), c.pupil_name, c.class_name, c.category_label,
            c.words, c.talk_to_label, c.status_label, c.action_taken, c.close_reason,
            csv_time(c.closed_at, zone),
            " | ".join(f"{csv_time(n.created_at, zone)} {n.author_name}: {n.body}" for n in notes.get(c.id, [])),
            "yes" if c.pupil_erased else "no",
        ])
        audit(c, dsl, "exported")
    db.session.commit()
    return csv_text(CSV_COLUMNS, rows)


def _notes_by_concern(ids: list[int]) -> dict[int, list[ConcernNote]]:
    grouped: dict[int, list[ConcernNote]] = {}
    if ids:
        for note in db.session.execute(select(ConcernNote).where(ConcernNote.concern_id.in_(ids)).order_by(ConcernNote.created_at)).scalars():
            grouped.setdefault(note.concern_id, []).append(note)
    return grouped


def audit_trail(concern: Concern) -> list[ConcernAudit]:
    """Who looked at or changed a concern, and when, oldest first."""
    return list(db.session.execute(
        select(ConcernAudit).where(ConcernAudit.concern_id == concern.id).order_by(ConcernAudit.at)
    ).scalars())
