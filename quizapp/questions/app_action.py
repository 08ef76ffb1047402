"""app_action: do the real thing in the pretend app, Chatterbox.

Each task is one control (a setting row, a friend request, an action row);
the form sends task-<task id> = the chosen choice id, for every task.
"""
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
    picture_dict,
)

EVERY_TASK = "Please make a choice for every one first."


def _profile_view(profile) -> dict | None:
    if profile is None:
        return None
    return {"name": profile.name, "bio": profile.bio, "picture": picture_dict(profile.picture)}


class AppActionType(QuestionType):
    name = "app_action"
    script_hook = None  # plain radio buttons styled as the app's controls

    def view(self, question, seed: int) -> dict:
        # Choices keep the content's order: "On / Off" and "Accept / Decline"
        # read like the real app, so there is nothing to shuffle.
        return {
            "screen": question.screen,
            "profile": _profile_view(question.profile),
            "contact": question.contact,
            "messages": [{"sender": m.sender, "text": m.text} for m in question.messages],
            "tasks": [
                {"id": t.id, "label": t.label, "choices": [{"id": c.id, "label": c.label} for c in t.choices]}
                for t in question.tasks
            ],
        }

    def parse(self, question, form) -> dict:
        chosen = per_id(self._form(form), "task-", [t.id for t in question.tasks], EVERY_TASK)
        for task in question.tasks:
            if chosen[task.id] not in {c.id for c in task.choices}:
                raise AnswerError(NOT_THIS_QUESTION)
        return {"tasks": chosen}

    def check(self, question, answer: dict) -> Grade:
        chosen = answer["tasks"]
        lines = []
        for task in question.tasks:
            choice = next(c for c in task.choices if c.id == chosen[task.id])
            lines.append(FeedbackLine(task.id, choice.feedback, choice.id == task.correct))
        score = fraction(sum(line.good for line in lines), len(lines))
        correct = score >= 1
        return Grade(
            correct=correct,
            score=score,
            summary=question.feedback_done if correct else headline(score),
            lines=lines,
            record={"tasks": dict(chosen)},
        )

    def app_buttons(self, question) -> list[tuple[str, str]]:
        return [(t.label, next(c.label for c in t.choices if c.id == t.correct)) for t in question.tasks]

    def misconceptions(self, question, response: dict) -> list[str]:
        """item:<task id>=<choice id> for every task done the unsafe way."""
        placed = response.get("items") or response.get("tasks") or {}
        tasks = {t.id: t for t in question.tasks}
        return [f"item:{k}={v}" for k, v in sorted(placed.items()) if k not in tasks or tasks[k].correct != v]

    def describe_misconception(self, question, key: str) -> str:
        rest = key.partition(":")[2]
        task_id, _, value = rest.partition("=")
        task = next((t for t in question.tasks if t.id == task_id), None)
        choice = next((c for c in task.choices if c.id == value), None) if task else None
        return f'{task.label}: chose "{choice.label}"' if task and choice else rest
