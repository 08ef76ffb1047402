"""The question-type registry: view, parse and check for all ten types.

Small questions built here pin the rules; every real question in the content
is then answered right and wrong through the same forms a pupil's page sends.
"""
from __future__ import annotations

import json
import re

import pytest
import yaml
from flask import render_template
from pydantic import TypeAdapter, ValidationError
from werkzeug.datastructures import MultiDict

import content_factory
from quizapp import create_app
from quizapp.content.loader import ContentInvalid, load_content
from quizapp.content.schema import Lesson, Question, QuestionBank
from quizapp.paths import asset_dir
from quizapp.questions import REGISTRY, AnswerError, ChatState, FeedbackLine, Grade, get_type

ALL_TYPES = sorted(REGISTRY)
FORBIDDEN_VIEW_KEYS = {"correct", "safe", "clue", "group", "answer", "feedback", "why", "personal_words", "next"}

_question = TypeAdapter(Question)


def make(data: dict):
    base = {"id": "demo-q01", "outcomes": ["demo-keep"], "prompt": "What now?", "hint": "Think."}
    return _question.validate_python({**base, **data})


def form(*pairs, **fields) -> MultiDict:
    return MultiDict(list(pairs) + list(fields.items()))


def answer(q, data: MultiDict) -> Grade:
    qt = get_type(q.type)
    return qt.check(q, qt.parse(q, data))


# ------------------------------------------------------- small questions


def single():
    return make({"type": "single_choice", "options": [
        {"id": "a", "text": "Tell a grown-up.", "correct": True, "feedback": "Yes, they help."},
        {"id": "b", "text": "Keep it secret.", "correct": False, "feedback": "A grown-up can help."},
        {"id": "c", "text": "Reply.", "correct": False, "feedback": "Better not to reply."},
    ]})


def multiple():
    return make({"type": "multiple_choice", "options": [
        {"id": "a", "text": "Block.", "correct": True, "feedback": "Blocking stops them."},
        {"id": "b", "text": "Report.", "correct": True, "feedback": "Reporting tells the app."},
        {"id": "c", "text": "Reply.", "correct": False, "feedback": "Replying can make it worse."},
        {"id": "d", "text": "Share it.", "correct": False, "feedback": "Sharing spreads it."},
    ]})


def safe_or_not():
    return make({"type": "safe_or_not", "safe_label": "OK to share", "unsafe_label": "Keep private", "items": [
        {"id": "food", "text": "My favourite food", "safe": True, "feedback": "Fine to share."},
        {"id": "home", "text": "Where I live", "safe": False, "feedback": "Keep it private."},
        {"id": "pet", "text": "I have a dog", "safe": True, "feedback": "Fine to share."},
        {"id": "pass", "text": "My password", "safe": False, "feedback": "Always private."},
    ]})


def grouping(kind: str = "sort_groups"):
    return make({"type": kind, "groups": [{"id": "easy", "label": "Easy"}, {"id": "hard", "label": "Hard"}], "items": [
        {"id": "pet", "text": "My pet", "group": "easy", "feedback": "Easy to guess."},
        {"id": "team", "text": "My team", "group": "easy", "feedback": "Easy to guess."},
        {"id": "words", "text": "KettleMoonSock", "group": "hard", "feedback": "Hard to guess."},
        {"id": "more", "text": "BananaLadderCloud", "group": "hard", "feedback": "Hard to guess."},
    ]})


def order():
    return make({"type": "order_steps", "feedback_right": "Right order!", "feedback_wrong": "Not quite the order.",
                 "steps": [{"id": s, "text": f"Step {s}", "why": f"Why {s}"} for s in ("stop", "block", "tell", "rest")]})


