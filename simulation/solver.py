"""Right (and wrong) answers to any content question, as the form fields a
pupil's page would send. Used by the player tests to walk whole modules."""
from __future__ import annotations


def right_fields(q) -> dict[str, list[str]]:
    kind = q.type
    if kind == "single_choice":
        return {"choice": [next(o.id for o in q.options if o.correct)]}
    if kind == "multiple_choice":
        return {"choice": [o.id for o in q.options if o.correct]}
    if kind == "safe_or_not":
        return {f"item-{i.id}": ["safe" if i.safe else "unsafe"] for i in q.items}
    if kind in ("sort_groups", "age_match"):
        return {f"item-{i.id}": [i.group] for i in q.items}
    if kind == "order_steps":
        return {f"pos-{s.id}": [str(n)] for n, s in enumerate(q.steps, start=1)}
    if kind == "hotspot":
        return {"spot": [s.id for s in q.spots if s.clue]}
    if kind == "password_builder":
        return {"tile": _strong_tiles(q)}
    if kind == "app_action":
        return {f"task-{t.id}": [t.correct] for t in q.tasks}
    if kind == "chat_scenario":
        return {"path": [",".join(safe_path(q))]}
    raise AssertionError(kind)


def wrong_fields(q) -> dict[str, list[str]]:
    kind = q.type
    if kind == "single_choice":
        return {"choice": [next(o.id for o in q.options if not o.correct)]}
    if kind == "multiple_choice":
        return {"choice": [o.id for o in q.options if not o.correct]}
    if kind == "safe_or_not":
        return {f"item-{i.id}": ["unsafe" if i.safe else "safe"] for i in q.items}
    if kind in ("sort_groups", "age_match"):
        other = {i.id: next(g.id for g in q.groups if g.id != i.group) for i in q.items}
        return {f"item-{i}": [g] for i, g in other.items()}
    if kind == "order_steps":
        n = len(q.steps)
        return {f"pos-{s.id}": [str(n - k)] for k, s in enumerate(q.steps)}
    if kind == "hotspot":
        return {"spot": [s.id for s in q.spots if not s.clue]}
    if kind == "password_builder":
        personal = [str(q.tiles.index(w)) for w in q.personal_words[:1]]
        return {"tile": personal or ["0"]}
    if kind == "app_action":
        return {f"task-{t.id}": [next(c.id for c in t.choices if c.id != t.correct)] for t in q.tasks}
    if kind == "chat_scenario":
        return {"path": [",".join(unsafe_path(q))]}
    raise AssertionError(kind)


def safe_path(q) -> list[str]:
    return _path(q, prefer_safe=True)


def unsafe_path(q) -> list[str]:
    return _path(q, prefer_safe=False)


def _path(q, prefer_safe: bool) -> list[str]:
    nodes = {n.id: n for n in q.nodes}
    node, path = nodes[q.start], []
    while node.ending is None:
        choice = next((c for c in node.choices if c.safe == prefer_safe), node.choices[0])
        path.append(choice.id)
        node = nodes[choice.next]
    return path


def _strong_tiles(q) -> list[str]:
    """Some tiles the server judges strong (the judge decides, not this file)."""
    from itertools import combinations

    from werkzeug.datastructures import MultiDict

    from quizapp.questions import get_type

    qt = get_type("password_builder")
    ordinary = [str(n) for n, t in enumerate(q.tiles) if t not in q.personal_words]  # tiles are sent by position
    for n in range(q.min_words, len(ordinary) + 1):
        for combo in combinations(ordinary, n):
            answer = qt.parse(q, MultiDict([("tile", t) for t in combo]))
            if qt.check(q, answer).correct:
                return list(combo)
    raise AssertionError(f"no strong password can be built for {q.id}")
