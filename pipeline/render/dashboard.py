"""The status board as people see it: a terminal table, or one self-contained HTML page.

The HTML page is rendered from templates/status.html.j2 in Jinja2's sandbox
(a project's template is not trusted to run code), with every asset inline,
so it works offline from a file or as an e-mail attachment.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from .. import templating
from ..files import write_atomically
from ..model import Project
from ..registers.merge import Overdue
from ..timeline import MISSING, Board, next_month

STATUS_COLOURS = {MISSING: "red", "draft": "yellow", "final": "green", "cleared": "blue"}
TEMPLATE = "status.html.j2"


def board_text(project: Project, board: Board) -> str:
    lines = [click.style(f"{project.title} — status on {board.as_of.isoformat()}", bold=True), ""]
    rows = board.rows_by_id()
    width = max(len(s.heading) for s in project.sections.values()) if rows else 20
    width = min(width, 62)
    for part in project.parts:
        lines.append(click.style(f"Part {part.numeral}: {part.title}", bold=True))
        for chapter in part.chapters:
            lines.append(f"  {chapter.number + '. ' if chapter.number else ''}{chapter.title}")
            for section in chapter.sections:
                row = rows[section.id]
                label = section.heading
                label = label if len(label) <= width else label[: width - 1] + "…"
                status = click.style(f"{row.status:<8}", fg=STATUS_COLOURS[row.status])
                if row.due is None:
                    when = "all milestones reached"
                elif row.overdue:
                    when = click.style(f"due {row.due} ({row.milestone.status}), {row.days_late} days late", fg="red")
                else:
                    when = f"due {row.due} ({row.milestone.status}), {(row.due - board.as_of).days} days left"
                optional = "" if section.required else click.style(" (optional)", dim=True)
                lead = project.agencies[section.lead].short
                lines.append(f"    {label:<{width}}  {status} {when:<44}  {lead}{optional}")
    lines += ["", click.style("Who owes what", bold=True)]
    for agency in board.agencies:
        if not agency.owes:
            continue
        short = project.agencies[agency.id].short
        overdue = click.style(f", overdue: {', '.join(agency.overdue)}", fg="red") if agency.overdue else ""
        lines.append(f"  {short:<18} owes {', '.join(agency.owes)} (next due {agency.next_due}){overdue}")
    for late in board.registers:
        lines.append(f"  {project.agencies[late.sheet.agency].short:<18} " + click.style(
            "register rows to review", fg="red") + f": {_late_rows(project, late)} ({late.sheet.relpath})")
    lines.append("")
    if board.next_milestone:
        m = board.next_milestone
        left = (m.date - board.as_of).days
        blocking = f"blocked by {len(board.blocking)} section(s): {', '.join(board.blocking)}" if board.blocking \
            else "nothing blocks it"
        lines.append(click.style(f"Next milestone: {m.title} ({m.status}) on {m.date} — {left} days left; ", bold=True)
                     + blocking)
    elif project.milestones:
        lines.append(click.style("Every milestone has passed.", bold=True))
    else:
        lines.append(click.style("report.yaml sets no milestones yet.", bold=True))
    return "\n".join(lines)


def _late_rows(project: Project, late: Overdue) -> str:
    """'3 rows of Key publications, the oldest last reviewed 2010-06-30 (to review every 6 months)'."""
    count = len(late.rows)
    title = project.registers[late.sheet.register].title(project.language, project.language)
    oldest = "last reviewed" if count == 1 else "the oldest last reviewed"
    return (f"{count} row{'s' * (count != 1)} of {title}, {oldest} {late.oldest.isoformat()} (to review every "
            f"{late.months} months)")


def _timeline_svg_positions(board: Board, project: Project) -> dict:
    """x positions (0–1000) of the milestones and of the day on a horizontal time axis."""
    dates = [m.date for m in project.milestones] + [board.as_of]
    start, end = min(dates) - dt.timedelta(days=20), max(dates) + dt.timedelta(days=20)
    span = max(1, (end - start).days)

    def x(day: dt.date) -> float:
        return round(40 + 920 * (day - start).days / span, 1)

    months = []
    day = dt.date(start.year, start.month, 1)
    while day <= end:
        if day >= start:
            label = day.strftime("%b %Y") if day.month == 1 or not months else day.strftime("%b")
            months.append({"x": x(day), "label": label})
        day = next_month(day)
    return {
        "milestones": [{"x": x(m.date), "title": m.title, "date": m.date.isoformat(), "status": m.status,
                        "past": m.date < board.as_of} for m in project.milestones],
        "today": x(board.as_of),
        "months": months,
    }


def _view(project: Project, board: Board) -> dict:
    """Everything the page shows, as plain strings, numbers, lists and dicts: a template (which a project
    may replace) gets no object whose methods could reach the file system."""
    rows = board.rows_by_id()
    next_milestone = board.next_milestone

    def row_view(row) -> dict:
        section = row.section
        return {
            "id": section.id, "number": section.number, "title": section.title, "required": section.required,
            "lead": project.agencies[section.lead].short, "status": row.status,
            "due": row.due.isoformat() if row.due else "", "due_status": row.milestone.status if row.milestone else "",
            "overdue": row.overdue, "days_late": row.days_late,
            "days_left": (row.due - board.as_of).days if row.due else 0,
        }

    return {
        "title": project.title, "coalition": project.coalition, "edition": project.edition,
        "language": project.language, "as_of": board.as_of.isoformat(),
        "has_milestones": bool(project.milestones),
        "next": {"title": next_milestone.title, "status": next_milestone.status,
                 "date": next_milestone.date.isoformat(), "days_left": (next_milestone.date - board.as_of).days,
                 "blocking": list(board.blocking)} if next_milestone else None,
        "timeline": _timeline_svg_positions(board, project),
        "statuses": [MISSING, "draft", "final", "cleared"],
        "parts": [{"title": f"Part {part.numeral}: {part.title}", "chapters": [
            {"title": f"{chapter.number}. {chapter.title}" if chapter.number else chapter.title,
             "sections": [row_view(rows[s.id]) for s in chapter.sections]}
            for chapter in part.chapters]} for part in project.parts],
        "agencies": [{
            "id": due.id, "short": project.agencies[due.id].short, "name": project.agencies[due.id].name,
            "contact_name": project.agencies[due.id].contact_name,
            "contact_email": project.agencies[due.id].contact_email,
            "overdue": bool(due.overdue),
            "owes": [dict(row_view(rows[s]), overdue=s in due.overdue) for s in due.owes],
            "registers": [_late_rows(project, late) for late in board.registers if late.sheet.agency == due.id],
        } for due in board.agencies],
    }


def board_html(project: Project, board: Board) -> str:
    folder = project.template(TEMPLATE).parent
    return templating.render(templating.sandbox(folder, html=True), project.template_label(TEMPLATE),
                             _view(project, board), name=TEMPLATE)


def write_html(project: Project, board: Board, path: Path) -> Path:
    write_atomically(path, board_html(project, board).encode("utf-8"))
    return path
