"""Hypothesis strategies for the fuzz tests (test_fuzz.py): hostile text,
form posts made of known and unknown fields, JSON documents, answer fields
for each question type, and CSV class lists."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from quizapp.services.roster_import import COLUMNS

INJECTIONS = (
    "' OR '1'='1", "'; DROP TABLE pupils; --", "1; SELECT pg_sleep(0)", '" OR ""="', "%' --",
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)", "{{ 7*7 }}", "{% raw %}",
    "${7*7}", "../../../etc/passwd", "%00", "%s%s%n", "=HYPERLINK(\"http://evil.test\")", "@SUM(1+1)", "-2+3",
    "null", "undefined", "NaN", "[]", "{}", "true", "-1", "0", "1e308", "99999999999999999999999999",
)
# Letters that change length when their case changes, invisible and
# right-to-left marks, combining accents, characters outside the BMP.
TRICKY = ("İ", "ß", "ﬁ", "ŉ", "ǅ", "ǰ", "ΐ", "e\u0301", "\u0301", "Å", "Ω", "𝔘", "😀", "\u200b", "\u202e", "\ufeff",
          "\u2028", "\r\n", "\t", " ", "'", "’", "-", ".")

control_text = st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=20)
tricky_text = st.lists(st.sampled_from(TRICKY), max_size=30).map("".join)
# Up to ~10 KB: a short random piece repeated (drawing 10 KB at random is slow).
long_text = st.tuples(st.text(min_size=1, max_size=8), st.integers(min_value=100, max_value=10_000)).map(
    lambda pair: (pair[0] * pair[1])[:10_240])

hostile_text = st.one_of(
    st.just(""),
    st.sampled_from(INJECTIONS),
    st.text(max_size=60),
    control_text,
    tricky_text,
    long_text,
)


@dataclass(frozen=True)
class Field:
    """What a form field may hold: values its page sends, and odd ones a
    person could still type or keep in an old tab (another school's class...)."""

    good: tuple[str, ...]
    odd: tuple[str, ...] = ()


def field(good, odd=()) -> Field:
    return Field(tuple(good), tuple(odd))


Fields = dict[str, Field]


def field_values(spec: Field | None = None) -> st.SearchStrategy[str]:
    """A value for one form field: half the time one that means something, else anything at all."""
    known = [*spec.good, *spec.odd] if spec else []
    if not known:
        return hostile_text
    # (mapped, so that one_of does not flatten hostile_text's branches and drown the known ones)
    return st.one_of(st.sampled_from(known), hostile_text.map(str))


def _pairs(fields: Fields, max_size: int) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Random (key, value) pairs: known keys, unknown and hostile keys, repeats."""
    unknown = st.one_of(st.text(max_size=20), st.sampled_from(INJECTIONS))
    key = st.one_of(st.sampled_from(list(fields)), unknown) if fields else unknown
    return st.lists(key.flatmap(lambda name: st.tuples(st.just(name), field_values(fields.get(name)))),
                    max_size=max_size)


def form_data(fields: Fields) -> st.SearchStrategy[MultiDict]:
    """A form post: either the form's own fields, all good but one (which may
    be anything, or left out), plus a few others; or any keys at all,
    repeated or missing, in any order."""
    names = list(fields)

    @st.composite
    def nearly_right(draw) -> MultiDict:
        odd = draw(st.sampled_from(names), label="odd field")
        pairs = []
        for name in names:
            if name != odd:
                pairs.append((name, draw(st.sampled_from(fields[name].good), label=name)))
            elif draw(st.integers(0, 4), label=f"send {name}"):
                pairs.append((name, draw(field_values(fields[name]), label=name)))
        return MultiDict(pairs + draw(_pairs(fields, 3)))

    anything = _pairs(fields, 12).map(MultiDict)
    return st.one_of(nearly_right(), anything) if names else anything


json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=40),
                         st.sampled_from(INJECTIONS))
json_documents = st.recursive(
    json_scalars,
    lambda children: st.one_of(st.lists(children, max_size=5), st.dictionaries(st.text(max_size=12), children, max_size=5)),
    max_leaves=20,
)


# ------------------------------------------------------------ answer fields


def answer_field_names(q) -> list[str]:
    """Every field name a page for this question could send."""
    kind = q.type
    if kind in ("single_choice", "multiple_choice"):
        return ["choice"]
    if kind in ("safe_or_not", "sort_groups", "age_match"):
        return [f"item-{i.id}" for i in q.items]
    if kind == "order_steps":
        return [f"pos-{s.id}" for s in q.steps]
    if kind == "hotspot":
        return ["spot"]
    if kind == "password_builder":
        return ["tile", "typed"]
    if kind == "app_action":
        return [f"task-{t.id}" for t in q.tasks]
    if kind == "chat_scenario":
        return ["path", "choice"]
    raise AssertionError(kind)


def answer_values(q) -> list[str]:
    """Values that mean something for this question: its ids, groups, positions."""
    out = ["safe", "unsafe", "1", "0", "-1", "2"]
    for name in ("options", "items", "steps", "spots", "tasks", "groups", "nodes"):
        for thing in getattr(q, name, None) or []:
            out.append(thing.id)
            out.extend(c.id for c in getattr(thing, "choices", None) or [])
    if q.type == "order_steps":
        out.extend(str(n) for n in range(1, len(q.steps) + 2))
    if q.type == "password_builder":
        out.extend(str(n) for n in range(len(q.tiles) + 1))
    if q.type == "chat_scenario":
        choice_ids = [c.id for node in q.nodes for c in node.choices]
        out.extend(",".join(choice_ids[:n]) for n in range(1, len(choice_ids) + 1))
    return out


def answer_fields(q) -> st.SearchStrategy[dict]:
    """The "fields" of a JSON answer: a dict of field name to a value or a list
    of values, as the player sends, with some JSON that no page would send."""
    names = answer_field_names(q)
    one = st.one_of(st.sampled_from(answer_values(q)), hostile_text, st.integers(), json_scalars)
    value = st.one_of(one, st.lists(one, max_size=6), json_documents)
    key = st.one_of(st.sampled_from(names), st.text(max_size=12))
    return st.dictionaries(key, value, max_size=len(names) + 3)


# ----------------------------------------------------------------- rosters

HEADER_ALIASES = {label: [*aliases, label, label.upper(), label.title().replace(" ", "_")] for label, aliases in COLUMNS.items()}
YEARS = ["R", "Rec", "Reception", "0", "1", "Y1", "Year 4", "y.6", "Yr 2", "7", "-1", "Year One", "", "١"]


def header_cell(label: str) -> st.SearchStrategy[str]:
    return st.sampled_from(HEADER_ALIASES[label])


GOOD_NAMES = ["Amara", "ZOË", "Mary-Jane", "O'Brien", "Ben", "  ben  ", "St. John", "Łucja", "Nguyễn", "Zoe\u0308"]


def name_cells() -> st.SearchStrategy[str]:
    letters = st.text(alphabet=st.characters(categories=("Lu", "Ll", "Lt", "Lo")), min_size=1, max_size=45)
    shouting = st.lists(st.sampled_from(["İ", "Ǆ", "A", "Ŋ", "Σ", " ", "-"]), min_size=1, max_size=45).map("".join)
    return st.one_of(st.sampled_from(GOOD_NAMES), letters, shouting)


def roster_csv(class_names: list[str]) -> st.SearchStrategy[str]:
    """A CSV class list whose header has the four columns we need (in any
    order, under any of their names, among extra columns), and rows that are
    mostly right, each cell what its column should hold, or anything at all."""
    extra = st.sampled_from(["UPN", "DOB", "Address", "", "Notes", "Class"])
    good = {
        "first name": name_cells(),
        "last name": name_cells(),
        "year group": st.sampled_from(YEARS[:9]),
        "class": st.sampled_from(class_names),
    }
    anything = st.one_of(st.sampled_from(YEARS + class_names), tricky_text, hostile_text.map(str))

    @st.composite
    def build(draw) -> str:
        columns = [(draw(header_cell(label)), label) for label in COLUMNS] + [(draw(extra), None) for _ in range(draw(st.integers(0, 3)))]
        columns = draw(st.permutations(columns))
        rows = []
        for _ in range(draw(st.integers(0, 8))):
            odd = draw(st.integers(0, 3 * len(columns)))  # mostly none: the row is all good
            row = [draw(anything if i == odd or label is None else good[label]) for i, (_, label) in enumerate(columns)]
            rows.append(row[:draw(st.integers(0, len(row)))] if draw(st.integers(0, 9)) == 0 else row)
        out = io.StringIO()
        writer = csv.writer(out, delimiter=draw(st.sampled_from([",", ";", "\t"])),
                            lineterminator=draw(st.sampled_from(["\r\n", "\n"])))
        writer.writerow([name for name, _ in columns])
        writer.writerows(rows)
        return out.getvalue()

    return build()


def encoded(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"])
