"""Data protection for pupils' records: export, erase and retention.

Export gives a school everything the app holds about one pupil, as JSON, for
a subject access request. Erasure removes the pupil's account and learning
data so that no row refers to them afterwards. Safeguarding concerns are the
exception: they are part of the school's child protection record, so they are
kept under the DSL's control, with the link to the account removed and the
record marked "account erased" (the name as it was stays on the record).

Retention erases, in the same way, pupils who left (were archived) more than
the school's retention period ago. It also deletes sign-in session rows (for
adults and pupils) older than SESSION_ROWS_KEPT_DAYS: a session ends within 12
hours, and an old row only says when someone signed in.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from .. import oplog
from ..extensions import db
from ..models import (
    Answer,
    AuthSession,
    Concern,
    ModuleProgress,
    OutcomeTally,
    ParentLink,
    Pupil,
    RevisitTally,
    School,
    now_utc,
)
from ..models.link_code import ParentLinkCode

DEFAULT_RETENTION_MONTHS = 12


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def export_pupil(pupil: Pupil) -> dict:
    """Everything held about one pupil (JSON-ready). Concern details are not
    included: they are the DSL's records and are disclosed by the DSL."""
    answers = db.session.execute(select(Answer).where(Answer.pupil_id == pupil.id).order_by(Answer.created_at)).scalars()
    progress = db.session.execute(select(ModuleProgress).where(ModuleProgress.pupil_id == pupil.id)).scalars()
    sessions = db.session.execute(select(AuthSession).where(AuthSession.pupil_id == pupil.id).order_by(AuthSession.created_at)).scalars()
    parents = db.session.execute(select(func.count(ParentLink.id)).where(ParentLink.pupil_id == pupil.id)).scalar_one()
    concerns = db.session.execute(select(func.count(Concern.id)).where(Concern.pupil_id == pupil.id)).scalar_one()
    return {
        "exported_at": _iso(now_utc()),
        "school": pupil.school_class.school.name,
        "pupil": {
            "id": pupil.id,
            "first_name": pupil.first_name,
            "last_initial": pupil.last_initial,
            "year_group": pupil.year_group,
            "class": pupil.school_class.name,
            "picture_pin": pupil.pin,
            "settings": {"text_size": pupil.text_size, "dyslexia_font": pupil.dyslexia_font, "high_contrast": pupil.high_contrast},
            "picture_pin_wrong_tries": pupil.pin_failures,
            "picture_pin_resting_until": _iso(pupil.pin_locked_until),
            "created_at": _iso(pupil.created_at),
            "archived_at": _iso(pupil.archived_at),
        },
        "outcomes": [
            {"outcome": t.outcome_id, "first_tries": t.tried, "right_first_time": t.right_first_time}
            for t in db.session.execute(select(OutcomeTally).where(OutcomeTally.pupil_id == pupil.id)).scalars()
        ],
        "remember_revisits": [
            {"outcome": t.outcome_id, "revisit": t.revisit, "first_tries": t.tried, "right_first_time": t.right_first_time}
            for t in db.session.execute(select(RevisitTally).where(RevisitTally.pupil_id == pupil.id)).scalars()
        ],
        "modules": [
            {"module": p.module_id, "started_at": _iso(p.started_at), "lesson_step": p.lesson_step,
             "quiz_position": p.quiz_position, "lesson_finished_at": _iso(p.lesson_done_at),
             "completed_at": _iso(p.completed_at)} for p in progress
        ],
        "answers": [
            {"module": a.module_id, "question": a.question_id, "content_version": a.content_version, "source": a.source,
             "response": a.response, "correct": a.correct, "score": a.score, "first_try": a.first_try,
             "at": _iso(a.created_at)} for a in answers
        ],
        "sign_ins": [{"started_at": _iso(s.created_at), "ended_at": _iso(s.ended_at)} for s in sessions],
        "linked_parent_accounts": parents,
        "parent_letter_codes": [
            {"issued_at": _iso(c.created_at), "expires_at": _iso(c.expires_at), "used_at": _iso(c.used_at),
             "revoked_at": _iso(c.revoked_at)}
            for c in db.session.execute(select(ParentLinkCode).where(ParentLinkCode.pupil_id == pupil.id)).scalars()
        ],
        "safeguarding_records": (
            f"{concerns} concern(s) raised by this pupil are held by the designated safeguarding lead "
            "under the school's child protection policy." if concerns else "None."
        ),
    }


@dataclass
class Erased:
    pupil_id: int
    answers: int
    concerns_kept: int


def erase_pupil(pupil: Pupil, by=None) -> Erased:
    """Remove the pupil's account and learning data in one transaction.
    `by`: the school admin who asked, or a name such as "retention"."""
    pid, school_id = pupil.id, pupil.school_id
    answers = db.session.execute(delete(Answer).where(Answer.pupil_id == pid)).rowcount
    db.session.execute(delete(ModuleProgress).where(ModuleProgress.pupil_id == pid))
    db.session.execute(delete(OutcomeTally).where(OutcomeTally.pupil_id == pid))
    db.session.execute(delete(RevisitTally).where(RevisitTally.pupil_id == pid))
    db.session.execute(delete(AuthSession).where(AuthSession.pupil_id == pid))
    db.session.execute(delete(ParentLink).where(ParentLink.pupil_id == pid))
    db.session.execute(delete(ParentLinkCode).where(ParentLinkCode.pupil_id == pid))
    kept = db.session.execute(
        update(Concern).where(Concern.pupil_id == pid).values(pupil_id=None, pupil_erased=True)
    ).rowcount
    db.session.execute(delete(Pupil).where(Pupil.id == pid))
    db.session.commit()
    oplog.record("pupil_erased", by, school_id, pupil=pid, answers=answers, concerns_kept=kept)
    return Erased(pid, answers, kept)


def due_for_erasure(now: datetime | None = None) -> list[Pupil]:
    """Pupils who left longer ago than their school's retention period."""
    now = now or now_utc()
    rows = db.session.execute(
        select(Pupil, School.retention_months).join(School, School.id == Pupil.school_id).where(Pupil.archived_at.is_not(None))
    ).all()
    return [p for p, months in rows if p.archived_at + timedelta(days=30 * (months or DEFAULT_RETENTION_MONTHS)) <= now]


SESSION_ROWS_KEPT_DAYS = 30


def prune_sessions(now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete sign-in session rows started more than SESSION_ROWS_KEPT_DAYS ago; returns how many."""
    before = (now or now_utc()) - timedelta(days=SESSION_ROWS_KEPT_DAYS)
    old = AuthSession.created_at < before
    if dry_run:
        return db.session.execute(select(func.count(AuthSession.id)).where(old)).scalar_one()
    pruned = db.session.execute(delete(AuthSession).where(old)).rowcount
    db.session.commit()
    oplog.record("sessions_pruned", "retention", "all", rows=pruned)
    return pruned


def apply_retention(now: datetime | None = None, dry_run: bool = False) -> list[Erased]:
    due = due_for_erasure(now)
    if dry_run:
        done = [Erased(p.id, 0, 0) for p in due]
    else:
        done = [erase_pupil(p, by="retention") for p in due]
    oplog.record("retention_run", "retention", "all", dry_run=dry_run, pupils_erased=len(done))
    return done


def set_retention(school: School, months: int) -> None:
    """How long the school keeps the learning data of pupils who have left."""
    school.retention_months = months
    db.session.commit()
