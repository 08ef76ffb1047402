"""One guard per audience, installed on each blueprint as a before_request.

Not signed in: go to the right sign-in page. Signed in as someone else:
403. (Records outside a viewer's school, class or children answer 404; see
services/scope.py.)
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user

from .services import counting

Check = Callable[[object], bool]


def is_pupil(who) -> bool:
    return getattr(who, "is_pupil", False)


def is_staff(who) -> bool:
    return not is_pupil(who) and who.is_staff


def is_dsl(who) -> bool:
    """A DSL or a deputy DSL (the DSL team)."""
    return is_staff(who) and who.in_dsl_team


def is_school_admin(who) -> bool:
    return is_staff(who) and who.is_school_admin


def is_parent(who) -> bool:
    return not is_pupil(who) and who.is_parent


def is_platform_admin(who) -> bool:
    return not is_pupil(who) and who.is_platform_admin


def guard(bp: Blueprint, check: Check, signin_endpoint: str = "auth.signin", exempt: set[str] | None = None,
          refuse: int = 403) -> None:
    """`refuse` is the answer for someone signed in but not allowed: 403, or
    404 where even the existence of a record must not show (safeguarding)."""

    @bp.before_request
    def _guard():
        if exempt and request.endpoint in exempt:
            return None
        if not current_user.is_authenticated:
            return redirect(url_for(signin_endpoint, next=request.full_path.rstrip("?")))
        if not check(current_user):
            abort(refuse)
        return None


def count_answers_first(bp: Blueprint, endpoints: set[str] | None = None) -> None:
    """Before the blueprint's pages (or only `endpoints`), count the new
    answers of what the signed-in person is about to see
    (services/counting.catch_up_for). Install it after the guard, so it
    never runs for someone the guard turns away."""

    @bp.before_request
    def _count_new_answers():
        if endpoints is None or request.endpoint in endpoints:
            counting.catch_up_for(current_user)


def home_endpoint(who) -> str:
    if is_pupil(who):
        return "pupil.home"
    if is_staff(who):
        return "teacher.home"
    if is_parent(who):
        return "parent.home"
    return "admin.home"
