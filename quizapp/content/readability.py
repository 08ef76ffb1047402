"""Reading level of every module's pupil-facing words, by age band.

4-7: short sentences written to be heard (average at most 10 words).
7-9: Flesch-Kincaid grade at most 4.  9-11: at most grade 6.
Parent summaries and talk prompts are for adults and are not counted.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pyphen import Pyphen

from .loader import Content, Module

MAX_WORDS_PER_SENTENCE = {"4-7": 10.0}
MAX_GRADE = {"7-9": 4.0, "9-11": 6.0}

_TEXT_FIELDS = ("prompt", "hint", "text", "feedback", "label", "why", "feedback_right", "feedback_wrong",
                "feedback_strong", "feedback_weak", "feedback_done", "title")


def pupil_texts(module: Module) -> Iterator[str]:
    yield module.lesson.title
    for step in module.lesson.steps:
        yield step.title
        if step.text:
            yield step.text
        if step.if_none:
            yield step.if_none
        if step.question is not None:
            yield from _walk(step.question)
    for question in module.bank.questions:
        yield from _walk(question)


def _walk(obj: Any) -> Iterator[str]:
    if isinstance(obj, list):
        for item in obj:
            yield from _walk(item)
        return
    if not isinstance(obj, BaseModel):
        return
    for name in type(obj).model_fields:
        value = getattr(obj, name)
        if name in _TEXT_FIELDS and isinstance(value, str) and value:
            yield value
        elif name == "picture" or name == "contact_picture":
            continue  # alt text is read by screen readers, not shown as reading
        elif isinstance(value, (list, tuple, BaseModel)):
            yield from _walk(value)


# Flesch-Kincaid as textstat 0.7.3 computes it (pyphen syllables, its
# sentence splitting and rounding), without textstat's dependency on the
# removed pkg_resources module.
_HYPHENATOR = Pyphen(lang="en_US")
_PUNCTUATION = re.compile(r"[^\w\s]")
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*", re.UNICODE)


def _round(number: float, points: int = 1) -> float:
    scale = 10**points
    return float(math.floor(number * scale + math.copysign(0.5, number))) / scale


def word_count(text: str) -> int:
    return len(_PUNCTUATION.sub("", text).split())


def sentence_count(text: str) -> int:
    """Sentences of three words or more (shorter fragments are not counted)."""
    sentences = _SENTENCE.findall(text)
    return max(1, len(sentences) - sum(1 for s in sentences if word_count(s) <= 2))


def syllable_count(text: str) -> int:
    words = _PUNCTUATION.sub("", text.lower()).split()
    return sum(len(_HYPHENATOR.positions(word)) + 1 for word in words)


def flesch_kincaid_grade(text: str) -> float:
    words = word_count(text)
    if not words:
        return 0.0
    words_per_sentence = _round(words / sentence_count(text))
    syllables_per_word = _round(syllable_count(text) / words)
    return _round(0.39 * words_per_sentence + 11.8 * syllables_per_word - 15.59)


def _as_sentence(text: str) -> str:
    text = text.strip()
    return text if re.search(r"[.!?]['\"’”)]*$", text) else text + "."


@dataclass
class Reading:
    module_id: str
    band: str
    words: int
    sentences: int
    words_per_sentence: float
    grade: float
    limit: str
    ok: bool


def measure(module: Module) -> Reading:
    body = " ".join(_as_sentence(t) for t in pupil_texts(module))
    words = word_count(body)
    sentences = sentence_count(body)
    wps = words / sentences
    grade = flesch_kincaid_grade(body)
    if module.band in MAX_WORDS_PER_SENTENCE:
        cap = MAX_WORDS_PER_SENTENCE[module.band]
        ok, limit = wps <= cap, f"<= {cap:g} words/sentence"
    else:
        cap = MAX_GRADE[module.band]
        ok, limit = grade <= cap, f"<= grade {cap:g}"
    return Reading(module.id, module.band, words, sentences, round(wps, 1), grade, limit, ok)


def report(content: Content) -> tuple[list[Reading], str]:
    rows = [measure(m) for m in content.modules.values()]
    lines = [f"{'module':<28} {'band':<5} {'words':>6} {'w/sent':>7} {'FK':>5}  limit                 result"]
    for r in rows:
        lines.append(
            f"{r.module_id:<28} {r.band:<5} {r.words:>6} {r.words_per_sentence:>7} {r.grade:>5}  {r.limit:<21} {'ok' if r.ok else 'TOO HARD'}"
        )
    return rows, "\n".join(lines)
