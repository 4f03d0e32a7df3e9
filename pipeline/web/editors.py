"""The editors' page, /e/<token>: the status board, every finding (filtered by severity, agency or code),
the upload history, the background build and the built report's downloads."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from ..build import FORMATS
from ..commands.check import check
from ..commands.status import status
from ..editions import output_path
from ..model import SEVERITIES
from ..present import summary
from . import store
from .access import page_token, posted_from_page
from .pages import page
from .refusals import Refusal
from .state import Portal, portal
from .tokens import EDITOR

FILTERS = ("severity", "agency", "code")


def editor_context(here: Portal, link: str, wanted: dict[str, str]) -> dict:
    result = check(here.settings.root, here.settings.as_of)
    project = result.project
    _, board = status(here.settings.root, here.settings.as_of)
    shown = sorted((f for f in result.findings
                    if (not wanted["severity"] or f.severity == wanted["severity"])
                    and (not wanted["agency"] or f.agency == wanted["agency"])
                    and (not wanted["code"] or f.code == wanted["code"])),
                   key=lambda f: (SEVERITIES.index(f.severity) if f.severity in SEVERITIES else len(SEVERITIES),
                                  f.sort_key()))
    downloads = [fmt for fmt in FORMATS if output_path(project, fmt).is_file()]
    return {
        "title": f"Editors · {project.title}", "report": project.title, "token": link,
        "as_of": board.as_of.isoformat(), "summary": summary(result.findings), "drafts": result.drafts_ready,
        "rows": [{"id": r.section.id, "number": r.section.number, "title": r.section.title,
                  "lead": project.agencies[r.section.lead].short, "status": r.status,
                  "due": r.due.isoformat() if r.due else "", "overdue": r.overdue, "days_late": r.days_late,
                  "submitted": r.submitted.isoformat() if r.submitted else ""} for r in board.rows],
        "findings": [f.to_json() for f in shown], "total": len(result.findings), "wanted": wanted,
        "severities": SEVERITIES, "agencies": sorted(project.agencies),
        "codes": sorted({f.code for f in result.findings}),
        "job": here.builder.job.to_json(), "downloads": downloads, "slug": project.slug,
        "web_edition": (project.build_dir / "html" / "index.html").is_file(),
        "history": store.audit_entries(project, 50),
    }


async def editor_page(request: Request) -> Response:
    page_token(request, EDITOR)
    wanted = {k: request.query_params.get(k, "") for k in FILTERS}
    context = await run_in_threadpool(editor_context, portal(request), request.path_params["token"], wanted)
    return page(request, "editor.html", context)


async def start_build(request: Request) -> Response:
    await posted_from_page(request, EDITOR)
    portal(request).builder.start()
    return RedirectResponse(f"/e/{request.path_params['token']}#build", status_code=303)


async def download(request: Request) -> Response:
    page_token(request, EDITOR)
    fmt = request.path_params["fmt"]
    if fmt not in FORMATS:
        raise Refusal(404, "not-found", "no such download")
    path = output_path(portal(request).project(), fmt)
    if not path.is_file():
        raise Refusal(404, "not-found", "not built yet: press Build")
    return FileResponse(path, filename=path.name)


ROUTES = [
    Route("/e/{token}", editor_page),
    Route("/e/{token}/build", start_build, methods=["POST"]),
    Route("/e/{token}/download/{fmt}", download),
]
