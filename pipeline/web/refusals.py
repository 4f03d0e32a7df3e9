"""Refusals are answers, never crashes: no or unknown token 401, another agency's section 403, an unknown
section 404, too large 413, not a draft 422 (with its input/unreadable finding), too many requests 429, a
project whose own files are broken 503. Handlers raise; the one handler here answers, as JSON under /api/
and as a page elsewhere."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..errors import JointreportError
from ..present import summary
from .guard import RedactTokens
from .pages import message
from .uploads import UploadRefused

log = logging.getLogger("jointreport.web")

REASONS = {"unknown-section": 404, "not-assigned": 403, "not-a-draft": 422}  # UploadRefused.reason → status


class Refusal(JointreportError):
    """An HTTP refusal with a plain message, and the findings that explain it (422)."""

    def __init__(self, status: int, error: str, message: str, findings: list | None = None):
        super().__init__(message)
        self.status, self.error, self.message, self.findings = status, error, message, findings or []

    @classmethod
    def of(cls, exc: JointreportError) -> Refusal:
        """The refusal a problem the user can fix amounts to: an upload the project has no place for, or
        (any other) a problem of the project's own files, such as an editor's typo in report.yaml, which
        stops anything being checked."""
        if isinstance(exc, Refusal):
            return exc
        if isinstance(exc, UploadRefused):
            return cls(REASONS[exc.reason], exc.reason, str(exc), exc.findings)
        return cls(503, "project-broken", f"the report project has a problem the editors must fix first: {exc}")

    def json(self) -> JSONResponse:
        body = {"error": self.error, "message": self.message}
        if self.status == 422:
            body |= {"findings": [f.to_json() for f in self.findings], "summary": summary(self.findings)}
        return JSONResponse(body, status_code=self.status)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def refused(request: Request, exc: JointreportError) -> Response:
    """Every refusal of every handler, as JSON for the API or as a page; a valid link's page gets a way
    back to the link's own page."""
    refusal = Refusal.of(exc)
    if is_api(request):
        return refusal.json()
    parts = request.url.path.split("/")  # ['', 'a', token, 'upload']
    back = "/".join(parts[:3]) if len(parts) > 3 and refusal.status != 401 else ""
    return message(request, "Not possible", refusal.message.rstrip("."), refusal.status, back)


async def not_found(request: Request, exc: HTTPException) -> Response:
    """No such route (404) or method (405)."""
    status = exc.status_code
    if is_api(request):
        return JSONResponse({"error": "not-found" if status == 404 else "refused",
                             "message": str(exc.detail or "not found")}, status_code=status)
    return message(request, "Not found", "There is no such page", status)


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("internal error on %s", RedactTokens.path(request.url.path))  # a link's secret stays out
    return JSONResponse({"error": "internal", "message": "internal error (a bug in jointreport)"}, status_code=500)


HANDLERS = {JointreportError: refused, HTTPException: not_found, Exception: server_error}