def chat():
    def choice(cid, safe, nxt):
        return {"id": cid, "text": f"Say {cid}", "safe": safe, "feedback": f"About {cid}", "next": nxt}
    return make({"type": "chat_scenario", "contact": "StarGamer22", "start": "ask", "nodes": [
        {"id": "ask", "messages": [{"sender": "them", "text": "Hi!"}, {"sender": "them", "text": "Where do you live?"}],
         "choices": [choice("no", True, "push"), choice("tell", False, "told")]},
        {"id": "push", "messages": [{"sender": "them", "text": "Go on!"}],
         "choices": [choice("still-no", True, "end-good"), choice("ok", False, "told")]},
        {"id": "told", "messages": [{"sender": "narrator", "text": "You can still fix this."}],
         "choices": [choice("adult", True, "end-fixed"), choice("hide", False, "end-hidden")]},
        {"id": "end-good", "ending": {"safe": True, "text": "Great job."}},
        {"id": "end-fixed", "ending": {"safe": True, "text": "Well done for telling."}},
        {"id": "end-hidden", "ending": {"safe": False, "text": "It is not your fault. Tell a grown-up."}},
    ]})


def hotspot():
    return make({"type": "hotspot", "picture": {"file": "pictures/passwords/zain-room.svg", "alt": "A room."}, "spots": [
        {"id": "name", "label": "Name sign", "x": 30, "y": 74, "w": 60, "h": 30, "clue": True, "feedback": "His name."},
        {"id": "poster", "label": "Poster", "x": 115, "y": 25, "w": 90, "h": 100, "clue": True, "feedback": "His team."},
        {"id": "lamp", "label": "Lamp", "x": 335, "y": 118, "w": 50, "h": 55, "clue": False, "feedback": "Just a lamp."},
    ]})


def password(allow_typing: bool = True):
    return make({"type": "password_builder", "tiles": ["Ava", "Biscuit", "rocket", "jelly", "purple", "teapot", "password"],
                 "personal_words": ["Ava", "Biscuit"], "min_words": 3, "allow_typing": allow_typing,
                 "feedback_strong": "Strong!", "feedback_weak": "Not strong yet."})


def app_action(screen: str = "profile_settings"):
    return make({"type": "app_action", "screen": screen, "profile": {"name": "Mei", "bio": "I love music."},
                 "contact": "PixelPanda88", "messages": [{"sender": "them", "text": "Hi! Add me!"}],
                 "feedback_done": "Your profile is private now.", "tasks": [
        {"id": "see", "label": "Who can see my profile?", "correct": "friends", "choices": [
            {"id": "everyone", "label": "Everyone", "feedback": "Anyone could see it."},
            {"id": "friends", "label": "Only my friends", "feedback": "Only friends see it."}]},
        {"id": "location", "label": "Share my location", "correct": "off", "choices": [
            {"id": "on", "label": "On", "feedback": "Others could see where you are."},
            {"id": "off", "label": "Off", "feedback": "Your location stays private."}]},
    ]})


SMALL = {
    "single_choice": single, "multiple_choice": multiple, "safe_or_not": safe_or_not,
    "sort_groups": grouping, "age_match": lambda: grouping("age_match"), "order_steps": order,
    "chat_scenario": chat, "hotspot": hotspot, "password_builder": password, "app_action": app_action,
}


# ------------------------------------------- right and wrong, for any question


def chat_paths(q) -> list[list[str]]:
    """Every complete path through a chat (the loader guarantees no loops)."""
    nodes = {n.id: n for n in q.nodes}

    def walk(node_id):
        node = nodes[node_id]
        if node.ending:
            return [[]]
        return [[c.id] + rest for c in node.choices for rest in walk(c.next)]

    return walk(q.start)


def _choice_path(q, pick) -> MultiDict:
    path = pick(chat_paths(q))
    return form(path=",".join(path[:-1]), choice=path[-1])


def _all_safe(q, path) -> bool:
    return all(c.safe for c in _taken(q, path))


def _taken(q, path):
    nodes, taken = {n.id: n for n in q.nodes}, []
    node = nodes[q.start]
    for cid in path:
        choice = next(c for c in node.choices if c.id == cid)
        taken.append(choice)
        node = nodes[choice.next]
    return taken


def _strong_tiles(q) -> list[str]:
    good = [(len(t), str(n)) for n, t in enumerate(q.tiles)
            if t not in q.personal_words and t.isalpha() and t.lower() != "password"]
    return [n for _, n in sorted(good, reverse=True)[: max(q.min_words, 4)]]


