"""Blueprint: signing in and out (adults with email and password, pupils on
a class tablet), changing a password, and the privacy notices. Open to
everyone; each view checks what it needs."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import invite, password_reset, safe_adult_photo, views  # noqa: E402,F401  (the routes, on bp)
