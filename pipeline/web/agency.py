"""An agency's page, /a/<token>: its sections with their deadlines and drafts, a form per section to send a
draft (answered with the report card) and one to mark it final. It works without JavaScript."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..commands.status import status_and_drafts
from ..model import STATUSES, Contribution, Section
from ..present import summary
from ..timeline import SectionRow, agency_status
from . import store
from .access import page_token, posted_from_page
from .drafts import mark_final, receive
from .pages import page
from .state import Portal, portal
from .tokens import AGENCY, Token
from .uploads import Card


def agency_context(here: Portal, token: Token, link: str) -> dict:
    """What the agency's page shows: its sections only, each as the board sees it on the portal's day."""
    project, board, originals = status_and_drafts(here.settings.root, here.settings.as_of)
    rows = board.rows_by_id()
    history = [e for e in store.audit_entries(project) if e["what"].startswith(f"contributions/{token.agency}/")]
    sections = [section_context(section, rows[section.id], token.agency, originals, history)
                for section in project.sections.values() if token.agency in section.agencies]
    agency = project.agencies[token.agency]
    return {"title": f"{agency.short} · {project.title}", "report": project.title, "agency": agency.name,
            "short": agency.short, "sections": sections, "token": link, "card": None, "notice": "",
            "as_of": board.as_of.isoformat()}


def section_context(section: Section, row: SectionRow, agency: str, originals: list[Contribution],
                    history: list[dict]) -> dict:
    mine = [c for c in originals if c.section_id == section.id and c.agency == agency]
    return {
        "id": section.id, "number": section.number, "title": section.title,
        "role": "lead" if section.lead == agency else "contributor",
        "required": section.required,
        "words": f"{section.words[0]}–{section.words[1]}" if section.words else "",
        "due": row.due.isoformat() if row.due else "",
        "milestone": row.milestone.title if row.milestone else "",
        "overdue": row.overdue, "days_late": row.days_late,
        "status": agency_status(section, agency, originals),
        "file": mine[0].path.name if mine else "",
        "last": next((e["when"][:16].replace("T", " ") for e in history
                      if e["what"].rsplit("/", 1)[-1].split(".")[0] == section.id), ""),
        "final": bool(mine) and STATUSES.index(mine[0].meta.status) >= STATUSES.index("final"),
    }


def card_context(card: Card, stored: store.Stored | None, heading: str) -> dict:
    """The report card as plain data for the template."""
    counts = summary(card.findings)
    return {"section": card.contribution.section_id, "heading": heading, "file": card.contribution.relpath,
            "stored": bool(stored), "sha256": stored.sha256 if stored else "",
            "words": card.draft.words if card.draft else 0, "summary": counts,
            "verdict": ("cannot be read" if not card.readable else
                        "errors to fix" if counts["error"] else "warnings to look at" if counts["warning"]
                        else "all clear"),
            "findings": [f.to_json() for f in card.findings]}


async def agency_page(request: Request) -> Response:
    token = page_token(request, AGENCY)
    context = await run_in_threadpool(agency_context, portal(request), token, request.path_params["token"])
    return page(request, "agency.html", context)


async def upload(request: Request) -> Response:
    """The page again, with the draft's report card: 201 stored, 422 not readable (nothing stored)."""
    token, form = await posted_from_page(request, AGENCY)
    card, stored = await receive(request, token, form)
    context = await run_in_threadpool(agency_context, portal(request), token, request.path_params["token"])
    section = card.project.sections[card.contribution.section_id]
    context["card"] = card_context(card, stored, section.heading)
    return page(request, "agency.html", context, 201 if stored else 422)


async def final(request: Request) -> Response:
    token, form = await posted_from_page(request, AGENCY)
    await mark_final(request, token, form)
    return RedirectResponse(f"/a/{request.path_params['token']}#s-{form.get('section')}", status_code=303)


ROUTES = [
    Route("/a/{token}", agency_page),
    Route("/a/{token}/upload", upload, methods=["POST"]),
    Route("/a/{token}/final", final, methods=["POST"]),
]