def right_form(q) -> MultiDict:
    t = q.type
    if t == "single_choice":
        return form(choice=next(o.id for o in q.options if o.correct))
    if t == "multiple_choice":
        return form(*[("choice", o.id) for o in q.options if o.correct])
    if t == "safe_or_not":
        return form(*[(f"item-{i.id}", "safe" if i.safe else "unsafe") for i in q.items])
    if t in ("sort_groups", "age_match"):
        return form(*[(f"item-{i.id}", i.group) for i in q.items])
    if t == "order_steps":
        return form(*[(f"pos-{s.id}", str(n)) for n, s in enumerate(q.steps, start=1)])
    if t == "chat_scenario":
        return _choice_path(q, lambda paths: next(p for p in paths if _all_safe(q, p)))
    if t == "hotspot":
        return form(*[("spot", s.id) for s in q.spots if s.clue])
    if t == "password_builder":
        return form(*[("tile", n) for n in _strong_tiles(q)])
    if t == "app_action":
        return form(*[(f"task-{k.id}", k.correct) for k in q.tasks])
    raise AssertionError(t)


def wrong_form(q) -> MultiDict:
    t = q.type
    if t == "single_choice":
        return form(choice=next(o.id for o in q.options if not o.correct))
    if t == "multiple_choice":
        return form(choice=next(o.id for o in q.options if not o.correct))
    if t == "safe_or_not":
        return form(*[(f"item-{i.id}", "unsafe" if i.safe else "safe") for i in q.items])
    if t in ("sort_groups", "age_match"):
        ids = [g.id for g in q.groups]
        return form(*[(f"item-{i.id}", ids[(ids.index(i.group) + 1) % len(ids)]) for i in q.items])
    if t == "order_steps":
        return form(*[(f"pos-{s.id}", str(len(q.steps) - n)) for n, s in enumerate(q.steps)])
    if t == "chat_scenario":
        return _choice_path(q, lambda paths: next(p for p in paths if not _all_safe(q, p)))
    if t == "hotspot":
        return form(*[("spot", s.id) for s in q.spots if not s.clue])
    if t == "password_builder":
        return form(*[("tile", str(q.tiles.index(w))) for w in q.personal_words])
    if t == "app_action":
        return form(*[(f"task-{k.id}", next(c.id for c in k.choices if c.id != k.correct)) for k in q.tasks])
    raise AssertionError(t)


def _questions_file_by_file() -> list:
    """Every question in the files that are valid on their own: the fallback
    for when another topic is half-written and the whole load refuses."""
    found = []
    for folder, model in (("question_banks", QuestionBank), ("lessons", Lesson)):
        for path in sorted(asset_dir(folder).glob("*/[0-9]*.yaml")):
            try:
                doc = model.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
            except (ValidationError, yaml.YAMLError):
                continue
            found += doc.questions if model is QuestionBank else [s.question for s in doc.steps if s.question]
    return found


@pytest.fixture(scope="module")
def content() -> list:
    """All real questions (bank and lesson), loaded as the app loads them."""
    try:
        loaded = load_content(asset_dir("lessons"), asset_dir("question_banks"), asset_dir("static"))
    except ContentInvalid:
        return _questions_file_by_file()
    return list(loaded.questions.values())


def real_questions(content, kind=None):
    return [q for q in content if kind is None or q.type == kind]


# ------------------------------------------------------------------ registry


def test_registry_covers_every_content_type():
    from typing import get_args

    schema_types = {get_args(m.model_fields["type"].annotation)[0] for m in get_args(get_args(Question)[0])}
    assert set(REGISTRY) == schema_types
    assert all(get_type(name).name == name for name in REGISTRY)
    with pytest.raises(KeyError):
        get_type("crossword")


