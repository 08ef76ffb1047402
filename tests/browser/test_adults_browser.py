"""Teachers, parents and the DSL, as new users would, in a real Chromium."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from browser_support import check_axe, sign_in_pupil
from helpers import PASSWORD
from quizapp.content import get_content
from quizapp.extensions import db
from quizapp.models import Pupil
from simulation.solver import right_fields

pytestmark = pytest.mark.browser

ROSTER = "First Name,Surname,Year,Class,UPN\nNadia,Hussain,4,Badgers,X1\nTom,Price,Year 4,Badgers,X2\n"
PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}


def sign_in(page, email):
    page.goto("/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_a_teacher_imports_a_class_prints_cards_assigns_a_topic_and_sees_results(tablet, app, world, tmp_path):
    page = tablet
    sign_in(page, world.one.emails["teacher_b"])  # Badgers, Year 4
    page.get_by_role("link", name="Import pupils").tap()
    csv_file = tmp_path / "badgers.csv"
    csv_file.write_text(ROSTER, encoding="utf-8-sig")
    page.locator("input[type=file]").set_input_files(str(csv_file))
    page.get_by_role("button", name="Check the file").tap()
    expect(page.get_by_text("2 to add")).to_be_visible()
    check_axe(page)
    page.get_by_role("button", name="Import 2 pupils").tap()
    expect(page.get_by_text("Imported 2 pupils")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Badgers"))).to_be_visible()  # landed on the class page
    expect(page.get_by_role("link", name="Print their cards")).to_be_visible()
    expect(page.get_by_role("link", name="Nadia H.")).to_be_visible()
    check_axe(page)
    cards_link = page.get_by_role("link", name="Print sign-in cards (PDF)")
    cards = page.request.get(cards_link.get_attribute("href"))  # the teacher's own session
    assert cards.status == 200 and cards.headers["content-type"] == "application/pdf" and cards.body()[:4] == b"%PDF"
    page.goto("/teacher/assignments")
    page.get_by_label("Who is it for?").select_option(label="Year 4: every class")
    page.get_by_label("Passwords").check()
    page.get_by_role("button", name="Set these topics").tap()
    expect(page.get_by_text("Set 1 topic")).to_be_visible()
    check_axe(page)
    # Nadia does the quiz's first question on a tablet...
    with app.app_context():
        nadia = db.session.execute(select(Pupil).where(Pupil.first_name == "Nadia")).scalar_one()
        module = get_content().modules["passwords-7-9"]
    pupil_page = page.context.browser.new_context(base_url=page.url.split("/teacher")[0], viewport={"width": 768, "height": 1024},
                                                  has_touch=True).new_page()
    sign_in_pupil(pupil_page, app, world, nadia.id, world.one.class_b)
    expect(pupil_page.get_by_text("Set by my teacher")).to_be_visible()
    question = module.bank.questions[0]
    pupil_page.goto(f"/pupil/modules/{module.id}/quiz/1")
    form = pupil_page.locator(".question-form")
    for name, values in right_fields(question).items():
        for value in values:
            control = form.locator(f'[name="{name}"][value="{value}"]').first
            form.locator(f'label[for="{control.get_attribute("id")}"]').tap()
    form.get_by_role("button", name="Check my answer").tap()
    expect(form.locator(".feedback")).to_have_class(re.compile("feedback--good"))
    pupil_page.context.close()
    # ...and the teacher sees it in the grid and the question analysis.
    page.goto(f"/teacher/classes/{world.one.class_b}/progress")
    expect(page.get_by_role("row", name=re.compile("Nadia H.")).locator("td.level--developing")).to_have_count(1)
    check_axe(page)
    page.goto(f"/teacher/classes/{world.one.class_b}/questions")
    expect(page.get_by_role("row", name=re.compile(re.escape(question.prompt[:30])))).to_contain_text("100%")
    check_axe(page)


def test_a_parent_on_a_phone_signs_up_with_the_letter_code_and_sees_finished_topics(browser, live_server, app, world):
    from quizapp.models import ModuleProgress, now_utc
    from quizapp.services import parent_links

    with app.app_context():
        from quizapp.models import School

        school = db.session.get(School, world.one.school_id)
        pupil = db.session.get(Pupil, world.one.pupil_a2)
        code = parent_links.issue_codes(school, [pupil], None)[0][1]
        db.session.add(ModuleProgress(school_id=school.id, pupil_id=pupil.id, module_id="being-kind-4-7", content_version="v",
                                      completed_at=now_utc()))
        db.session.commit()
    context = browser.new_context(base_url=live_server, **PHONE)
    page = context.new_page()
    page.goto("/signin")
    page.get_by_role("link", name="Sign up here").tap()
    page.wait_for_url("**/parent/register")
    check_axe(page)
    page.get_by_label("The code on the letter from school").fill(code.lower())
    page.get_by_label("Your name").fill("Jo Brown")
    page.get_by_label("Email").fill("jo@home.test")
    page.get_by_label("Choose a password").fill("purple tractor sandwich")
    page.get_by_role("button", name="Sign up").tap()
    page.wait_for_url("**/parent/")
    expect(page.get_by_text("Your account is linked to Ben")).to_be_visible()
    check_axe(page)
    page.get_by_role("link", name=re.compile("Ben S.")).tap()
    expect(page.get_by_text("Finished on")).to_be_visible()
    expect(page.get_by_role("heading", name="Talk about it at home").first).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
    check_axe(page)
    page.goto(f"/parent/children/{world.one.pupil_a}")
    expect(page.get_by_role("heading", name="We could not find that page")).to_be_visible()
    context.close()


def test_a_pupil_raises_a_concern_and_the_dsl_records_and_closes_it(tablet, browser, live_server, app, world):
    pupil_page = tablet
    sign_in_pupil(pupil_page, app, world, world.one.pupil_b, world.one.class_b)
    pupil_page.get_by_role("link", name="I'm worried").tap()
    pupil_page.locator("label.worry-choice").filter(has_text="Someone was unkind to me").tap()
    pupil_page.get_by_label("Another adult at school", exact=True).check()
    pupil_page.get_by_role("button", name="Tell a grown-up").tap()
    expect(pupil_page.get_by_text("0800 1111")).to_be_visible()
    context = browser.new_context(base_url=live_server, viewport={"width": 1024, "height": 768})
    page = context.new_page()
    sign_in(page, world.one.emails["dsl"])
    page.get_by_role("link", name=re.compile("Safeguarding")).click()
    check_axe(page)
    page.get_by_role("link", name="Chloe S.").click()
    check_axe(page)
    page.get_by_label("Add a note to the record").fill("Talked with Chloe at break; spoke to parents.")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Talked with Chloe at break")).to_be_visible()
    page.get_by_label("Status").select_option("closed")
    page.get_by_label("Action taken (needed to close)").fill("Parents informed; blocked the account together.")
    page.get_by_label("Reason for closing (needed to close)").fill("Resolved with the family.")
    page.get_by_role("button", name="Save status").click()
    expect(page.get_by_text("Status is now: Closed.")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("status: in_progress -> closed"))).to_be_visible()
    context.close()


def test_a_school_admin_turns_off_a_leavers_account(tablet, browser, live_server, world):
    """The leaver is signed out on their own device at once, and cannot sign in again."""
    leaver = browser.new_context(base_url=live_server, viewport={"width": 1024, "height": 768})
    leaver_page = leaver.new_page()
    sign_in(leaver_page, world.one.emails["teacher_b"])
    expect(leaver_page.get_by_role("heading", name="Oak Primary")).to_be_visible()
    page = tablet
    sign_in(page, world.one.emails["admin"])
    page.get_by_role("link", name="Staff accounts").tap()
    expect(page.get_by_role("heading", name="Staff accounts")).to_be_visible()
    check_axe(page)
    page.get_by_role("button", name="Turn off Mr B's account").tap()
    expect(page.get_by_text("Mr B's account is off")).to_be_visible()
    expect(page.get_by_role("button", name="Turn on Mr B's account")).to_be_visible()
    check_axe(page)
    leaver_page.reload()
    expect(leaver_page.get_by_role("button", name="Sign in")).to_be_visible()
    sign_in(leaver_page, world.one.emails["teacher_b"])
    expect(leaver_page.get_by_role("button", name="Sign in")).to_be_visible()  # still on the sign-in page
    leaver.close()


def test_a_parent_changes_their_password_on_a_phone(browser, live_server, world):
    context = browser.new_context(base_url=live_server, **PHONE)
    page = context.new_page()
    sign_in(page, world.one.emails["parent"])
    expect(page.get_by_role("link", name="Change password")).to_be_hidden()  # folded into the menu on a phone
    page.get_by_role("button", name="Menu").tap()
    page.get_by_role("link", name="Change password").tap()
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    check_axe(page)
    page.get_by_label("Your password now").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("New password again").fill("short")
    page.get_by_role("button", name="Change my password").tap()
    expect(page.locator(".field__error")).to_contain_text("at least 10 characters")
    check_axe(page)
    page.get_by_label("Your password now").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("river lantern biscuit")
    page.get_by_label("New password again").fill("river lantern biscuit")
    page.get_by_role("button", name="Change my password").tap()
    expect(page.get_by_text("Your password is changed")).to_be_visible()
    context.close()


def test_letters_download_leaves_the_button_working_and_the_qr_link_fills_the_code(tablet, browser, live_server, world):
    page = tablet
    sign_in(page, world.one.emails["teacher_a"])
    page.goto(f"/teacher/classes/{world.one.class_a}/letters")
    button = page.get_by_role("button", name="Make the letters (PDF)")
    with page.expect_download() as first:
        button.tap()
    assert first.value.suggested_filename.endswith(".pdf")
    expect(button).to_be_enabled(timeout=8000)  # the page stays put after a download: the button works again
    with page.expect_download():
        button.tap()
    # The letter's QR code: the code rides after "#", which the browser never sends to the server.
    parent = browser.new_context(base_url=live_server, **PHONE).new_page()
    parent.goto("/parent/register#code=K7QM-4TXA")
    expect(parent.get_by_label("The code on the letter from school")).to_have_value("K7QM-4TXA")
    assert "#" not in parent.url and "K7QM" not in parent.url
