"""Blueprint: the platform admin's schools (platform admins only)."""
from __future__ import annotations

from flask import Blueprint

from ..access import guard, is_platform_admin

bp = Blueprint("admin", __name__)
guard(bp, is_platform_admin)

from . import views  # noqa: E402,F401  (the routes, on bp)
