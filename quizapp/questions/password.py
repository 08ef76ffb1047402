"""password_builder: make a passphrase from word tiles (and, if allowed, typing).

The server judges it: at least `min_words` different words, none about the
person (personal_words), none a common password, and at least 12 letters.

Privacy: the passphrase is practice, but children reuse what they make up.
So parse() turns the words into counts and flags at once; the typed text and
the chosen words never leave parse(): not in the answer, the grade, the
record, or any log. Feedback names only content words (a personal tile).
"""
from __future__ import annotations

import re

from .base import AnswerError, FeedbackLine, Grade, QuestionType, fraction, known_ids, shuffled, values

MAX_TILES = 16
MAX_TYPED = 100
MIN_LETTERS = 12

# Kept small on purpose: the words children are most likely to try.
COMMON_PASSWORDS = frozenset({
    "password", "123456", "1234567", "12345678", "123456789", "12345", "1234", "111111", "000000",
    "qwerty", "letmein", "football", "iloveyou", "abc123", "monkey", "dragon", "sunshine",
    "princess", "welcome", "admin", "login", "passw0rd", "password1", "qwerty123", "secret",
})
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})

# Words, splitting "OwlCarpetSpoon" and "Owl2Spoon" too.
_TOKEN = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+|[^\W\d_]+")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _is_common(token: str) -> bool:
    low = token.lower()
    return low in COMMON_PASSWORDS or low.translate(_LEET) in COMMON_PASSWORDS


def _has_common(tokens: list[str]) -> bool:
    """Any run of words that spells a common password: "Let Me In", "P4ssw0rd"."""
    return any(
        _is_common("".join(tokens[start:end]))
        for start in range(len(tokens))
        for end in range(start + 1, len(tokens) + 1)
    )


def _analyse(question, tiles: list[str], typed: str) -> dict:
    """Counts and flags only: this is all that leaves parse()."""
    tile_tokens = [t for tile in tiles for t in _tokens(tile)]
    typed_tokens = _tokens(typed)
    tokens = tile_tokens + typed_tokens
    personal = {w.lower() for w in question.personal_words}
    joined = "".join(tokens)
    return {
        "word_count": len(tokens),
        "different_words": len({t.lower() for t in tokens if any(ch.isalpha() for ch in t)}),
        "letters": sum(ch.isalpha() for ch in joined),
        # Content spellings of personal tiles used (safe to say back); typed ones only counted.
        "personal_tiles": [w for w in question.personal_words if w in tiles],
        "personal_typed": sum(t.lower() in personal for t in typed_tokens),
        "common": _has_common(tokens),
    }


def _checks(question, answer: dict) -> list[tuple[str, bool, str]]:
    """(ref, passed, kind words) for each rule, in the order a child fixes them."""
    need, have = question.min_words, answer["different_words"]
    letters = answer["letters"]
    checks = [(
        "words", have >= need,
        f"It has {have} different words." if have >= need else f"It needs {need} different words. It has {have}.",
    )]
    for word in answer["personal_tiles"]:
        checks.append(("personal", False, f"It uses {word}. People who know them could guess that."))
    if answer["personal_typed"]:
        checks.append(("personal", False, "It has a word about the person. People who know them could guess that."))
    if not answer["personal_tiles"] and not answer["personal_typed"]:
        checks.append(("personal", True, "None of the words is about the person. That makes it hard to guess."))
    checks.append(("common", not answer["common"], (
        "It has a very common password in it, like password or 123456. People try those first."
        if answer["common"] else "It has no common passwords in it."
    )))
    checks.append(("length", letters >= MIN_LETTERS, (
        f"It is nice and long: {letters} letters." if letters >= MIN_LETTERS
        else f"It is a bit short. Use at least {MIN_LETTERS} letters in all. It has {letters}."
    )))
    return checks


class PasswordBuilderType(QuestionType):
    name = "password_builder"
    script_hook = "data-password"
    private_response = True  # the pupil's own typed words: never shown back

    def view(self, question, seed: int) -> dict:
        tiles = [{"id": str(n), "text": text} for n, text in enumerate(question.tiles)]
        return {
            "tiles": shuffled(tiles, seed),
            "min_words": question.min_words,
            "allow_typing": question.allow_typing,
            "max_typed": MAX_TYPED,
        }

    def parse(self, question, form) -> dict:
        form = self._form(form)
        ids = [v for v in values(form, "tile") if v]
        if len(ids) > MAX_TILES:
            raise AnswerError("That is a lot of words. Please use fewer tiles.")
        known_ids(ids, [str(n) for n in range(len(question.tiles))])
        typed = self._typed(question, form)
        if not ids and not typed:
            raise AnswerError("Please tap some words first.")
        return _analyse(question, [question.tiles[int(i)] for i in ids], typed)

    def _typed(self, question, form) -> str:
        typed = values(form, "typed", limit=MAX_TYPED)
        if len(typed) > 1:
            raise AnswerError("Please type your words in one box.")
        text = typed[0] if typed else ""
        if text and not question.allow_typing:
            raise AnswerError("This one is just for tapping the word tiles.")
        return text

    def misconceptions(self, question, response: dict) -> list[str]:
        return []  # the pupil's own words: never counted or shown

    def check(self, question, answer: dict) -> Grade:
        checks = _checks(question, answer)
        strong = all(passed for _, passed, _ in checks)
        passed = sum(ok for _, ok, _ in checks)
        return Grade(
            correct=strong,
            score=1.0 if strong else min(fraction(passed, len(checks)), 0.75),
            summary=question.feedback_strong if strong else question.feedback_weak,
            lines=[FeedbackLine(ref, text, ok) for ref, ok, text in checks],
            record={
                "strong": strong,
                "word_count": answer["word_count"],
                "different_words": answer["different_words"],
                "letters": answer["letters"],
                "reasons": sorted({ref for ref, ok, _ in checks if not ok}),
            },
        )
