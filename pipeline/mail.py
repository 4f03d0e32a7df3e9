"""Sending the reminder digests through the coalition's SMTP server.

Where the server is comes from the command line, else the environment
(JOINTREPORT_SMTP_HOST/PORT/USER), else report.yaml's `smtp:`; the password
only ever from the environment (JOINTREPORT_SMTP_PASSWORD), so it never lands
in a repository. STARTTLS is used whenever the server offers it, and a
project can require it. A log under build/ keeps the same digest from going
out twice on one day; one failed recipient never stops the others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from .errors import JointreportError
from .files import write_atomically

TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    user: str = ""
    password: str = ""
    tls: str = "auto"  # auto: STARTTLS when offered; required: refuse a server without it; off


def smtp_settings(configured: dict, host: str | None = None, port: int | None = None,
                  environ: dict | None = None) -> SmtpSettings:
    """The command line wins over the environment, which wins over report.yaml."""
    environ = os.environ if environ is None else environ
    chosen_host = host or environ.get("JOINTREPORT_SMTP_HOST") or configured.get("host") or ""
    if not chosen_host:
        raise JointreportError("no SMTP server to send through: give --smtp-host, set JOINTREPORT_SMTP_HOST, "
                               "or add smtp: {host: …} to report.yaml")
    raw_port = port or environ.get("JOINTREPORT_SMTP_PORT") or configured.get("port") or 25
    try:
        chosen_port = int(raw_port)
    except ValueError:
        raise JointreportError(f"JOINTREPORT_SMTP_PORT: {raw_port!r} is not a port number") from None
    return SmtpSettings(chosen_host, chosen_port, environ.get("JOINTREPORT_SMTP_USER") or configured.get("user") or "",
                        environ.get("JOINTREPORT_SMTP_PASSWORD", ""), configured.get("tls") or "auto")


@dataclass
class Delivery:
    sent: list[str]  # agency ids
    skipped: list[str]  # already sent today (the log says so)
    failed: dict[str, str]  # agency id → why


def digest_key(message: EmailMessage) -> str:
    """The same recipients and the same text are the same digest, whatever the Date header says."""
    body = message.get_content() if not message.is_multipart() else str(message)
    return hashlib.sha256(f"{message['To']}\n{message['Subject']}\n{body}".encode()).hexdigest()[:16]


def send_all(messages: dict[str, EmailMessage], settings: SmtpSettings, log: Path, day: dt.date,
             again: bool = False) -> Delivery:
    """Send each agency's digest over one connection; log what went out."""
    sent_before = _sent_on(log, day)
    delivery = Delivery([], [], {})
    pending = {}
    for agency, message in messages.items():
        if not again and digest_key(message) in sent_before:
            delivery.skipped.append(agency)
        else:
            pending[agency] = message
    if not pending:
        return delivery
    with _connect(settings) as server:
        for agency, message in pending.items():
            try:
                refused = server.send_message(message)
            except smtplib.SMTPRecipientsRefused as exc:
                refused = exc.recipients
            except smtplib.SMTPException as exc:
                delivery.failed[agency] = _reason(exc)
                continue
            if refused:
                delivery.failed[agency] = "; ".join(f"{who}: {_reason(err)}" for who, err in refused.items())
                continue
            delivery.sent.append(agency)
            _log(log, {"day": day.isoformat(), "agency": agency, "to": message["To"], "digest": digest_key(message),
                       "sent_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")})
    return delivery


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    try:
        server = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
        server.ehlo()
        if settings.tls != "off" and server.has_extn("starttls"):
            server.starttls(context=ssl.create_default_context())
            server.ehlo()
        elif settings.tls == "required":
            server.quit()
            raise JointreportError(f"{settings.host}:{settings.port} offers no STARTTLS, and report.yaml requires "
                                   "it (smtp: {tls: required}); nothing was sent")
        if settings.user and settings.password:
            server.login(settings.user, settings.password)
    except (OSError, smtplib.SMTPException) as exc:
        raise JointreportError(f"cannot send through {settings.host}:{settings.port}: {_reason(exc)}; "
                               "nothing was sent") from None
    return server


def _reason(exc) -> str:
    if isinstance(exc, tuple) and len(exc) == 2:  # (code, message) of a refused recipient
        exc = smtplib.SMTPResponseException(*exc)
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {' '.join(text.split())}"
    return " ".join(str(exc).split()) or type(exc).__name__


def _sent_on(log: Path, day: dt.date) -> set[str]:
    if not log.is_file():
        return set()
    found = set()
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("day") == day.isoformat():
            found.add(entry.get("digest"))
    return found


def _log(log: Path, entry: dict) -> None:
    previous = log.read_bytes() if log.is_file() else b""
    write_atomically(log, previous + (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8"))
