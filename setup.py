"""Build hook: bundle the top-level content and web assets into the wheel.

`templates/`, `static/`, `lessons/` and `question_banks/` live at the top of the
repository (so teachers and content writers find them easily). A non-editable
install copies them to `quizapp/_assets/<name>/`, where `quizapp.paths` looks
when the repository folders are not beside the package.
"""
import pathlib
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

ASSET_DIRS = ("templates", "static", "lessons", "question_banks", "docs")


class BuildWithAssets(build_py):
    def run(self):
        super().run()
        root = pathlib.Path(__file__).resolve().parent
        for name in ASSET_DIRS:
            target = pathlib.Path(self.build_lib, "quizapp", "_assets", name)
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(root / name, target)


setup(cmdclass={"build_py": BuildWithAssets})
