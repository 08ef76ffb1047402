"""Sending one email through SMTP (the standard library's smtplib), or to the log.

SMTP_URL says where:
  smtp://user:pass@host:587   plain SMTP upgraded with STARTTLS; STARTTLS is
                              required whenever a user name is given, so a
                              password never crosses the network in clear
                              (smtp://host:25 with no user: a local relay)
  smtps://user:pass@host:465  TLS from the first byte
User names and passwords may be percent-encoded (user%40example.org).
With no SMTP_URL the message is written to the log instead (development).
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

log = logging.getLogger("quizapp.mail")
TIMEOUT_SECONDS = 30


class MailConfigError(ValueError):
    pass


@dataclass(frozen=True)
class SmtpServer:
    tls: bool  # smtps://
    host: str
    port: int
    user: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpServer:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise MailConfigError("SMTP_URL must look like smtp://user:pass@host:587 or smtps://user:pass@host:465")
    tls = parts.scheme == "smtps"
    return SmtpServer(tls=tls, host=parts.hostname, port=parts.port or (465 if tls else 587),
                      user=unquote(parts.username) if parts.username else None,
                      password=unquote(parts.password) if parts.password else None)


def build(sender: str, to: str, subject: str, body: str, message_id: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id or make_msgid(domain="staysafe.invalid")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    return message


def send(smtp_url: str, message: EmailMessage) -> None:
    """Send one message; raises (smtplib.SMTPException, OSError) when it did not go."""
    if not smtp_url:
        log.info("Email (no SMTP_URL set, so not sent):\n%s", message.as_string())
        return
    server = parse_smtp_url(smtp_url)
    context = ssl.create_default_context()
    if server.tls:
        client = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT_SECONDS, context=context)
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
    with client:
        if not server.tls:
            client.ehlo()
            if client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
            elif server.user:
                raise MailConfigError("the mail server does not offer STARTTLS: not sending the password in clear")
        if server.user:
            client.login(server.user, server.password or "")
        client.send_message(message)
