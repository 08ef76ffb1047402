"""Where the app's folders are, in a checkout and in an installed wheel."""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent

MIGRATIONS_DIR = str(_PACKAGE / "migrations")  # Alembic's folder, shipped inside the package


def asset_dir(name: str) -> Path:
    """Return the folder `name` (templates, static, lessons, question_banks).

    A wheel bundles it inside the package as `_assets/<name>` (see setup.py);
    in a source checkout it sits beside the package.
    """
    bundled = _PACKAGE / "_assets" / name
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parent / name


def font_file(bold: bool = False) -> Path:
    """DejaVu Sans, shipped with the package, for pictures drawn with Pillow
    (certificates, sign-in cards, letters): it has accented and non-Latin
    letters, which Pillow's built-in font does not."""
    return _PACKAGE / "fonts" / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
