"""Photos of a school's safe adults: for signed-in pupils and staff of that
school only (services/scope.safe_adult_or_404); everyone else gets 404."""
from __future__ import annotations

from flask import Response, abort
from flask_login import current_user

from ..services.scope import safe_adult_or_404
from . import bp


@bp.get("/safe-adults/<int:adult_id>/photo.webp")
def safe_adult_photo(adult_id: int):
    adult = safe_adult_or_404(current_user, adult_id)
    if adult.photo is None:
        abort(404)
    return Response(adult.photo, mimetype="image/webp")
