"""The school's safe grown-ups: who pupils are told they can talk to.

A school admin sets them (name, what they do, an optional photo); pupils
see them on the "I'm worried" page and in the getting-help lessons
(a `safe_adults` lesson step). Photos are checked and rebuilt here with
Pillow before they are stored: only real JPEG, PNG or WebP files under
5 MB; decompression bombs refused; turned upright from the camera's
orientation, then rebuilt from the pixels alone so no metadata (EXIF, GPS,
XMP, ICC) survives; at most 400x400; saved as WebP.
"""
from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import func, select

from ..extensions import db
from ..models import SafeAdult, User
from .names import BadName, clean_name

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel photo is as big as a phone makes; more is refused unread
SIZE = (400, 400)
FORMATS = ("JPEG", "PNG", "WEBP")
MAX_ADULTS = 12


class SafeAdultError(ValueError):
    pass


class PhotoError(SafeAdultError):
    pass


def process_photo(data: bytes) -> bytes:
    """A clean WebP of at most 400x400 from an uploaded photo, or PhotoError saying why not."""
    if not data:
        raise PhotoError("That file is empty. Choose a photo (JPEG, PNG or WebP).")
    if len(data) > MAX_BYTES:
        raise PhotoError("That photo is bigger than 5 MB. Choose a smaller one.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise PhotoError("That picture is far too big in pixels. Choose an ordinary photo.")
                image.load()
                upright = ImageOps.exif_transpose(image)
                upright.thumbnail(SIZE, Image.Resampling.LANCZOS)
                mode = "RGBA" if "A" in upright.getbands() or "transparency" in upright.info else "RGB"
                pixels = upright.convert(mode)
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError("That picture is far too big in pixels. Choose an ordinary photo.") from None
    except UnidentifiedImageError:
        raise PhotoError("That file is not a JPEG, PNG or WebP photo. Choose a photo.") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise PhotoError("That photo could not be read: it may be damaged. Choose another.") from None
    clean = Image.new(mode, pixels.size)  # only the pixels: no EXIF, GPS, XMP or colour profile
    clean.paste(pixels)
    out = io.BytesIO()
    clean.save(out, "WEBP", quality=85, method=4)
    return out.getvalue()


def for_school(school_id: int) -> list[SafeAdult]:
    return list(db.session.execute(select(SafeAdult).where(SafeAdult.school_id == school_id)
                                   .order_by(SafeAdult.position, SafeAdult.id)).scalars())


def _clean(name: str, role: str) -> tuple[str, str]:
    try:
        name = clean_name(name or "", "name")
        role = clean_name(role or "", "what they do")
    except BadName as error:
        raise SafeAdultError(str(error)) from None
    if not name:
        raise SafeAdultError("Enter their name, as pupils know it (for example Mrs Patel).")
    if not role:
        raise SafeAdultError("Say what they do, for example \"keeps children safe at our school\".")
    return name[:80], role[:120]


def add(admin: User, name: str, role: str, photo: bytes | None = None) -> SafeAdult:
    name, role = _clean(name, role)
    picture = process_photo(photo) if photo is not None else None  # before anything is stored
    count = db.session.execute(select(func.count(SafeAdult.id)).where(SafeAdult.school_id == admin.school_id)).scalar_one()
    if count >= MAX_ADULTS:
        raise SafeAdultError(f"A school can show up to {MAX_ADULTS} safe adults.")
    adult = SafeAdult(school_id=admin.school_id, name=name, role=role, position=count + 1, created_by=admin.id,
                      photo=picture, photo_version=1 if picture else 0)
    db.session.add(adult)
    db.session.commit()
    return adult


def update(adult: SafeAdult, name: str, role: str, photo: bytes | None, remove_photo: bool = False) -> None:
    name, role = _clean(name, role)
    picture = process_photo(photo) if photo is not None else None
    adult.name, adult.role = name, role
    if picture is not None:
        adult.photo, adult.photo_version = picture, abs(adult.photo_version) + 1
    elif remove_photo and adult.has_photo:
        adult.photo, adult.photo_version = None, -abs(adult.photo_version)  # the next photo gets a new URL
    db.session.commit()


def remove(adult: SafeAdult) -> None:
    db.session.delete(adult)
    db.session.commit()


def talk_to_choices(school_id: int) -> list[tuple[str, str, SafeAdult | None]]:
    """Who a worried pupil can choose to talk to: (value, label, safe adult)."""
    adults = for_school(school_id)
    middle = [(f"adult-{a.id}", a.name, a) for a in adults] or [("other_adult", "Another adult at school", None)]
    return [("teacher", "My teacher", None), *middle, ("home", "A grown-up at home", None)]
