"""Versioned schemas for the curriculum, lessons and question banks.

Content is data written by people, so every model forbids unknown fields (a
typo is an error, not a silently ignored key) and is frozen once loaded.
`schema_version` is checked by the loader before these models see a file; a
future version 2 gets a step-by-step migration there (Oppia's pattern).

Ids are stable: progress rows in the database refer to modules, outcomes and
questions by these ids, so an id must never be reused for different content.
"""
from __future__ import annotations

import re
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 1

BandId = Literal["4-7", "7-9", "9-11"]
BANDS: tuple[str, ...] = ("4-7", "7-9", "9-11")

Strand = Literal[
    "self-image-and-identity",
    "online-relationships",
    "online-reputation",
    "online-bullying",
    "managing-online-information",
    "health-wellbeing-and-lifestyle",
    "privacy-and-security",
    "copyright-and-ownership",
]

_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
Id = Annotated[str, Field(min_length=1, max_length=80)]
Text = Annotated[str, Field(min_length=1, max_length=600)]
# A parent summary may also name where a family can get help (Childline, CEOP, Report Remove).
ParentText = Annotated[str, Field(min_length=1, max_length=900)]


def _check_id(value: str) -> str:
    if not _ID_RE.match(value):
        raise ValueError(f"'{value}' is not a valid id (lower-case letters, digits and single hyphens)")
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Picture(Strict):
    """An SVG under static/pictures/, always with words for screen readers."""

    file: Annotated[str, Field(pattern=r"^pictures/[a-z0-9/_-]+\.svg$")]
    alt: Text


# --------------------------------------------------------------- curriculum


class PolicyPoint(Strict):
    id: Id
    section: str
    text: Text

    _id = field_validator("id")(_check_id)


class Band(Strict):
    id: BandId
    title: str
    year_groups: list[Annotated[int, Field(ge=0, le=6)]]


class Curriculum(Strict):
    """lessons/curriculum.yaml: bands, policy points and the order of topics."""

    schema_version: int
    bands: list[Band]
    policy_points: list[PolicyPoint]
    topics: list[Id] = Field(min_length=1)


class Character(Strict):
    id: Id
    name: str
    description: Text
    picture: Picture

    _id = field_validator("id")(_check_id)


class CharacterList(Strict):
    """lessons/characters.yaml: the recurring cast."""

    schema_version: int
    characters: list[Character] = Field(min_length=1)


class Outcome(Strict):
    id: Id
    text: Text
    parent_text: Text
    policy_point: Id
    strand: Strand
    builds_on: list[Id] = []

    _id = field_validator("id")(_check_id)

    @field_validator("text")
    @classmethod
    def _i_can(cls, value: str) -> str:
        if not value.startswith("I can "):
            raise ValueError("an outcome starts with 'I can '")
        return value


class ModuleOutline(Strict):
    band: BandId
    title: Text
    outcomes: list[Outcome] = Field(min_length=2, max_length=4)


class Topic(Strict):
    """lessons/<topic>/topic.yaml: a topic and its three modules' outcomes."""

    schema_version: int
    id: Id
    title: Text
    pupil_title: Text
    summary: Text
    picture: Picture
    modules: list[ModuleOutline] = Field(min_length=3, max_length=3)

    _id = field_validator("id")(_check_id)

    @model_validator(mode="after")
    def _one_module_per_band(self) -> Topic:
        bands = [m.band for m in self.modules]
        if sorted(bands) != sorted(BANDS):
            raise ValueError(f"modules must cover each band once: {', '.join(BANDS)}")
        return self


# ---------------------------------------------------------------- questions


class Option(Strict):
    id: Id
    text: Text
    correct: bool
    feedback: Text
    picture: Picture | None = None  # for pupils who cannot read yet (ages 4-7)


class QuestionBase(Strict):
    id: Id
    outcomes: list[Id] = Field(min_length=1)
    prompt: Text
    hint: Text
    picture: Picture | None = None

    _id = field_validator("id")(_check_id)


class SingleChoice(QuestionBase):
    type: Literal["single_choice"]
    options: list[Option] = Field(min_length=3, max_length=5)

    @model_validator(mode="after")
    def _one_correct(self) -> SingleChoice:
        if sum(o.correct for o in self.options) != 1:
            raise ValueError("a single_choice question has exactly one correct option")
        return self


