"""The certificate a child takes home: every outcome fits, nothing overlaps or
falls off, checked from the drawing's own layout boxes for every module."""
from __future__ import annotations

from datetime import date

import pytest

from quizapp.content import get_content
from quizapp.services.render import certificate as cert

LONGEST_DATE = date(2026, 9, 30)  # "30 September 2026"
LONG_NAME = "Maximiliana-Josephine"  # longer than most first names; 40 letters below
SCHOOL = "St Mary and St Michael's Church of England Voluntary Aided Primary School, Little Snoring"


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _check(boxes):
    for box in boxes:
        left, top, right, bottom = box.box
        assert cert.SAFE[0] <= left and right <= cert.SAFE[2] and cert.SAFE[1] <= top and bottom <= cert.SAFE[3], box
        for picture in cert.PICTURES:
            assert not _overlap(box.box, picture), (box, picture)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not _overlap(a.box, b.box), (a, b)


def _modules(app):
    with app.app_context():
        return sorted(get_content().modules.values(), key=lambda m: m.id)


def test_every_module_certificate_fits_at_its_longest(app):
    modules = _modules(app)
    assert len(modules) >= 42
    for module in modules:
        outcomes = [o.text for o in module.outline.outcomes]
        for name in (LONG_NAME, "W" * 40, "Al"):
            boxes = cert.layout(name, module.topic.pupil_title, outcomes, LONGEST_DATE, SCHOOL)
            _check(boxes)
            drawn = " ".join(b.text for b in boxes)
            for outcome in outcomes:  # every outcome is on it, word for word
                assert all(word in drawn for word in outcome.split()), (module.id, outcome)
            assert "30 September 2026" in drawn and "Little Snoring" in drawn


@pytest.mark.parametrize("count,length", [(4, 200), (6, 160), (1, 400)])
def test_outcomes_far_longer_than_any_module_still_fit(count, length):
    outcomes = [("I can keep my password secret and tell a grown-up " * 10)[:length]] * count
    _check(cert.layout("W" * 40, "A very long topic title that goes on and on " * 2, outcomes, LONGEST_DATE, SCHOOL))


def test_the_certificate_draws_as_a_png(app):
    module = _modules(app)[0]
    png = cert.render("Chloe", module.topic.pupil_title, [o.text for o in module.outline.outcomes], LONGEST_DATE, "Oak School")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
