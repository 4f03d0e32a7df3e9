"""What stands between the network and the portal's handlers: security headers on every answer, a rate
limit per client on pages and on changes, a few pages per client made at once (the rest wait their turn),
request bodies bounded in size and in time before they are read to the end. (Slow headers and too many
connections are the server's: server.py.)"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager, nullcontext

from starlette.responses import HTMLResponse, JSONResponse, Response

from .refusals import Refusal
from .throttle import RateLimits

HEADERS = {
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",  # the token is in the page's address: never send it elsewhere
    "cache-control": "no-store",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


PAGES_AT_ONCE = 4  # per client: a browser asks for six at most, and a page is mostly the processor's work


class Turns:
    """Per client, at most `n` pages made at once; the others wait their turn without holding a thread. A
    flood from one address then shares the cores with everyone else's pages instead of taking them all."""

    def __init__(self, n: int = PAGES_AT_ONCE):
        self.n = n
        self.lines: dict[str, tuple[asyncio.Semaphore, list[int]]] = {}  # client → its turns, how many want one

    @asynccontextmanager
    async def turn(self, client: str):
        line, wanting = self.lines.setdefault(client, (asyncio.Semaphore(self.n), [0]))
        wanting[0] += 1
        try:
            async with line:
                yield
        finally:
            wanting[0] -= 1
            if not wanting[0]:
                del self.lines[client]


class Guard:
    """Security headers on every answer; a client over its rate limit answered 429 before anything else;
    request bodies over the limit refused with 413 before they are read to the end (by Content-Length,
    else while streaming); a body that stops coming (nothing for `idle` seconds, or not all of it within
    `deadline`) ends in 408."""

    def __init__(self, app, limit: int, shown: int | None = None, rates: RateLimits | None = None, idle: float = 30,
                 deadline: float = 600):
        self.app, self.limit, self.rates, self.idle, self.deadline = app, limit, rates, idle, deadline
        self.shown = shown or limit  # the limit people are told: the file's, not the form's around it
        self.turns = Turns()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k.encode(), v.encode()) for k, v in HEADERS.items() if k.encode() not in present]
            await send(message)

        client = (scope.get("client") or ("?",))[0]
        if self.rates and scope["path"] not in UNLIMITED:
            wait = self.rates.wait(client, scope["method"])
            if wait:
                return await too_many(wait, scope)(scope, receive, send_with_headers)
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            return await too_large(self.shown, scope)(scope, receive, send_with_headers)
        seen, complete = 0, False
        loop = asyncio.get_running_loop()
        until = loop.time() + self.deadline

        async def counted():
            nonlocal seen, complete
            if complete:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(0.01, min(self.idle, until - loop.time())))
            except asyncio.TimeoutError:
                raise BodyTooSlow() from None
            seen += len(message.get("body", b""))
            complete = not message.get("more_body", False)
            if seen > self.limit:
                raise BodyTooLarge()
            return message

        page = scope["method"] in ("GET", "HEAD") and scope["path"] not in UNLIMITED and not scope["path"].startswith(
            "/static/")
        try:
            async with self.turns.turn(client) if page else nullcontext():
                await self.app(scope, counted, send_with_headers)
        except BodyTooLarge:
            if not started:
                await too_large(self.shown, scope)(scope, receive, send_with_headers)


UNLIMITED = frozenset({"/api/health"})  # the probe a proxy or monitor calls: cheap, and must always answer


class BodyTooSlow(Refusal):
    """Raised while a request body streams in, when it stops coming: the handlers answer it as a 408."""

    def __init__(self):
        super().__init__(408, "too-slow", "the file stopped coming before it was all sent; check the connection "
                                          "and send it again")


class BodyTooLarge(Exception):
    """Raised while a request body streams in, once it passes the limit (the handlers never see it but
    as a 413)."""


def too_large(limit: int, scope) -> Response:
    message = f"the file is over the limit of {limit / 1_000_000:g} MB; compress its pictures or split it"
    if scope["path"].startswith("/api/"):
        return JSONResponse({"error": "too-large", "message": message}, status_code=413)
    return HTMLResponse(plain_page("Too large", f"The file is over the limit of {limit / 1_000_000:g} MB: compress "
                                                "its pictures or split it, then go back and send it again."), 413)


def plain_page(title: str, text: str) -> str:
    """A page the guard answers with before any handler (so without the templates)."""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            '<link rel="stylesheet" href="/static/style.css"></head><body><main class="wrap">'
            f'<section class="panel message" role="alert"><h1>{title}</h1><p>{text}</p></section></main></body>'
            '</html>')


def too_many(wait: int, scope) -> Response:
    message = "too many requests from your address; wait a minute and try again"
    headers = {"retry-after": str(wait)}
    if scope["path"].startswith("/api/"):
        return JSONResponse({"error": "too-many-requests", "message": message, "retry_after": wait},
                            status_code=429, headers=headers)
    return HTMLResponse(plain_page("Too many requests", f"Too many requests from your address: wait {wait} "
                                                        "seconds, then try again."), 429, headers)
