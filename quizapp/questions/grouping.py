"""Put each item somewhere: safe_or_not (two sides), sort_groups and age_match
(two to four groups). The form sends one field per item: item-<id> = place."""
from __future__ import annotations

from .base import (
    NOT_THIS_QUESTION,
    AnswerError,
    FeedbackLine,
    Grade,
    QuestionType,
    fraction,
    headline,
    per_id,
    shuffled,
)

EVERY_ITEM = "Please choose a place for every one first."


def _placement_grade(items, placed: dict[str, str], right_place) -> Grade:
    """One line per item (its feedback), good when it is in the right place."""
    lines = [FeedbackLine(item.id, item.feedback, placed[item.id] == right_place(item)) for item in items]
    score = fraction(sum(line.good for line in lines), len(lines))
    return Grade(
        correct=all(line.good for line in lines),
        score=score,
        summary=headline(score),
        lines=lines,
        record={"items": dict(placed)},
    )


def _parse_places(form, items, places: list[str]) -> dict:
    placed = per_id(form, "item-", [i.id for i in items], EVERY_ITEM)
    if any(place not in places for place in placed.values()):
        raise AnswerError(NOT_THIS_QUESTION)
    return {"items": placed}


class SafeOrNotType(QuestionType):
    name = "safe_or_not"
    SIDES = ("safe", "unsafe")

    def view(self, question, seed: int) -> dict:
        return {
            "items": [{"id": i.id, "text": i.text} for i in shuffled(question.items, seed)],
            "sides": [
                {"id": "safe", "label": question.safe_label},
                {"id": "unsafe", "label": question.unsafe_label},
            ],
        }

    def parse(self, question, form) -> dict:
        return _parse_places(self._form(form), question.items, list(self.SIDES))

    def check(self, question, answer: dict) -> Grade:
        return _placement_grade(question.items, answer["items"], lambda i: "safe" if i.safe else "unsafe")


class SortGroupsType(QuestionType):
    name = "sort_groups"

    def view(self, question, seed: int) -> dict:
        return {
            "items": [{"id": i.id, "text": i.text} for i in shuffled(question.items, seed)],
            "groups": [{"id": g.id, "label": g.label} for g in question.groups],
        }

    def parse(self, question, form) -> dict:
        return _parse_places(self._form(form), question.items, [g.id for g in question.groups])

    def check(self, question, answer: dict) -> Grade:
        return _placement_grade(question.items, answer["items"], lambda i: i.group)


class AgeMatchType(SortGroupsType):
    """Same rules as sort_groups; the groups are ages or ratings."""

    name = "age_match"
