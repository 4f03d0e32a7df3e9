"""Reminders: one short, polite plain-text e-mail per agency that owes something.

Coalition partners asked for "light e-mails with links rather than
attachments", so each message lists what is overdue and what is due next,
with dates and links, and what to fix in the drafts the agency sent; it
carries no attachment. The messages are written as .eml files for the editor
to review, or sent through SMTP (`mail.py`).
"""

from __future__ import annotations

import datetime as dt
import email.utils
from email.message import EmailMessage
from pathlib import Path

from ..files import write_atomically
from ..model import Agency, Finding, Project
from ..registers.merge import Overdue, rows_at
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


def _open_findings(findings: list[Finding]) -> list[str]:
    """What to fix in the agency's drafts: per file, each problem (one message: one term, one kind of
    fix) with how often it occurs and its first place, in the order the check found them."""
    lines = []
    for path in dict.fromkeys(f.path for f in findings):
        mine = [f for f in findings if f.path == path]
        lines.append(f"  - {path}:")
        for code, message in dict.fromkeys((f.code, f.message) for f in mine):
            same = [f for f in mine if f.code == code and f.message == message]
            where = f" (first at {same[0].location})" if same[0].location else ""
            more = f"{len(same)} × " if len(same) > 1 else ""
            lines.append(f"      {more}{message}{where}")
    return lines


def _register_line(project: Project, late: Overdue) -> str:
    count, register = len(late.rows), project.registers[late.sheet.register]
    return (f"  - {register.title(project.language, project.language)}: {count} row{'s' * (count != 1)} last reviewed "
            f"more than {late.months} months ago, the oldest on {late.oldest.strftime('%d %B %Y')} "
            f"({late.sheet.relpath}, {rows_at(late.sheet, late.rows)})")


def reminder(project: Project, board: Board, due: AgencyDue,
             findings: list[Finding] | None = None) -> EmailMessage | None:
    """One digest for an agency's focal point: what is overdue or due soon, and what to fix in its drafts
    (errors and warnings of the check); None when there is nothing to say or nobody to say it to."""
    agency = project.agencies[due.id]
    to_fix = [f for f in findings or [] if f.agency == due.id and f.severity in ("error", "warning")
              and f.code != "registers/stale-rows"]  # those are listed with the other rows to review
    late = [r for r in board.registers if r.sheet.agency == due.id]
    if not (due.owes or to_fix or late) or not agency.contact_email:
        return None
    rows = board.rows_by_id()
    overdue = [rows[s] for s in due.owes if s in due.overdue]
    upcoming = [rows[s] for s in due.owes if s not in due.overdue]
    message = EmailMessage()
    sender = project.reminders.get("from") or f"{project.coalition} editors <editors@localhost>"
    message["From"] = _one_line(sender)
    message["To"] = email.utils.formataddr((_one_line(agency.contact_name), _one_line(agency.contact_email)))
    subject = f"{project.title}: {len(due.owes)} section{'s' * (len(due.owes) != 1)} due" if due.owes \
        else f"{project.title}: {len(to_fix)} point{'s' * (len(to_fix) != 1)} to fix in your drafts" if to_fix \
        else f"{project.title}: register rows to review"
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
    if to_fix:
        lines += ["To fix in the drafts you sent:"] + _open_findings(to_fix) + [""]
    if late:
        lines += ["Register rows to review (the coalition keeps its shared registers up to date):"]
        lines += [_register_line(project, rows) for rows in late] + [""]
    if due.owes or to_fix:
        example = due.owes[0] if due.owes else to_fix[0].section or "the-section-id"
        lines += [f"Please put the files in {_link(project, agency)}, named after the section "
                  f"(for example {example}.docx)."]
    if late:
        lines += [f"Please check those rows, set their Reviewed date to the day you did, and put the sheet back in "
                  f"{_link(project, agency)}registers/."]
    if board.next_milestone:
        m = board.next_milestone
        lines.append(f"Next milestone for the whole report: {m.title}, {m.date.strftime('%d %B %Y')}.")
    lines += ["", "With thanks and best regards,", f"The editors, {project.coalition}"]
    message.set_content("\n".join(lines) + "\n")
    return message


def reminders(project: Project, board: Board, findings: list[Finding]) -> tuple[dict[str, EmailMessage], list[str]]:
    """agency id → its digest, and the agencies that owe something but have no contact e-mail."""
    messages, unreachable = {}, []
    for due in board.agencies:
        message = reminder(project, board, due, findings)
        if message is not None:
            messages[due.id] = message
        elif (due.owes or any(r.sheet.agency == due.id for r in board.registers)) \
                and not project.agencies[due.id].contact_email:
            unreachable.append(due.id)
    return messages, unreachable


def write_reminders(messages: dict[str, EmailMessage], as_of: dt.date, out: Path) -> list[Path]:
    """Each digest as an .eml file for the editor to review and send by hand."""
    written = []
    for agency_id, message in messages.items():
        path = out / f"{as_of.isoformat()}-{agency_id}.eml"
        write_atomically(path, bytes(message))
        written.append(path)
    return written
