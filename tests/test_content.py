"""Every content file loads and validates; broken content is reported with
file, line and field; every module reads at its band's level."""
from __future__ import annotations

import typing
from collections import Counter
from pathlib import Path

import pytest
import yaml

import content_factory
from quizapp.content.loader import ContentInvalid, load_content
from quizapp.content.readability import report
from quizapp.content.schema import Strand
from quizapp.paths import asset_dir

ALL_TYPES = {"single_choice", "multiple_choice", "safe_or_not", "sort_groups", "order_steps", "chat_scenario",
             "hotspot", "password_builder", "age_match", "app_action"}


@pytest.fixture(scope="module")
def content():
    return load_content(asset_dir("lessons"), asset_dir("question_banks"), asset_dir("static"))


def test_the_curriculum_is_complete(content):
    assert len(content.topics) == 14
    assert len(content.modules) == 42
    bank_questions = sum(len(m.bank.questions) for m in content.modules.values())
    assert bank_questions >= 440
    for module in content.modules.values():
        assert 2 <= len(module.outline.outcomes) <= 4
        assert 5 <= len(module.lesson.steps) <= 10
        assert any(step.kind == "practice" for step in module.lesson.steps)
    used = {q.type for q in content.questions.values()}
    assert used == ALL_TYPES


# The UKCIS strands the six later topics (issue 16) were written for; each is taught in every band.
NEW_TOPIC_STRANDS = {"health-wellbeing-and-lifestyle", "managing-online-information", "privacy-and-security",
                     "self-image-and-identity", "online-relationships"}
# Out of scope, with the reason in docs/content-guide.md ("UKCIS strands out of scope").
OUT_OF_SCOPE_STRANDS = {"copyright-and-ownership"}


def test_every_strand_is_taught_in_every_band_where_we_promise_it(content):
    bands_by_strand: dict[str, set[str]] = {}
    for module in content.modules.values():
        for outcome in module.outline.outcomes:
            bands_by_strand.setdefault(outcome.strand, set()).add(module.band)
    for strand in NEW_TOPIC_STRANDS:
        assert bands_by_strand.get(strand) == {"4-7", "7-9", "9-11"}, strand
    all_strands = set(typing.get_args(Strand))
    assert set(bands_by_strand) == all_strands - OUT_OF_SCOPE_STRANDS


def test_every_outcome_names_its_policy_point_and_strand(content):
    policy = {p.id for p in content.curriculum.policy_points}
    for outcome in content.outcomes.values():
        assert outcome.policy_point in policy
        assert outcome.text.startswith("I can ")
    # Every section 6 point (and section 3's kindness) is taught somewhere.
    assert {o.policy_point for o in content.outcomes.values()} == policy


def test_pictures_are_local_svgs_without_scripts(content):
    static = asset_dir("static")
    for svg in (static / "pictures").rglob("*.svg"):
        text = svg.read_text(encoding="utf-8")
        assert "<script" not in text and "http://www.w3.org/2000/svg" in text, svg
        for ref in ("href=\"http", "href='http", "url(http"):
            assert ref not in text, f"{svg} loads {ref}"


def test_reading_level_of_every_module(content, capsys):
    rows, table = report(content)
    with capsys.disabled():  # the per-module table is part of the suite's output
        print("\n\nReading level by module\n" + table)
    too_hard = [r.module_id for r in rows if not r.ok]
    assert not too_hard, f"modules above their band's reading level: {too_hard}"


# ------------------------------------------------------- broken content files


@pytest.fixture
def tree(tmp_path):
    return content_factory.build(tmp_path)


def _problems(tree) -> list[str]:
    with pytest.raises(ContentInvalid) as caught:
        load_content(tree["LESSONS_DIR"], tree["QUESTION_BANKS_DIR"], tree["STATIC_DIR"])
    return [str(p) for p in caught.value.problems]


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle} not in {path}")


def test_the_factory_tree_is_valid(tree):
    assert len(load_content(tree["LESSONS_DIR"], tree["QUESTION_BANKS_DIR"], tree["STATIC_DIR"]).modules) == 3


