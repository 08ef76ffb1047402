"""The question-type registry: one small object per content question type.

    qt = get_type(question.type)
    view = qt.view(question, seed)      # for the template; never says what is right
    answer = qt.parse(question, form)   # a normalised dict, or AnswerError
    grade = qt.check(question, answer)  # a Grade: correct, score, summary, lines, record

Adding a type: write its class (a module here), add it to _TYPES, and add
templates/pupil/questions/<type>.html.
"""
from __future__ import annotations

from .app_action import AppActionType
from .base import AnswerError, FeedbackLine, Grade, QuestionType
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


__all__ = ["REGISTRY", "AnswerError", "ChatState", "FeedbackLine", "Grade", "QuestionType", "get_type"]