@pytest.mark.parametrize("kind", ALL_TYPES)
def test_each_type_owns_its_template_script_hook_and_misconceptions(kind):
    """Everything the app needs about a type is on its class: a new type that
    forgets one of these fails here, not on a pupil's tablet."""
    from quizapp.questions.base import QuestionType

    qt = get_type(kind)
    templates = asset_dir("templates")
    source = (templates / qt.template).read_text(encoding="utf-8")
    assert any("script_hook" in vars(k) for k in type(qt).__mro__ if k is not QuestionType)
    if qt.script_hook is not None:
        included = re.findall(r'include "([^"]+)"', source)
        sources = [source] + [(templates / name).read_text(encoding="utf-8") for name in included]
        assert any(re.search(rf"{qt.script_hook}[\s>]", text) for text in sources), qt.template
        script = (asset_dir("static") / "js" / "questions.js").read_text(encoding="utf-8")
        assert f'querySelectorAll("[{qt.script_hook}]")' in script
    assert type(qt).misconceptions is not QuestionType.misconceptions


def test_no_question_type_is_named_outside_its_own_places():
    """Only the registry, the content schema, the types' own templates,
    content files and tests name a question type as a string; the rest of
    the app asks the registry."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    allowed = {root / "quizapp" / "questions", root / "quizapp" / "content" / "schema.py",
               root / "templates" / "pupil" / "questions"}
    names = re.compile("[\"']({})[\"']".format("|".join(re.escape(name) for name in REGISTRY)))
    found = []
    for folder in ("quizapp", "templates", "static", "bench"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix not in {".py", ".html", ".js"} or any(a in (path, *path.parents) for a in allowed):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [f"{path.relative_to(root)}: {m.group(0)}" for m in names.finditer(text)]
    assert found == []


@pytest.mark.parametrize("kind", ALL_TYPES)
def test_small_question_right_and_wrong(kind):
    q = SMALL[kind]()
    right, wrong = answer(q, right_form(q)), answer(q, wrong_form(q))
    assert (right.correct, right.score) == (True, 1.0)
    assert right.summary and right.lines
    assert wrong.correct is False and 0 <= wrong.score < 1
    assert wrong.summary and all(isinstance(line, FeedbackLine) for line in wrong.lines)
    for grade in (right, wrong):
        json.dumps(grade.record)
        assert "blame" not in grade.summary.lower() and "wrong" not in grade.summary.lower()


@pytest.mark.parametrize("kind", ALL_TYPES)
def test_every_real_question_can_be_answered_right_and_wrong(content, kind):
    questions = real_questions(content, kind)
    assert questions, f"no real {kind} question"
    for q in questions:
        qt = get_type(kind)
        right = qt.parse(q, right_form(q))
        json.dumps(right)
        assert qt.check(q, right).correct, q.id
        assert not qt.check(q, qt.parse(q, wrong_form(q))).correct, q.id


# ------------------------------------------------------------ per-type rules


def test_single_choice_lines_are_the_chosen_feedback():
    grade = answer(single(), form(choice="b"))
    assert grade.lines == [FeedbackLine("b", "Keep it secret: A grown-up can help.", False)]
    assert grade.record == {"choice": "b"} and grade.summary


def test_multiple_choice_partial_credit_and_missed_lines():
    grade = answer(multiple(), form(("choice", "a"), ("choice", "c")))
    assert not grade.correct and grade.score == pytest.approx(1 / 3, abs=1e-3)
    assert [(line.ref, line.good) for line in grade.lines] == [("a", True), ("b", False), ("c", False)]
    assert answer(multiple(), form(*[("choice", x) for x in "abcd"])).score == 0.5  # ticking all is no trick


@pytest.mark.parametrize("maker", [safe_or_not, grouping, lambda: grouping("age_match")])
def test_placing_three_of_four_right_scores_three_quarters(maker):
    q = maker()
    fields = right_form(q)
    key = f"item-{q.items[0].id}"
    fields[key] = wrong_form(q)[key]
    grade = answer(q, fields)
    assert (grade.correct, grade.score) == (False, 0.75)
    assert grade.summary == "Nearly! Have another look at the ones with a dotted outline."
    assert [line.good for line in grade.lines] == [False, True, True, True]
    assert set(grade.record["items"]) == {i.id for i in q.items}


def test_order_steps_partial_and_summaries():
    q = order()
    swapped = form(("pos-stop", "2"), ("pos-block", "1"), ("pos-tell", "3"), ("pos-rest", "4"))
    grade = answer(q, swapped)
    assert (grade.correct, grade.score, grade.summary) == (False, 0.5, "Not quite the order.")
    assert [(line.ref, line.text, line.good) for line in grade.lines][:2] == [("stop", "Step stop: Why stop", False), ("block", "Step block: Why block", False)]
    assert answer(q, right_form(q)).summary == "Right order!"
    assert grade.record == {"order": ["block", "stop", "tell", "rest"]}


def test_hotspot_zero_or_more_spots():
    q = hotspot()
    assert answer(q, form()).score == 0  # tapping nothing is an answer, just not a right one
    grade = answer(q, form(("spot", "name"), ("spot", "lamp")))
    assert grade.score == pytest.approx(1 / 3, abs=1e-3)
    assert {(line.ref, line.good) for line in grade.lines} == {("name", True), ("poster", False), ("lamp", False)}


def test_hotspot_view_places_spots_as_percentages():
    spot = next(s for s in get_type("hotspot").view(hotspot(), 1)["spots"] if s["id"] == "name")
    assert (spot["left"], spot["top"], spot["width"], spot["height"]) == (7.5, 24.67, 15.0, 10.0)


def test_app_action_summary_and_lines():
    q = app_action()
    done = answer(q, right_form(q))
    assert done.summary == "Your profile is private now." and done.record == {"tasks": {"see": "friends", "location": "off"}}
    half = answer(q, form(("task-see", "friends"), ("task-location", "on")))
    assert (half.correct, half.score) == (False, 0.5)
    assert half.lines[1] == FeedbackLine("location", "Others could see where you are.", False)


# ------------------------------------------------------------------ malformed

HUGE = "x" * 10_000
MALFORMED = {
    "single_choice": [form(), form(choice="zzz"), form(choice=""), form(("choice", "a"), ("choice", "b")), form(choice=HUGE),
                      form(choice=3)],
    "multiple_choice": [form(), form(choice="zzz"), form(("choice", "a"), ("choice", "a")), form(choice=HUGE)],
    "safe_or_not": [form(), form(*[(f"item-{i}", "safe") for i in ("food", "home", "pet")]),
                    form(*[(f"item-{i}", "maybe") for i in ("food", "home", "pet", "pass")]),
                    form(*[(f"item-{i}", "safe") for i in ("food", "home", "pet", "pass", "ghost")]),
                    form(("item-food", "safe"), ("item-food", "unsafe"), ("item-home", "safe"), ("item-pet", "safe"), ("item-pass", "safe"))],
    "sort_groups": [form(), form(*[(f"item-{i}", "nowhere") for i in ("pet", "team", "words", "more")]),
                    form(("item-pet", "easy"), ("item-team", "easy"), ("item-words", HUGE), ("item-more", "hard"))],
    "age_match": [form(), form(("item-pet", "easy"))],
    "order_steps": [form(), form(("pos-stop", "1"), ("pos-block", "1"), ("pos-tell", "3"), ("pos-rest", "4")),
                    form(("pos-stop", "1"), ("pos-block", "2"), ("pos-tell", "3")),
                    form(("pos-stop", "0"), ("pos-block", "2"), ("pos-tell", "3"), ("pos-rest", "4")),
                    form(("pos-stop", "one"), ("pos-block", "2"), ("pos-tell", "3"), ("pos-rest", "4")),
                    form(("pos-stop", "²"), ("pos-block", "2"), ("pos-tell", "3"), ("pos-rest", "4")),
                    form(("pos-stop", "9" * 90), ("pos-block", "2"), ("pos-tell", "3"), ("pos-rest", "4")),
                    form(("pos-stop", "1"), ("pos-block", "2"), ("pos-tell", "3"), ("pos-rest", "4"), ("pos-ghost", "5"))],
    "chat_scenario": [form(), form(choice="no"), form(path="no", choice="zzz"), form(path="no,,still-no"),
                      form(path="no,still-no", choice="more"), form(path=",".join(["no"] * 50)), form(path=HUGE)],
    "hotspot": [form(spot="zzz"), form(("spot", "name"), ("spot", "name")), form(spot=HUGE)],
    "password_builder": [form(), form(tile="99"), form(tile="-1"), form(("tile", "2"), ("tile", "2")),
                         form(typed="y" * 101), form(("typed", "a"), ("typed", "b")),
                         form(*[("tile", str(n % 7)) for n in range(17)])],
    "app_action": [form(), form(("task-see", "friends")), form(("task-see", "friends"), ("task-location", "maybe")),
                   form(("task-see", "friends"), ("task-location", "off"), ("task-ghost", "on"))],
}


@pytest.mark.parametrize("kind,bad", [(k, f) for k, forms in MALFORMED.items() for f in forms])
def test_malformed_answers_raise_answer_error(kind, bad):
    q = SMALL[kind]()
    with pytest.raises(AnswerError) as caught:
        get_type(kind).parse(q, bad)
    assert str(caught.value) and "Error" not in str(caught.value)


@pytest.mark.parametrize("kind", ALL_TYPES)
@pytest.mark.parametrize("bad", [None, 42, "choice=a", ["choice"], {"nested": 1}, [1, 2], 3.5, b"a"])
def test_wrong_types_raise_answer_error(kind, bad):
    q = SMALL[kind]()
    if isinstance(bad, (dict, list, float, bytes)):  # a bad value in each of the type's own fields
        bad = {key: bad for key in right_form(q)}
    with pytest.raises(AnswerError):
        get_type(kind).parse(q, bad)


@pytest.mark.parametrize("kind", ALL_TYPES)
def test_a_plain_dict_of_lists_is_accepted(kind):
    q = SMALL[kind]()
    as_dict = {key: right_form(q).getlist(key) for key in right_form(q)}
    assert answer(q, as_dict).correct


@pytest.mark.parametrize("kind", ALL_TYPES)
def test_the_players_own_fields_are_ignored(kind):
    q = SMALL[kind]()
    fields = right_form(q)
    for key, value in {"csrf_token": "t", "module": "m", "question": q.id, "client_id": "c", "answer_token": "a"}.items():
        fields.add(key, value)
    assert answer(q, fields).correct


# ---------------------------------------------------------------------- view


def _keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _keys(inner)
    elif isinstance(value, (list, tuple)):
        for inner in value:
            yield from _keys(inner)


def test_no_view_of_any_question_says_what_is_right(content):
    questions = real_questions(content) + [make_() for make_ in SMALL.values()]
    for q in questions:
        view = get_type(q.type).view(q, 7)
        json.dumps(view)
        leaked = FORBIDDEN_VIEW_KEYS & set(_keys(view))
        assert not leaked, f"{q.id}: {leaked}"


@pytest.mark.parametrize("kind", ALL_TYPES)
def test_views_are_the_same_for_the_same_seed(kind):
    q = SMALL[kind]()
    assert get_type(kind).view(q, 123) == get_type(kind).view(q, 123)


@pytest.mark.parametrize("kind,key", [("single_choice", "options"), ("safe_or_not", "items"), ("sort_groups", "items"),
                                      ("order_steps", "steps"), ("hotspot", "spots"), ("password_builder", "tiles")])
def test_views_shuffle_by_seed(kind, key):
    q = SMALL[kind]()
    orders = {tuple(x["id"] for x in get_type(kind).view(q, seed)[key]) for seed in range(30)}
    assert len(orders) > 1


def test_order_steps_are_never_shown_in_the_right_order(content):
    for q in [order()] + real_questions(content, "order_steps"):
        right = [s.id for s in q.steps]
        for seed in range(200):
            view = get_type("order_steps").view(q, seed)
            assert [s["id"] for s in view["steps"]] != right
            assert [s["start"] for s in view["steps"]] == view["positions"]


# ------------------------------------------------------------------ password


def test_password_three_good_tiles_are_strong():
    grade = answer(password(), form(("tile", "2"), ("tile", "3"), ("tile", "4")))  # rocket jelly purple
    assert grade.correct and grade.summary == "Strong!"
    assert grade.record == {"strong": True, "word_count": 3, "different_words": 3, "letters": 17, "reasons": []}


def test_password_personal_words_make_it_weak_and_say_why():
    grade = answer(password(), form(("tile", "1"), ("tile", "2"), ("tile", "3"), ("tile", "4")))
    assert not grade.correct and grade.summary == "Not strong yet."
    assert "It uses Biscuit. People who know them could guess that." in [line.text for line in grade.lines]
    assert grade.record["reasons"] == ["personal"]


@pytest.mark.parametrize("typed,reason", [
    ("biscuit lamp river", "personal"),  # a personal word, typed in another case
    ("LetMeIn", "common"),
    ("P4ssw0rd cloud", "common"),
    ("cat cat cat", "words"),
    ("cat dog", "length"),
])
def test_password_weak_typed_words(typed, reason):
    grade = answer(password(), form(("tile", "3"), ("typed", typed)))  # jelly
    assert not grade.correct and reason in grade.record["reasons"]


def test_password_typed_text_never_leaves_parse():
    secret = "ZebraQuilt Mangosteen"
    q = password()
    parsed = get_type("password_builder").parse(q, form(("tile", "5"), ("typed", secret)))
    grade = get_type("password_builder").check(q, parsed)
    assert grade.correct
    for word in ["zebra", "quilt", "mangosteen", "teapot", secret.lower()]:
        for text in (repr(grade), json.dumps(grade.record), json.dumps(parsed)):
            assert word not in text.lower()
    assert set(grade.record) == {"strong", "word_count", "different_words", "letters", "reasons"}


def test_password_typing_only_when_allowed():
    with pytest.raises(AnswerError):
        get_type("password_builder").parse(password(allow_typing=False), form(("tile", "2"), ("typed", "hello")))


# ---------------------------------------------------------------------- chat


def test_chat_walk_from_the_start():
    state = get_type("chat_scenario").walk(chat(), [])
    assert isinstance(state, ChatState)
    assert [m["text"] for m in state.messages] == ["Hi!", "Where do you live?"]
    assert sorted(c["id"] for c in state.choices) == ["no", "tell"]
    assert all(set(c) == {"id", "text"} for c in state.choices)
    assert state.ending is None and state.last_feedback is None


def test_chat_walk_a_path_to_an_ending():
    state = get_type("chat_scenario").walk(chat(), ["tell", "adult"])
    assert [(m["sender"], m["text"]) for m in state.messages] == [
        ("them", "Hi!"), ("them", "Where do you live?"), ("me", "Say tell"),
        ("narrator", "You can still fix this."), ("me", "Say adult"),
    ]
    assert state.choices == [] and state.ending == {"text": "Well done for telling.", "safe": True}
    assert state.last_feedback == {"text": "About adult", "safe": True}
    json.dumps(state.as_dict())


def test_chat_walk_midway_gives_feedback_and_choices():
    state = get_type("chat_scenario").walk(chat(), ["tell"])
    assert state.last_feedback == {"text": "About tell", "safe": False}
    assert sorted(c["id"] for c in state.choices) == ["adult", "hide"] and state.ending is None


@pytest.mark.parametrize("path", [["zzz"], ["no", "adult"], ["no", "still-no", "more"], ["no"] * 40, "no", [1]])
def test_chat_invalid_paths_raise(path):
    with pytest.raises(AnswerError):
        get_type("chat_scenario").walk(chat(), path)


def test_chat_unfinished_path_is_not_an_answer():
    with pytest.raises(AnswerError, match="finish the chat"):
        get_type("chat_scenario").parse(chat(), form(path="", choice="no"))


@pytest.mark.parametrize("fields", [form(path="no", choice="still-no"), form(path="no,still-no")])
def test_chat_finished_path_is_graded(fields):
    grade = answer(chat(), fields)
    assert grade.correct and grade.summary == "Great job." and grade.record == {"path": ["no", "still-no"]}
    assert [line.ref for line in grade.lines] == ["no", "still-no"]


def test_chat_one_unsafe_choice_on_the_path():
    grade = answer(chat(), form(path="tell", choice="adult"))
    assert (grade.correct, grade.score) == (False, 0.5)
    assert grade.summary == "Well done for telling."
    assert [line.good for line in grade.lines] == [False, True]


def test_chat_view_at_a_path():
    view = get_type("chat_scenario").view(chat(), 1, path=["no"])
    assert view["path"] == "no" and view["state"]["last_feedback"]["text"] == "About no"


# ------------------------------------------------------------------- partials


@pytest.fixture(scope="module")
def render_app(tmp_path_factory):
    config = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x" * 40, "TESTING": True}
    try:
        return create_app(config)
    except ContentInvalid:  # someone's topic is half-written: the partials don't care which content
        tree = content_factory.build(tmp_path_factory.mktemp("content"))
        return create_app({**config, **{key: str(path) for key, path in tree.items()}})


def _render(render_app, q, **extra):
    view = get_type(q.type).view(q, 5, **extra)
    with render_app.test_request_context():
        return render_template(f"pupil/questions/{q.type}.html", q=q, view=view)


def _secrets(q) -> list[str]:
    """Texts that would give the answer away if they were in the page."""
    texts = []
    for part in ("options", "items", "spots"):
        texts += [x.feedback for x in getattr(q, part, [])]
    texts += [s.why for s in getattr(q, "steps", [])]
    for node in getattr(q, "nodes", []):
        texts += [c.feedback for c in node.choices] + ([node.ending.text] if node.ending else [])
    for task in getattr(q, "tasks", []):
        texts += [c.feedback for c in task.choices] + [q.feedback_done]
    return texts


def _check_page(html: str, q) -> None:
    assert not re.search(r"data-(correct|safe|clue|answer|right|group)\b", html)
    assert not re.search(r"\bstyle=|<script|\son[a-z]+=", html)
    for secret in _secrets(q):
        assert secret not in html, f"{q.id}: feedback in the page"
    for control in re.findall(r'<(?:input|select)[^>]*\sid="([^"]+)"', html):
        assert f'for="{control}"' in html, f"{q.id}: {control} has no label"
    assert "data-say=" in html


@pytest.mark.parametrize("kind", ALL_TYPES)
def test_partials_render_small_questions(render_app, kind):
    q = SMALL[kind]()
    html = _render(render_app, q)
    _check_page(html, q)
    view = get_type(kind).view(q, 5)
    said = re.findall(r'data-say="([^"]*)"', html)
    for text in _pupil_texts(view):  # every text is read aloud by some speaker (a phone task's reads its choices too)
        assert any(_escape(text) in words for words in said), text


def test_partials_render_every_real_question(render_app, content):
    for q in content:
        _check_page(_render(render_app, q), q)


def test_chat_partial_has_submit_choices_and_the_path(render_app):
    html = _render(render_app, chat(), path=["no"])
    assert re.search(r'<button type="submit"[^>]*name="choice" value="still-no"', html)
    assert '<input type="hidden" name="path" value="no">' in html
    assert "About no" in html  # the last choice's feedback, so pupils learn as they go


def test_text_box_for_typing_does_not_autocomplete(render_app):
    html = _render(render_app, password())
    assert re.search(r'name="typed"[^>]*autocomplete="off"[^>]*spellcheck="false"', html)
    assert 'name="typed"' not in _render(render_app, password(allow_typing=False))


def _pupil_texts(view) -> list[str]:
    texts = []
    for key in ("options", "items", "steps", "spots", "tiles"):
        texts += [x.get("text") or x.get("label") for x in view.get(key, [])]
    for key in ("sides", "groups"):
        texts += [x["label"] for x in view.get(key, [])]
    for task in view.get("tasks", []):
        texts += [task["label"]] + [c["label"] for c in task["choices"]]
    if "state" in view:
        texts += [m["text"] for m in view["state"]["messages"]] + [c["text"] for c in view["state"]["choices"]]
    return texts


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def test_a_wrong_line_names_the_item_and_never_starts_by_agreeing():
    from quizapp.questions.base import named_line

    assert named_line("a", "Sharing my password", "Yes. That is not safe.", False).text == "Sharing my password: That is not safe."
    assert named_line("a", "Sharing my password", "Yes. That is not safe.", True).text == "Sharing my password: Yes. That is not safe."
    assert "orange" not in named_line("a", "x", "y", False).text