def test_unknown_field_names_file_line_and_field(tree):
    bank = tree["QUESTION_BANKS_DIR"] / "demo" / "7-9.yaml"
    text = bank.read_text().replace("  hint: Think.", "  hint: Think.\n  colour: red", 1)
    bank.write_text(text)
    problems = _problems(tree)
    line = _line_of(bank, "colour: red")
    assert f"question_banks/demo/7-9.yaml:{line}: questions[1].colour: unknown field (check the spelling) (question demo-7-9-q02)" in problems


def test_dangling_outcome_reference(tree):
    bank = tree["QUESTION_BANKS_DIR"] / "demo" / "4-7.yaml"
    bank.write_text(bank.read_text().replace("- demo-4-7-tell", "- demo-4-7-nowhere", 1))
    line = _line_of(bank, "demo-4-7-nowhere")
    problems = _problems(tree)
    assert any(p.startswith(f"question_banks/demo/4-7.yaml:{line}: questions[") and "outcome 'demo-4-7-nowhere' is not one" in p
               for p in problems), problems


def test_dangling_chat_step_and_missing_picture(tree):
    bank = tree["QUESTION_BANKS_DIR"] / "demo" / "9-11.yaml"
    bank.write_text(bank.read_text().replace("next: bad", "next: nowhere", 1))
    lesson = tree["LESSONS_DIR"] / "demo" / "4-7.yaml"
    data = yaml.safe_load(lesson.read_text())
    data["steps"][0]["picture"] = {"file": "pictures/demo/missing.svg", "alt": "Nothing"}
    content_factory._dump(lesson, data)
    problems = _problems(tree)
    assert any("9-11.yaml:" in p and "next node 'nowhere' does not exist" in p for p in problems), problems
    assert any(p.startswith("lessons/demo/4-7.yaml:") and "steps[0].picture.file" in p and "does not exist" in p for p in problems)


def test_duplicate_question_id_across_files(tree):
    bank = tree["QUESTION_BANKS_DIR"] / "demo" / "7-9.yaml"
    bank.write_text(bank.read_text().replace("id: demo-7-9-q03", "id: demo-4-7-q03", 1))
    line = _line_of(bank, "id: demo-4-7-q03")
    problems = _problems(tree)
    assert f"question_banks/demo/7-9.yaml:{line}: questions[2].id: question id 'demo-4-7-q03' is already used in module demo-4-7" in problems


def test_duplicate_yaml_key_and_bad_yaml(tree):
    lesson = tree["LESSONS_DIR"] / "demo" / "7-9.yaml"
    lesson.write_text(lesson.read_text().replace("title: Secrets\n", "title: Secrets\ntitle: Again\n", 1))
    bank = tree["QUESTION_BANKS_DIR"] / "demo" / "9-11.yaml"
    bank.write_text(bank.read_text() + "\n  - [unclosed\n")
    problems = _problems(tree)
    assert "lessons/demo/7-9.yaml:4: (file): the key 'title' is written twice in the same place" in problems, problems
    assert any(p.startswith("question_banks/demo/9-11.yaml:") and "not valid YAML" in p for p in problems), problems


def test_unsupported_schema_version(tree):
    topic = tree["LESSONS_DIR"] / "demo" / "topic.yaml"
    topic.write_text(topic.read_text().replace("schema_version: 1", "schema_version: 7", 1))
    assert "lessons/demo/topic.yaml:1: schema_version: schema_version 7 is not supported (this app reads 1)" in _problems(tree)


def test_bank_rules_are_enforced(tree):
    bank = tree["QUESTION_BANKS_DIR"] / "demo" / "7-9.yaml"
    data = yaml.safe_load(bank.read_text())
    data["questions"] = [q for q in data["questions"] if q["type"] != "chat_scenario"][:3]
    content_factory._dump(bank, data)
    problems = "\n".join(_problems(tree))
    assert "a 7-9 bank has at least 8 questions (this one has 3)" in problems
    assert "a 7-9 bank has at least 2 chat scenarios (this one has 0)" in problems


