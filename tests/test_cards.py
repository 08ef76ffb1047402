"""Printable sign-in cards: a class sheet with a QR code, then cards to cut out."""
from __future__ import annotations

import io
import math
import re
import zipfile

from PIL import Image, ImageChops
from pypdf import PdfReader
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Pupil, SchoolClass
from quizapp.services.pupil_signin import random_pin
from quizapp.services.render import cards
from quizapp.services.render.cards import class_cards_pages, class_cards_zip
from quizapp.services.render.cards_pdf import class_cards_pdf

URL = "https://quiz.example.org/tablet/join/HEDGEHOGS"
A4_150_DPI = (1240, 1754)


def hedgehogs(world) -> SchoolClass:
    return db.session.get(SchoolClass, world.one.class_a)


def class_of(world, count: int) -> tuple[SchoolClass, list[Pupil]]:
    """Hedgehogs with `count` pupils (the world's own two are moved out first)."""
    school_class = hedgehogs(world)
    for pupil in db.session.execute(select(Pupil).where(Pupil.class_id == school_class.id)).scalars():
        pupil.class_id = world.one.class_b
    pupils = [
        Pupil(school_id=school_class.school_id, class_id=school_class.id, first_name=f"Pupil{chr(65 + i % 26)}{i}",
              last_initial="T", year_group=1, pin=random_pin())
        for i in range(count)
    ]
    db.session.add_all(pupils)
    db.session.commit()
    return school_class, pupils


