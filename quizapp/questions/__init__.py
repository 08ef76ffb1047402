"""The question-type registry: one small object per content question type.

    qt = get_type(question.type)
    view = qt.view(question, seed)      # for the template; never says what is right
    answer = qt.parse(question, form)   # a normalised dict, or AnswerError
    grade = qt.check(question, answer)  # a Grade: correct, score, summary, lines, record

    keys = qt.misconceptions(question, response)   # wrong parts worth tallying
    words = qt.describe_misconception(question, key) # one key, for the teacher
    refs = qt.screen_order(view)        # the parts' ids as shown (feedback lines follow it)

`seed_for(pupil_id, question_id)` is a pupil's seed for a question: the
same shuffle on every page that shows it.

Adding a type takes four things, and nothing outside this package, the
content schema and the content files names a type:
1. its content model in quizapp/content/schema.py (a `type: Literal[...]`
   member of the `Question` union);
2. its class here (a module), added to _TYPES: view, parse, check,
   misconceptions (and describe_misconception if it has any), and the flags
   `script_hook` (required), `walks`, `private_response` (screen_order
   only if the parts are not shown in the view's order of "id"s);
3. its template, `qt.template` (templates/pupil/questions/<type>.html);
4. if `script_hook` is set, the enhancement in static/js/questions.js that
   starts on `[<script_hook>]`.
tests/test_question_types.py checks all four for every type in the schema.
"""
from __future__ import annotations

from typing import Any

from .app_action import AppActionType
from .base import AnswerError, FeedbackLine, Grade, QuestionType, seed_for
from .chat import ChatScenarioType, ChatState
from .choice import MultipleChoiceType, SingleChoiceType
from .grouping import AgeMatchType, SafeOrNotType, SortGroupsType
from .hotspot import HotspotType
from .ordering import OrderStepsType
from .password import PasswordBuilderType

_TYPES: tuple[QuestionType, ...] = (
    SingleChoiceType(),
    MultipleChoiceType(),
    SafeOrNotType(),
    SortGroupsType(),
    AgeMatchType(),
    OrderStepsType(),
    ChatScenarioType(),
    HotspotType(),
    PasswordBuilderType(),
    AppActionType(),
)

REGISTRY: dict[str, QuestionType] = {qt.name: qt for qt in _TYPES}


def get_type(name: str) -> QuestionType:
    """The type object for a content question's `type` (KeyError if unknown:
    the loader only lets known types in, so that would be a programming error)."""
    return REGISTRY[name]


def misconception_keys(question: Any, response: Any) -> list[str]:
    """The parts of a stored wrong answer worth counting as a shared
    misconception (none for a question that is gone or a response that is
    not a dict)."""
    if question is None or not isinstance(response, dict):
        return []
    return get_type(question.type).misconceptions(question, response)


__all__ = [
    "REGISTRY", "AnswerError", "ChatState", "FeedbackLine", "Grade", "QuestionType", "get_type", "misconception_keys",
    "seed_for",
]