def test_wrong_answers_in_the_schema_are_caught(tree):
    bank = tree["QUESTION_BANKS_DIR"] / "demo" / "4-7.yaml"
    data = yaml.safe_load(bank.read_text())
    data["questions"][0]["options"][1]["correct"] = True  # two right answers in a single_choice
    content_factory._dump(bank, data)
    assert any("exactly one correct option" in p for p in _problems(tree))


def test_content_check_cli_reports_problems(tree, capsys):
    from quizapp.content.check import run_check

    bank = tree["QUESTION_BANKS_DIR"] / "demo" / "7-9.yaml"
    bank.write_text(bank.read_text().replace("  hint: Think.", "  hint: Think.\n  colour: red", 1))
    assert run_check(tree, reading=False) == 1
    out = capsys.readouterr().out
    assert "questions[1].colour: unknown field" in out and "1 problem(s) found." in out


def test_question_ids_are_unique_and_stable_shape(content):
    every = [q.id for m in content.modules.values() for q in list(m.bank.questions) + m.lesson_questions()]
    assert max(Counter(every).values()) == 1 and len(every) == len(content.questions)
    for qid, module_id in content.question_module.items():
        assert qid.startswith(module_id + "-"), qid


def test_reading_lint_catches_long_sentences_for_the_youngest(tree):
    from quizapp.content.readability import flesch_kincaid_grade, measure, sentence_count

    lesson = tree["LESSONS_DIR"] / "demo" / "4-7.yaml"
    data = yaml.safe_load(lesson.read_text())
    long_sentence = ("Ava was sitting at the kitchen table with her grandmother after school when a message appeared "
                     "from somebody she had never met before in her whole life, asking about her favourite places. ")
    for step in (0, 1, 2, 4):
        data["steps"][step]["text"] = long_sentence * 3
    content_factory._dump(lesson, data)
    content = load_content(tree["LESSONS_DIR"], tree["QUESTION_BANKS_DIR"], tree["STATIC_DIR"])
    reading = measure(content.modules["demo-4-7"])
    assert not reading.ok and reading.words_per_sentence > 10
    # The formula itself: short, plain sentences read low; long, many-syllabled ones read high.
    assert flesch_kincaid_grade("Stop. Tell a grown-up. They will help you.") < 2
    assert flesch_kincaid_grade("Unauthorised disclosure of personally identifiable information facilitates "
                                "sophisticated exploitation opportunities.") > 12
    assert sentence_count("Hi. Stop now. This is a full sentence.") == 1  # fragments of one or two words do not count


# ------------------------------------------------------------------ the lints


def _lint(tree):
    from quizapp.content.lints import run

    return run(load_content(tree["LESSONS_DIR"], tree["QUESTION_BANKS_DIR"], tree["STATIC_DIR"]))


def test_the_real_content_passes_every_lint(content):
    from quizapp.content.lints import run

    lints = run(content)
    assert not lints.problems, "\n".join(lints.problems)
    assert lints.table.count("\n") == len(content.modules)  # one row per module


def test_the_factory_tree_passes_the_lints(tree):
    assert _lint(tree).problems == []


def test_l1_flags_each_long_sentence_for_ages_4_to_7(tree):
    lesson = tree["LESSONS_DIR"] / "demo" / "4-7.yaml"
    data = yaml.safe_load(lesson.read_text())
    # One long sentence among short ones: the average is fine, the sentence is not.
    data["steps"][1]["text"] = ("A password is a secret. Keep it. Stop signs ask to meet, ask for a secret, "
                                "offer a present, or ask where you live. Tell. Ask. Stop.")
    data["steps"][2]["question"]["hint"] = "Who do you know that keeps your things safe at home and at school?"
    content_factory._dump(lesson, data)
    problems = _lint(tree).problems
    assert ("lessons/demo/4-7.yaml: step what: text: a sentence of 17 words (ages 4-7: at most 10): "
            "'Stop signs ask to meet, ask for a secret, offer a present, or ask where you live.'") in problems
    assert any(p.startswith("lessons/demo/4-7.yaml: step check: question demo-4-7-l01: hint: a sentence of 14 words")
               for p in problems), problems
    assert len(problems) == 2
    # Older bands are judged by grade, not by a per-sentence cap.
    other = tree["LESSONS_DIR"] / "demo" / "7-9.yaml"
    data = yaml.safe_load(other.read_text())
    data["steps"][1]["text"] = "Stop signs ask to meet, ask for a secret, offer a present, or ask where you live."
    content_factory._dump(other, data)
    assert len(_lint(tree).problems) == 2


