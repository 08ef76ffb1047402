"""Names people type (classes, pupils, schools): one normalising function
for every form and the CSV import.

A name is stored in Unicode NFKC form with runs of spaces collapsed (a
no-break space becomes a plain one, full-width letters plain letters). A name
with invisible characters (zero-width spaces, joiners, fillers), right-to-left
or other direction controls, or control characters is refused: those make
two names look the same, or one look like another. So is a word that mixes
alphabets that look alike (a Cyrillic "о" in a Latin "Owls").

name_key() is what two names are compared by: case-folded, with the
Cyrillic and Greek letters (and digits) that look like Latin ones mapped to
them, so "Blean Owls" and "BLEAN ОWLS" (Cyrillic О) are the same class name.
"""
from __future__ import annotations

import unicodedata

# Blank-looking letters and marks that unicodedata does not class as format characters.
INVISIBLE = set("\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0")
# Alphabets whose letters pass for each other; a word may use only one of them.
LOOK_ALIKE_SCRIPTS = {"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC"}
# Letters (after case folding) that look like a Latin one, for name_key.
_LOOKS_LATIN = str.maketrans({
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "з": "3", "и": "u", "к": "k", "м": "m", "н": "h", "о": "o", "п": "n",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "һ": "h", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "ү": "y", "ӏ": "l", "ɡ": "g",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "ζ": "z", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "σ": "o", "τ": "t", "υ": "u", "χ": "x", "ω": "w",
    # digits that pass for letters
    "0": "o", "1": "l",
})


class BadName(ValueError):
    pass


def _refused(ch: str) -> bool:
    category = unicodedata.category(ch)
    # Cc control, Cf format (zero-width, joiners, bidi controls), Cs/Co/Cn, Zl/Zp line and paragraph separators
    return category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") or ch in INVISIBLE


def _script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    return unicodedata.name(ch, "").split(" ", 1)[0] or None


def _mixed_word(name: str) -> str | None:
    for word in name.replace("-", " ").replace("'", " ").replace("\u2019", " ").split():
        scripts = {_script(ch) for ch in word} & LOOK_ALIKE_SCRIPTS
        if len(scripts) > 1:
            return word
    return None


def clean_name(raw: str, what: str = "name") -> str:
    """The name as stored: NFKC, trimmed, single spaces. BadName (with a message
    for the person typing it) for invisible, direction or control characters,
    or a word that mixes look-alike alphabets."""
    name = unicodedata.normalize("NFKC", raw or "")
    if any(_refused(ch) for ch in name):
        raise BadName(f"The {what} has an invisible or control character in it (often from copying and pasting). "
                      "Please type it again.")
    name = " ".join(name.split())
    word = _mixed_word(name)
    if word is not None:
        raise BadName(f"A word in the {what} mixes letters from different alphabets (for example a Cyrillic letter "
                      "that looks like a Latin one). Please type it again.")
    return name


def name_key(name: str) -> str:
    """What two names are compared by (never raises, for names stored before these rules)."""
    name = unicodedata.normalize("NFKC", name or "")
    name = "".join(ch for ch in name if not _refused(ch))
    folded = " ".join(name.split()).casefold()
    return unicodedata.normalize("NFKC", folded).translate(_LOOKS_LATIN)


def same_name_taken(name: str, others) -> bool:
    """Whether `name` is the same as any of `others` once normalised and case-folded."""
    key = name_key(name)
    return any(name_key(other) == key for other in others)
