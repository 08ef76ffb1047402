"""Load and check every content file once, into frozen typed objects.

Layout:
    lessons/curriculum.yaml          bands, policy points, topic order
    lessons/characters.yaml          the recurring cast
    lessons/<topic>/topic.yaml       the topic and its three modules' outcomes
    lessons/<topic>/<band>.yaml      the lesson for one module
    question_banks/<topic>/<band>.yaml   the question bank for one module

A module's id is "<topic>-<band>", for example "passwords-7-9".
Every problem found is collected (not just the first) with file, line and
field, so a content writer can fix a whole file in one go.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import schema as s
from .yamlfile import Problem, YamlDoc, load

MIN_QUESTIONS = {"4-7": 6, "7-9": 8, "9-11": 8}
MIN_CHATS = {"4-7": 0, "7-9": 2, "9-11": 2}
MIN_TYPES = 3


@dataclass(frozen=True)
class Module:
    id: str
    topic: s.Topic
    band: str
    outline: s.ModuleOutline
    lesson: s.Lesson
    bank: s.QuestionBank
    version: str

    @property
    def title(self) -> str:
        return self.outline.title

    @property
    def outcome_ids(self) -> list[str]:
        return [o.id for o in self.outline.outcomes]

    def lesson_questions(self) -> list[Any]:
        return [step.question for step in self.lesson.steps if step.question is not None]


@dataclass(frozen=True)
class Content:
    curriculum: s.Curriculum
    characters: dict[str, s.Character]
    topics: list[s.Topic]
    modules: dict[str, Module]
    outcomes: dict[str, s.Outcome]
    outcome_module: dict[str, str]
    questions: dict[str, Any]
    question_module: dict[str, str]
    version: str

    def modules_for_band(self, band: str) -> list[Module]:
        return [m for m in self.modules.values() if m.band == band]

    def summary(self) -> str:
        n_questions = sum(len(m.bank.questions) for m in self.modules.values())
        return (
            f"{len(self.topics)} topics, {len(self.modules)} modules, {n_questions} questions "
            f"({len(self.questions)} with lesson checks), {len(self.outcomes)} outcomes, content version {self.version}"
        )


def module_id(topic_id: str, band: str) -> str:
    """A module's id: its topic and age band, as in "passwords-7-9"."""
    return f"{topic_id}-{band}"


class ContentInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} content problem(s):\n" + "\n".join(str(p) for p in problems))


@dataclass
class _Checker:
    lessons_dir: Path
    banks_dir: Path
    static_dir: Path
    problems: list[Problem] = field(default_factory=list)

    # -- reading files --------------------------------------------------

    def parse(self, path: Path, model: type[BaseModel]) -> tuple[Any, YamlDoc | None]:
        doc, problem = load(path, self.lessons_dir if self.lessons_dir in path.parents else self.banks_dir)
        if problem:
            self.problems.append(problem)
            return None, None
        assert doc is not None
        if not isinstance(doc.data, dict):
            self.problems.append(doc.problem((), "the file should hold a mapping of fields"))
            return None, doc
        version = doc.data.get("schema_version")
        if version != s.SCHEMA_VERSION:
            self.problems.append(
                doc.problem(("schema_version",), f"schema_version {version!r} is not supported (this app reads {s.SCHEMA_VERSION})")
            )
            return None, doc
        try:
            return model.model_validate(doc.data), doc
        except ValidationError as exc:
            for err in exc.errors():
                loc = _data_loc(err["loc"])
                self.problems.append(doc.problem(loc, _message(err) + _question_named(doc.data, loc)))
            return None, doc

    def add(self, doc: YamlDoc, loc: tuple, message: str) -> None:
        self.problems.append(doc.problem(loc, message))

    def picture(self, doc: YamlDoc, loc: tuple, picture: s.Picture | None) -> None:
        if picture is not None and not (self.static_dir / picture.file).is_file():
            self.add(doc, loc + ("file",), f"picture static/{picture.file} does not exist")


_TAGS = set(s.QUESTION_TYPES)


