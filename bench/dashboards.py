"""Benchmark: do the dashboards cost the same for 30 pupils as for 300?

Seeds a 420-pupil school (Year 4 has 300 pupils in ten classes; Year 3 and
three other year groups have one class of 30) with a year of answers: every
pupil has answered every quiz question of their band, some more than once.
Then loads each year-group dashboard page as the school admin would (through
the app, templates and all) for Year 3 (30 pupils) and Year 4 (300 pupils) in
the same run, counting database queries. The per-class grid (one class, about
30 pupils by nature) is timed too, for reference.

    .venv/bin/python bench/dashboards.py [--repeat 5]

The last line reads: queries_ratio=<queries at 300 / at 30> time_ratio=<time at 300 / at 30>
(the worst dashboard's time ratio).
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizapp import create_app  # noqa: E402
from quizapp.content import get_content  # noqa: E402
from quizapp.content.schema import SingleChoice  # noqa: E402
from quizapp.extensions import db  # noqa: E402
from quizapp.models import Answer, ModuleProgress, Pupil, School, SchoolClass, now_utc  # noqa: E402
from quizapp.paths import MIGRATIONS_DIR  # noqa: E402
from quizapp.services.counting import rebuild_tallies  # noqa: E402


def seed(rng: random.Random) -> tuple[int, int, int]:
    content = get_content()
    school = School(name="Benchmark Primary", slug="bench")
    db.session.add(school)
    db.session.flush()
    layout = [(4, n) for n in range(10)] + [(0, 0), (1, 0), (3, 0), (5, 0)]
    class_ids = {}
    for year, n in layout:
        c = SchoolClass(school_id=school.id, name=f"Y{year}-{n}", year_group=year)
        db.session.add(c)
        db.session.flush()
        class_ids[(year, n)] = c.id
        db.session.execute(insert(Pupil), [dict(school_id=school.id, class_id=c.id, first_name=f"Pupil{i}", last_initial="B",
                                               year_group=year, pin="cat-dog-sun") for i in range(30)])
    pupils = db.session.execute(select(Pupil.id, Pupil.year_group)).all()
    rows, progress = [], []
    for pupil_id, year in pupils:
        band = "4-7" if year <= 2 else "7-9" if year <= 4 else "9-11"
        for module in content.modules_for_band(band):
            for q in module.bank.questions:
                first_right = rng.random() < 0.65
                rows.append(_answer(school.id, pupil_id, module, q, first_right, True, rng))
                if not first_right:
                    rows.append(_answer(school.id, pupil_id, module, q, True, False, rng))
            progress.append(dict(school_id=school.id, pupil_id=pupil_id, module_id=module.id, content_version=module.version,
                                 completed_at=None if rng.random() < 0.3 else now_utc()))
            if progress[-1]["completed_at"] is not None:  # a "Remember?" revisit weeks later (services/revisits.py)
                for q in module.lesson_questions():
                    rows.append({**_answer(school.id, pupil_id, module, q, rng.random() < 0.55, True, rng),
                                 "source": "revisit-1", "client_id": f"{pupil_id}-{q.id}-r1"})
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Answer), rows[start:start + 5000])
    db.session.execute(insert(ModuleProgress), progress)
    db.session.commit()
    rebuild_tallies(content, school.id)
    return school.id, class_ids[(3, 0)], len(rows)


def _answer(school_id, pupil_id, module, q, right, first, rng):
    response = {}
    if isinstance(q, SingleChoice):
        options = [o for o in q.options if o.correct == right] or q.options
        response = {"choice": rng.choice(options).id}
    return dict(school_id=school_id, pupil_id=pupil_id, module_id=module.id, question_id=q.id, content_version=module.version,
                source="quiz", response=response, correct=right, score=float(right), first_try=first,
                client_id=f"{pupil_id}-{q.id}-{int(first)}")


def _make_admin(school_id: int) -> str:
    from quizapp.models import STAFF
    from quizapp.services.accounts import create_user

    school = db.session.get(School, school_id)
    create_user("admin@bench.example", "bench password 1", "Bench admin", STAFF, school, school_admin=True)
    db.session.commit()
    return "admin@bench.example"


def _sign_in(client, email: str) -> None:
    import re

    page = client.get("/signin").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/signin", data={"csrf_token": token, "email": email, "password": "bench password 1"})
    assert response.status_code == 302, response.status_code


def _get(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)


def measure(fn, repeat: int) -> tuple[float, int]:
    counter = {"n": 0}

    def tick(*_):
        counter["n"] += 1

    fn()  # warm up
    event.listen(db.engine, "before_cursor_execute", tick)
    try:
        times = []
        for _ in range(repeat):
            counter["n"] = 0
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    finally:
        event.remove(db.engine, "before_cursor_execute", tick)
    return statistics.median(times), counter["n"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite", "SECRET_KEY": "b" * 40,
                          "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade(directory=MIGRATIONS_DIR)
            started = time.perf_counter()
            school_id, class_30, answers = seed(random.Random(2026))
            print(f"seeded 420 pupils and {answers} answers in {time.perf_counter() - started:.1f}s")
            admin = _make_admin(school_id)
        client = app.test_client()
        _sign_in(client, admin)
        cases = {
            "year progress": ("/teacher/years/3/progress", "/teacher/years/4/progress"),
            "question analysis": ("/teacher/years/3/questions", "/teacher/years/4/questions"),
            "coverage": ("/teacher/coverage?year=3", "/teacher/coverage?year=4"),
        }
        with app.app_context():
            worst_time, worst_queries = 0.0, 0.0
            print(f"{'dashboard':<20} {'ms @30':>8} {'ms @300':>8} {'q @30':>6} {'q @300':>7} {'time x':>7}")
            for name, (small, big) in cases.items():
                t30, q30 = measure(lambda url=small: _get(client, url), args.repeat)
                t300, q300 = measure(lambda url=big: _get(client, url), args.repeat)
                worst_time = max(worst_time, t300 / t30)
                worst_queries = max(worst_queries, q300 / q30)
                print(f"{name:<20} {t30 * 1000:>8.1f} {t300 * 1000:>8.1f} {q30:>6} {q300:>7} {t300 / t30:>7.2f}")
            t_grid, q_grid = measure(lambda: _get(client, f"/teacher/classes/{class_30}/progress"), args.repeat)
            print(f"{'class grid (30)':<20} {t_grid * 1000:>8.1f} {'':>8} {q_grid:>6}")
            print(f"queries_ratio={worst_queries:.1f} time_ratio={worst_time:.2f}")


if __name__ == "__main__":
    main()
