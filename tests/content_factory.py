"""Builds a small, valid content tree (one topic, three bands) for tests that
need to corrupt content on purpose, without touching the real files."""
from __future__ import annotations

import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
BANDS = ("4-7", "7-9", "9-11")


def _outline(band: str) -> dict:
    prev = {"7-9": "4-7", "9-11": "7-9"}.get(band)
    first = {
        "id": f"demo-{band}-keep",
        "text": "I can keep my password secret.",
        "parent_text": "Knows to keep a password secret.",
        "policy_point": "safe-passwords",
        "strand": "privacy-and-security",
    }
    if prev:
        first["builds_on"] = [f"demo-{prev}-keep"]
    second = {
        "id": f"demo-{band}-tell",
        "text": "I can tell a grown-up if someone asks for it.",
        "parent_text": "Knows to tell a trusted adult.",
        "policy_point": "safe-passwords",
        "strand": "privacy-and-security",
    }
    return {"band": band, "title": f"Secrets ({band})", "outcomes": [first, second]}


def _single(qid: str, outcome: str) -> dict:
    return {
        "id": qid, "type": "single_choice", "outcomes": [outcome], "prompt": "Who can know your password?",
        "hint": "Think of home.",
        "options": [
            {"id": "a", "text": "My grown-up.", "correct": True, "feedback": "Yes. They keep it safe."},
            {"id": "b", "text": "My best friend.", "correct": False, "feedback": "Not quite. It is a secret."},
            {"id": "c", "text": "Everyone.", "correct": False, "feedback": "Not quite. It is a secret."},
        ],
    }


def _safe(qid: str, outcome: str) -> dict:
    return {
        "id": qid, "type": "safe_or_not", "outcomes": [outcome], "prompt": "Is it safe?", "hint": "Think.",
        "items": [
            {"id": "a", "text": "Tell Mum.", "safe": True, "feedback": "Yes. Mum can help."},
            {"id": "b", "text": "Tell a stranger.", "safe": False, "feedback": "No. Keep it secret."},
        ],
    }


def _order(qid: str, outcome: str) -> dict:
    return {
        "id": qid, "type": "order_steps", "outcomes": [outcome], "prompt": "Put these in order.", "hint": "Stop first.",
        "steps": [
            {"id": "stop", "text": "Stop.", "why": "Stop first."},
            {"id": "tell", "text": "Tell.", "why": "Then tell."},
            {"id": "help", "text": "Get help.", "why": "Then get help."},
        ],
        "feedback_right": "Yes.", "feedback_wrong": "Try again.",
    }


def _chat(qid: str, outcome: str) -> dict:
    return {
        "id": qid, "type": "chat_scenario", "outcomes": [outcome], "prompt": "Someone asks.", "hint": "Secrets.",
        "contact": "StarGamer22", "start": "ask",
        "nodes": [
            {"id": "ask", "messages": [{"sender": "them", "text": "What is your password?"}],
             "choices": [
                 {"id": "no", "text": "No.", "safe": True, "feedback": "Good.", "next": "good"},
                 {"id": "yes", "text": "OK.", "safe": False, "feedback": "Oh no. Tell a grown-up.", "next": "bad"},
             ]},
            {"id": "good", "ending": {"safe": True, "text": "You kept it safe."}},
            {"id": "bad", "ending": {"safe": False, "text": "Tell a grown-up. They will help."}},
        ],
    }


def _app(qid: str, outcome: str) -> dict:
    return {
        "id": qid, "type": "app_action", "outcomes": [outcome], "prompt": "Someone asks.", "hint": "Secrets.",
        "screen": "chat", "contact": "StarGamer22", "messages": [{"sender": "them", "text": "Password?"}],
        "tasks": [{"id": "reply", "label": "What will you do?", "correct": "tell", "choices": [
            {"id": "tell", "label": "Tell a grown-up", "feedback": "Well done."},
            {"id": "give", "label": "Send it", "feedback": "Tell a grown-up instead."},
        ]}],
        "feedback_done": "You kept it safe.",
    }


def _lesson(band: str) -> dict:
    m = f"demo-{band}"
    return {
        "schema_version": 1, "module": m, "title": "Secrets",
        "steps": [
            {"id": "meet", "kind": "story", "title": "Ava's game", "characters": ["ava"], "text": "Ava has a game."},
            {"id": "what", "kind": "explain", "title": "A secret", "characters": ["bolt"], "text": "A password is a secret."},
            {"id": "check", "kind": "check", "title": "Who?", "question": _single(f"{m}-l01", f"{m}-keep")},
            {"id": "try", "kind": "practice", "title": "Try it", "question": _app(f"{m}-l02", f"{m}-tell")},
            {"id": "recap", "kind": "recap", "title": "Well done", "text": "Keep it secret."},
        ],
        "parent_summary": "We learned passwords are secret.",
        "talk_prompts": ["Who knows our passwords?", "What would you do?"],
    }


def _bank(band: str) -> dict:
    m = f"demo-{band}"
    makers = [_single, _safe, _order, _chat, _chat, _app, _single, _safe]
    questions = [make(f"{m}-q{i + 1:02d}", f"{m}-{'keep' if i % 2 == 0 else 'tell'}") for i, make in enumerate(makers)]
    return {"schema_version": 1, "module": m, "questions": questions}


def build(root: Path) -> dict[str, Path]:
    """Write a valid tree under `root`; return the three folders."""
    lessons, banks, static = root / "lessons", root / "question_banks", root / "static"
    (lessons / "demo").mkdir(parents=True)
    (banks / "demo").mkdir(parents=True)
    shutil.copytree(REPO / "static" / "pictures" / "characters", static / "pictures" / "characters")
    (static / "pictures" / "demo").mkdir(parents=True)
    (static / "pictures" / "demo" / "topic.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"/>')
    curriculum = yaml.safe_load((REPO / "lessons" / "curriculum.yaml").read_text())
    curriculum["topics"] = ["demo"]
    _dump(lessons / "curriculum.yaml", curriculum)
    shutil.copy(REPO / "lessons" / "characters.yaml", lessons / "characters.yaml")
    _dump(lessons / "demo" / "topic.yaml", {
        "schema_version": 1, "id": "demo", "title": "Secrets", "pupil_title": "Secrets", "summary": "Secrets.",
        "picture": {"file": "pictures/demo/topic.svg", "alt": "A padlock"},
        "modules": [_outline(b) for b in BANDS],
    })
    for band in BANDS:
        lesson, bank = _lesson(band), _bank(band)
        if band == "4-7":  # the youngest choose by pictures (lint L4)
            with_pictures(lesson["steps"][2]["question"])
            for question in bank["questions"]:
                with_pictures(question)
        _dump(lessons / "demo" / f"{band}.yaml", lesson)
        _dump(banks / "demo" / f"{band}.yaml", bank)
    return {"LESSONS_DIR": lessons, "QUESTION_BANKS_DIR": banks, "STATIC_DIR": static}


def with_pictures(question: dict) -> dict:
    """Give every part a pupil taps the demo picture."""
    for name in ("options", "items", "groups", "steps"):
        for part in question.get(name, []):
            part["picture"] = {"file": "pictures/demo/topic.svg", "alt": "A padlock"}
    return question


def _dump(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")
