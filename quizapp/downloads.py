"""Safe names for downloaded files."""
from __future__ import annotations

import re
import unicodedata

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def attachment(filename: str, inline: bool = False) -> str:
    """A Content-Disposition value whose file name is plain ASCII: class and
    pupil names can hold any letter, or even a line break, which a header
    must never carry."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    safe = _UNSAFE.sub("-", ascii_name).strip("-.") or "download"
    return f'{"inline" if inline else "attachment"}; filename="{safe[:100]}"'
