"""Pupils' progress. Content is never copied here: rows hold stable content
ids (module, question) and the content version they were answered against.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, now_utc


class ModuleProgress(db.Model):
    """Where a pupil is in one module: the lesson step to resume at, and when
    the lesson and the quiz were finished."""

    __tablename__ = "module_progress"
    __table_args__ = (UniqueConstraint("pupil_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str] = mapped_column(String(80))
    content_version: Mapped[str] = mapped_column(String(16))
    lesson_step: Mapped[int] = mapped_column(default=1)  # 1-based: the step to resume at
    quiz_position: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    lesson_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def status(self) -> str:
        return "done" if self.completed_at else "in_progress"


class Answer(db.Model):
    """One answer to one question, stored exactly once.

    `client_id` is made by the page when the pupil answers; a double tap or a
    retry after a dropped connection sends the same id, and the unique
    constraint keeps one row. `first_try` marks the pupil's first answer to
    that question: mastery is worked out from first tries only.

    An answer is stored with one INSERT and nothing else, so that a class
    answering at once never queues behind dashboard bookkeeping. `pending`
    marks answers not yet counted into module progress and the dashboards'
    tallies; services/counting.catch_up counts them, in batches, before
    anything reads those (and `flask --app quizapp catch-up` can run it from
    cron).
    """

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("pupil_id", "client_id"),
        Index("ix_answers_pupil_question", "pupil_id", "question_id"),
        # Only the few answers not yet counted (see catch_up) are in this index. A query uses it
        # when its condition reads as the index's does: `.where(Answer.pending)` renders
        # "pending = 1" on SQLite (no boolean type) and "pending" on PostgreSQL.
        Index("ix_answers_pending", "school_id", "pupil_id", sqlite_where=text("pending = 1"),
              postgresql_where=text("pending")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(80))
    question_id: Mapped[str] = mapped_column(String(80))
    content_version: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(10))  # "lesson", "quiz" or "revisit-N" (services/revisits.py)
    response: Mapped[Any] = mapped_column(JSON)  # what was chosen (never a typed password)
    correct: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[float] = mapped_column(default=0.0)
    first_try: Mapped[bool] = mapped_column(Boolean)
    client_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # New answers are pending (default); rows from before this column existed were already counted.
    pending: Mapped[bool] = mapped_column(Boolean, default=True, server_default=false())


class OutcomeTally(db.Model):
    """First tries per pupil per "I can" outcome, counted from new answers
    (services/counting.catch_up) before any page reads them, so that
    dashboards read one small row per pupil and outcome instead of every
    answer (their cost must not grow with a year of answers). Recounted from
    `answers` by services/counting.rebuild_tallies."""

    __tablename__ = "outcome_tallies"

    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), primary_key=True)
    outcome_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    tried: Mapped[int] = mapped_column(default=0)
    right_first_time: Mapped[int] = mapped_column(default=0)


class QuestionTally(db.Model):
    """First tries at each question, counted per class and year group (the
    class and year group the pupil was in when the answer was counted, see
    services/counting.catch_up). Holds no pupil: question analysis reads one
    row per class and question."""

    __tablename__ = "question_tallies"

    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True)
    year_group: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    tried: Mapped[int] = mapped_column(default=0)
    right_first_time: Mapped[int] = mapped_column(default=0)


class MisconceptionTally(db.Model):
    """How often each wrong first answer was given, per class and year group
    (each question type says what counts as one: QuestionType.misconceptions)."""

    __tablename__ = "misconception_tallies"

    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True)
    year_group: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    times: Mapped[int] = mapped_column(default=0)


class RevisitTally(db.Model):
    """First tries per pupil per outcome at each "Remember?" revisit (1, 2),
    weeks after the module was finished (services/revisits.py). Counted by
    catch_up beside OutcomeTally, which stays "at the end of the module", so
    the dashboards compare the two without reading answers."""

    __tablename__ = "revisit_tallies"

    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), primary_key=True)
    outcome_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    revisit: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    tried: Mapped[int] = mapped_column(default=0)
    right_first_time: Mapped[int] = mapped_column(default=0)
