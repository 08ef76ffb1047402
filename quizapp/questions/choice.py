"""single_choice and multiple_choice: tap one option, or tap all that fit."""
from __future__ import annotations

from .base import (
    AnswerError,
    Grade,
    QuestionType,
    headline,
    known_ids,
    named_line,
    one_value,
    overlap_score,
    picture_dict,
    shuffled,
    values,
)


def _options_view(question, seed: int) -> dict:
    options = shuffled(question.options, seed)
    return {"options": [{"id": o.id, "text": o.text, "picture": picture_dict(o.picture)} for o in options]}


def _describe_option(question, key: str) -> str:
    """option:<id> (chose a wrong one) or missed:<id> (left a right one out)."""
    kind, _, rest = key.partition(":")
    option = next((o for o in question.options if o.id == rest), None)
    if option is None:
        return rest
    return f'Chose "{option.text}"' if kind == "option" else f'Missed "{option.text}"'


class SingleChoiceType(QuestionType):
    name = "single_choice"
    script_hook = None  # radio buttons and tick boxes need no script

    def view(self, question, seed: int) -> dict:
        return _options_view(question, seed)

    def parse(self, question, form) -> dict:
        choice = one_value(self._form(form), "choice", "Please choose an answer first.")
        known_ids([choice], [o.id for o in question.options])
        return {"choice": choice}

    def check(self, question, answer: dict) -> Grade:
        option = next(o for o in question.options if o.id == answer["choice"])
        score = 1.0 if option.correct else 0.0
        return Grade(
            correct=option.correct,
            score=score,
            summary=headline(score),
            lines=[named_line(option.id, option.text, option.feedback, option.correct)],
            record={"choice": option.id},
        )

    def misconceptions(self, question, response: dict) -> list[str]:
        return [f"option:{response.get('choice')}"]

    def describe_misconception(self, question, key: str) -> str:
        return _describe_option(question, key)


class MultipleChoiceType(QuestionType):
    name = "multiple_choice"
    script_hook = None  # radio buttons and tick boxes need no script

    def view(self, question, seed: int) -> dict:
        return _options_view(question, seed)

    def parse(self, question, form) -> dict:
        chosen = [v for v in values(self._form(form), "choice") if v]
        if not chosen:
            raise AnswerError("Please choose at least one answer first.")
        known_ids(chosen, [o.id for o in question.options])
        order = [o.id for o in question.options]
        return {"choices": sorted(chosen, key=order.index)}

    def check(self, question, answer: dict) -> Grade:
        chosen = set(answer["choices"])
        wanted = {o.id for o in question.options if o.correct}
        # The pupil's picks, then the right ones they missed, in content order.
        shown = [o for o in question.options if o.id in chosen or o.id in wanted]
        lines = [named_line(o.id, o.text, o.feedback, (o.id in chosen) == o.correct) for o in shown]
        score = overlap_score(chosen, wanted)
        return Grade(
            correct=chosen == wanted,
            score=score,
            summary=headline(score),
            lines=lines,
            record={"choices": list(answer["choices"])},
        )

    def misconceptions(self, question, response: dict) -> list[str]:
        correct = {o.id for o in question.options if o.correct}
        chosen = set(response.get("choices", response.get("choice", [])) or [])
        return [f"option:{o}" for o in sorted(chosen - correct)] + [f"missed:{o}" for o in sorted(correct - chosen)]

    def describe_misconception(self, question, key: str) -> str:
        return _describe_option(question, key)

