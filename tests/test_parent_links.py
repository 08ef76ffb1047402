"""Parent link codes: staff issue one per pupil for a letter home; a parent types it once to link to their child."""
from __future__ import annotations

import re
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from limits import parse
from sqlalchemy import delete, func, select
from sqlalchemy.orm.attributes import set_committed_value

from helpers import PASSWORD
from quizapp.extensions import db
from quizapp.models import PARENT, ParentLink, Pupil, School, User
from quizapp.models.link_code import ParentLinkCode
from quizapp.services import parent_links
from quizapp.services.accounts import create_user
from quizapp.services.parent_links import (
    EXPIRED,
    NOT_PARENT,
    REVOKED,
    TOO_MANY,
    UNKNOWN,
    USED,
    LinkError,
    issue_codes,
    last_day,
    links_for_school,
    normalise_code,
    open_codes,
    redeem,
    revoke_code,
    revoke_link,
)
from quizapp.services.scope import children_of

CODE = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")  # Crockford base 32: no I, L, O, U


def school(side) -> School:
    return db.session.get(School, side.school_id)


def pupil(pupil_id: int) -> Pupil:
    return db.session.get(Pupil, pupil_id)


def user(email: str) -> User:
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def new_parent(name: str) -> User:
    parent = create_user(f"{name.lower()}@home.test", PASSWORD, name, PARENT)
    db.session.commit()
    return parent


def code_for(side, pupil_id: int, **kw) -> str:
    """Issue a code for one pupil, as the school's admin would."""
    [(_, code)] = issue_codes(school(side), [pupil(pupil_id)], user(side.emails["admin"]), **kw)
    return code


def row_for(code: str) -> ParentLinkCode:
    return db.session.execute(select(ParentLinkCode).where(ParentLinkCode.code_hash == parent_links.code_hash(code))).scalar_one()


def links(parent: User, pupil_id: int) -> int:
    return db.session.execute(
        select(func.count()).select_from(ParentLink).where(ParentLink.parent_id == parent.id, ParentLink.pupil_id == pupil_id)
    ).scalar_one()


def freeze(monkeypatch, at: datetime) -> None:
    monkeypatch.setattr(parent_links, "now_utc", lambda: at)


def refused(parent, code: str, **kw) -> str:
    with pytest.raises(LinkError) as error:
        redeem(parent, code, **kw)
    return str(error.value)


# --- issuing ---------------------------------------------------------------


def test_each_pupil_gets_one_code_in_the_letter_format(world, ctx):
    pupils = [pupil(world.one.pupil_a), pupil(world.one.pupil_a2), pupil(world.one.pupil_b)]
    issued = issue_codes(school(world.one), pupils, user(world.one.emails["admin"]))
    assert [p.id for p, _ in issued] == [p.id for p in pupils]
    assert all(CODE.fullmatch(code) for _, code in issued)
    assert len(parent_links.CODE_ALPHABET) ** parent_links.CODE_LENGTH >= 2 ** 40
    rows = db.session.execute(select(ParentLinkCode).order_by(ParentLinkCode.id)).scalars().all()
    assert [(r.pupil_id, r.school_id) for r in rows] == [(p.id, world.one.school_id) for p in pupils]
    assert {r.created_by_id for r in rows} == {user(world.one.emails["admin"]).id}


def test_a_pupil_listed_twice_gets_one_code(world, ctx):
    amara = pupil(world.one.pupil_a)
    assert len(issue_codes(school(world.one), [amara, amara], None)) == 1
    assert db.session.execute(select(func.count()).select_from(ParentLinkCode)).scalar_one() == 1


def test_codes_are_all_different(world, ctx):
    pupils = [pupil(world.one.pupil_a), pupil(world.one.pupil_a2), pupil(world.one.pupil_b)]
    codes = [code for _ in range(40) for _, code in issue_codes(school(world.one), pupils, None)]
    assert len(set(codes)) == len(codes) == 120


def test_a_hash_collision_draws_another_code(world, ctx, monkeypatch):
    first = code_for(world.one, world.one.pupil_a)
    draws = iter(first.replace("-", "") + "K7QM4TXA")  # the same code again, then a fresh one
    monkeypatch.setattr(parent_links.secrets, "choice", lambda alphabet: next(draws))
    assert code_for(world.one, world.one.pupil_a2) == "K7QM-4TXA"


