"""Issue 15 in a real Chromium: a teacher works from the home page alone; a
parent's phone shows finished topics first; no adult page scrolls sideways on
a 390 px phone."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser_support import check_axe
from helpers import PASSWORD, add_safe_adults, do_module
from quizapp.content import get_content
from test_access import ROUTES

pytestmark = pytest.mark.browser

PHONE_390 = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2,
             "locale": "en-GB"}
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def sign_in(page, email):
    page.goto("/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_a_teacher_sets_a_topic_sees_pupils_finish_and_reaches_what_to_teach_next_from_home(tablet, app, world):
    with app.app_context():
        title = get_content().modules["being-kind-4-7"].topic.title
    page = tablet
    sign_in(page, world.one.emails["teacher_a"])
    card = page.locator(f'[data-class-card="{world.one.class_a}"]')
    expect(card).to_contain_text("Hedgehogs")
    check_axe(page)
    card.get_by_role("link", name="Set a topic for Hedgehogs").tap()
    page.get_by_label("Topic").select_option(label=title)
    page.get_by_label("Finish by (optional)").fill("2030-07-01")
    page.get_by_role("button", name="Set this topic").tap()
    expect(page.get_by_text(f"Set {title} for Hedgehogs.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(re.escape(title)))).to_contain_text("0 of 2 pupils")
    check_axe(page)
    page.get_by_role("link", name="All classes").tap()
    card = page.locator(f'[data-class-card="{world.one.class_a}"]')
    expect(card.locator("li", has_text=title)).to_contain_text("by 1 Jul")
    expect(card.locator("li", has_text=title)).to_contain_text("finished 0 of 2 pupils")
    # Amara finishes it on a tablet (through the services); Ben gets it all wrong.
    do_module(app, world.one.pupil_a, "being-kind-4-7", right=True)
    do_module(app, world.one.pupil_a2, "being-kind-4-7", right=False)
    page.reload()
    expect(card.locator("li", has_text=title)).to_contain_text("finished 2 of 2 pupils")
    expect(card).to_contain_text("1 pupil Emerging on set topics")
    card.get_by_role("link", name="What to teach next in Hedgehogs").tap()
    panel = page.locator("#teach-next")
    expect(panel.get_by_role("heading", name="What to teach next")).to_be_visible()
    expect(panel).to_contain_text("1 pupil Emerging")
    check_axe(page)
    panel.get_by_role("link", name=re.compile("Revisit the lesson")).first.tap()
    expect(page.get_by_role("heading", name="Steps")).to_be_visible()
    check_axe(page)


def test_a_parents_phone_shows_the_finished_topic_first(browser, live_server, app, world):
    do_module(app, world.one.pupil_a, "upsetting-content-4-7")
    with app.app_context():
        finished = get_content().modules["upsetting-content-4-7"].topic.title
    context = browser.new_context(base_url=live_server, **PHONE_390)
    page = context.new_page()
    sign_in(page, world.one.emails["parent"])
    page.get_by_role("link", name=re.compile("Amara S.")).tap()
    expect(page.locator("article h2").first).to_have_text(finished)
    expect(page.get_by_role("heading", name=re.compile("In the pretend app"))).to_be_visible()
    expect(page.locator(".not-yet li").first).to_contain_text("not finished yet")
    assert page.evaluate(SIDEWAYS) <= 1
    check_axe(page)
    page.get_by_role("button", name="Menu").tap()
    expect(page.get_by_role("link", name="Change password")).to_be_visible()
    context.close()


# Who can open each adult page of the route inventory (tests/test_access.py), first choice first.
VIEWERS = ("admin", "dsl", "teacher_a", "parent", "platform", "anon")
NOT_HTML = re.compile(r"\.(csv|png|pdf|json|webp|zip)$|/healthz$")
PUPIL_PAGES = ("pupil.", "pupil_api.", "auth.tablet", "auth.class_list", "auth.pin")


def _adult_pages(world) -> dict[str, list[str]]:
    """role -> the adult pages (GET, HTML) that role opens with a 200 in the access table."""
    pages: dict[str, list[str]] = {}
    for endpoint, method, path, table in ROUTES:
        url = path(world)
        if method != "GET" or NOT_HTML.search(url) or endpoint.startswith(PUPIL_PAGES):
            continue
        role = next((r for r in VIEWERS if table.get(r, table.get("*")) == 200), None)
        if role is not None:
            pages.setdefault(role, []).append(url)
    return pages


def test_no_adult_page_scrolls_sideways_on_a_390_px_phone(browser, live_server, app, world):
    add_safe_adults(app, world)  # the access table's rows name a safe grown-up of each school
    do_module(app, world.one.pupil_a, "passwords-4-7", right=True)
    do_module(app, world.one.pupil_a2, "passwords-4-7", right=False)
    pages = _adult_pages(world)
    assert sum(len(urls) for urls in pages.values()) >= 30, pages
    emails = {"platform": world.platform_admin, **world.one.emails}
    wide = []
    for role, urls in pages.items():
        context = browser.new_context(base_url=live_server, **PHONE_390)
        page = context.new_page()
        if role != "anon":
            sign_in(page, emails[role])
        for url in urls + [u + "?all=1" for u in urls if u.endswith(("/progress", "/questions"))]:
            response = page.goto(url)
            assert response.status == 200, (role, url)
            overflow = page.evaluate(SIDEWAYS)
            if overflow > 1:
                culprits = page.evaluate("""() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                    .slice(0, 3).map(e => e.tagName + '.' + e.className)""")
                wide.append((role, url, overflow, culprits))
        context.close()
    assert not wide, wide
