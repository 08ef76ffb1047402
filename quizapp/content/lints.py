"""Content lints that a schema cannot express, run by `content check` and the tests.

L1  ages 4-7: every sentence a pupil hears has at most 10 words (an error for
    each long sentence, not an average: one 17-word hint is too long to hear).
L2  every single_choice has at least 3 options: enforced by the schema.
L3  answer-length cue: in each module, the right option of a single_choice
    question (bank and lesson checks) may be strictly the longest in at most
    half of them, or pupils learn to pick the longest answer.
L4  ages 4-7: every part a pupil taps (options, items, groups, order steps)
    has a picture, for pupils who cannot read yet.

Each problem names the file and the step or question id.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from .loader import Content, Module
from .readability import _TEXT_FIELDS, word_count
from .schema import SingleChoice

MAX_SENTENCE_WORDS = {"4-7": 10}
MAX_LONGEST_RIGHT_SHARE = 0.5
PICTURE_BANDS = {"4-7"}
TAPPED_PARTS = ("options", "items", "groups", "steps")

_SENTENCE_END = re.compile(r"(?<=[.!?])['\"’”)]*\s+|\n+")


def sentences(text: str) -> list[str]:
    """Split at . ! ? followed by a space, and at line breaks."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def _texts(obj: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(field path, text) for every pupil-facing text inside a question."""
    if isinstance(obj, list):
        for item in obj:
            label = getattr(item, "id", None)
            yield from _texts(item, f"{path}[{label}]" if label else path)
        return
    if not isinstance(obj, BaseModel):
        return
    for name in type(obj).model_fields:
        value = getattr(obj, name)
        if name in _TEXT_FIELDS and isinstance(value, str) and value:
            yield f"{path}.{name}".lstrip("."), value
        elif name in ("picture", "contact_picture"):
            continue
        elif isinstance(value, (list, tuple, BaseModel)):
            yield from _texts(value, f"{path}.{name}".lstrip("."))


def module_texts(module: Module) -> Iterator[tuple[str, str, str]]:
    """(file, where, text) for every pupil-facing text of a module."""
    lesson_file = f"lessons/{module.topic.id}/{module.band}.yaml"
    bank_file = f"question_banks/{module.topic.id}/{module.band}.yaml"
    yield lesson_file, "title", module.lesson.title
    for step in module.lesson.steps:
        yield lesson_file, f"step {step.id}: title", step.title
        if step.text:
            yield lesson_file, f"step {step.id}: text", step.text
        if step.if_none:
            yield lesson_file, f"step {step.id}: if_none", step.if_none
        if step.question is not None:
            for where, text in _texts(step.question):
                yield lesson_file, f"step {step.id}: question {step.question.id}: {where}", text
    for question in module.bank.questions:
        for where, text in _texts(question):
            yield bank_file, f"question {question.id}: {where}", text


def long_sentences(module: Module) -> list[str]:
    """L1: every sentence over the band's cap, as 'file: where: message'."""
    cap = MAX_SENTENCE_WORDS.get(module.band)
    if cap is None:
        return []
    problems = []
    for file, where, text in module_texts(module):
        for sentence in sentences(text):
            n = word_count(sentence)
            if n > cap:
                problems.append(f"{file}: {where}: a sentence of {n} words (ages {module.band}: at most {cap}): {sentence!r}")
    return problems


def _single_choices(module: Module) -> list[tuple[str, Any]]:
    lesson_file = f"lessons/{module.topic.id}/{module.band}.yaml"
    bank_file = f"question_banks/{module.topic.id}/{module.band}.yaml"
    found = [(lesson_file, q) for q in module.lesson_questions() if isinstance(q, SingleChoice)]
    return found + [(bank_file, q) for q in module.bank.questions if isinstance(q, SingleChoice)]


def right_is_longest(question: Any) -> bool:
    """The correct option is strictly longer (in characters) than every other."""
    right = next(o for o in question.options if o.correct)
    return all(len(right.text) > len(o.text) for o in question.options if o is not right)


@dataclass
class LengthCue:
    module_id: str
    single_choice: int
    longest_right: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return len(self.longest_right) <= MAX_LONGEST_RIGHT_SHARE * self.single_choice


def length_cue(module: Module) -> LengthCue:
    """L3: which single_choice questions have the right answer as the longest."""
    questions = _single_choices(module)
    return LengthCue(module.id, len(questions), [q.id for _, q in questions if right_is_longest(q)])


def parts_without_pictures(module: Module) -> list[str]:
    """L4: in the bands whose pupils may not read yet, each tapped part that could have a picture but has none."""
    if module.band not in PICTURE_BANDS:
        return []
    sources = ((f"lessons/{module.topic.id}/{module.band}.yaml", module.lesson_questions()),
               (f"question_banks/{module.topic.id}/{module.band}.yaml", module.bank.questions))
    return [
        f"{file}: question {q.id}: {name} '{part.id}' has no picture (ages {module.band} choose by pictures)"
        for file, questions in sources for q in questions for name in TAPPED_PARTS
        for part in getattr(q, name, None) or [] if "picture" in type(part).model_fields and part.picture is None
    ]


@dataclass
class LintReport:
    problems: list[str]
    table: str


def run(content: Content) -> LintReport:
    problems: list[str] = []
    lines = [f"{'module':<28} {'single':>6} {'longest right':>13} {'long sent.':>10} {'no picture':>10}  result"]
    for module in content.modules.values():
        long = long_sentences(module)
        cue = length_cue(module)
        unpictured = parts_without_pictures(module)
        problems += long + unpictured
        if not cue.ok:
            problems.append(
                f"lessons/{module.topic.id}/{module.band}.yaml + question_banks/{module.topic.id}/{module.band}.yaml: "
                f"module {module.id}: the right option is the longest in {len(cue.longest_right)} of "
                f"{cue.single_choice} single_choice questions (at most half): {', '.join(cue.longest_right)}"
            )
        ok = cue.ok and not long and not unpictured
        lines.append(f"{module.id:<28} {cue.single_choice:>6} {len(cue.longest_right):>13} {len(long):>10} "
                     f"{len(unpictured):>10}  {'ok' if ok else 'FAILED'}")
    return LintReport(problems, "\n".join(lines))
