"""The web face: Starlette routes over the recipe (build.report_card, build.build, build.status).

Refusals are answers, never crashes: no or unknown token 401, another agency's section 403, an
unknown section 404, too large 413, not a draft 422 (with its input/unreadable finding), too many
requests 429. Nothing under contributions/ changes unless an upload was readable.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from .. import __version__
from .. import build as recipe
from ..commands.check import check
from ..commands.status import status, status_and_drafts
from ..errors import JointreportError
from ..model import SEVERITIES, STATUSES
from ..present import summary
from ..templating import render, sandbox
from ..timeline import agency_status
from . import store
from .tokens import AGENCY, EDITOR, Token, TokenStore

log = logging.getLogger("jointreport.web")

MAX_UPLOAD_BYTES = 25_000_000
CSRF_COOKIE = "jr_csrf"
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


@dataclass
class Settings:
    root: Path
    max_upload: int = MAX_UPLOAD_BYTES
    as_of: dt.date | None = None  # judge deadlines as on this day (the example is set in 2011)
    rate: int = 300  # requests that change something, per client and minute


class Refusal(Exception):
    """An HTTP refusal with a plain message, and the findings that explain it (422)."""

    def __init__(self, status: int, error: str, message: str, findings: list | None = None):
        super().__init__(message)
        self.status, self.error, self.message, self.findings = status, error, message, findings or []

    def json(self) -> JSONResponse:
        body = {"error": self.error, "message": self.message}
        if self.status == 422:
            body |= {"findings": [f.to_json() for f in self.findings], "summary": summary(self.findings)}
        return JSONResponse(body, status_code=self.status)


REASONS = {"unknown-section": 404, "not-assigned": 403, "not-a-draft": 422}


def project_broken(exc: JointreportError) -> Refusal:
    """The project's own files are broken (an editor's typo in report.yaml): nothing can be checked."""
    return Refusal(503, "project-broken", f"the report project has a problem the editors must fix first: {exc}")


def guarded(function, *args):
    """Run a recipe call; a problem of the project's own files becomes a 503 refusal, not a crash."""
    try:
        return function(*args)
    except JointreportError as exc:
        raise project_broken(exc) from None