def test_l4_every_part_a_4_to_7_pupil_taps_has_a_picture(tree):
    bank = tree["QUESTION_BANKS_DIR"] / "demo" / "4-7.yaml"
    data = yaml.safe_load(bank.read_text())
    del data["questions"][0]["options"][1]["picture"]  # a single_choice option
    del data["questions"][1]["items"][0]["picture"]  # a safe_or_not item
    content_factory._dump(bank, data)
    problems = _lint(tree).problems
    assert problems == [
        "question_banks/demo/4-7.yaml: question demo-4-7-q01: options 'b' has no picture (ages 4-7 choose by pictures)",
        "question_banks/demo/4-7.yaml: question demo-4-7-q02: items 'a' has no picture (ages 4-7 choose by pictures)",
    ]
    # Older pupils read: their questions need no pictures.
    older = tree["QUESTION_BANKS_DIR"] / "demo" / "7-9.yaml"
    assert "picture" not in older.read_text()


def test_l2_a_single_choice_needs_three_options(tree):
    bank = tree["QUESTION_BANKS_DIR"] / "demo" / "9-11.yaml"
    data = yaml.safe_load(bank.read_text())
    data["questions"][6]["options"].pop()
    content_factory._dump(bank, data)
    problems = _problems(tree)
    assert any(p.startswith("question_banks/demo/9-11.yaml:") and "questions[6].options: List should have at least 3 items"
               in p and "(question demo-9-11-q07)" in p for p in problems), problems


def test_l3_flags_a_module_whose_right_answers_are_the_longest(tree):
    from quizapp.content.lints import right_is_longest

    for band in ("4-7", "7-9"):
        for folder, name in (("QUESTION_BANKS_DIR", "questions"), ("LESSONS_DIR", "steps")):
            path = tree[folder] / "demo" / f"{band}.yaml"
            data = yaml.safe_load(path.read_text())
            for item in data[name]:
                question = item.get("question", item)
                if question.get("type") == "single_choice":
                    question["options"][0]["text"] = "My grown-up at home, or my teacher at school."
            content_factory._dump(path, data)
    report = _lint(tree)
    cue = [p for p in report.problems if "the right option is the longest" in p]
    assert len(cue) == 2, report.problems
    assert ("module demo-4-7: the right option is the longest in 3 of 3 single_choice questions (at most half): "
            "demo-4-7-l01, demo-4-7-q01, demo-4-7-q07") in cue[0]
    assert "demo-9-11" not in "\n".join(cue)
    assert "demo-4-7                          3             3          0          0  FAILED" in report.table
    assert "demo-9-11                         3             0          0          0  ok" in report.table
    content = load_content(tree["LESSONS_DIR"], tree["QUESTION_BANKS_DIR"], tree["STATIC_DIR"])
    assert right_is_longest(content.questions["demo-4-7-q01"])
    assert not right_is_longest(content.questions["demo-9-11-q01"])  # "My grown-up." vs "My best friend."


def test_content_check_prints_the_lint_table_and_fails_on_a_lint(tree, capsys):
    from quizapp.content.check import run_check

    assert run_check(tree, reading=False) == 0
    assert "longest right" in capsys.readouterr().out
    lesson = tree["LESSONS_DIR"] / "demo" / "4-7.yaml"
    data = yaml.safe_load(lesson.read_text())
    data["steps"][4]["text"] = "Keep it private: where you live, your school, your birthday, your password."
    content_factory._dump(lesson, data)
    assert run_check(tree, reading=False) == 1
    out = capsys.readouterr().out
    assert "lessons/demo/4-7.yaml: step recap: text: a sentence of 12 words" in out and out.rstrip().endswith(
        out.rstrip().splitlines()[-1]) and "FAILED: " in out
