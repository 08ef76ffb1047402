"""Blueprint: staff pages. Teachers see their own classes; school admins and
DSLs the whole school: classes and rosters, class sign-in, cards, parent
letters, assignments and dashboards. (School admins' own pages are the
school_admin blueprint.)"""
from __future__ import annotations

from flask import Blueprint

from ..access import count_answers_first, guard, is_staff

bp = Blueprint("teacher", __name__)
guard(bp, is_staff)
count_answers_first(bp)  # dashboards, reports and exports read progress and tallies

from . import governors, letters, reports, roster, views  # noqa: E402,F401  (the routes, on bp)
