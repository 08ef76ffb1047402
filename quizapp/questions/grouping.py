"""Put each item somewhere: safe_or_not (two sides), sort_groups and age_match
(two to four groups). The form sends one field per item: item-<id> = place."""
from __future__ import annotations

from .base import (
    NOT_THIS_QUESTION,
    AnswerError,
    Grade,
    QuestionType,
    fraction,
    headline,
    named_line,
    per_id,
    picture_dict,
    shuffled,
)

EVERY_ITEM = "Please choose a place for every one first."


def _placement_grade(items, placed: dict[str, str], right_place) -> Grade:
    """One line per item (its feedback), good when it is in the right place."""
    lines = [named_line(item.id, item.text, item.feedback, placed[item.id] == right_place(item)) for item in items]
    score = fraction(sum(line.good for line in lines), len(lines))
    return Grade(
        correct=all(line.good for line in lines),
        score=score,
        summary=headline(score),
        lines=lines,
        record={"items": dict(placed)},
    )


def _misplaced(items, response: dict, placed_right) -> list[str]:
    """item:<id>=<place> for every item put in the wrong place."""
    placed = response.get("items") or {}
    by_id = {item.id: item for item in items}
    return [f"item:{k}={v}" for k, v in sorted(placed.items()) if k not in by_id or not placed_right(by_id[k], v)]


def _describe_placing(items, key: str, place_label) -> str:
    rest = key.partition(":")[2]
    item_id, _, value = rest.partition("=")
    item = next((i for i in items if i.id == item_id), None)
    return f'Put "{item.text}" under "{place_label(value)}"' if item else rest


def _parse_places(form, items, places: list[str]) -> dict:
    placed = per_id(form, "item-", [i.id for i in items], EVERY_ITEM)
    if any(place not in places for place in placed.values()):
        raise AnswerError(NOT_THIS_QUESTION)
    return {"items": placed}


class SafeOrNotType(QuestionType):
    name = "safe_or_not"
    script_hook = "data-place"
    SIDES = ("safe", "unsafe")

    def view(self, question, seed: int) -> dict:
        return {
            "items": [{"id": i.id, "text": i.text, "picture": picture_dict(i.picture)} for i in shuffled(question.items, seed)],
            "sides": [
                {"id": "safe", "label": question.safe_label, "picture": None},
                {"id": "unsafe", "label": question.unsafe_label, "picture": None},
            ],
        }

    def parse(self, question, form) -> dict:
        return _parse_places(self._form(form), question.items, list(self.SIDES))

    def check(self, question, answer: dict) -> Grade:
        return _placement_grade(question.items, answer["items"], _safe_side)

    def misconceptions(self, question, response: dict) -> list[str]:
        return _misplaced(question.items, response, lambda item, side: (side == "safe") == item.safe)

    def describe_misconception(self, question, key: str) -> str:
        return _describe_placing(
            question.items, key, lambda side: question.safe_label if side == "safe" else question.unsafe_label
        )


def _safe_side(item) -> str:
    return "safe" if item.safe else "unsafe"


class SortGroupsType(QuestionType):
    name = "sort_groups"
    script_hook = "data-place"

    def view(self, question, seed: int) -> dict:
        return {
            "items": [{"id": i.id, "text": i.text, "picture": picture_dict(i.picture)} for i in shuffled(question.items, seed)],
            "groups": [{"id": g.id, "label": g.label, "picture": picture_dict(g.picture)} for g in question.groups],
        }

    def parse(self, question, form) -> dict:
        return _parse_places(self._form(form), question.items, [g.id for g in question.groups])

    def check(self, question, answer: dict) -> Grade:
        return _placement_grade(question.items, answer["items"], lambda i: i.group)

    def misconceptions(self, question, response: dict) -> list[str]:
        return _misplaced(question.items, response, lambda item, group: item.group == group)

    def describe_misconception(self, question, key: str) -> str:
        labels = {g.id: g.label for g in question.groups}
        return _describe_placing(question.items, key, lambda group: labels.get(group, group))


class AgeMatchType(SortGroupsType):
    """Same rules as sort_groups; the groups are ages or ratings."""

    name = "age_match"
