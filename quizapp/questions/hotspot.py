"""hotspot: tap the clues in a picture. The form sends `spot` once per tapped spot.

Spot boxes are written in the SVG's viewBox units; the page needs them as
percentages of the picture, so view() reads the picture's viewBox once.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from flask import current_app, has_app_context

from ..paths import asset_dir
from .base import FeedbackLine, Grade, QuestionType, headline, known_ids, overlap_score, picture_dict, shuffled, values

_VIEWBOX = re.compile(r'viewBox="\s*([-\d.]+)[\s,]+([-\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)\s*"')


def _static_dir() -> Path:
    if has_app_context():
        return Path(current_app.config.get("STATIC_DIR") or current_app.static_folder or asset_dir("static"))
    return asset_dir("static")


@lru_cache(maxsize=128)
def _read_viewbox(path: Path) -> tuple[float, float, float, float] | None:
    try:
        match = _VIEWBOX.search(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None
    if not match:
        return None
    x0, y0, width, height = (float(v) for v in match.groups())
    return (x0, y0, width, height) if width > 0 and height > 0 else None


def viewbox(question) -> tuple[float, float, float, float]:
    """The picture's viewBox; if unreadable, a box just holding every spot."""
    found = _read_viewbox(_static_dir() / question.picture.file)
    if found:
        return found
    return (0.0, 0.0, max(s.x + s.w for s in question.spots), max(s.y + s.h for s in question.spots))


def _percent(value: float) -> float:
    return round(max(0.0, min(100.0, value)), 2)


def _spot_view(spot, box) -> dict:
    x0, y0, width, height = box
    return {
        "id": spot.id,
        "label": spot.label,
        "left": _percent((spot.x - x0) / width * 100),
        "top": _percent((spot.y - y0) / height * 100),
        "width": _percent(spot.w / width * 100),
        "height": _percent(spot.h / height * 100),
    }


class HotspotType(QuestionType):
    name = "hotspot"
    script_hook = "data-hotspot"
    draws_picture = True

    def view(self, question, seed: int) -> dict:
        box = viewbox(question)
        return {
            "picture": picture_dict(question.picture),
            "spots": [_spot_view(s, box) for s in shuffled(question.spots, seed)],
        }

    def parse(self, question, form) -> dict:
        tapped = [v for v in values(self._form(form), "spot") if v]
        known_ids(tapped, [s.id for s in question.spots])
        order = [s.id for s in question.spots]
        return {"spots": sorted(tapped, key=order.index)}

    def check(self, question, answer: dict) -> Grade:
        tapped = set(answer["spots"])
        clues = {s.id for s in question.spots if s.clue}
        shown = [s for s in question.spots if s.id in tapped or s.clue]
        lines = [FeedbackLine(s.id, s.feedback, (s.id in tapped) == s.clue) for s in shown]
        score = overlap_score(tapped, clues)
        return Grade(
            correct=tapped == clues,
            score=score,
            summary=headline(score),
            lines=lines,
            record={"spots": list(answer["spots"])},
        )

    def misconceptions(self, question, response: dict) -> list[str]:
        clues = {s.id for s in question.spots if s.clue}
        tapped = set(response.get("spots", []))
        return [f"spot:{s}" for s in sorted(tapped - clues)] + [f"missedspot:{s}" for s in sorted(clues - tapped)]

    def describe_misconception(self, question, key: str) -> str:
        kind, _, rest = key.partition(":")
        spot = next((s for s in question.spots if s.id == rest), None)
        if spot is None:
            return rest
        return f'Tapped "{spot.label}"' if kind == "spot" else f'Missed "{spot.label}"'
