"""A pupil's own display and reading settings, which follow them to any tablet."""
from __future__ import annotations

from ..extensions import db
from ..models import Pupil, now_utc


def save(pupil: Pupil, *, text_size: str, dyslexia_font: bool, high_contrast: bool, read_to_me: bool,
         sounds: bool) -> None:
    pupil.text_size = text_size
    pupil.dyslexia_font = dyslexia_font
    pupil.high_contrast = high_contrast
    pupil.read_to_me_setting = read_to_me
    pupil.sounds = sounds
    db.session.commit()


def note_no_voice(pupil: Pupil) -> None:
    """The pupil's page found no voice to read aloud: the teacher sees a note on the class page."""
    pupil.no_voice_at = now_utc()
    db.session.commit()
