"""What every question type shares: the result objects, reading form fields
safely, kind headlines and a seeded shuffle.

A type never trusts the form: a pupil's answer may arrive hours late from a
tablet's queue, from an old page, or be hand-made. So every reader here
raises AnswerError (a message a child can be shown) instead of letting a
KeyError or ValueError escape.
"""
from __future__ import annotations

import random
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from werkzeug.datastructures import MultiDict

T = TypeVar("T")

MAX_VALUE = 100  # longer than any id (80) or the typed password (100)

UNREADABLE = "Sorry, that answer could not be read. Please try again."
NOT_THIS_QUESTION = "That answer does not fit this question. Please try again."


class AnswerError(ValueError):
    """A malformed answer; str(error) is kind and safe to show a pupil."""


@dataclass(frozen=True)
class FeedbackLine:
    ref: str  # the id of the option, item, step, spot, task or choice
    text: str
    good: bool


@dataclass(frozen=True)
class Grade:
    correct: bool
    score: float
    summary: str
    lines: list[FeedbackLine] = field(default_factory=list)
    record: dict = field(default_factory=dict)  # what may be stored as the pupil's response


# ---------------------------------------------------------------- headlines

WELL_DONE = "Well done!"
NEARLY = "Nearly! Have another look at the ones with a dotted outline."
GOOD_TRY = "Good try! Read what each one means, then have another go."


# Content feedback is written for the right answer ("Yes. ..."): when the
# pupil got that item wrong, the agreeing start would say the opposite.
AGREEING = re.compile(r"^(yes|right|correct|that's right|that is right|well done)[.!,]*\s+", re.IGNORECASE)


def named_line(ref: str, name: str, feedback: str, good: bool) -> FeedbackLine:
    """A feedback line that starts with the item's name, never agreeing with a wrong answer."""
    text = feedback if good else AGREEING.sub("", feedback, count=1)
    text = text[:1].upper() + text[1:]
    name = name.strip().rstrip(".!?:")
    return FeedbackLine(ref, f"{name}: {text}" if name else text, good)


def headline(score: float) -> str:
    """A kind headline: never blaming, always pointing to the next step."""
    if score >= 1:
        return WELL_DONE
    return NEARLY if score >= 0.5 else GOOD_TRY


def fraction(right: int, total: int) -> float:
    return round(right / total, 4) if total else 0.0


def overlap_score(chosen: set[str], wanted: set[str]) -> float:
    """Right picks over everything picked or wanted, so picking all is not a trick."""
    return fraction(len(chosen & wanted), len(chosen | wanted))


# ----------------------------------------------------------------- shuffle


def seed_for(pupil_id: int, question_id: str) -> int:
    """A pupil's shuffle seed for a question: the same order on every reload,
    on the question page and on the no-JavaScript feedback page."""
    return zlib.crc32(f"{pupil_id}:{question_id}".encode())



def shuffled(items: Sequence[T], seed: int, avoid_original: bool = False) -> list[T]:
    """The same seed always gives the same order (a reload does not reshuffle).

    With avoid_original the content's own order (often the right answer) is
    never shown, unless there is only one item.
    """
    rng = random.Random(seed)
    order = list(items)
    rng.shuffle(order)
    if avoid_original and len(order) > 1 and order == list(items):
        order = order[1:] + order[:1]  # rotate: guaranteed different
    return order


# -------------------------------------------------------------- form access


def as_multidict(form: Any) -> MultiDict:
    if isinstance(form, MultiDict):
        return form
    if isinstance(form, Mapping):
        try:
            return MultiDict(form)
        except (TypeError, ValueError) as exc:
            raise AnswerError(UNREADABLE) from exc
    raise AnswerError(UNREADABLE)


def values(form: MultiDict, key: str, limit: int = MAX_VALUE) -> list[str]:
    """Every value sent for `key`, each a short string, stripped."""
    out = []
    for value in form.getlist(key):
        if not isinstance(value, str):
            raise AnswerError(UNREADABLE)
        if len(value) > limit:
            raise AnswerError("That answer is too long. Please try again.")
        out.append(value.strip())
    return out


