"""The JSON API: /api/health; drafts and their final mark (Bearer token of an agency, or of an editor naming
the agency); the status board, the findings and the background build (editors)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import __version__
from ..commands.check import check
from ..commands.status import status
from ..present import summary
from .access import bearer, editor, limited, posted_to_api
from .drafts import mark_final, receive
from .state import portal


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok", "version": __version__})


async def drafts(request: Request) -> Response:
    """A draft's report card: 201 and where it was stored, or 422 when it cannot be read (nothing stored)."""
    card, stored = await receive(request, *await posted_to_api(request))
    body = {"findings": [f.to_json() for f in card.findings], "summary": summary(card.findings)}
    if stored is None:
        return JSONResponse({"error": "not-a-draft", "message": "the file cannot be read as a draft", **body},
                            status_code=422)
    body["stored"] = {"path": stored.relpath, "sha256": stored.sha256, "version": stored.version}
    body["words"] = card.draft.words
    return JSONResponse(body, status_code=201)


async def final(request: Request) -> Response:
    stored = await mark_final(request, *await posted_to_api(request))
    return JSONResponse({"path": stored.relpath, "status": "final"})


async def board(request: Request) -> Response:
    editor(bearer(request))
    settings = portal(request).settings
    _, standing = await run_in_threadpool(status, settings.root, settings.as_of)
    return JSONResponse(standing.to_json())


async def findings(request: Request) -> Response:
    editor(bearer(request))
    settings = portal(request).settings
    result = await run_in_threadpool(check, settings.root, settings.as_of)
    return JSONResponse({"findings": [f.to_json() for f in result.findings], "summary": summary(result.findings)})


async def build(request: Request) -> Response:
    """GET: the background build's state; POST: start one (202), unless one is running (409)."""
    editor(bearer(request))
    builder = portal(request).builder
    if request.method == "POST":
        limited(request)
        started = builder.start()
        return JSONResponse(builder.job.to_json(), status_code=202 if started else 409)
    return JSONResponse(builder.job.to_json())


ROUTES = [
    Route("/api/health", health),
    Route("/api/drafts", drafts, methods=["POST"]),
    Route("/api/drafts/final", final, methods=["POST"]),
    Route("/api/status", board),
    Route("/api/findings", findings),
    Route("/api/build", build, methods=["GET", "POST"]),
]