def pdf_page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def dark_fraction(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    grey = image.crop(box).convert("L")
    return sum(grey.histogram()[:100]) / (grey.width * grey.height)


def one_card(world, first_name: str, pin: str) -> Image.Image:
    pupil = Pupil(school_id=world.one.school_id, class_id=world.one.class_a, first_name=first_name,
                  last_initial="Q", year_group=1, pin=pin)
    return class_cards_pages(hedgehogs(world), [pupil], URL)[1]


def test_a_class_of_23_makes_a_sheet_and_three_card_pages(world, ctx):
    school_class, pupils = class_of(world, 23)
    pages = class_cards_pages(school_class, pupils, URL)
    assert len(pages) == 1 + math.ceil(23 / 10) == 4
    assert all(page.size == A4_150_DPI and page.mode == "RGB" for page in pages)

    pdf = class_cards_pdf(school_class, pupils, URL)
    assert pdf.startswith(b"%PDF")
    assert pdf_page_count(pdf) == 4


def pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_pdf_has_every_pupils_name_as_text_on_a4_pages(world, ctx):
    school_class, pupils = class_of(world, 35)
    pupils[0].first_name = "Zoe\u0308"  # typed as e + a separate diaeresis
    pages = PdfReader(io.BytesIO(class_cards_pdf(school_class, pupils, URL))).pages
    assert len(pages) == 1 + 4
    assert all((round(float(p.mediabox.width)), round(float(p.mediabox.height))) == (595, 842) for p in pages)  # A4 in points
    text = "\n".join(page.extract_text() for page in pages)
    assert "Zo\u00eb T." in text
    for pupil in pupils[1:]:
        assert pupil.display_name in text
    assert "Hedgehogs" in pages[0].extract_text() and "Cut out the 35 cards on the next 4 pages" in text
    assert "Page 5 of 5" in pages[4].extract_text()


def test_the_pdf_embeds_the_apps_own_font(world, ctx):
    school_class, pupils = class_of(world, 3)
    pdf = class_cards_pdf(school_class, pupils, URL)
    assert b"DejaVuSans" in pdf and b"/FontFile2" in pdf


def test_the_pictures_zip_has_every_page(world, ctx):
    school_class, pupils = class_of(world, 23)
    with zipfile.ZipFile(io.BytesIO(class_cards_zip(school_class, pupils, URL))) as archive:
        names = archive.namelist()
        assert names == ["page-1.png", "page-2.png", "page-3.png", "page-4.png"]
        with Image.open(io.BytesIO(archive.read("page-4.png"))) as image:
            image.load()
            assert image.size == A4_150_DPI and round(image.info["dpi"][0]) == 150
            assert ImageChops.difference(image.convert("RGB"), class_cards_pages(school_class, pupils, URL)[3]).getbbox() is None


def test_the_sheet_holds_a_qr_code_for_the_url(world, ctx):
    school_class, pupils = class_of(world, 3)
    sheet = class_cards_pages(school_class, pupils, URL)[0]
    other = class_cards_pages(school_class, pupils, "https://quiz.example.org/tablet/join/BADGERS")[0]
    # The QR code sits in the middle of the page: a large, roughly half-dark square.
    middle = (A4_150_DPI[0] // 2 - 250, 600, A4_150_DPI[0] // 2 + 250, 1000)
    assert 0.3 < dark_fraction(sheet, middle) < 0.7
    assert ImageChops.difference(sheet, other).getbbox() is not None


def test_cards_differ_by_pin_and_are_drawn_the_same_each_time(world, ctx):
    first = one_card(world, "Amara", "cat-sun-tree")
    again = one_card(world, "Amara", "cat-sun-tree")
    swapped = one_card(world, "Amara", "tree-sun-cat")
    assert ImageChops.difference(first, again).getbbox() is None
    assert ImageChops.difference(first, swapped).getbbox() is not None


def test_pictures_are_rendered_once_per_size(world, ctx):
    cards._picture.cache_clear()
    one_card(world, "Amara", "cat-cat-cat")
    one_card(world, "Ben", "cat-dog-cat")
    info = cards._picture.cache_info()
    assert info.misses == 2 and info.hits == 4


def test_long_names_stay_inside_their_card(world, ctx):
    for name in ("A" * 40, "W" * 40, "Mary Jane Elizabeth Catherine Smith-Jones"):
        page = one_card(world, name, "cat-sun-tree")
        # Only one card on the page: everything right of its cut line must stay blank.
        right_of_card = (cards.MARGIN + cards.CARD_W + 3, cards.GRID_TOP, A4_150_DPI[0], A4_150_DPI[1])
        assert dark_fraction(page, right_of_card) == 0, name


def test_an_empty_class_gets_just_the_sheet(world, ctx):
    school_class, pupils = class_of(world, 0)
    pages = class_cards_pages(school_class, pupils, URL)
    assert len(pages) == 1
    pdf = class_cards_pdf(school_class, pupils, URL)
    assert pdf.startswith(b"%PDF") and pdf_page_count(pdf) == 1
    with zipfile.ZipFile(io.BytesIO(class_cards_zip(school_class, pupils, URL))) as archive:
        assert archive.namelist() == ["page-1.png"]


def test_an_unknown_picture_does_not_break_the_card(world, ctx):
    page = one_card(world, "Amara", "cat-unicorn-../../secret")
    assert page.size == A4_150_DPI
    pupil = Pupil(school_id=world.one.school_id, class_id=world.one.class_a, first_name="Amara",
                  last_initial="Q", year_group=1, pin="cat-unicorn-../../secret")
    assert "unicorn" in pdf_text(class_cards_pdf(hedgehogs(world), [pupil], URL))[1]


def test_names_print_as_written_with_their_accents():
    decomposed = "Zoe\u0308"  # "Zoë" typed as e + a separate diaeresis, as some Macs do
    assert cards._printable(decomposed) == "Zo\u00eb"
    assert cards._printable("Łukasz Siân O’Neill") == "Łukasz Siân O’Neill"
    font = cards._font(40)
    for letter in "ëŁâ":  # the shipped font really has these letters (not the empty-box glyph)
        assert font.getmask(letter).getbbox() is not None and font.getmask(letter).getbbox() != font.getmask("\uffff").getbbox()