def one_value(form: MultiDict, key: str, missing: str) -> str:
    found = [v for v in values(form, key) if v]
    if not found:
        raise AnswerError(missing)
    if len(found) > 1:
        raise AnswerError("Please choose just one answer.")
    return found[0]


def known_ids(chosen: list[str], allowed: Sequence[str]) -> list[str]:
    """The chosen ids, checked: all known, none twice."""
    if any(c not in allowed for c in chosen):
        raise AnswerError(NOT_THIS_QUESTION)
    if len(set(chosen)) != len(chosen):
        raise AnswerError("Each answer can only be chosen once.")
    return chosen


def per_id(form: MultiDict, prefix: str, ids: Sequence[str], missing: str) -> dict[str, str]:
    """Fields named `<prefix><id>`, one value each, for exactly these ids.

    Other fields (the player's own, like client_id) are none of our business.
    """
    found: dict[str, str] = {}
    for key in form.keys():
        if not isinstance(key, str) or not key.startswith(prefix):
            continue
        ref = key[len(prefix):]
        if ref not in ids:
            raise AnswerError(NOT_THIS_QUESTION)
        given = [v for v in values(form, key) if v]
        if len(given) > 1:
            raise AnswerError("Please give just one answer for each.")
        if given:
            found[ref] = given[0]
    if len(found) != len(ids):
        raise AnswerError(missing)
    return {ref: found[ref] for ref in ids}  # content order: stable records


# ------------------------------------------------------------- the base type


class QuestionType:
    """One instance per type. Subclasses fill in view, parse and check, and
    say what else the app needs to know about them (so nothing outside this
    package names a type):

    - `script_hook`: the data attribute on the type's template that
      static/js/questions.js enhances (None: plain HTML is enough);
    - `walks`: the answer is built step by step (a branching chat), so a
      no-JavaScript page moves on one choice at a time;
    - `private_response`: the response is kept out of the browser's stored
      queue and never shown back to staff (a typed password);
    - `draws_picture`: the type's template shows the question's picture
      itself (a hotspot), so the page does not show it above;
    - `misconceptions` and `describe_misconception`: which parts of a wrong
      answer count as a shared misconception, and that key in words.
    """

    name: str = ""
    script_hook: str | None  # every type says, even when it is None
    walks: bool = False
    private_response: bool = False
    draws_picture: bool = False

    @property
    def template(self) -> str:
        """The Jinja template that shows this type (templates/<this path>)."""
        return f"pupil/questions/{self.name}.html"

    def view(self, question: Any, seed: int) -> dict:
        raise NotImplementedError

    def screen_order(self, view: Mapping) -> list[str]:
        """The ids of the parts a view shows, in the order they are on screen
        (feedback lines follow it: each line's `ref` is one of them). By
        default every "id" in the view, depth first; a type whose screen
        order is not its view's order says otherwise."""
        found: list[str] = []

        def walk(value: Any) -> None:
            if isinstance(value, Mapping):
                if isinstance(value.get("id"), str):
                    found.append(value["id"])
                for inner in value.values():
                    walk(inner)
            elif isinstance(value, list | tuple):
                for inner in value:
                    walk(inner)

        walk(view)
        return found

    def parse(self, question: Any, form: Any) -> dict:
        raise NotImplementedError

    def check(self, question: Any, answer: dict) -> Grade:
        raise NotImplementedError

    def misconceptions(self, question: Any, response: dict) -> list[str]:
        """The parts of a wrong answer worth counting as a shared misconception."""
        raise NotImplementedError

    def describe_misconception(self, question: Any, key: str) -> str:
        """A misconception key, in words a teacher can read out in class."""
        return key.partition(":")[2]

    def app_buttons(self, question: Any) -> list[tuple[str, str]]:
        """(control, button) in the pretend app's own words, pressed the safe
        way ("Report the message", "Report"), for the parent's page. Most types have none."""
        return []

    def _form(self, form: Any) -> MultiDict:
        return as_multidict(form)


def picture_dict(picture: Any) -> dict | None:
    return {"file": picture.file, "alt": picture.alt} if picture is not None else None
