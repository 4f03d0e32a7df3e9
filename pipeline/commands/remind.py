"""`jointreport remind`: one digest per agency contact, written as .eml files or sent through SMTP."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..model import Project
from ..timeline import board
from .check import check
from .options import as_of_option, day, project_option

if TYPE_CHECKING:
    from ..mail import Delivery


@dataclass
class Reminders:
    project: Project
    written: list[Path]  # .eml files, when not sent
    delivery: Delivery | None  # what was sent, skipped, refused, when sent
    unreachable: list[str]  # agencies that owe something and have no contact e-mail


def remind(root: Path, as_of: dt.date | None = None, out: Path | None = None, send: bool = False,
           again: bool = False, smtp_host: str | None = None, smtp_port: int | None = None) -> Reminders:
    """One digest per agency contact — what is overdue or due soon, what to fix in its drafts — written as
    .eml files, or sent through SMTP (each digest at most once a day unless `again`)."""
    from ..mail import send_all, smtp_settings  # smtplib and ssl load slowly; only `remind` needs them
    from ..render.reminders import reminders, write_reminders
    today = as_of or dt.date.today()
    checked = check(root, today, with_drafts=True)  # the board needs the drafts' metadata
    project = checked.project
    timeline = board(project, checked.originals, checked.sources.submitted, today, checked.sources.registers)
    messages, unreachable = reminders(project, timeline, checked.findings)
    if not send:
        return Reminders(project, write_reminders(messages, today, out or project.build_dir / "reminders"), None,
                         unreachable)
    settings = smtp_settings(project.smtp, smtp_host, smtp_port)
    sent_log = project.build_dir / "reminders" / "sent.jsonl"
    return Reminders(project, [], send_all(messages, settings, sent_log, today, again), unreachable)


@click.command("remind", short_help="Remind agencies what they owe and what to fix: .eml files, or sent (--send).")
@project_option
@as_of_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the .eml files  [default: build/reminders]")
@click.option("--send", is_flag=True, help="Send the digests through SMTP instead of writing .eml files.")
@click.option("--again", is_flag=True, help="With --send: send a digest again even if it went out today.")
@click.option("--smtp-host", metavar="HOST", help="SMTP server  [default: JOINTREPORT_SMTP_HOST, else report.yaml]")
@click.option("--smtp-port", type=int, metavar="PORT", help="SMTP port  [default: JOINTREPORT_SMTP_PORT, "
                                                            "else report.yaml, else 25]")
def remind_command(project_dir: Path, as_of, out: Path | None, send: bool, again: bool, smtp_host: str | None,
                   smtp_port: int | None) -> int:
    """One digest per agency contact: what is overdue or due soon, and what to
    fix in the drafts it sent. Written as .eml files to review, unless --send.

    The SMTP password comes only from JOINTREPORT_SMTP_PASSWORD.
    """
    result = remind(project_dir, day(as_of), out, send, again, smtp_host, smtp_port)
    for path in result.written:
        click.echo(f"wrote {os.path.relpath(path)}")
    delivery = result.delivery
    if delivery:
        for agency in delivery.sent:
            click.echo(f"sent the digest to {result.project.agencies[agency].contact_email} ({agency})")
        for agency in delivery.skipped:
            click.echo(f"not sent to {agency}: the same digest went out today (--again to send it anyway)")
        for agency, why in delivery.failed.items():
            click.echo(click.style("error: ", fg="red", bold=True) + f"not delivered to {agency}: {why}", err=True)
    for agency in result.unreachable:
        click.echo(f"no reminder for {agency}: report.yaml gives no contact e-mail", err=True)
    if not result.written and not delivery and not result.unreachable:
        click.echo("nobody owes anything: no reminders to write")
    return 1 if delivery and delivery.failed else 0
