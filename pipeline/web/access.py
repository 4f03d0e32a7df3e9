"""Who may do what: a request's token (a Bearer header for the API, the link for a page), its role, and
the CSRF token and origin of a form sent from a page. Each either returns what it checked or raises a
`Refusal`. (Rate limits come before any of this, in the guard.)"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

from .guard import BodyTooLarge
from .pages import CSRF_COOKIE
from .refusals import Refusal
from .state import portal
from .tokens import EDITOR, Token


def bearer(request: Request) -> Token:
    """The API's caller, by its `Authorization: Bearer` token."""
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    token = portal(request).tokens.find(secret.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        raise Refusal(401, "unauthorized", "a valid token is needed: Authorization: Bearer <token>")
    return token


Before = Callable[[Request, Token], Awaitable[None]]  # a look at a request before its body is read


def editor(token: Token) -> Token:
    if token.role != EDITOR:
        raise Refusal(403, "forbidden", "only editors may see this")
    return token


def page_token(request: Request, role: str) -> Token:
    """The page's visitor, by the link's token, which must be one of `role`."""
    token = portal(request).tokens.find(request.path_params["token"])
    if token is None:
        raise Refusal(401, "unauthorized", "this link is not valid (it may have been revoked); ask the "
                                           "report's editors for a new one")
    if token.role != role:
        raise Refusal(403, "forbidden", "this link does not open this page")
    return token


async def read_form(request: Request) -> FormData:
    try:
        return await request.form(max_files=2, max_fields=20)
    except BodyTooLarge:
        raise Refusal(413, "too-large", f"the request is over the limit of {portal(request).settings.megabytes}"
                      ) from None
    except (HTTPException, ValueError, KeyError, UnicodeDecodeError) as exc:
        detail = getattr(exc, "detail", None) or str(exc)
        raise Refusal(400, "bad-request", f"not a form upload: {detail}") from None


def same_site(request: Request, origin: str | None) -> bool:
    """Whether a form's Origin is the portal itself: one of the host names the editor configured (never
    just the Host the request names), or the request's own host only when the portal answers any host."""
    if origin in (None, "null"):
        return True
    settings = portal(request).settings
    if settings.any_host:
        return origin == f"{request.url.scheme}://{request.url.netloc}"
    return (urlsplit(origin).hostname or "") in settings.allowed_hosts


def check_csrf(request: Request, form: FormData) -> None:
    cookie, sent = request.cookies.get(CSRF_COOKIE, ""), str(form.get("csrf", ""))
    if not cookie or not hmac.compare_digest(cookie.encode(), sent.encode()) or not same_site(
            request, request.headers.get("origin")):
        raise Refusal(403, "csrf", "the form is out of date or came from another site; reload the page and "
                                   "try again")


async def posted_from_page(request: Request, role: str, first: Before | None = None) -> tuple[Token, FormData]:
    """A form sent from one of the portal's pages: by a valid link of `role`, carrying the page's CSRF
    token. Returns the link's token and the form; `first` may refuse the request before the form is read."""
    token = page_token(request, role)
    if first:
        await first(request, token)
    form = await read_form(request)
    check_csrf(request, form)
    return token, form


async def posted_to_api(request: Request, first: Before | None = None) -> tuple[Token, FormData]:
    """A form sent to the API, by a valid Bearer token; `first` may refuse it before the form is read."""
    token = bearer(request)
    if first:
        await first(request, token)
    return token, await read_form(request)
