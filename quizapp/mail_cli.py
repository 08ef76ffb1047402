"""Command line for email: flask --app quizapp outbox send|worker, concerns remind."""
from __future__ import annotations

import logging
import time

import click
from flask.cli import AppGroup

outbox_cli = AppGroup("outbox", help="Send the emails waiting in the outbox.")
concerns_cli = AppGroup("concerns", help="Alerts about pupils' concerns.")


@outbox_cli.command("send")
def outbox_send() -> None:
    """Send every email that is due, once (for cron), after the concern
    second alerts that are due."""
    from .services import alerts, outbox

    reminders = alerts.remind_due()
    sent, failed = outbox.send_due()
    click.echo(f"Second alerts: {reminders}. Sent {sent} email(s); {failed} failed and wait to be tried again; "
               f"{outbox.waiting()} waiting.")


@outbox_cli.command("worker")
@click.option("--interval", default=15.0, show_default=True, help="Seconds between runs.")
@click.option("--runs", default=0, help="Stop after this many runs (0: run until stopped).")
def outbox_worker(interval: float, runs: int) -> None:
    """Send due emails and second alerts every INTERVAL seconds, until stopped.
    Several workers may run at once: each email is sent by one of them."""
    from .extensions import db
    from .services import alerts, outbox

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    log = logging.getLogger("quizapp.outbox")
    done = 0
    while True:
        try:
            alerts.remind_due()
            sent, failed = outbox.send_due()
            if sent or failed:
                log.info("sent %s email(s), %s failed", sent, failed)
        except Exception:  # noqa: BLE001 - a database hiccup must not stop the worker
            log.exception("outbox run failed; trying again in %s seconds", interval)
            db.session.rollback()
        finally:
            db.session.remove()
        done += 1
        if runs and done >= runs:
            return
        time.sleep(interval)


@concerns_cli.command("remind")
def concerns_remind() -> None:
    """Queue the second alert for new concerns no DSL has opened within the
    school's delay (counted in school hours). The outbox worker does this
    itself; this is for running it alone."""
    from .services import alerts

    click.echo(f"Second alerts queued for {alerts.remind_due()} concern(s).")
