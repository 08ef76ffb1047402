"""chat_scenario: a branching chat. The pupil's choices so far are the `path`.

The page only ever holds the part of the chat the pupil has reached: which
choice is safe, and where the others lead, stay on the server. walk() gives
the state after a path; the player asks for it after each tap (JSON), or
re-renders the page with view(question, seed, path) when there is no script.
"""
from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from .base import (
    NOT_THIS_QUESTION,
    AnswerError,
    FeedbackLine,
    Grade,
    QuestionType,
    fraction,
    picture_dict,
    shuffled,
    values,
)

MAX_PATH_CHARS = 1000
FINISH_FIRST = "Please finish the chat first."


@dataclass(frozen=True)
class ChatState:
    path: list[str]
    messages: list[dict]  # {"sender": "them" | "me" | "narrator", "text": ...}, oldest first
    choices: list[dict]  # {"id", "text"}: what the pupil can say now (empty at an ending)
    ending: dict | None  # {"text", "safe"} once the chat is over
    last_feedback: dict | None  # {"text", "safe"} about the pupil's last choice

    def as_dict(self) -> dict:
        return asdict(self)


def _trail(question, path: Sequence[Any]) -> tuple[Any, list[Any], list[dict]]:
    """Follow the path from the start: (node reached, choices taken, messages)."""
    if not isinstance(path, (list, tuple)) or len(path) > len(question.nodes):
        raise AnswerError(NOT_THIS_QUESTION)
    nodes = {n.id: n for n in question.nodes}
    node = nodes.get(question.start)
    if node is None:  # the loader refuses such content; never a KeyError here
        raise AnswerError(NOT_THIS_QUESTION)
    taken: list[Any] = []
    messages = [{"sender": m.sender, "text": m.text} for m in node.messages]
    for choice_id in path:
        choice = next((c for c in node.choices if c.id == choice_id), None)
        if choice is None or choice.next not in nodes:
            raise AnswerError(NOT_THIS_QUESTION)
        taken.append(choice)
        messages.append({"sender": "me", "text": choice.text})
        node = nodes[choice.next]
        messages.extend({"sender": m.sender, "text": m.text} for m in node.messages)
    return node, taken, messages


def _offered(question, node) -> list[dict]:
    # Content often lists the safe choice first; a fixed per-node shuffle hides
    # that, and stays the same on every device and every retry.
    seed = zlib.crc32(f"{question.id}:{node.id}".encode())
    return [{"id": c.id, "text": c.text} for c in shuffled(node.choices, seed)]


class ChatScenarioType(QuestionType):
    name = "chat_scenario"
    script_hook = "data-chat"
    walks = True

    def walk(self, question, path: list[str]) -> ChatState:
        node, taken, messages = _trail(question, path)
        last = taken[-1] if taken else None
        return ChatState(
            path=[c.id for c in taken],
            messages=messages,
            choices=[] if node.ending else _offered(question, node),
            ending={"text": node.ending.text, "safe": node.ending.safe} if node.ending else None,
            last_feedback={"text": last.feedback, "safe": last.safe} if last else None,
        )

    def view(self, question, seed: int, path: Sequence[str] = ()) -> dict:
        state = self.walk(question, list(path))
        return {
            "contact": question.contact,
            "contact_picture": picture_dict(question.contact_picture),
            "path": ",".join(state.path),
            "state": state.as_dict(),
        }

    def parse(self, question, form) -> dict:
        form = self._form(form)
        sent = values(form, "path", limit=MAX_PATH_CHARS)
        choice = [v for v in values(form, "choice") if v]
        if len(sent) > 1 or len(choice) > 1:
            raise AnswerError(NOT_THIS_QUESTION)
        path = [p.strip() for p in sent[0].split(",")] if sent and sent[0] else []
        if any(not p for p in path):
            raise AnswerError(NOT_THIS_QUESTION)
        path += choice
        if not path or self.walk(question, path).ending is None:
            raise AnswerError(FINISH_FIRST)
        return {"path": path}

    def check(self, question, answer: dict) -> Grade:
        node, taken, _ = _trail(question, answer["path"])
        lines = [FeedbackLine(c.id, c.feedback, c.safe) for c in taken]
        score = fraction(sum(c.safe for c in taken), len(taken))
        return Grade(
            correct=all(c.safe for c in taken),
            score=score,
            summary=node.ending.text if node.ending else FINISH_FIRST,
            lines=lines,
            record={"path": [c.id for c in taken]},
        )

    def misconceptions(self, question, response: dict) -> list[str]:
        """Only the first reply: later ones depend on where it led."""
        return [f"choice:{c}" for c in response.get("path", [])[:1]]

    def describe_misconception(self, question, key: str) -> str:
        rest = key.partition(":")[2]
        for node in question.nodes:
            for choice in node.choices:
                if choice.id == rest:
                    return f'First replied "{choice.text}"'
        return rest