def _everything_stored() -> str:
    rows = [repr(tuple(row)) for table in db.metadata.sorted_tables for row in db.session.execute(select(table))]
    return "\n".join(rows)


def test_only_a_keyed_hash_of_the_code_is_stored(world, ctx):
    code = code_for(world.one, world.one.pupil_a2)
    stored = _everything_stored()
    plain = code.replace("-", "")
    assert code not in stored and plain not in stored and plain.lower() not in stored
    digest = row_for(code).code_hash
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert digest != parent_links.hashlib.sha256(plain.encode()).hexdigest()  # keyed: a database copy alone cannot be searched
    if db.engine.dialect.name == "sqlite":  # not in the file or its write-ahead log either
        database = Path(db.engine.url.database)
        for path in (database, database.with_name(database.name + "-wal")):
            if path.exists():
                assert plain.encode() not in path.read_bytes()


def test_issuing_again_cancels_the_earlier_unused_code(world, ctx):
    used = code_for(world.one, world.one.pupil_a2)
    redeem(new_parent("Sam"), used)
    old = code_for(world.one, world.one.pupil_a2)
    new = code_for(world.one, world.one.pupil_a2)
    assert row_for(used).revoked_at is None  # a used code stays a record of who used it
    assert refused(new_parent("Kim"), old) == REVOKED
    assert redeem(user("kim@home.test"), new).id == world.one.pupil_a2


def test_codes_are_refused_for_another_schools_pupils(world, ctx):
    with pytest.raises(LinkError, match="not in this school"):
        issue_codes(school(world.one), [pupil(world.one.pupil_a), pupil(world.two.pupil_a)], user(world.one.emails["admin"]))
    assert db.session.execute(select(func.count()).select_from(ParentLinkCode)).scalar_one() == 0


@pytest.mark.parametrize("who", ["other_staff", "parent", "platform_admin"])
def test_only_the_schools_staff_issue_its_codes(world, ctx, who):
    issuer = {
        "other_staff": world.two.emails["admin"], "parent": world.one.emails["parent"], "platform_admin": world.platform_admin,
    }[who]
    with pytest.raises(LinkError, match="Only staff of this school"):
        issue_codes(school(world.one), [pupil(world.one.pupil_a)], user(issuer))


def test_codes_are_not_issued_for_pupils_who_have_left(world, ctx):
    pupil(world.one.pupil_a2).archived_at = datetime.now(UTC)
    db.session.commit()
    with pytest.raises(LinkError, match="have left"):
        issue_codes(school(world.one), [pupil(world.one.pupil_a2)], None)


@pytest.mark.parametrize("days", [0, -1, 367])
def test_a_code_lives_between_one_day_and_a_year(world, ctx, days):
    with pytest.raises(LinkError, match="1 to 366 days"):
        code_for(world.one, world.one.pupil_a2, days_valid=days)


def test_no_pupils_no_codes(world, ctx):
    assert issue_codes(school(world.one), [], None) == []


# --- redeeming -------------------------------------------------------------


def test_a_parent_links_to_the_child_on_the_letter(world, ctx):
    code = code_for(world.one, world.one.pupil_a2)
    sam = new_parent("Sam")
    assert redeem(sam, code).id == world.one.pupil_a2
    assert [child.id for child in children_of(sam)] == [world.one.pupil_a2]
    row = row_for(code)
    assert row.used_at is not None and row.used_by_id == sam.id


def test_a_parent_already_linked_stays_linked_once(world, ctx):
    parent = user(world.one.emails["parent"])  # the world links them to pupil_a
    assert redeem(parent, code_for(world.one, world.one.pupil_a)).id == world.one.pupil_a
    assert links(parent, world.one.pupil_a) == 1


def test_the_same_parent_typing_their_used_code_again_is_fine(world, ctx):
    code = code_for(world.one, world.one.pupil_a2)
    sam = new_parent("Sam")
    redeem(sam, code)
    assert redeem(sam, code).id == world.one.pupil_a2  # a double tap, or the back button
    assert links(sam, world.one.pupil_a2) == 1


