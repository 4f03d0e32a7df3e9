"""The latest web edition for the editors, /e/<token>/build/html/: build/html/ as the last build wrote it,
and the report's files beside it that its pages offer for download (build/<slug>.pdf…). Only an editor's
link opens it (a draft edition is not for circulation); its pages link one another relatively, so they work
under this address as on any web server."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from .access import page_token
from .refusals import Refusal
from .state import portal
from .tokens import EDITOR

SITE = "html"
# The site's own policy (fonts, its search index and Pagefind's WebAssembly), not the portal's pages'.
SITE_POLICY = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
               "style-src-attr 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
               "form-action 'self'; frame-ancestors 'none'")


async def built_file(request: Request) -> Response:
    """A file of build/html/ (a folder: its index.html), or a file directly in build/; nothing hidden."""
    page_token(request, EDITOR)
    build = portal(request).project().build_dir.resolve()
    path = (build / request.path_params["path"]).resolve()
    if path.is_dir():
        path = path / "index.html"
    parts = path.relative_to(build).parts if path.is_relative_to(build) else (".",)
    shown = (len(parts) == 1 or parts[0] == SITE) and not any(part.startswith(".") for part in parts)
    if not shown or not path.is_file():
        raise Refusal(404, "not-found", "not in the web edition: press Build to make it")
    return FileResponse(path, headers={"content-security-policy": SITE_POLICY})


ROUTES = [Route("/e/{token}/build/{path:path}", built_file)]
