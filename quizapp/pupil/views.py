"""What a signed-in pupil sees."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from ..access import guard, is_pupil
from ..content import get_content
from ..models import band_for_year_group

bp = Blueprint("pupil", __name__)
guard(bp, is_pupil, signin_endpoint="auth.tablet")


@bp.get("/")
def home():
    content = get_content()
    band = band_for_year_group(current_user.year_group)
    modules = content.modules_for_band(band)
    return render_template("pupil/home.html", modules=modules, band=band)