def test_a_used_code_does_not_bring_back_a_link_the_school_removed(world, ctx):
    code = code_for(world.one, world.one.pupil_a2)
    sam = new_parent("Sam")
    redeem(sam, code)
    [(link, _, _)] = [row for row in links_for_school(world.one.school_id) if row[1].id == sam.id]
    assert revoke_link(world.one.school_id, link.id)
    assert refused(sam, code) == USED
    assert links(sam, world.one.pupil_a2) == 0


def test_a_code_works_once(world, ctx):
    code = code_for(world.one, world.one.pupil_a2)
    redeem(new_parent("Sam"), code)
    kim = new_parent("Kim")
    assert refused(kim, code) == USED
    assert "already been used" in USED
    assert links(kim, world.one.pupil_a2) == 0


def test_two_parents_racing_for_one_code_only_the_first_gets_it(world, ctx, monkeypatch):
    """Kim's request reads the code while it is unused; Sam's request uses it before Kim's writes."""
    code = code_for(world.one, world.one.pupil_a2)
    sam, kim = new_parent("Sam"), new_parent("Kim")
    real_find = parent_links.find_code

    def sam_gets_there_first(typed):
        row = real_find(typed)
        monkeypatch.setattr(parent_links, "find_code", real_find)
        redeem(sam, typed)  # commits
        db.session.refresh(row)
        set_committed_value(row, "used_at", None)  # what Kim's request read a moment ago
        set_committed_value(row, "used_by_id", None)
        return row

    real_claim, claims = parent_links._claim, []
    monkeypatch.setattr(parent_links, "_claim", lambda *args: claims.append(real_claim(*args)) or claims[-1])
    monkeypatch.setattr(parent_links, "find_code", sam_gets_there_first)
    assert refused(kim, code) == USED
    assert claims == [True, False]  # Sam's UPDATE changed the row; Kim's, guarded by used_at IS NULL, did not
    assert links(sam, world.one.pupil_a2) == 1 and links(kim, world.one.pupil_a2) == 0
    assert row_for(code).used_by_id == sam.id


def test_two_parents_at_the_same_moment_on_two_connections(app, world, monkeypatch):
    """Real concurrency: two threads, two database connections, one code.

    On PostgreSQL both read the code as unused before either writes, so the
    guarded UPDATE decides. SQLite lets one writer in at a time, so the
    second simply finds the code used.
    """
    with app.app_context():
        code = code_for(world.one, world.one.pupil_a2)
        parents = [new_parent("Sam").id, new_parent("Kim").id]
        postgres = db.engine.dialect.name == "postgresql"
        db.session.remove()
    if postgres:
        both_read = threading.Barrier(2, timeout=10)
        real_find = parent_links.find_code

        def find_then_wait(typed):
            row = real_find(typed)
            both_read.wait()
            return row

        monkeypatch.setattr(parent_links, "find_code", find_then_wait)
    real_claim, claims = parent_links._claim, []
    monkeypatch.setattr(parent_links, "_claim", lambda *args: claims.append(real_claim(*args)) or claims[-1])
    results: dict[int, str] = {}

    def attempt(parent_id: int) -> None:
        with app.app_context():
            try:
                redeem(db.session.get(User, parent_id), code)
                results[parent_id] = "linked"
            except Exception as error:  # noqa: BLE001 - reported below, never lost in the thread
                results[parent_id] = str(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(parent_id,)) for parent_id in parents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values()) == sorted(["linked", USED]), results
    assert sorted(claims) == ([False, True] if postgres else [True])  # PostgreSQL: the guarded UPDATE turned one away
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(ParentLink).where(
            ParentLink.pupil_id == world.one.pupil_a2)).scalar_one() == 1


def test_a_revoked_code_is_refused(world, ctx):
    code = code_for(world.one, world.one.pupil_a2)
    assert revoke_code(world.one.school_id, row_for(code).id)
    assert refused(new_parent("Sam"), code) == REVOKED


def test_a_code_works_all_of_its_last_day_and_not_after(world, ctx, monkeypatch):
    freeze(monkeypatch, datetime(2026, 3, 10, 15, 0, tzinfo=UTC))
    early, late = code_for(world.one, world.one.pupil_a2), code_for(world.one, world.one.pupil_b)
    assert last_day(row_for(early)) == last_day(row_for(late)) == datetime(2026, 4, 9).date()
    freeze(monkeypatch, datetime(2026, 4, 9, 23, 59, 59, tzinfo=UTC))  # 00:59 in London (summer time)
    assert redeem(new_parent("Sam"), early).id == world.one.pupil_a2
    freeze(monkeypatch, datetime(2026, 4, 10, 0, 0, tzinfo=UTC))
    kim = new_parent("Kim")
    assert refused(kim, late) == EXPIRED
    assert links(kim, world.one.pupil_b) == 0