def _data_loc(loc: Iterable) -> tuple:
    """Pydantic puts the discriminator tag in the path; the file does not have it."""
    return tuple(part for part in loc if part not in _TAGS and not (isinstance(part, str) and part.startswith("function-")))


def _question_named(data: Any, loc: tuple) -> str:
    """' (question <id>)' when `loc` is inside a question, so a writer can find it by id."""
    found = ""
    node = data
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("id"), str) and "type" in node:
            found = f" (question {node['id']})"
    return found


def _message(err: dict) -> str:
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        return "unknown field (check the spelling)"
    if err["type"] == "missing":
        return "this field is required"
    if "input" in err and err["type"] not in ("value_error",) and not isinstance(err["input"], (dict, list)):
        shown = repr(err["input"])
        return f"{msg}, received {shown[:60] + '...' if len(shown) > 60 else shown}"
    return msg.removeprefix("Value error, ")


def _find_dupes(ids: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    dupes: set[str] = set()
    for i in ids:
        (dupes if i in seen else seen).add(i)
    return dupes


def load_content(lessons_dir: Path, banks_dir: Path, static_dir: Path, only_topics: Iterable[str] = ()) -> Content:
    """Load every content file; raise ContentInvalid listing all problems.

    `only_topics` limits the check to some topics (for content writers).
    """
    only = set(only_topics)
    c = _Checker(lessons_dir, banks_dir, static_dir)
    curriculum, cur_doc = c.parse(lessons_dir / "curriculum.yaml", s.Curriculum)
    cast, cast_doc = c.parse(lessons_dir / "characters.yaml", s.CharacterList)
    if curriculum is None or cast is None:
        raise ContentInvalid(c.problems)
    characters = {ch.id: ch for ch in cast.characters}
    for i, ch in enumerate(cast.characters):
        c.picture(cast_doc, ("characters", i, "picture"), ch.picture)
    policy_ids = {p.id for p in curriculum.policy_points}

    topics: list[s.Topic] = []
    modules: dict[str, Module] = {}
    outcomes: dict[str, s.Outcome] = {}
    outcome_module: dict[str, str] = {}
    outcome_where: dict[str, tuple[YamlDoc, tuple]] = {}
    questions: dict[str, Any] = {}
    question_module: dict[str, str] = {}
    digest = hashlib.sha256()

    for t_index, topic_id in enumerate(curriculum.topics):
        if only and topic_id not in only:
            continue
        topic_dir = lessons_dir / topic_id
        topic_file = topic_dir / "topic.yaml"
        if not topic_file.is_file():
            c.add(cur_doc, ("topics", t_index), f"topic '{topic_id}' has no file lessons/{topic_id}/topic.yaml")
            continue
        topic, topic_doc = c.parse(topic_file, s.Topic)
        if topic is None:
            continue
        if topic.id != topic_id:
            c.add(topic_doc, ("id",), f"id '{topic.id}' does not match its folder '{topic_id}'")
        c.picture(topic_doc, ("picture",), topic.picture)
        topics.append(topic)
        for m_index, outline in enumerate(topic.modules):
            for o_index, outcome in enumerate(outline.outcomes):
                loc = ("modules", m_index, "outcomes", o_index)
                if outcome.id in outcomes:
                    c.add(topic_doc, loc + ("id",), f"outcome id '{outcome.id}' is used twice")
                outcomes[outcome.id] = outcome
                outcome_module[outcome.id] = module_id(topic_id, outline.band)
                outcome_where[outcome.id] = (topic_doc, loc)
                if outcome.policy_point not in policy_ids:
                    c.add(topic_doc, loc + ("policy_point",), f"policy point '{outcome.policy_point}' is not in curriculum.yaml")
            module = _load_module(c, topic, outline, topic_id, characters, questions, question_module, digest)
            if module is not None:
                modules[module.id] = module

    _check_progression(c, topics, outcomes, outcome_module, outcome_where)
    if c.problems:
        raise ContentInvalid(c.problems)
    return Content(
        curriculum=curriculum,
        characters=characters,
        topics=topics,
        modules=modules,
        outcomes=outcomes,
        outcome_module=outcome_module,
        questions=questions,
        question_module=question_module,
        version=digest.hexdigest()[:12],
    )


def _load_module(c, topic, outline, topic_id, characters, questions, question_module, digest) -> Module | None:
    this_id = module_id(topic_id, outline.band)
    lesson_path = c.lessons_dir / topic_id / f"{outline.band}.yaml"
    bank_path = c.banks_dir / topic_id / f"{outline.band}.yaml"
    lesson = bank = None
    lesson_doc = bank_doc = None
    for path, label in ((lesson_path, "lesson"), (bank_path, "question bank")):
        if not path.is_file():
            c.problems.append(Problem(path.relative_to(path.parents[2]).as_posix(), None, "", f"the {label} for module {this_id} is missing"))
    if lesson_path.is_file():
        lesson, lesson_doc = c.parse(lesson_path, s.Lesson)
    if bank_path.is_file():
        bank, bank_doc = c.parse(bank_path, s.QuestionBank)
    if lesson is None or bank is None:
        return None
    own_outcomes = {o.id for o in outline.outcomes}
    for doc, obj in ((lesson_doc, lesson), (bank_doc, bank)):
        if obj.module != this_id:
            c.add(doc, ("module",), f"module '{obj.module}' should be '{this_id}' for this file's place")

    step_ids = _find_dupes(step.id for step in lesson.steps)
    for i, step in enumerate(lesson.steps):
        loc = ("steps", i)
        if step.id in step_ids:
            c.add(lesson_doc, loc + ("id",), f"step id '{step.id}' is used twice in this lesson")
        for j, who in enumerate(step.characters):
            if who not in characters:
                c.add(lesson_doc, loc + ("characters", j), f"character '{who}' is not in characters.yaml")
        c.picture(lesson_doc, loc + ("picture",), step.picture)
        if step.question is not None:
            _check_question(c, lesson_doc, loc + ("question",), step.question, own_outcomes, this_id, questions, question_module)
    if not any(step.kind == "practice" for step in lesson.steps):
        c.add(lesson_doc, ("steps",), "a lesson has at least one practice step in the pretend app")

    for i, q in enumerate(bank.questions):
        _check_question(c, bank_doc, ("questions", i), q, own_outcomes, this_id, questions, question_module)
    _check_bank_rules(c, bank_doc, bank, outline)
    for path in (lesson_path, bank_path):
        digest.update(path.read_bytes())
    version = hashlib.sha256(lesson_path.read_bytes() + b"\0" + bank_path.read_bytes()).hexdigest()[:12]
    return Module(this_id, topic, outline.band, outline, lesson, bank, version)


def _check_bank_rules(c, doc, bank, outline) -> None:
    band = outline.band
    n = len(bank.questions)
    if n < MIN_QUESTIONS[band]:
        c.add(doc, ("questions",), f"a {band} bank has at least {MIN_QUESTIONS[band]} questions (this one has {n})")
    types = {q.type for q in bank.questions}
    if len(types) < MIN_TYPES:
        c.add(doc, ("questions",), f"a bank uses at least {MIN_TYPES} question types (this one uses {len(types)})")
    chats = sum(isinstance(q, s.ChatScenario) for q in bank.questions)
    if chats < MIN_CHATS[band]:
        c.add(doc, ("questions",), f"a {band} bank has at least {MIN_CHATS[band]} chat scenarios (this one has {chats})")
    covered = {o for q in bank.questions for o in q.outcomes}
    for outcome in outline.outcomes:
        if outcome.id not in covered:
            c.add(doc, ("questions",), f"no question checks outcome '{outcome.id}'")


def _check_question(c, doc, loc, q, own_outcomes, module_id, questions, question_module) -> None:
    if q.id in questions:
        c.add(doc, loc + ("id",), f"question id '{q.id}' is already used in module {question_module[q.id]}")
    questions[q.id] = q
    question_module[q.id] = module_id
    for j, outcome in enumerate(q.outcomes):
        if outcome not in own_outcomes:
            c.add(doc, loc + ("outcomes", j), f"outcome '{outcome}' is not one of module {module_id}'s outcomes")
    c.picture(doc, loc + ("picture",), q.picture)
    for name in ("options", "items", "steps", "spots", "tasks", "groups", "nodes"):
        parts = getattr(q, name, None) or []
        for dup in _find_dupes(p.id for p in parts):
            c.add(doc, loc + (name,), f"id '{dup}' is used twice in this question's {name}")
    if isinstance(q, s.ChatScenario):
        _check_chat(c, doc, loc, q)
    if isinstance(q, s.Hotspot):
        _check_hotspot(c, doc, loc, q)
    for name in ("options", "items", "steps", "groups"):  # the parts a pupil taps may each have a picture
        for j, part in enumerate(getattr(q, name, None) or []):
            c.picture(doc, loc + (name, j, "picture"), getattr(part, "picture", None))


def _check_chat(c, doc, loc, q) -> None:
    nodes = {n.id: n for n in q.nodes}
    if q.start not in nodes:
        c.add(doc, loc + ("start",), f"start node '{q.start}' does not exist")
        return
    for i, node in enumerate(q.nodes):
        for j, choice in enumerate(node.choices):
            if choice.next not in nodes:
                c.add(doc, loc + ("nodes", i, "choices", j, "next"), f"next node '{choice.next}' does not exist")
    # Every path must end: walk from the start, refusing loops.
    reached: set[str] = set()

    def visit(node_id: str, trail: tuple[str, ...]) -> None:
        if node_id in trail:
            c.add(doc, loc + ("nodes",), f"the chat can loop forever through '{node_id}'")
            return
        if node_id not in nodes:
            return
        reached.add(node_id)
        for choice in nodes[node_id].choices:
            visit(choice.next, trail + (node_id,))

    visit(q.start, ())
    for i, node in enumerate(q.nodes):
        if node.id not in reached:
            c.add(doc, loc + ("nodes", i, "id"), f"node '{node.id}' can never be reached from the start")


_VIEWBOX = re.compile(r'viewBox="\s*([-\d.]+)[\s,]+([-\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)\s*"')


def _check_hotspot(c, doc, loc, q) -> None:
    path = c.static_dir / q.picture.file
    if not path.is_file():
        return
    match = _VIEWBOX.search(path.read_text(encoding="utf-8", errors="replace"))
    if not match:
        c.add(doc, loc + ("picture", "file"), f"static/{q.picture.file} has no viewBox, so its spots cannot be placed")
        return
    x0, y0, width, height = (float(v) for v in match.groups())
    for i, spot in enumerate(q.spots):
        if spot.x < x0 or spot.y < y0 or spot.x + spot.w > x0 + width or spot.y + spot.h > y0 + height:
            c.add(doc, loc + ("spots", i), f"spot '{spot.id}' lies outside the picture's viewBox {match.group(0)}")


def _check_progression(c, topics, outcomes, outcome_module, outcome_where) -> None:
    """builds_on points back to the previous band of the same topic."""
    previous = {"7-9": "4-7", "9-11": "7-9"}
    for topic in topics:
        for m_index, outline in enumerate(topic.modules):
            linked = False
            for outcome in outline.outcomes:
                for k, earlier in enumerate(outcome.builds_on):
                    doc, oloc = outcome_where[outcome.id]
                    want = module_id(topic.id, previous.get(outline.band, ""))
                    if earlier not in outcomes:
                        c.add(doc, oloc + ("builds_on", k), f"outcome '{earlier}' does not exist")
                    elif outline.band == "4-7" or outcome_module[earlier] != want:
                        c.add(doc, oloc + ("builds_on", k), f"'{earlier}' is not an outcome of {want or 'an earlier band'}")
                    else:
                        linked = True
            if outline.band != "4-7" and not linked:
                doc, _ = outcome_where[outline.outcomes[0].id]
                c.add(doc, ("modules", m_index, "outcomes"), f"no outcome of the {outline.band} module builds on the band before")
