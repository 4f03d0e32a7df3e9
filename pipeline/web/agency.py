"""An agency's page, /a/<token>: its sections with their deadlines and drafts, a form per section to send a
draft or a translation (answered with the report card, or with its place in line and a page that
updates itself until the card is made) and one to mark it final, after a confirmation, or to withdraw
the mark. It works without JavaScript."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..commands.status import status_and_drafts
from ..inputs import Contribution
from ..model import STATUSES, Project, Section
from ..timeline import SectionRow, agency_status
from . import store
from .access import page_token, posted_from_page
from .drafts import accept, finished, mark_final, within_quota
from .pages import page
from .plain import LANGUAGES
from .refusals import Refusal
from .state import Portal, portal
from .tokens import AGENCY, Token

PAGE_WAIT = 20  # seconds a form's post waits for its card before it is answered with its place in line


def agency_context(here: Portal, token: Token, link: str) -> dict:
    """What the agency's page shows: its sections only, each as the board sees it on the portal's day."""
    project, board, originals = status_and_drafts(here.settings.root, here.settings.as_of)
    rows = board.rows_by_id()
    history = store.audit_entries(project, 500, f"contributions/{token.agency}/")
    sections = [section_context(project, section, rows[section.id], token.agency, originals, history)
                for section in project.sections.values() if token.agency in section.agencies]
    agency = project.agencies[token.agency]
    return {"title": f"{agency.short} · {project.title}", "report": project.title, "agency": agency.name,
            "short": agency.short, "sections": sections, "token": link, "card": None, "notice": "",
            "as_of": board.as_of.isoformat(), "megabytes": here.settings.megabytes,
            "languages": [{"code": code, "name": LANGUAGES.get(code, code)} for code in project.languages]}


def section_context(project: Project, section: Section, row: SectionRow, agency: str,
                    originals: list[Contribution], history: list[dict]) -> dict:
    source = [c for c in originals if c.section_id == section.id and c.agency == agency
              and c.lang == project.source_language]
    return {
        "id": section.id, "number": section.number, "title": section.title,
        "role": "lead" if section.lead == agency else "contributor",
        "required": section.required,
        "words": f"{section.words[0]}–{section.words[1]}" if section.words else "",
        "due": row.due.isoformat() if row.due else "",
        "milestone": row.milestone.title if row.milestone else "",
        "overdue": row.overdue, "days_late": row.days_late,
        "status": agency_status(section, agency, originals),
        "file": bool(source),
        "word": any(c.format == "docx" for c in source),  # given back with the editors' fixes tracked
        "translations": [LANGUAGES.get(lang, lang) for lang in project.languages[1:]
                         if store.draft_files(project, agency, section.id, lang)],
        "last": next((e["when"][:16].replace("T", " ") for e in history if e["action"] == "upload"
                      and e["what"].rsplit("/", 1)[-1].split(".")[0] == section.id), ""),
        "final": bool(source) and STATUSES.index(source[0].meta.status) >= STATUSES.index("final"),
    }


async def agency_page(request: Request) -> Response:
    token = page_token(request, AGENCY)
    context = await run_in_threadpool(agency_context, portal(request), token, request.path_params["token"])
    return page(request, "agency.html", context)


async def upload(request: Request) -> Response:
    """The page again, with the draft's report card: 201 stored, 422 not readable (nothing stored); or, when
    others' drafts are ahead of it, 202 and its place in line, on a page that updates itself."""
    token, form = await posted_from_page(request, AGENCY, within_quota)
    here = portal(request)
    job = await accept(request, token, form)
    if not await here.conversions.wait(job, PAGE_WAIT):
        return await waiting(request, token, job, 202)
    return await with_card(request, token, job)


async def with_card(request: Request, token: Token, job) -> Response:
    result = finished(job)
    context = await run_in_threadpool(agency_context, portal(request), token, request.path_params["token"])
    context["card"] = result.card
    return page(request, "agency.html", context, result.status)


async def waiting(request: Request, token: Token, job, status: int = 200) -> Response:
    place = portal(request).conversions.place(job)
    link = request.path_params["token"]
    return page(request, "waiting.html", {
        "title": "Checking your draft", "place": place, "token": link, "refresh": f"/a/{link}/cards/{job.id}"},
        status)


async def card(request: Request) -> Response:
    """Where a draft that waited for its turn shows its place, then its card."""
    token = page_token(request, AGENCY)
    job = portal(request).conversions.find(request.path_params["job"], token.id)
    if job is None:
        raise Refusal(404, "not-found", "this report card is no longer kept (cards are kept an hour); your "
                                        "sections show what was received")
    if job.state != "done":
        return await waiting(request, token, job)
    return await with_card(request, token, job)


async def final(request: Request) -> Response:
    """Mark a draft final once the focal point ticked the confirmation; `final=no` withdraws the mark."""
    token, form = await posted_from_page(request, AGENCY)
    withdraw = form.get("final") == "no"
    if not withdraw and form.get("confirm") != "yes":
        raise Refusal(422, "not-confirmed", "tick the box to confirm that your agency agreed this version, then "
                                            "mark it final")
    await mark_final(request, token, form, final=not withdraw)
    return RedirectResponse(f"/a/{request.path_params['token']}#s-{form.get('section')}", status_code=303)


async def back_to_page(request: Request) -> Response:
    """A form's address opened again (the address bar after a card shown without JavaScript, a restored
    session): the link's page, where the card's draft now shows."""
    page_token(request, AGENCY)
    return RedirectResponse(f"/a/{request.path_params['token']}", status_code=303)


ROUTES = [
    Route("/a/{token}", agency_page),
    Route("/a/{token}/upload", upload, methods=["POST"]),
    Route("/a/{token}/cards/{job}", card),
    Route("/a/{token}/final", final, methods=["POST"]),
    Route("/a/{token}/upload", back_to_page, methods=["GET"]),
    Route("/a/{token}/final", back_to_page, methods=["GET"]),
]
