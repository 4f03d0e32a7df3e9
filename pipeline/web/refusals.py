"""Refusals are answers, never crashes: no or unknown token 401, another agency's section 403, an unknown
section 404, a body that stopped coming 408, too large 413, not a draft 422 (with its input/unreadable
finding), too many requests or over a quota 429 (with Retry-After), a project whose own files are broken
or records that cannot be read 503, a full disk 507. Handlers raise; the one handler here answers, as
JSON under /api/ and as a page elsewhere. No answer shows a path of the server's or a link's secret;
the log line for the editor names what to fix."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from ..errors import JointreportError
from ..present import summary
from .logs import Redactor
from .pages import message
from .records import DiskFull, StateDamaged
from .uploads import UploadRefused

log = logging.getLogger("jointreport.web")

REASONS = {"unknown-section": 404, "not-assigned": 403, "not-a-draft": 422,
           "not-a-language": 422}  # UploadRefused.reason → status


class Refusal(JointreportError):
    """An HTTP refusal with a plain message, and the findings that explain it (422)."""

    def __init__(self, status: int, error: str, message: str, findings: list | None = None,
                 retry_after: int | None = None):
        super().__init__(message)
        self.status, self.error, self.message, self.findings = status, error, message, findings or []
        self.retry_after = retry_after

    @classmethod
    def of(cls, exc: JointreportError, root=None) -> Refusal:
        """The refusal a problem the user can fix amounts to: an upload the project has no place for, a
        full disk, records that cannot be read, or (any other) a problem of the project's own files,
        such as an editor's typo in report.yaml, which stops anything being checked."""
        if isinstance(exc, Refusal):
            return exc
        if isinstance(exc, UploadRefused):
            return cls(REASONS[exc.reason], exc.reason, str(exc), exc.findings)
        if isinstance(exc, DiskFull):
            return cls(507, "disk-full", str(exc))
        if isinstance(exc, StateDamaged):
            return cls(503, "records-damaged", str(exc), retry_after=300)
        return cls(503, "project-broken", "the report project has a problem the editors must fix first: "
                                          + Redactor(root).page(str(exc)), retry_after=300)

    @property
    def headers(self) -> dict[str, str]:
        return {"retry-after": str(self.retry_after)} if self.retry_after else {}

    def json(self) -> JSONResponse:
        body = {"error": self.error, "message": self.message}
        if self.status == 422:
            body |= {"findings": [f.to_json() for f in self.findings], "summary": summary(self.findings)}
        if self.retry_after:
            body["retry_after"] = self.retry_after
        return JSONResponse(body, status_code=self.status, headers=self.headers)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def refused(request: Request, exc: JointreportError) -> Response:
    """Every refusal of every handler, as JSON for the API or as a page; a valid link's page gets a way
    back to the link's own page. What is not the visitor's to fix is logged for the editors."""
    root = request.app.state.portal.settings.root
    refusal = Refusal.of(exc, root)
    if refusal.error == "project-broken":
        log.error("the project cannot be read: %s", exc)
    if is_api(request):
        return refusal.json()
    parts = request.url.path.split("/")  # ['', 'a', token, 'upload']
    back = "/".join(parts[:3]) if len(parts) > 3 and refusal.status not in (401, 503) else ""
    response = message(request, "Not possible", refusal.message.rstrip("."), refusal.status, back)
    response.headers.update(refusal.headers)
    return response


async def not_found(request: Request, exc: HTTPException) -> Response:
    """No such route (404) or method (405)."""
    status = exc.status_code
    if is_api(request):
        return JSONResponse({"error": "not-found" if status == 404 else "refused",
                             "message": str(exc.detail or "not found")}, status_code=status)
    return message(request, "Not found", "There is no such page", status)


async def server_error(request: Request, exc: Exception) -> Response:
    """A bug: logged with its traceback (the log names no secret), answered without detail."""
    log.exception("internal error on %s %s", request.method, request.url.path)
    text = "internal error (a bug in jointreport); the report's editors can find it in the server's log"
    if is_api(request):
        return JSONResponse({"error": "internal", "message": text}, status_code=500)
    return message(request, "Something went wrong", text, 500)


async def gone(request: Request, exc: ClientDisconnect) -> Response:
    """The sender went away while its request was read (a closed tab, a client that gave up): nobody is
    left to answer and nothing is wrong with the portal, so nothing is logged as a bug."""
    return Response(status_code=400)


HANDLERS = {JointreportError: refused, HTTPException: not_found, ClientDisconnect: gone, Exception: server_error}
