"""Blueprints for pupils: `pupil` (the pages a signed-in pupil sees) and
`pupil_api` (where the page's JavaScript posts answers, with the page's
signed answer token instead of the session: see api.py)."""
from __future__ import annotations

from flask import Blueprint

from ..access import count_answers_first, guard, is_pupil

bp = Blueprint("pupil", __name__)
guard(bp, is_pupil, signin_endpoint="auth.tablet")

# Pages that show whether a module is started or done count the pupil's own
# new answers first (only theirs: a pupil's page never waits for the class).
SHOWS_PROGRESS = {"pupil.home", "pupil.module", "pupil.done", "pupil.certificate_png"}
count_answers_first(bp, SHOWS_PROGRESS)

# No guard and no rate limit: each request needs a valid signed answer token,
# stores at most one row per client id, and a class answering at once must
# never wait for a round trip to the rate-limit store.
api_bp = Blueprint("pupil_api", __name__)

from . import api, views  # noqa: E402,F401  (the routes, on bp and api_bp)