class MultipleChoice(QuestionBase):
    type: Literal["multiple_choice"]
    options: list[Option] = Field(min_length=3, max_length=6)

    @model_validator(mode="after")
    def _some_correct(self) -> MultipleChoice:
        n = sum(o.correct for o in self.options)
        if n < 1 or n == len(self.options):
            raise ValueError("a multiple_choice question has some, but not all, options correct")
        return self


class SafeItem(Strict):
    id: Id
    text: Text
    safe: bool
    feedback: Text
    picture: Picture | None = None  # for pupils who cannot read yet (ages 4-7)


class SafeOrNot(QuestionBase):
    """Each item goes on one side: Safe / Not safe (or OK to share / Keep private)."""

    type: Literal["safe_or_not"]
    safe_label: str = "Safe"
    unsafe_label: str = "Not safe"
    items: list[SafeItem] = Field(min_length=2, max_length=8)


class Group(Strict):
    id: Id
    label: Text
    picture: Picture | None = None  # for pupils who cannot read yet (ages 4-7)


class GroupItem(Strict):
    id: Id
    text: Text
    group: Id
    feedback: Text
    picture: Picture | None = None  # for pupils who cannot read yet (ages 4-7)


class _Grouping(QuestionBase):
    groups: list[Group] = Field(min_length=2, max_length=4)
    items: list[GroupItem] = Field(min_length=2, max_length=8)

    @model_validator(mode="after")
    def _items_name_groups(self) -> _Grouping:
        known = {g.id for g in self.groups}
        for item in self.items:
            if item.group not in known:
                raise ValueError(f"item '{item.id}' names group '{item.group}', which this question does not have")
        return self


class SortGroups(_Grouping):
    type: Literal["sort_groups"]


class AgeMatch(_Grouping):
    """Match apps, games or situations to an age rating or minimum age."""

    type: Literal["age_match"]


class OrderStep(Strict):
    id: Id
    text: Text
    why: Text
    picture: Picture | None = None  # for pupils who cannot read yet (ages 4-7)


class OrderSteps(QuestionBase):
    """Steps are written in the right order; the player shuffles them."""

    type: Literal["order_steps"]
    steps: list[OrderStep] = Field(min_length=3, max_length=6)
    feedback_right: Text
    feedback_wrong: Text


class ChatMessage(Strict):
    sender: Literal["them", "me", "narrator"]
    text: Text


class ChatChoice(Strict):
    id: Id
    text: Text
    safe: bool
    feedback: Text
    next: Id


class ChatEnding(Strict):
    safe: bool
    text: Text


class ChatNode(Strict):
    id: Id
    messages: list[ChatMessage] = []
    choices: list[ChatChoice] = []
    ending: ChatEnding | None = None

    @model_validator(mode="after")
    def _choices_or_ending(self) -> ChatNode:
        if bool(self.choices) == (self.ending is not None):
            raise ValueError("a chat node has either choices or an ending, not both and not neither")
        if self.choices and len(self.choices) < 2:
            raise ValueError("a chat node with choices offers at least two")
        return self


class ChatScenario(QuestionBase):
    """A branching chat: messages appear one at a time; each choice leads on."""

    type: Literal["chat_scenario"]
    contact: str
    contact_picture: Picture | None = None
    start: Id
    nodes: list[ChatNode] = Field(min_length=3)


class Spot(Strict):
    id: Id
    label: Text
    x: Annotated[float, Field(ge=0)]
    y: Annotated[float, Field(ge=0)]
    w: Annotated[float, Field(gt=0)]
    h: Annotated[float, Field(gt=0)]
    clue: bool
    feedback: Text


class Hotspot(QuestionBase):
    """Tap the clues in a picture. Spot boxes are in the SVG's viewBox units."""

    type: Literal["hotspot"]
    picture: Picture
    spots: list[Spot] = Field(min_length=2, max_length=8)

    @model_validator(mode="after")
    def _has_clue(self) -> Hotspot:
        if not any(s.clue for s in self.spots) or all(s.clue for s in self.spots):
            raise ValueError("a hotspot question has some spots that are clues and some that are not")
        return self


