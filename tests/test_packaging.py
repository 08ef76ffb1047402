"""A non-editable install still finds templates, static files and content."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

SCRIPT = """
import quizapp, sys
from quizapp import create_app
assert "{unpacked}" in quizapp.__file__, quizapp.__file__
app = create_app({{"SQLALCHEMY_DATABASE_URI": "sqlite:///{db}", "SECRET_KEY": "x" * 40}})
from quizapp.extensions import db
with app.app_context():
    from flask_migrate import upgrade
    from quizapp.paths import MIGRATIONS_DIR
    upgrade(directory=MIGRATIONS_DIR)
client = app.test_client()
page = client.get("/").get_data(as_text=True)
assert "I am a pupil" in page, page[:300]
with client.get("/static/css/app.css") as css:
    assert css.status_code == 200
content = app.extensions["quizapp.content"]
print("modules", len(content.modules), "from", app.template_folder)
"""


@pytest.mark.slow
def test_wheel_bundles_assets_and_runs_outside_the_checkout(tmp_path):
    wheel_dir = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation", "-q", "-w", str(wheel_dir)],
        check=True, cwd=tmp_path,
    )
    wheel = next(wheel_dir.glob("quizapp-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ("quizapp/_assets/templates/base.html", "quizapp/_assets/static/css/app.css",
                     "quizapp/_assets/lessons/curriculum.yaml", "quizapp/_assets/question_banks/passwords/4-7.yaml",
                     "quizapp/migrations/versions/0001_schools_people_signin.py", "quizapp/migrations/alembic.ini"):
        assert expected in names, expected
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(unpacked)}
    env.pop("DATABASE_URL", None)
    script = SCRIPT.format(unpacked=unpacked, db=tmp_path / "db.sqlite")
    result = subprocess.run([sys.executable, "-c", script], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"from {unpacked}" in result.stdout
