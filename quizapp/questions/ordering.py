"""order_steps: put the steps in order. Content lists them in the right order;
the page shows them shuffled, each with a 1..n select (pos-<step id>)."""
from __future__ import annotations

from .base import AnswerError, Grade, QuestionType, fraction, named_line, per_id, picture_dict, shuffled

EVERY_STEP = "Please give every step a number first."


class OrderStepsType(QuestionType):
    name = "order_steps"
    script_hook = "data-order"

    def view(self, question, seed: int) -> dict:
        steps = shuffled(question.steps, seed, avoid_original=True)
        return {
            "steps": [{"id": s.id, "text": s.text, "start": n, "picture": picture_dict(s.picture)}
                      for n, s in enumerate(steps, start=1)],
            "positions": list(range(1, len(steps) + 1)),
        }

    def parse(self, question, form) -> dict:
        ids = [s.id for s in question.steps]
        given = per_id(self._form(form), "pos-", ids, EVERY_STEP)
        positions = {ref: _position(value, len(ids)) for ref, value in given.items()}
        if len(set(positions.values())) != len(ids):
            raise AnswerError("Each number can only be used once. Please check the numbers.")
        return {"order": sorted(ids, key=positions.__getitem__)}

    def check(self, question, answer: dict) -> Grade:
        order = answer["order"]
        lines = [named_line(s.id, s.text, s.why, order[n] == s.id) for n, s in enumerate(question.steps)]
        score = fraction(sum(line.good for line in lines), len(lines))
        correct = score >= 1
        return Grade(
            correct=correct,
            score=score,
            summary=question.feedback_right if correct else question.feedback_wrong,
            lines=lines,
            record={"order": list(order)},
        )

    def misconceptions(self, question, response: dict) -> list[str]:
        return []  # a wrong order is many small slips, not one shared idea


def _position(value: str, n: int) -> int:
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= n:
        raise AnswerError(f"Please use the numbers 1 to {n}.")
    return int(value)
