"""/a/<token>/returned/<section>: the agency's Word draft of a section given back with the editors' fixes as
tracked changes and comments (`jointreport return`), to review in Word and send back through the same
page; its answers then show in the editors' comment–response matrix."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from ..commands.return_ import returned_draft
from .access import page_token
from .refusals import Refusal
from .state import portal
from .tokens import AGENCY

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def returned(request: Request) -> Response:
    token = page_token(request, AGENCY)
    here = portal(request)
    path = await run_in_threadpool(returned_draft, here.settings.root, token.agency, request.path_params["section"],
                                   here.settings.as_of)
    if path is None:
        raise Refusal(404, "not-found", "there is no Word draft of yours for this section to give back")
    return FileResponse(path, filename=path.name, media_type=WORD)


ROUTES = [Route("/a/{token}/returned/{section}", returned)]
