"""Command line: flask --app quizapp <command>."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from . import oplog
from .content import get_content
from .content.check import run_check
from .extensions import db
from .models import PARENT, PLATFORM_ADMIN, STAFF, School, User
from .paths import MIGRATIONS_DIR
from .services import backup, counting, data_protection, outbox, throttle
from .services.accounts import AccountError, create_school, create_user, normalise_email, reset_password
from .services.demo import DEMO_SLUG, print_demo_signins, seed
from .services.passwords import password_problem

content_cli = AppGroup("content", help="Check lessons and question banks.")


@content_cli.command("check")
@click.option("--no-reading", is_flag=True, help="Skip the reading-level lint.")
@click.option("--topic", multiple=True, help="Check only this topic (repeatable).")
def content_check(no_reading: bool, topic: tuple[str, ...]) -> None:
    """Validate every content file; list each problem with file, line and field."""
    sys.exit(run_check(current_app.config, reading=not no_reading, only_topics=topic))


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create the database schema, or upgrade it to the latest migration."""
    upgrade(directory=MIGRATIONS_DIR)
    click.echo("Database is up to date.")


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing if any school exists already.")
def seed_demo(if_empty: bool) -> None:
    """Create the demo school and print every demo sign-in."""
    if if_empty and db.session.execute(select(School.id)).first():
        click.echo("The database already has schools; demo data not added.")
        school = db.session.execute(select(School).where(School.slug == DEMO_SLUG)).scalar_one_or_none()
        if school is not None:
            print_demo_signins(school, click.echo)
        return
    school = seed()
    print_demo_signins(school, click.echo)


@click.command("create-school")
@with_appcontext
@click.argument("name")
@click.argument("slug")
def create_school_command(name: str, slug: str) -> None:
    """Create a school: NAME is its full name, SLUG a short unique name (e.g. blean-primary)."""
    try:
        school = create_school(name, slug)
        db.session.commit()
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created school {school.name} ({school.slug}).")


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--name", required=True, help="The name shown in the app.")
@click.option("--kind", type=click.Choice([STAFF, PARENT, PLATFORM_ADMIN]), default=STAFF, show_default=True)
@click.option("--school", "school_slug", help="The school's short name (staff only).")
@click.option("--teacher", is_flag=True, help="Staff role: class teacher.")
@click.option("--dsl", is_flag=True, help="Staff role: designated safeguarding lead.")
@click.option("--deputy-dsl", is_flag=True, help="Staff role: deputy designated safeguarding lead.")
@click.option("--school-admin", is_flag=True, help="Staff role: school admin.")
@click.password_option(help="The password (asked for if not given).")
def create_user_command(email, name, kind, school_slug, teacher, dsl, deputy_dsl, school_admin, password) -> None:
    """Create a staff, parent or platform-admin account."""
    problem = password_problem(password)
    if problem:
        raise click.ClickException(problem)
    school = None
    if school_slug:
        school = db.session.execute(select(School).where(School.slug == school_slug)).scalar_one_or_none()
        if school is None:
            raise click.ClickException(f"no school has the short name '{school_slug}'")
    try:
        user = create_user(email, password, name, kind, school, teacher=teacher, dsl=dsl, school_admin=school_admin,
                           deputy_dsl=deputy_dsl)
        db.session.commit()
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {kind} account {user.email}.")


@click.command("set-password")
@with_appcontext
@click.argument("email")
@click.password_option(help="The new password (asked for if not given).")
def set_password_command(email, password) -> None:
    """Set a new password for an adult who has forgotten theirs (and unlock
    the account); every device they were signed in on is signed out. Give
    them the password in person, and ask them to change it (Change password)."""
    problem = password_problem(password)
    if problem:
        raise click.ClickException(problem)
    user = db.session.execute(select(User).where(User.email == normalise_email(email))).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"there is no account for {email}")
    reset_password(user, password)
    click.echo(f"Set a new password for {user.email}; they are signed out everywhere.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Take a consistent copy of the live SQLite database to PATH (safe while the app runs)."""
    try:
        pages = backup.backup(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except backup.BackupError as exc:
        oplog.record("backup_failed", "cli", "all", path=str(path), error=str(exc))
        raise click.ClickException(str(exc)) from exc
    oplog.record("backup", "cli", "all", path=str(path), pages=pages)
    click.echo(f"Backed up {pages} pages to {path} (integrity check ok).")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the live SQLite database with the backup at PATH."""
    if not yes:
        click.confirm(f"Replace the live database with {path}? Everything since that backup will be lost.", abort=True)
    try:
        backup.restore(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    oplog.record("restore", "cli", "all", path=str(path))
    click.echo(f"Restored the database from {path}.")


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="List who would be erased, and erase nothing.")
@with_appcontext
def retention_command(dry_run: bool) -> None:
    """Erase the learning data and accounts of pupils who left longer ago than
    their school's retention period (safeguarding records are kept),
    sign-in session records, sent emails and ended password links older
    than 30 days, and finished counts of wrong guesses. Run it daily."""
    done = data_protection.apply_retention(dry_run=dry_run)
    verb = "Would erase" if dry_run else "Erased"
    click.echo(f"{verb} {len(done)} pupil account(s) past their school's retention period.")
    sessions = data_protection.prune_sessions(dry_run=dry_run)
    verb = "Would delete" if dry_run else "Deleted"
    click.echo(f"{verb} {sessions} sign-in session record(s) older than {data_protection.SESSION_ROWS_KEPT_DAYS} days.")
    counts = throttle.prune(dry_run=dry_run)
    click.echo(f"{verb} {counts} finished count(s) of wrong guesses.")
    mail = outbox.prune(dry_run=dry_run)
    click.echo(f"{verb} {mail} sent email(s) and ended password link(s) older than {outbox.SENT_KEPT_DAYS} days.")


@click.command("catch-up")
@click.option("--every", type=click.FloatRange(min=0.5), default=None,
              help="Keep running: count every this many seconds (the background counter; see docs/deploy.md).")
@with_appcontext
def catch_up_command(every: float | None) -> None:
    """Count every school's new answers into progress and the dashboards'
    tallies. Pages do this themselves before they show progress; running it
    every few minutes (cron) keeps that work small. With --every, a loop:
    with COUNT_IN_BACKGROUND on, staff pages leave the counting to it."""
    if every is None:
        click.echo(f"Counted {counting.catch_up_everything()} new answer(s).")
        return
    click.echo(f"Counting new answers every {every:g} s.")  # the app and its content are loaded: counting starts now
    counting.catch_up_loop(every)


@click.command("recount")
@click.option("--school", "school_slug", help="Only this school (its slug); every school when left out.")
@with_appcontext
def recount_command(school_slug: str | None) -> None:
    """Recount first tries, module progress and the dashboards' tallies from
    the stored answers (after loading answers in bulk, or after content moved
    a question to another outcome)."""
    query = select(School).order_by(School.id)
    if school_slug:
        query = query.where(School.slug == school_slug)
    schools = db.session.execute(query).scalars().all()
    if school_slug and not schools:
        raise click.ClickException(f"There is no school with the slug {school_slug!r}.")
    for school in schools:
        counted = counting.rebuild_tallies(get_content(), school.id)
        click.echo(f"{school.name}: recounted {counted} answer(s).")


def init_app(app: Flask) -> None:
    from .mail_cli import concerns_cli, outbox_cli

    app.cli.add_command(content_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(concerns_cli)
    for command in (init_db, seed_demo, create_school_command, create_user_command, backup_command, restore_command,
                    retention_command, catch_up_command, recount_command, set_password_command):
        app.cli.add_command(command)
