"""Blueprint: the designated safeguarding lead's record of pupils' concerns.
Everyone else, even other staff, gets 404: nobody else learns that a
concern exists."""
from __future__ import annotations

from flask import Blueprint

from ..access import guard, is_dsl

bp = Blueprint("safeguarding", __name__)
guard(bp, is_dsl, refuse=404)

from . import alert_settings, views  # noqa: E402,F401  (the routes, on bp)