def test_a_parent_can_link_to_a_child_in_another_school(world, ctx):
    """Parents belong to no school: the code decides which child, and only that child."""
    parent = user(world.one.emails["parent"])
    assert redeem(parent, code_for(world.two, world.two.pupil_b)).id == world.two.pupil_b
    assert {child.id for child in children_of(parent)} == {world.one.pupil_a, world.two.pupil_b}
    assert all(p.school_id == world.one.school_id for _, _, p in links_for_school(world.one.school_id))
    assert any(p.id == world.two.pupil_b and u.id == parent.id for _, u, p in links_for_school(world.two.school_id))


def test_a_code_whose_school_does_not_match_its_pupil_is_refused(world, ctx):
    code = code_for(world.two, world.two.pupil_b)
    row_for(code).school_id = world.one.school_id  # can only happen by a mistake in the database
    db.session.commit()
    assert refused(new_parent("Sam"), code) == UNKNOWN


def test_a_code_for_a_pupil_who_has_left_is_refused(world, ctx):
    code = code_for(world.one, world.one.pupil_a2)
    pupil(world.one.pupil_a2).archived_at = datetime.now(UTC)
    db.session.commit()
    assert refused(new_parent("Sam"), code) == UNKNOWN


@pytest.mark.parametrize("who", ["teacher_a", "admin", "platform_admin", "pupil"])
def test_only_parents_redeem_codes(world, ctx, who):
    code = code_for(world.one, world.one.pupil_a2)
    account = pupil(world.one.pupil_a) if who == "pupil" else user(world.platform_admin if who == "platform_admin" else world.one.emails[who])
    assert refused(account, code) == NOT_PARENT
    assert row_for(code).used_at is None


def test_typing_is_forgiving_about_case_spaces_hyphens_and_look_alikes():
    assert normalise_code(" k7qm 4txa ") == "K7QM4TXA"
    assert normalise_code("K7QM\u20134TXA") == "K7QM4TXA"  # an en dash from a word processor
    assert normalise_code("ｋ７ｑｍ－４ｔｘａ") == "K7QM4TXA"  # full-width, from some phone keyboards
    assert normalise_code("oO-iI lL") == "001111"
    assert normalise_code(None) == ""


def test_a_code_typed_loosely_still_works(world, ctx, monkeypatch):
    draws = iter("K7QM4TXA" + "10ABCDEF")
    monkeypatch.setattr(parent_links.secrets, "choice", lambda alphabet: next(draws))
    first, second = code_for(world.one, world.one.pupil_a2), code_for(world.one, world.one.pupil_b)
    assert (first, second) == ("K7QM-4TXA", "10AB-CDEF")
    assert redeem(new_parent("Sam"), " k7qm 4txa ").id == world.one.pupil_a2
    assert redeem(new_parent("Kim"), "lo ab cd ef").id == world.one.pupil_b  # l for 1, o for 0


@pytest.mark.parametrize("typed", ["", "   ", "K7QM", "K7QM-4TXA-K7QM", "UUUU-UUUU", "K7QM-4TX!", "x" * 5000])
def test_anything_else_is_an_unknown_code(world, ctx, typed):
    code_for(world.one, world.one.pupil_a2)
    assert refused(new_parent("Sam"), typed) == UNKNOWN


# --- guessing ----------------------------------------------------------------


def test_wrong_codes_are_limited_per_account(world, ctx):
    tries = parse(parent_links.ACCOUNT_RULE).amount
    code = code_for(world.one, world.one.pupil_a2)
    sam = new_parent("Sam")
    for _ in range(tries):
        assert refused(sam, "AAAA-AAAA") == UNKNOWN
    assert refused(sam, code) == TOO_MANY  # even the right code, until the window passes
    assert "Too many wrong codes" in TOO_MANY
    assert row_for(code).used_at is None
    assert redeem(new_parent("Kim"), code).id == world.one.pupil_a2  # other accounts are not blocked


