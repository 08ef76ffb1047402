"""Blueprint: what a signed-in parent or carer sees (only their own linked
children), and signing up with the code from a child's letter."""
from __future__ import annotations

from flask import Blueprint

from ..access import count_answers_first, guard, is_parent

bp = Blueprint("parent", __name__)
PUBLIC_ENDPOINTS: set[str] = set()


def public(view):
    """Mark a parent-area view that needs no sign-in (registration)."""
    PUBLIC_ENDPOINTS.add(f"parent.{view.__name__}")
    return view


guard(bp, is_parent, exempt=PUBLIC_ENDPOINTS)
count_answers_first(bp)  # the children's new answers, before showing what they finished

from . import register, views  # noqa: E402,F401  (the routes, on bp)
