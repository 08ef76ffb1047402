"""Dashboards tied to the curriculum. Registered on the teacher blueprint.

Each page runs a fixed number of queries (services/dashboards.py) and every
table can be downloaded as CSV (?format=csv). Charts are SVG drawn on the
server, always next to the table they summarise.
"""
from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from ..content import get_content
from ..dates import csv_time
from ..downloads import csv_response
from ..models import YEAR_GROUPS, Answer, band_for_year_group, year_group_label
from ..questions import AnswerError, get_type
from ..services import answers as stored_answers
from ..services import dashboards, positions
from ..services.render import charts
from ..services.scope import class_or_404, pupil_for_staff_or_404, visible_year_groups, year_group_or_404
from . import bp

LEVEL_COLOURS = {"not_started": "#c3cbd6", "emerging": "#f2b84b", "developing": "#7fb2e5", "secure": "#1b7a3d"}


def _wants_csv(table: str | None = None) -> bool:
    """?format=csv downloads a page's main table; ?format=csv&table=stuck its "What stuck" table."""
    return request.args.get("format") == "csv" and request.args.get("table") == table


def _stuck_csv(filename: str, rows):
    return csv_response(filename, ["outcome", "revisit", "pupils who did it", "Secure at the end", "Secure at the revisit"],
                        ((r.outcome.text, r.revisit, r.pupils, r.secure_at_end, r.secure_then) for r in rows))


# ------------------------------------------------------------------ grid


def _everything() -> bool:
    """?all=1 shows every topic of the band, not only the ones set or started."""
    return request.args.get("all") == "1"


def _in_focus(modules) -> set[str]:
    return {o.id for m in modules for o in m.outline.outcomes}


@bp.get("/classes/<int:class_id>/progress")
def class_progress(class_id: int):
    school_class = class_or_404(current_user, class_id)
    content = get_content()
    band = band_for_year_group(school_class.year_group)
    grid = dashboards.outcome_grid(content, band, current_user.school_id, school_class.id)
    stuck = dashboards.what_stuck(content, band, current_user.school_id, class_id=school_class.id)
    if _wants_csv("stuck"):
        return _stuck_csv(f"what-stuck-{school_class.name}.csv", stuck)
    set_ids = dashboards.set_modules(current_user.school_id, class_id=school_class.id, year_group=school_class.year_group)
    modules = dashboards.modules_in_focus(content, band, set_ids, dashboards.started_in_grid(content, grid.counts), _everything())
    wanted = _in_focus(modules)
    outcomes = [o for o in grid.outcomes if o.id in wanted]
    if _wants_csv():
        return csv_response(f"progress-{school_class.name}.csv", ["Pupil"] + [o.text for o in outcomes],
                            ([p.display_name] + [dashboards.LEVEL_LABELS[grid.cells[(p.id, o.id)]] for o in outcomes]
                             for p in grid.pupils))
    stats = dashboards.question_analysis(content, band, current_user.school_id, class_id=school_class.id)
    chart = charts.stacked_bar(
        [(o.text, dict(grid.counts[o.id])) for o in outcomes], order=list(dashboards.LEVELS),
        colours=LEVEL_COLOURS, labels=dashboards.LEVEL_LABELS, title=f"{school_class.name}: pupils at each level, by outcome")
    return render_template("teacher/progress.html", school_class=school_class, grid=grid, band=band, chart=chart,
                           rule=dashboards.LEVEL_RULE, labels=dashboards.LEVEL_LABELS, modules=modules, set_ids=set_ids,
                           everything=_everything(), hidden=len(content.modules_for_band(band)) - len(modules),
                           teach_next=dashboards.teach_next(content, outcomes, grid.counts, stats, faded=stuck),
                           stuck=stuck, faded_most=dashboards.faded_most, revisit_rule=dashboards.REVISIT_RULE)


