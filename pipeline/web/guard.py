"""What stands between the network and the portal's handlers: security headers on every answer, request
bodies bounded before they are read to the end, a rate limit on requests that change something, and
access logs that never show a link's secret."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import defaultdict, deque

from starlette.responses import HTMLResponse, JSONResponse, Response

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


class Guard:
    """Security headers on every answer; request bodies over the limit refused with 413 before they are
    read to the end (by Content-Length, else while streaming)."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

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

        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            return await too_large(self.limit, scope)(scope, receive, send_with_headers)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise BodyTooLarge()
            return message

        try:
            await self.app(scope, counted, send_with_headers)
        except BodyTooLarge:
            if not started:
                await too_large(self.limit, scope)(scope, receive, send_with_headers)


class BodyTooLarge(Exception):
    """Raised while a request body streams in, once it passes the limit (the handlers never see it but
    as a 413)."""


def too_large(limit: int, scope) -> Response:
    message = f"the request is over the limit of {limit / 1_000_000:g} MB"
    if scope["path"].startswith("/api/"):
        return JSONResponse({"error": "too-large", "message": message}, status_code=413)
    return HTMLResponse('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Too large</title>'
                        '<link rel="stylesheet" href="/static/style.css"></head><body><main class="wrap">'
                        f'<section class="panel message" role="alert"><h1>Too large</h1><p>The file is over the '
                        f'limit of {limit / 1_000_000:g} MB: compress its pictures or split it, then go back and '
                        'send it again.</p></section></main></body></html>', status_code=413)


class RateLimit:
    """At most `rate` requests that change something per client and minute (sliding window)."""

    def __init__(self, rate: int):
        self.rate = rate
        self.seen: dict[str, deque] = defaultdict(deque)
        self.lock = threading.Lock()

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        with self.lock:
            window = self.seen[client]
            while window and now - window[0] > 60:
                window.popleft()
            if len(window) >= self.rate:
                return False
            window.append(now)
            return True


class RedactTokens(logging.Filter):
    """Access logs show /a/<redacted>: a link's secret must not end up in a log file."""

    SECRET = re.compile(r"^/(a|e)/[^/?]+")

    @classmethod
    def path(cls, path: str) -> str:
        return cls.SECRET.sub(r"/\1/<redacted>", path)

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3 and isinstance(record.args[2], str):
            args = list(record.args)
            args[2] = self.path(args[2])
            record.args = tuple(args)
        return True
