"""How the portal answers with a page: its templates, each page carrying the form's CSRF token, and the
pages that need no link (the front page, the static files)."""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from .. import __version__
from ..templating import render
from .state import STATIC_TYPES, portal

CSRF_COOKIE = "jr_csrf"


def page(request: Request, name: str, context: dict, status: int = 200) -> HTMLResponse:
    """A template of templates/ as the answer, with the CSRF token its forms send back (kept in a
    same-site cookie, so a form from another site cannot carry it)."""
    csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    html = render(portal(request).templates, f"pipeline/web/templates/{name}",
                  {**context, "csrf": csrf, "version": __version__}, name=name)
    response = HTMLResponse(html, status_code=status)
    response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https")
    return response


def message(request: Request, title: str, text: str, status: int = 200, back: str = "") -> HTMLResponse:
    """A page that only says something: a refusal, or where to go."""
    return page(request, "message.html", {"title": title, "message": text, "status": status, "back": back}, status)


async def home(request: Request) -> Response:
    return message(request, "jointreport", "Open the link the report's editors sent you")


async def static_file(request: Request) -> Response:
    path = portal(request).statics.get(request.path_params["name"])
    if path is None:
        return Response("not found", status_code=404, media_type="text/plain")
    return Response(path.read_bytes(), media_type=STATIC_TYPES[path.suffix],
                    headers={"cache-control": "public, max-age=3600"})


ROUTES = [
    Route("/", home),
    Route("/static/{name}", static_file),
]