@bp.get("/years/<int:year_group>/progress")
def year_progress(year_group: int):
    """A year group's outcomes: how many pupils are at each level (counted in the database)."""
    year_group_or_404(current_user, year_group)
    content = get_content()
    band = band_for_year_group(year_group)
    outcomes, counts, pupils = dashboards.level_counts(content, band, current_user.school_id, year_group=year_group)
    set_ids = dashboards.set_modules(current_user.school_id, year_group=year_group)
    modules = dashboards.modules_in_focus(content, band, set_ids, dashboards.started_in_grid(content, counts), _everything())
    wanted = _in_focus(modules)
    outcomes = [o for o in outcomes if o.id in wanted]
    label = year_group_label(year_group)
    stuck = dashboards.what_stuck(content, band, current_user.school_id, year_group=year_group)
    if _wants_csv("stuck"):
        return _stuck_csv(f"what-stuck-{label}.csv", stuck)
    if _wants_csv():
        return csv_response(f"progress-{label}.csv", ["Outcome"] + [dashboards.LEVEL_LABELS[lv] for lv in dashboards.LEVELS],
                            ([o.text] + [counts[o.id][lv] for lv in dashboards.LEVELS] for o in outcomes))
    chart = charts.stacked_bar([(o.text, dict(counts[o.id])) for o in outcomes], order=list(dashboards.LEVELS),
                               colours=LEVEL_COLOURS, labels=dashboards.LEVEL_LABELS, title=f"{label}: pupils at each level, by outcome")
    return render_template("teacher/year_progress.html", label=label, year_group=year_group, band=band, outcomes=outcomes,
                           counts=counts, pupils=pupils, chart=chart, rule=dashboards.LEVEL_RULE, labels=dashboards.LEVEL_LABELS,
                           levels=dashboards.LEVELS, modules=modules, everything=_everything(),
                           hidden=len(content.modules_for_band(band)) - len(modules),
                           stuck=stuck, faded_most=dashboards.faded_most, revisit_rule=dashboards.REVISIT_RULE)


# ------------------------------------------------------------- questions


@bp.get("/classes/<int:class_id>/questions")
def class_questions(class_id: int):
    school_class = class_or_404(current_user, class_id)
    band = band_for_year_group(school_class.year_group)
    stats = dashboards.question_analysis(get_content(), band, current_user.school_id, class_id=school_class.id)
    set_ids = dashboards.set_modules(current_user.school_id, class_id=school_class.id, year_group=school_class.year_group)
    return _questions_page(stats, set_ids, band, school_class.name, f"questions-{school_class.name}.csv")


@bp.get("/years/<int:year_group>/questions")
def year_questions(year_group: int):
    year_group_or_404(current_user, year_group)
    band = band_for_year_group(year_group)
    stats = dashboards.question_analysis(get_content(), band, current_user.school_id, year_group=year_group)
    set_ids = dashboards.set_modules(current_user.school_id, year_group=year_group)
    return _questions_page(stats, set_ids, band, year_group_label(year_group), f"questions-{year_group_label(year_group)}.csv")


def _questions_page(stats, set_ids: set[str], band: str, scope_label: str, filename: str):
    """Question analysis, filtered like the progress page: set or started topics (?all=1: every one)."""
    content = get_content()
    shown = {m.id for m in dashboards.modules_in_focus(content, band, set_ids, dashboards.started_in_stats(stats), _everything())}
    stats = [s for s in stats if s.module_id in shown]
    if _wants_csv():
        return csv_response(filename, ["Topic", "Question", "Pupils who tried it", "Right first time (%)", "Most chosen wrong answer",
                                       "Times chosen"],
                            ((content.modules[s.module_id].topic.title, s.prompt, s.tried, s.percent_right if s.tried else "",
                              s.misconception or "", s.misconception_count) for s in stats))
    by_module: dict[str, list] = {}
    for s in stats:
        by_module.setdefault(s.module_id, []).append(s)
    module_rows = []
    for module_id, items in by_module.items():
        tried = sum(s.tried for s in items)
        right = sum(s.right for s in items)
        module_rows.append((content.modules[module_id].topic.title, charts.percent(right, tried) if tried else None))
    chart = charts.bar_chart(module_rows, title=f"{scope_label}: right first time, by topic")
    misconceptions = sorted((s for s in stats if s.misconception), key=lambda s: -s.misconception_count)[:8]
    return render_template("teacher/questions.html", scope_label=scope_label, band=band, by_module=by_module,
                           modules=content.modules, chart=chart, misconceptions=misconceptions, everything=_everything(),
                           hidden=len(content.modules_for_band(band)) - len(by_module))


