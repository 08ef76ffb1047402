"""One structured log line per operation an operator may need to account
for: erasing a pupil, turning a staff account on or off, resetting a PIN,
retention runs and backups.

Each line says what happened, who did it and in which school, as
`key=value` pairs (values JSON-quoted when they need it), on the
`quizapp.ops` logger; the same fields ride on the record as `record.ops`
for a JSON handler. Only ids, counts and roles: never a pupil's name or
anything a pupil typed.

    ops event=pupil_erased by=staff:4 school=2 pupil=31 answers=120 concerns_kept=0
"""
from __future__ import annotations

import json
import logging
import re
from typing import Any

from flask import Flask

logger = logging.getLogger("quizapp.ops")


def who(actor: Any) -> str:
    """`staff:<id>`, `platform_admin:<id>`, or a name for the machinery
    (`retention`, `cli`)."""
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return f"{getattr(actor, 'kind', 'user')}:{actor.id}"


_PLAIN = re.compile(r"[A-Za-z0-9_.:/-]+")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    return text if _PLAIN.fullmatch(text) else json.dumps(text)


def record(event: str, by: Any, school: int | str | None, **facts: Any) -> None:
    """Log one operation: `event`, `by` (who did it), `school` (its id, or
    "all"), and any ids or counts that say what was touched."""
    fields = {"event": event, "by": who(by), "school": school if school is not None else "none", **facts}
    logger.info("ops %s", " ".join(f"{key}={_value(value)}" for key, value in fields.items()), extra={"ops": fields})


def init_app(app: Flask) -> None:
    """Ops lines are always written (INFO, whatever the app's level), through
    the app's logger: Flask's handler (stderr; gunicorn's error log), or
    whatever handlers the deployment configures on "quizapp"."""
    logger.setLevel(logging.INFO)
    app.logger  # noqa: B018  (creating it installs Flask's handler when there is none)
