"""Reminders: one short, polite plain-text e-mail per agency that owes something.

Coalition partners asked for "light e-mails with links rather than
attachments", so each message lists what is overdue and what is due next,
with dates and links, and carries no attachment. Nothing is sent: the
messages are written as .eml files for the editor to review and send.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from email.message import EmailMessage
from pathlib import Path

from ..files import write_atomically
from ..model import Agency, Project
from ..timeline import AgencyDue, Board, SectionRow


def _link(project: Project, agency: Agency) -> str:
    base = (project.reminders.get("base_url") or "").rstrip("/")
    folder = f"contributions/{agency.id}/"
    return f"{base}/{folder}" if base else folder


def _line(row: SectionRow, as_of: dt.date) -> str:
    section = row.section
    timing = (f"{row.days_late} days late" if row.overdue else f"{(row.due - as_of).days} days left")
    return f"  - {section.heading}: {row.milestone.status} version due {row.due.strftime('%d %B %Y')} ({timing})"


def _one_line(text: str) -> str:
    """Header values may not break lines; a folded YAML title would."""
    return " ".join(text.split())


def reminder(project: Project, board: Board, due: AgencyDue) -> EmailMessage | None:
    agency = project.agencies[due.id]
    if not due.owes or not agency.contact_email:
        return None
    rows = board.rows_by_id()
    overdue = [rows[s] for s in due.owes if s in due.overdue]
    upcoming = [rows[s] for s in due.owes if s not in due.overdue]
    message = EmailMessage()
    sender = project.reminders.get("from") or f"{project.coalition} editors <editors@localhost>"
    message["From"] = _one_line(sender)
    message["To"] = email.utils.formataddr((_one_line(agency.contact_name), _one_line(agency.contact_email)))
    subject = f"{project.title}: {len(due.owes)} section{'s' * (len(due.owes) != 1)} due"
    message["Subject"] = _one_line(subject + (f", {len(overdue)} overdue" if overdue else ""))
    moment = dt.datetime.combine(board.as_of, dt.time(9, 0), tzinfo=dt.timezone.utc)
    message["Date"] = email.utils.format_datetime(moment)
    lines = [f"Dear {agency.contact_name or agency.short + ' focal point'},", "",
             f"Thank you for {agency.short}'s work on {project.title}. "
             f"A short note on what we still need from {agency.short}:", ""]
    if overdue:
        lines += ["Overdue:"] + [_line(row, board.as_of) for row in overdue] + [""]
    if upcoming:
        lines += ["Coming up:"] + [_line(row, board.as_of) for row in upcoming] + [""]
    lines += [f"Please put the files in {_link(project, agency)}, named after the section "
              f"(for example {due.owes[0]}.docx)."]
    if board.next_milestone:
        m = board.next_milestone
        lines.append(f"Next milestone for the whole report: {m.title}, {m.date.strftime('%d %B %Y')}.")
    lines += ["", "With thanks and best regards,", f"The editors, {project.coalition}"]
    message.set_content("\n".join(lines) + "\n")
    return message


def write_reminders(project: Project, board: Board, out: Path) -> tuple[list[Path], list[str]]:
    """The .eml files written, and the agencies that owe something but have no contact e-mail."""
    written, unreachable = [], []
    for due in board.agencies:
        message = reminder(project, board, due)
        if message is None:
            if due.owes:
                unreachable.append(due.id)
            continue
        path = out / f"{board.as_of.isoformat()}-{due.id}.eml"
        write_atomically(path, bytes(message))
        written.append(path)
    return written, unreachable
