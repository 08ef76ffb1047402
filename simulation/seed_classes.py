"""Seed classes of pupils with known picture PINs, each class in its own
school (one deployment, many schools), and open class sign-in for each, as
its teacher would. Run it in the server's environment (DATABASE_URL etc.)
after `flask --app quizapp init-db`:

    python simulation/seed_classes.py --classes 2 --pupils 30 --out classes.json

It writes JSON: a list of classes, each
{"school_id", "class_id", "year_group", "code", "teacher", "pupils": [{"id", "pin"}, ...]}
("teacher" is the class teacher's email; their password is TEACHER_PASSWORD).
Year groups cycle through Reception to Year 6, so every age band is used.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizapp import create_app  # noqa: E402
from quizapp.extensions import db  # noqa: E402
from quizapp.models import PIN_LENGTH, STAFF, Pupil, School, SchoolClass  # noqa: E402
from quizapp.services.accounts import create_user  # noqa: E402
from quizapp.services.pupil_signin import PIN_PICTURES, open_signin  # noqa: E402

TEACHER_PASSWORD = "load-test-password-1"  # noqa: S105 - a throw-away database


def seed(classes: int, pupils: int, rng: random.Random) -> list[dict]:
    made = []
    for n in range(classes):
        school = School(name=f"Load Test Primary {n}", slug=f"load-{n}")
        db.session.add(school)
        db.session.flush()
        year_group = n % 7
        school_class = SchoolClass(school_id=school.id, name=f"Class {n}", year_group=year_group)
        db.session.add(school_class)
        db.session.flush()
        teacher = create_user(f"teacher{n}@load{n}.example", TEACHER_PASSWORD, f"Teacher {n}", STAFF, school, teacher=True)
        teacher.classes.append(school_class)
        rows = [Pupil(school_id=school.id, class_id=school_class.id, first_name=f"Pupil{k:02d}", last_initial="L",
                      year_group=year_group, pin="-".join(rng.choice(PIN_PICTURES) for _ in range(PIN_LENGTH)))
                for k in range(pupils)]
        db.session.add_all(rows)
        db.session.commit()
        signin = open_signin(teacher, school_class)
        made.append({"school_id": school.id, "class_id": school_class.id, "year_group": year_group, "code": signin.code,
                     "teacher": teacher.email, "pupils": [{"id": p.id, "pin": p.pin} for p in rows]})
    return made


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classes", type=int, default=2)
    parser.add_argument("--pupils", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    app = create_app()
    with app.app_context():
        made = seed(args.classes, args.pupils, random.Random(args.seed))
        db.session.remove()
        db.engine.dispose()
    args.out.write_text(json.dumps(made))


if __name__ == "__main__":
    main()