@bp.get("/lessons/<module_id>")
def lesson_page(module_id: str):
    """A lesson as the teacher revisits it with the class: every step, its question and the outcomes."""
    module = get_content().modules.get(module_id)
    if module is None:
        abort(404)
    return render_template("teacher/lesson.html", module=module)


# ----------------------------------------------------------------- pupil


@bp.get("/pupils/<int:pupil_id>")
def pupil_page(pupil_id: int):
    pupil = pupil_for_staff_or_404(current_user, pupil_id)
    content = get_content()
    band = band_for_year_group(pupil.year_group)
    grid = dashboards.outcome_grid(content, band, current_user.school_id, pupil.class_id)
    progress = positions.progress_by_module(pupil)
    answers = stored_answers.recent_answers(pupil, limit=200)
    stuck = dashboards.pupil_stuck(pupil.id, [o.id for o in grid.outcomes])
    if _wants_csv("stuck"):
        return csv_response(f"what-stuck-{pupil.first_name}-{pupil.last_initial}.csv",
                            ["outcome", "at the end", "revisit 1", "revisit 2"],
                            ((o.text, *(dashboards.LEVEL_LABELS[stuck[o.id].get(k, "not_started")] for k in ("end", 1, 2)))
                             for o in grid.outcomes if o.id in stuck))
    if _wants_csv():
        return csv_response(f"answers-{pupil.first_name}-{pupil.last_initial}.csv",
                            ["When", "Topic", "Question", "First try", "Right"],
                            ((csv_time(a.created_at), _topic_title(a.module_id), _prompt(a.question_id),
                              "yes" if a.first_try else "no", "yes" if a.correct else "no") for a in answers))
    return render_template("teacher/pupil.html", pupil=pupil, grid=grid, progress=progress, answers=answers,
                           modules=content.modules_for_band(band), content=content, labels=dashboards.LEVEL_LABELS,
                           stuck=stuck, revisit_rule=dashboards.REVISIT_RULE,
                           feedback_for=_feedback_for)


def _topic_title(module_id: str) -> str:
    module = get_content().modules.get(module_id)
    return module.topic.title if module else module_id


def _prompt(question_id: str) -> str:
    question = get_content().questions.get(question_id)
    return question.prompt if question else question_id


def _feedback_for(answer: Answer) -> list[str]:
    """The feedback the pupil saw for this answer, rebuilt from what they chose."""
    question = get_content().questions.get(answer.question_id)
    if question is None or not isinstance(answer.response, dict):
        return []
    qt = get_type(question.type)
    if qt.private_response:
        return []
    try:
        grade = qt.check(question, answer.response)
    except (AnswerError, KeyError, TypeError, ValueError):
        return []
    return [line.text for line in grade.lines]


# -------------------------------------------------------------- coverage


@bp.get("/coverage")
def coverage():
    year_group = request.args.get("year", type=int)
    if year_group is not None and year_group not in YEAR_GROUPS:
        abort(404)
    mine = visible_year_groups(current_user)
    if mine is not None:
        if year_group is None and mine:
            year_group = min(mine)
        if year_group not in mine:
            abort(404)
    topics, strands = dashboards.coverage(get_content(), current_user.school_id, year_group=year_group)
    scope = year_group_label(year_group) if year_group is not None else "Whole school"
    if _wants_csv():
        kind = "strand" if request.args.get("by") == "strand" else "topic"
        rows = strands if kind == "strand" else topics
        heading = "Strand" if kind == "strand" else "Topic"
        return csv_response(f"coverage-{kind}-{scope}.csv", [heading, "Pupils", "Pupils who finished", "Finished (%)"],
                            ((r.label, r.pupils, r.done, r.percent) for r in rows))
    return render_template(
        "teacher/coverage.html", scope=scope, year_group=year_group, topics=topics, strands=strands,
        topic_chart=charts.bar_chart([(r.label, r.percent) for r in topics], title=f"{scope}: finished, by topic"),
        strand_chart=charts.bar_chart([(r.label, r.percent) for r in strands], title=f"{scope}: finished, by framework strand"),
        years=YEAR_GROUPS, uncovered=dashboards.uncovered_strands(get_content()),
    )