class PasswordBuilder(QuestionBase):
    """Build a passphrase from word tiles (and, for older pupils, by typing).

    `personal_words` are tiles that are easy to guess about the character (a
    pet's name, a birthday, a team): using one makes the password weak.
    """

    type: Literal["password_builder"]
    tiles: list[Annotated[str, Field(min_length=1, max_length=20)]] = Field(min_length=6, max_length=16)
    personal_words: list[str] = []
    min_words: Annotated[int, Field(ge=2, le=5)] = 3
    allow_typing: bool = False
    feedback_strong: Text
    feedback_weak: Text

    @model_validator(mode="after")
    def _personal_are_tiles(self) -> PasswordBuilder:
        for word in self.personal_words:
            if word not in self.tiles:
                raise ValueError(f"personal word '{word}' is not one of the tiles")
        return self


class AppChoice(Strict):
    id: Id
    label: Text
    feedback: Text


class AppTask(Strict):
    """One control in the pretend app: a toggle, a request, a button row."""

    id: Id
    label: Text
    choices: list[AppChoice] = Field(min_length=2, max_length=4)
    correct: Id

    @model_validator(mode="after")
    def _correct_is_choice(self) -> AppTask:
        if self.correct not in {c.id for c in self.choices}:
            raise ValueError(f"correct '{self.correct}' is not one of this task's choices")
        return self


class AppProfile(Strict):
    name: str
    bio: str = ""
    picture: Picture | None = None


class AppAction(QuestionBase):
    """The pupil does the real action in the pretend social app, "Chatterbox"."""

    type: Literal["app_action"]
    screen: Literal["profile_settings", "friend_requests", "chat", "meet_up"]
    profile: AppProfile | None = None
    messages: list[ChatMessage] = []
    contact: str = ""
    tasks: list[AppTask] = Field(min_length=1, max_length=5)
    feedback_done: Text


Question = Annotated[
    SingleChoice | MultipleChoice | SafeOrNot | SortGroups | AgeMatch | OrderSteps | ChatScenario | Hotspot | PasswordBuilder | AppAction,
    Field(discriminator="type"),
]


# Every question type's name, in the order of the union above.
QUESTION_TYPES: tuple[str, ...] = tuple(
    model.model_fields["type"].annotation.__args__[0] for model in get_args(get_args(Question)[0])
)


class QuestionBank(Strict):
    """question_banks/<topic>/<band>.yaml"""

    schema_version: int
    module: Id
    questions: list[Question] = Field(min_length=1)


# ------------------------------------------------------------------ lessons


class Step(Strict):
    """One screen of a lesson.

    kind: story (a situation with the cast), explain, check (a question to
    try), practice (a question in the pretend app), recap, safe_adults (the
    pupil's own school's safe grown-ups, set by the school admin, under
    `text`; where the school has set none, `if_none` and the `characters`
    are shown instead: the story's adult, and that the school will say who).
    """

    id: Id
    kind: Literal["story", "explain", "check", "practice", "recap", "safe_adults"]
    title: Text
    text: Text | None = None
    if_none: Text | None = None
    characters: list[Id] = []
    picture: Picture | None = None
    question: Question | None = None

    @model_validator(mode="after")
    def _shape(self) -> Step:
        needs_question = self.kind in ("check", "practice")
        if needs_question and self.question is None:
            raise ValueError(f"a {self.kind} step has a question")
        if not needs_question and self.question is not None:
            raise ValueError(f"a {self.kind} step has no question (use kind: check)")
        if not needs_question and not self.text:
            raise ValueError(f"a {self.kind} step has text")
        if (self.kind == "safe_adults") != (self.if_none is not None):
            raise ValueError("a safe_adults step, and only one, has if_none (what to say when the school has set no safe adults)")
        if self.kind == "practice" and self.question is not None and self.question.type != "app_action":
            raise ValueError("a practice step's question is an app_action")
        return self


class Lesson(Strict):
    """lessons/<topic>/<band>.yaml"""

    schema_version: int
    module: Id
    title: Text
    steps: list[Step] = Field(min_length=5, max_length=10)
    parent_summary: ParentText
    talk_prompts: list[Text] = Field(min_length=2, max_length=3)