class RedactTokens(logging.Filter):
    """Access logs show /a/<redacted>: a link's secret must not end up in a log file."""

    SECRET = re.compile(r"^/(a|e)/[^/?]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3 and isinstance(record.args[2], str):
            args = list(record.args)
            args[2] = self.SECRET.sub(r"/\1/<redacted>", args[2])
            record.args = tuple(args)
        return True


# ---------------------------------------------------------------- middleware


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
    pass


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


# ---------------------------------------------------------------- background build


@dataclass
class BuildJob:
    state: str = "idle"  # idle, running, done, failed
    started: str | None = None
    finished: str | None = None
    progress: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    message: str = ""

    def to_json(self) -> dict:
        return {"state": self.state, "started": self.started, "finished": self.finished,
                "progress": self.progress[-50:], "outputs": self.outputs, "summary": self.summary,
                "message": self.message}


class Builder:
    """One build at a time, in a thread, its phase messages collected as progress."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.job = BuildJob()
        self.lock = threading.Lock()

    def start(self) -> bool:
        with self.lock:
            if self.job.state == "running":
                return False
            self.job = BuildJob("running", _now())
        threading.Thread(target=self._run, args=(self.job,), daemon=True, name="jointreport-build").start()
        return True

    def _run(self, job: BuildJob) -> None:
        handler = _Collect(job)
        logger = logging.getLogger("jointreport")
        logger.addHandler(handler)
        if logger.level == logging.NOTSET or logger.level > logging.INFO:
            logger.setLevel(logging.INFO)
        try:
            options = recipe.Options(force=True, as_of=self.settings.as_of)
            result = recipe.build(self.settings.root, options)
            root = result.project.root
            job.outputs = [p.relative_to(root).as_posix() for p in result.outputs]
            job.summary = summary(result.findings)
            job.state, job.message = "done", "built"
        except JointreportError as exc:
            job.state, job.message = "failed", str(exc)
        except Exception as exc:  # noqa: BLE001 — a failed build is reported on the page, not lost in a thread
            log.exception("build failed")
            job.state, job.message = "failed", f"internal error: {type(exc).__name__}: {exc}"
        finally:
            logger.removeHandler(handler)
            job.finished = _now()


class _Collect(logging.Handler):
    """The build thread's phase messages (not those of pages checking meanwhile in other threads)."""

    def __init__(self, job: BuildJob):
        super().__init__(logging.INFO)
        self.job = job
        self.thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        ours = record.thread == self.thread or record.threadName.startswith(recipe.WRITER_THREADS)
        if record.name == "jointreport" and ours:
            self.job.progress.append(record.getMessage())


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


# ---------------------------------------------------------------- the application


def create_app(settings: Settings) -> Starlette:
    settings.root = Path(settings.root).resolve()
    tokens = TokenStore(settings.root)
    limiter = RateLimit(settings.rate)
    builder = Builder(settings)
    env = sandbox(Path(str(resources.files("pipeline.web") / "templates")), html=True)
    static = Path(str(resources.files("pipeline.web") / "static"))
    statics = {p.name: p for p in static.iterdir() if p.suffix in (".css", ".js", ".svg")}

    def page(name: str, context: dict, status: int = 200, request: Request | None = None) -> HTMLResponse:
        csrf = (request.cookies.get(CSRF_COOKIE) if request else None) or secrets.token_urlsafe(24)
        html = render(env, f"pipeline/web/templates/{name}", {**context, "csrf": csrf, "version": __version__},
                      name=name)
        response = HTMLResponse(html, status_code=status)
        response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict", path="/",
                            secure=bool(request and request.url.scheme == "https"))
        return response

    def refused_page(refusal: Refusal, request: Request) -> HTMLResponse:
        """A refusal as a page; a valid link gets a way back to its own page."""
        parts = request.url.path.split("/")  # ['', 'a', token, 'upload']
        back = "/".join(parts[:3]) if len(parts) > 3 and refusal.status != 401 else ""
        return page("message.html", {"title": "Not possible", "message": refusal.message.rstrip("."),
                                     "status": refusal.status, "back": back}, refusal.status, request)

    def client(request: Request) -> str:
        return request.client.host if request.client else "?"

    def limited(request: Request) -> None:
        if not limiter.allow(client(request)):
            raise Refusal(429, "too-many-requests", "too many requests; wait a minute and try again")

    def bearer(request: Request) -> Token:
        header = request.headers.get("authorization", "")
        scheme, _, secret = header.partition(" ")
        token = guarded(tokens.find, secret.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            raise Refusal(401, "unauthorized", "a valid token is needed: Authorization: Bearer <token>")
        return token

    def editor(token: Token) -> Token:
        if token.role != EDITOR:
            raise Refusal(403, "forbidden", "only editors may see this")
        return token

    def check_csrf(request: Request, form) -> None:
        cookie, sent = request.cookies.get(CSRF_COOKIE, ""), str(form.get("csrf", ""))
        origin = request.headers.get("origin")
        expected = f"{request.url.scheme}://{request.url.netloc}"
        if not cookie or not hmac.compare_digest(cookie.encode(), sent.encode()) or (
                origin not in (None, "null", expected)):
            raise Refusal(403, "csrf", "the form is out of date or came from another site; reload the page and "
                                       "try again")

    async def read_form(request: Request):
        try:
            return await request.form(max_files=2, max_fields=20)
        except BodyTooLarge:
            raise Refusal(413, "too-large", f"the request is over the limit of "
                                            f"{settings.max_upload / 1_000_000:g} MB") from None
        except (HTTPException, ValueError, KeyError, UnicodeDecodeError) as exc:
            detail = getattr(exc, "detail", None) or str(exc)
            raise Refusal(400, "bad-request", f"not a form upload: {detail}") from None

    async def upload(token: Token, form, agency: str | None = None) -> tuple[recipe.Card, store.Stored | None]:
        """The one upload path of the API and the page: card first; stored only when readable."""
        section_id = str(form.get("section") or "")
        upload_file = form.get("file")
        agency = token.agency if token.role == AGENCY else (agency or str(form.get("agency") or ""))
        if not agency:
            raise Refusal(422, "no-agency", "an editor sends a draft on behalf of an agency: give its id (field "
                                            "'agency')")
        if not hasattr(upload_file, "read"):
            raise Refusal(422, "no-file", "choose a file to send (field 'file')")
        name = upload_file.filename or ""
        fmt = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        data = await upload_file.read(settings.max_upload + 1)
        if len(data) > settings.max_upload:
            refusal = Refusal(413, "too-large", f"the file is over the limit of "
                                                f"{settings.max_upload / 1_000_000:g} MB; compress its pictures or "
                                                "split it")
            await run_in_threadpool(log_refusal, token, refusal, section_id, name, b"")
            raise refusal

        def work():
            card = recipe.report_card(settings.root, agency, section_id, fmt, data, settings.as_of)
            if not card.readable:
                return card, None
            return card, store.submit(card.project, card.contribution, data, f"{token.who} ({token.id})")

        try:
            card, stored = await run_in_threadpool(work)
        except recipe.UploadRefused as refused:
            refusal = Refusal(REASONS[refused.reason], refused.reason, str(refused), refused.findings)
            await run_in_threadpool(log_refusal, token, refusal, section_id, name, data)
            raise refusal from None
        except JointreportError as exc:
            raise project_broken(exc) from None
        if stored is None:
            await run_in_threadpool(log_refusal, token, Refusal(422, "not-a-draft", ""), section_id, name, data)
        return card, stored

    def log_refusal(token: Token, refusal: Refusal, section_id: str, name: str, data: bytes) -> None:
        """A refused upload in the audit log: who tried what (names shortened, never trusted as paths)."""
        project = recipe.load_project(settings.root)
        store.audit(project, f"{token.who} ({token.id})", f"refused-{refusal.status}", section_id[:80],
                    hashlib.sha256(data).hexdigest(), file=name[:120], reason=refusal.error)

    # ---------------- JSON API

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "version": __version__})

    async def api_drafts(request: Request) -> Response:
        try:
            limited(request)
            token = bearer(request)
            form = await read_form(request)
            card, stored = await upload(token, form)
            body = {"findings": [f.to_json() for f in card.findings], "summary": summary(card.findings)}
            if stored is None:
                return JSONResponse({"error": "not-a-draft", "message": "the file cannot be read as a draft",
                                     **body}, status_code=422)
            body["stored"] = {"path": stored.relpath, "sha256": stored.sha256, "version": stored.version}
            body["words"] = card.draft.words
            return JSONResponse(body, status_code=201)
        except Refusal as refusal:
            return refusal.json()

    async def api_final(request: Request) -> Response:
        try:
            limited(request)
            token = bearer(request)
            form = await read_form(request)
            stored = await mark(token, form)
            return JSONResponse({"path": stored.relpath, "status": "final"})
        except Refusal as refusal:
            return refusal.json()

    async def mark(token: Token, form) -> store.Stored:
        section_id = str(form.get("section") or "")
        agency = token.agency if token.role == AGENCY else str(form.get("agency") or "")

        def work():
            project = recipe.load_project(settings.root)
            recipe.draft_target(project, agency, section_id, "md")  # the section must be the agency's
            return store.mark_final(project, agency, section_id, f"{token.who} ({token.id})")

        try:
            stored = await run_in_threadpool(work)
        except recipe.UploadRefused as refused:
            raise Refusal(REASONS[refused.reason], refused.reason, str(refused)) from None
        except JointreportError as exc:
            raise project_broken(exc) from None
        if stored is None:
            raise Refusal(409, "no-draft", "send a draft for this section first")
        return stored

    async def api_status(request: Request) -> Response:
        try:
            editor(bearer(request))
            project, board = await run_in_threadpool(guarded, status, settings.root, settings.as_of)
            return JSONResponse(board.to_json())
        except Refusal as refusal:
            return refusal.json()

    async def api_findings(request: Request) -> Response:
        try:
            editor(bearer(request))
            result = await run_in_threadpool(guarded, check, settings.root, settings.as_of)
            return JSONResponse({"findings": [f.to_json() for f in result.findings],
                                 "summary": summary(result.findings)})
        except Refusal as refusal:
            return refusal.json()

    async def api_build(request: Request) -> Response:
        try:
            editor(bearer(request))
            if request.method == "POST":
                limited(request)
                started = builder.start()
                return JSONResponse(builder.job.to_json(), status_code=202 if started else 409)
            return JSONResponse(builder.job.to_json())
        except Refusal as refusal:
            return refusal.json()

    # ---------------- pages

    def page_token(request: Request, role: str) -> Token:
        token = guarded(tokens.find, request.path_params["token"])
        if token is None:
            raise Refusal(401, "unauthorized", "this link is not valid (it may have been revoked); ask the "
                                               "report's editors for a new one")
        if token.role != role:
            raise Refusal(403, "forbidden", "this link does not open this page")
        return token

    async def posted_from_page(request: Request, role: str):
        """A form sent from one of the portal's pages: within the rate limit, by a valid link of `role`,
        carrying the page's CSRF token. Returns the link's token and the form."""
        limited(request)
        token = page_token(request, role)
        form = await read_form(request)
        check_csrf(request, form)
        return token, form

    def agency_context(token: Token, request: Request) -> dict:
        project, board, originals = status_and_drafts(settings.root, settings.as_of)
        rows = board.rows_by_id()
        history = [e for e in store.audit_entries(project) if e["what"].startswith(f"contributions/{token.agency}/")]
        sections = []
        for section in project.sections.values():
            if token.agency not in section.agencies:
                continue
            row = rows[section.id]
            mine = [c for c in originals if c.section_id == section.id and c.agency == token.agency]
            sections.append({
                "id": section.id, "number": section.number, "title": section.title,
                "role": "lead" if section.lead == token.agency else "contributor",
                "required": section.required,
                "words": f"{section.words[0]}–{section.words[1]}" if section.words else "",
                "due": row.due.isoformat() if row.due else "",
                "milestone": row.milestone.title if row.milestone else "",
                "overdue": row.overdue, "days_late": row.days_late,
                "status": agency_status(section, token.agency, originals),
                "file": mine[0].path.name if mine else "",
                "last": next((e["when"][:16].replace("T", " ") for e in history
                              if e["what"].rsplit("/", 1)[-1].split(".")[0] == section.id), ""),
                "final": bool(mine) and STATUSES.index(mine[0].meta.status) >= STATUSES.index("final"),
            })
        agency = project.agencies[token.agency]
        return {"title": f"{agency.short} · {project.title}", "report": project.title, "agency": agency.name,
                "short": agency.short, "sections": sections, "token": request.path_params["token"],
                "card": None, "notice": "", "as_of": board.as_of.isoformat()}

    async def agency_page(request: Request) -> Response:
        try:
            token = page_token(request, AGENCY)
            context = await run_in_threadpool(guarded, agency_context, token, request)
            return page("agency.html", context, request=request)
        except Refusal as refusal:
            return refused_page(refusal, request)

    async def agency_upload(request: Request) -> Response:
        try:
            token, form = await posted_from_page(request, AGENCY)
            card, stored = await upload(token, form)
        except Refusal as refusal:
            return refused_page(refusal, request)
        try:
            context = await run_in_threadpool(guarded, agency_context, token, request)
        except Refusal as refusal:
            return refused_page(refusal, request)
        section = card.project.sections[card.contribution.section_id]
        context["card"] = card_context(card, stored, section.heading)
        return page("agency.html", context, 201 if stored else 422, request)

    async def agency_final(request: Request) -> Response:
        try:
            token, form = await posted_from_page(request, AGENCY)
            await mark(token, form)
        except Refusal as refusal:
            return refused_page(refusal, request)
        return RedirectResponse(f"/a/{request.path_params['token']}#s-{form.get('section')}", status_code=303)

    def editor_context(request: Request) -> dict:
        result = check(settings.root, settings.as_of, with_drafts=True)  # the page counts the drafts
        project = result.project
        _, board = status(settings.root, settings.as_of)
        wanted = {k: request.query_params.get(k, "") for k in ("severity", "agency", "code")}
        shown = [f for f in result.findings
                 if (not wanted["severity"] or f.severity == wanted["severity"])
                 and (not wanted["agency"] or f.agency == wanted["agency"])
                 and (not wanted["code"] or f.code == wanted["code"])]
        downloads = [fmt for fmt in recipe.FORMATS if recipe.output_path(project, fmt).is_file()]
        return {
            "title": f"Editors · {project.title}", "report": project.title, "token": request.path_params["token"],
            "as_of": board.as_of.isoformat(), "summary": summary(result.findings), "drafts": len(result.drafts),
            "rows": [{"id": r.section.id, "number": r.section.number, "title": r.section.title,
                      "lead": project.agencies[r.section.lead].short, "status": r.status,
                      "due": r.due.isoformat() if r.due else "", "overdue": r.overdue, "days_late": r.days_late,
                      "submitted": r.submitted.isoformat() if r.submitted else ""} for r in board.rows],
            "findings": [f.to_json() for f in shown], "total": len(result.findings), "wanted": wanted,
            "severities": SEVERITIES, "agencies": sorted(project.agencies),
            "codes": sorted({f.code for f in result.findings}),
            "job": builder.job.to_json(), "downloads": downloads, "slug": project.slug,
            "history": store.audit_entries(project, 50),
        }

    async def editor_page(request: Request) -> Response:
        try:
            page_token(request, EDITOR)
            context = await run_in_threadpool(guarded, editor_context, request)
            return page("editor.html", context, request=request)
        except Refusal as refusal:
            return refused_page(refusal, request)

    async def editor_build(request: Request) -> Response:
        try:
            await posted_from_page(request, EDITOR)
        except Refusal as refusal:
            return refused_page(refusal, request)
        builder.start()
        return RedirectResponse(f"/e/{request.path_params['token']}#build", status_code=303)

    async def editor_download(request: Request) -> Response:
        try:
            page_token(request, EDITOR)
            fmt = request.path_params["fmt"]
            if fmt not in recipe.FORMATS:
                raise Refusal(404, "not-found", "no such download")
            project = guarded(recipe.load_project, settings.root)
            path = recipe.output_path(project, fmt)
            if not path.is_file():
                raise Refusal(404, "not-found", "not built yet: press Build")
            return FileResponse(path, filename=path.name)
        except Refusal as refusal:
            return refused_page(refusal, request)

    async def static_file(request: Request) -> Response:
        path = statics.get(request.path_params["name"])
        if path is None:
            return Response("not found", status_code=404, media_type="text/plain")
        media = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}[path.suffix]
        return Response(path.read_bytes(), media_type=media, headers={"cache-control": "public, max-age=3600"})

    async def home(request: Request) -> Response:
        return page("message.html", {"title": "jointreport", "status": 200, "back": "",
                                     "message": "Open the link the report's editors sent you"}, request=request)

    async def not_found(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 404)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "not-found" if status == 404 else "refused", "message": str(
                getattr(exc, "detail", "") or "not found")}, status_code=status)
        return page("message.html", {"title": "Not found", "message": "There is no such page", "status": status,
                                     "back": ""}, status, request)

    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s", request.url.path)
        return JSONResponse({"error": "internal", "message": "internal error (a bug in jointreport)"},
                            status_code=500)

    routes = [
        Route("/", home),
        Route("/api/health", health),
        Route("/api/drafts", api_drafts, methods=["POST"]),
        Route("/api/drafts/final", api_final, methods=["POST"]),
        Route("/api/status", api_status),
        Route("/api/findings", api_findings),
        Route("/api/build", api_build, methods=["GET", "POST"]),
        Route("/a/{token}", agency_page),
        Route("/a/{token}/upload", agency_upload, methods=["POST"]),
        Route("/a/{token}/final", agency_final, methods=["POST"]),
        Route("/e/{token}", editor_page),
        Route("/e/{token}/build", editor_build, methods=["POST"]),
        Route("/e/{token}/download/{fmt}", editor_download),
        Route("/static/{name}", static_file),
    ]
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        with recipe.kept_warm():  # the portal's builds share one Typst: a rebuild sets again only what changed
            yield

    app = Starlette(routes=routes, exception_handlers={HTTPException: not_found, Exception: server_error},
                    lifespan=lifespan)
    app.state.settings = settings
    app.state.builder = builder
    return Guard(app, settings.max_upload + 1_000_000)


def card_context(card: recipe.Card, stored: store.Stored | None, heading: str) -> dict:
    """The report card as plain data for the template."""
    counts = summary(card.findings)
    return {"section": card.contribution.section_id, "heading": heading, "file": card.contribution.relpath,
            "stored": bool(stored), "sha256": stored.sha256 if stored else "",
            "words": card.draft.words if card.draft else 0, "summary": counts,
            "verdict": ("cannot be read" if not card.readable else
                        "errors to fix" if counts["error"] else "warnings to look at" if counts["warning"]
                        else "all clear"),
            "findings": [f.to_json() for f in card.findings]}
