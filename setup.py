"""Build hook: the one way files other than the package's modules get into
the wheel.

`templates/`, `static/`, `lessons/`, `question_banks/` and `docs/` live at the
top of the repository (so teachers and content writers find them easily). A
non-editable install copies them to `quizapp/_assets/<name>/`, where
`quizapp.paths` looks when the repository folders are not beside the package.
The package's own data folders (the migrations, which are not a Python
package, and the fonts) are copied beside the modules, as they are in a
checkout. (MANIFEST.in only says what the source archive holds.)
"""
import pathlib
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

ASSET_DIRS = ("templates", "static", "lessons", "question_banks", "docs")
PACKAGE_DATA_DIRS = ("migrations", "fonts")


class BuildWithAssets(build_py):
    def run(self):
        super().run()
        root = pathlib.Path(__file__).resolve().parent
        package = pathlib.Path(self.build_lib, "quizapp")
        copies = [(root / name, package / "_assets" / name) for name in ASSET_DIRS]
        copies += [(root / "quizapp" / name, package / name) for name in PACKAGE_DATA_DIRS]
        for source, target in copies:
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithAssets})