def test_spent_codes_count_as_wrong_tries_and_right_ones_do_not(world, ctx):
    tries = parse(parent_links.ACCOUNT_RULE).amount
    used = code_for(world.one, world.one.pupil_a2)
    redeem(new_parent("Kim"), used)
    sam = new_parent("Sam")
    for _ in range(tries - 1):
        assert refused(sam, used) == USED
    assert redeem(sam, code_for(world.one, world.one.pupil_b)).id == world.one.pupil_b
    assert refused(sam, "AAAA-AAAA") == UNKNOWN
    assert refused(sam, code_for(world.one, world.one.pupil_a)) == TOO_MANY


def test_wrong_codes_are_limited_per_address(world, ctx):
    account_tries, address_tries = parse(parent_links.ACCOUNT_RULE).amount, parse(parent_links.IP_RULE).amount
    code = code_for(world.one, world.one.pupil_a2)
    guessers = [new_parent(f"Guesser{n}") for n in range(-(-address_tries // account_tries))]
    for attempt in range(address_tries):
        assert refused(guessers[attempt // account_tries], "AAAA-AAAA", ip="203.0.113.9") == UNKNOWN
    assert refused(new_parent("Sam"), code, ip="203.0.113.9") == TOO_MANY
    assert redeem(user("sam@home.test"), code, ip="198.51.100.7").id == world.one.pupil_a2


def test_the_address_comes_from_the_request(app, world):
    tries = parse(parent_links.IP_RULE).amount
    with app.test_request_context("/parent/link", method="POST", environ_base={"REMOTE_ADDR": "203.0.113.9"}):
        code = code_for(world.one, world.one.pupil_a2)
        for n in range(tries):
            parent = new_parent(f"Guesser{n}")
            assert refused(parent, "AAAA-AAAA") == UNKNOWN
        assert refused(new_parent("Sam"), code) == TOO_MANY
        db.session.remove()


# --- staff: seeing and removing links and codes ------------------------------


def test_staff_see_their_schools_links_only(world, ctx):
    sam = new_parent("Sam")
    redeem(sam, code_for(world.one, world.one.pupil_b))
    rows = links_for_school(world.one.school_id)
    assert [(p.first_name, u.email) for _, u, p in rows] == [("Amara", world.one.emails["parent"]), ("Chloe", sam.email)]
    assert all(link.parent_id == u.id and link.pupil_id == p.id for link, u, p in rows)
    assert [u.email for _, u, _ in links_for_school(world.two.school_id)] == [world.two.emails["parent"]]


def test_staff_remove_a_link_of_their_school_only(world, ctx):
    [(own, parent, _)] = links_for_school(world.one.school_id)
    [(other, other_parent, _)] = links_for_school(world.two.school_id)
    assert revoke_link(world.one.school_id, other.id) is False
    assert revoke_link(world.one.school_id, 424242) is False
    assert links(other_parent, world.two.pupil_a) == 1
    assert revoke_link(world.one.school_id, own.id) is True
    assert children_of(parent) == []
    assert revoke_link(world.one.school_id, own.id) is False  # already gone


def test_staff_revoke_a_code_of_their_school_only(world, ctx):
    code = code_for(world.two, world.two.pupil_a2)
    assert revoke_code(world.one.school_id, row_for(code).id) is False
    assert revoke_code(world.one.school_id, 424242) is False
    assert redeem(new_parent("Sam"), code).id == world.two.pupil_a2


def test_open_codes_are_the_letters_still_waiting(world, ctx, monkeypatch):
    waiting = code_for(world.one, world.one.pupil_b)
    redeem(new_parent("Sam"), code_for(world.one, world.one.pupil_a2))
    revoke_code(world.one.school_id, row_for(code_for(world.one, world.one.pupil_a)).id)
    code_for(world.two, world.two.pupil_a)
    assert [row.id for row in open_codes(world.one.school_id)] == [row_for(waiting).id]
    freeze(monkeypatch, row_for(waiting).expires_at)
    assert open_codes(world.one.school_id) == []


def test_removing_a_pupil_removes_their_codes(world, ctx):
    code_for(world.one, world.one.pupil_a2)
    db.session.execute(delete(Pupil).where(Pupil.id == world.one.pupil_a2))
    db.session.commit()
    assert db.session.execute(select(func.count()).select_from(ParentLinkCode)).scalar_one() == 0
