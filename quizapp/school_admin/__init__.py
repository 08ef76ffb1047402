"""Blueprint: a school admin's pages: classes and their teachers, staff
accounts, the school's data settings, and a pupil's data (export, erase).
One guard: school admins of the school only (other staff: 403). The pages
live under /teacher/, beside the staff pages they are linked from."""
from __future__ import annotations

from flask import Blueprint

from ..access import count_answers_first, guard, is_school_admin

bp = Blueprint("school_admin", __name__)
guard(bp, is_school_admin)
count_answers_first(bp)  # a pupil's data export includes their progress

from . import views  # noqa: E402,F401  (the routes, on bp)
