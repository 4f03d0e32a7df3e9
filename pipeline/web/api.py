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
from .access import bearer, editor, posted_to_api
from .drafts import accept, finished, mark_final, within_quota
from .state import portal


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok", "version": __version__})


def preferred_wait(request: Request) -> float | None:
    """How long the caller waits for the card (RFC 7240 `Prefer: respond-async, wait=N`); by default
    until it is made."""
    prefer = request.headers.get("prefer", "").lower()
    if "respond-async" not in prefer:
        return None
    wait = next((p.split("=", 1)[1] for p in prefer.replace(",", ";").split(";") if p.strip().startswith("wait=")),
                "0")
    try:
        return min(max(float(wait), 0.0), 60.0)
    except ValueError:
        return 0.0


async def drafts(request: Request) -> Response:
    """A draft's report card: 201 and where it was stored, or 422 when it cannot be read (nothing stored).
    With `Prefer: respond-async`, 202 and where to ask for it, when it is not made within the wait."""
    token, form = await posted_to_api(request, within_quota)
    job = await accept(request, token, form)
    if not await portal(request).conversions.wait(job, preferred_wait(request)):
        return JSONResponse(job_state(request, job), status_code=202)
    result = finished(job)
    return JSONResponse(result.api, status_code=result.status)


def job_state(request: Request, job) -> dict:
    return {"job": job.id, "state": job.state, "place": portal(request).conversions.place(job),
            "url": f"/api/drafts/jobs/{job.id}"}


async def draft_job(request: Request) -> Response:
    """A queued draft: its place in line, or its card once made (the card's own status in `status`)."""
    token = bearer(request)
    job = portal(request).conversions.find(request.path_params["job"], token.id)
    if job is None:
        return JSONResponse({"error": "not-found", "message": "no such upload (cards are kept an hour)"}, 404)
    if job.state != "done":
        return JSONResponse(job_state(request, job))
    result = finished(job)
    return JSONResponse({**job_state(request, job), "status": result.status, **result.api})


async def final(request: Request) -> Response:
    """Mark the draft final; `final=no` withdraws the mark."""
    token, form = await posted_to_api(request)
    withdraw = str(form.get("final", "")).lower() in ("no", "false", "0")
    stored = await mark_final(request, token, form, final=not withdraw)
    return JSONResponse({"path": stored.relpath, "status": "draft" if withdraw else "final"})


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
        started = builder.start()
        return JSONResponse(builder.job.to_json(), status_code=202 if started else 409)
    return JSONResponse(builder.job.to_json())


ROUTES = [
    Route("/api/health", health),
    Route("/api/drafts", drafts, methods=["POST"]),
    Route("/api/drafts/final", final, methods=["POST"]),
    Route("/api/drafts/jobs/{job}", draft_job),
    Route("/api/status", board),
    Route("/api/findings", findings),
    Route("/api/build", build, methods=["GET", "POST"]),
]
