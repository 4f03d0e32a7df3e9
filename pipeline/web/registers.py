"""The shared registers in the portal: an agency's page /a/<token>/registers lists the registers it keeps
rows in, with what `check` says about its sheet; it downloads its rows as a sheet to edit, and sends the
sheet back, which replaces that agency's rows only. The API does the same with a Bearer token (an editor
names the agency).

A sheet sent is stored as contributions/<agency>/registers/<register>.xlsx, in the register's own
columns, each row dated by its own Reviewed date or else by the day it was sent; the sheet it replaces
(.xlsx or .csv) goes to the history, as a draft's earlier versions do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..checks.registers import register_findings
from ..files import Unreadable
from ..model import Finding, Project
from ..present import summary
from ..registers import REGISTERS_DIR, SHEET_TYPES, Register, Sheet
from ..registers.export import agency_table, choices
from ..registers.merge import merge
from ..registers.sheets import read_sheet, read_sheets, workbook
from . import store
from .access import bearer, page_token, posted_from_page, posted_to_api
from .pages import page
from .records import records
from .refusals import Refusal
from .state import Portal, portal
from .tokens import AGENCY, Token

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD = "register-upload"  # the audit log's action


@dataclass
class Sent:
    """A sheet as it was stored: where, its digest, how many rows, and what `check` says about it."""

    relpath: str
    sha256: str
    rows: int
    findings: list[Finding]


def _day(here: Portal) -> dt.date:
    return here.settings.as_of or dt.date.today()


def _register(project: Project, ident: str, agency: str) -> Register:
    register = project.registers.get(ident)
    if register is None:
        raise Refusal(404, "unknown-register", f"no register {ident[:80]!r} in report.yaml (registers: "
                                               f"{', '.join(project.registers) or 'none'})")
    if agency not in project.agencies:
        raise Refusal(422, "no-agency", "an editor sends or fetches rows on behalf of an agency: give its id "
                                        "(field 'agency')")
    if agency not in register.contributors:
        raise Refusal(403, "not-contributor", f"{project.agencies[agency].short} keeps no rows in "
                                              f"{register.title(project.language, project.language)}")
    return register


def _sheets(project: Project, as_of: dt.date) -> tuple[list[Sheet], list[Finding]]:
    """Every agency's sheets as the read phase finds them, and every finding about them."""
    sheets, problems = read_sheets(project)
    return sheets, problems + register_findings(project, sheets, as_of)


def _mine(sheets: list[Sheet], findings: list[Finding], agency: str, register: Register) -> tuple[Sheet | None, list]:
    """An agency's sheet of a register, and the findings about it."""
    prefix = f"contributions/{agency}/{REGISTERS_DIR}/{register.id}."
    return (next((s for s in sheets if s.agency == agency and s.register == register.id), None),
            [f for f in findings if f.path.startswith(prefix)])


def registers_context(here: Portal, token: Token, link: str) -> dict:
    """What the registers page shows: each register the agency keeps rows in, its sheet and its findings."""
    project, as_of = here.project(), _day(here)
    agency = project.agencies[token.agency]
    sheets, findings = _sheets(project, as_of)
    items = []
    for register in project.registers.values():
        if token.agency not in register.contributors:
            continue
        sheet, found = _mine(sheets, findings, token.agency, register)
        items.append({"id": register.id, "title": register.title(project.language, project.language),
                      "months": register.review_months, "file": sheet.relpath.rsplit("/", 1)[-1] if sheet else "",
                      "rows": len(sheet.rows) if sheet else 0, "summary": summary(found),
                      "findings": [f.to_json() for f in found]})
    return {"title": f"{agency.short} · registers · {project.title}", "report": project.title,
            "agency": agency.name, "short": agency.short, "registers": items, "token": link, "sent": None,
            "as_of": as_of.isoformat(), "megabytes": here.settings.megabytes}


def store_sheet(here: Portal, agency: str, ident: str, suffix: str, data: bytes, who: str) -> Sent:
    """Read a sheet sent for an agency (422 when it is no sheet), store it in the register's columns with
    the day as the date of rows that give none, and say what `check` finds in it."""
    project, day = here.project(), _day(here)
    register = _register(project, ident, agency)
    folder = project.contributions_dir / agency / REGISTERS_DIR
    target = folder / f"{register.id}.xlsx"
    try:
        sheet = read_sheet(data, suffix, register, agency, store.relpath(project, target), day)
        missing = [f for f in merge(project, [sheet]).findings if f.code == "registers/missing-column"]
        if missing:  # none of its rows could be printed: the agency's earlier rows stay
            raise Unreadable(missing[0].message.split(":")[0])
    except Unreadable as exc:
        store.audit(project, who, "refused-422", target.name, store.sha256(data), reason="not-a-sheet")
        raise Refusal(422, "not-a-sheet", f"the file is not a sheet of this register's rows: {exc}; nothing "
                                          "was changed") from None
    normal = workbook(register.title(project.language, project.language), *agency_table(project, register, sheet),
                      choices(project, register))
    key = f"{REGISTERS_DIR}-{register.id}"  # its history's folder, beside the sections'
    with store.section_lock(project, agency, key), store.disk_full_is_plain(project):
        store.ensure_room(project, len(normal))
        current = [folder / f"{register.id}{s}" for s in SHEET_TYPES
                   if (folder / f"{register.id}{s}").is_file() and not (folder / f"{register.id}{s}").is_symlink()]
        found = [(path, path.read_bytes()) for path in current]
        found = [(path, store.keep(project, path, agency, key, old, path.suffix), old) for path, old in found
                 if store.latest_sha(project, path) != store.sha256(old)]  # put there by hand: kept first
        version = store.keep(project, target, agency, key, normal, target.suffix)
        with records(project.root).write() as db:
            for path, name, old in found:
                store.add_version(db, project, path, agency, key, name, old, store.PORTAL, "found")
            store.add_version(db, project, target, agency, key, version, normal, who, UPLOAD, pending=True)
        store.put_in_place(project, target, normal, current, None)
        with records(project.root).write() as db:
            db.execute("UPDATE versions SET pending = 0 WHERE relpath = ? AND pending = 1",
                       (store.relpath(project, target),))
    _, found_now = _mine(*_sheets(project, day), agency, register)
    return Sent(store.relpath(project, target), store.sha256(normal), len(sheet.rows), found_now)


async def receive(request: Request, token: Token, form: FormData, ident: str) -> Sent:
    """The sheet of a form, within the upload limit and the agency's quotas, stored (refusals audited)."""
    here = portal(request)
    agency = token.agency if token.role == AGENCY else str(form.get("agency") or "")
    file = form.get("file")
    if not hasattr(file, "read"):
        raise Refusal(422, "no-file", "choose a file to send (field 'file')")
    suffix = "." + (file.filename or "").rsplit(".", 1)[-1].lower() if "." in (file.filename or "") else ""
    if suffix not in SHEET_TYPES:
        raise Refusal(422, "not-a-sheet", "send the rows as an Excel workbook (.xlsx) or a CSV file (.csv)")
    data = await file.read(here.settings.max_upload + 1)
    if len(data) > here.settings.max_upload:
        raise Refusal(413, "too-large", f"the file is over the limit of {here.settings.megabytes}")
    over = await run_in_threadpool(here.quotas.over, here.project(), agency, len(data)) if agency else None
    if over:
        raise Refusal(429, over.error, over.message, retry_after=over.retry_after)
    return await run_in_threadpool(store_sheet, here, agency, ident, suffix, data, f"{token.who} ({token.id})")


def download_sheet(here: Portal, agency: str, ident: str) -> tuple[str, bytes]:
    """The agency's rows of a register as a workbook to edit and send back (the header alone if none yet)."""
    project = here.project()
    register = _register(project, ident, agency)
    sheet = next((s for s in read_sheets(project)[0] if s.agency == agency and s.register == register.id), None)
    return f"{agency}-{register.id}.xlsx", workbook(register.title(project.language, project.language),
                                                    *agency_table(project, register, sheet),
                                                    choices(project, register))


def _attachment(name: str, data: bytes) -> Response:
    return Response(data, media_type=XLSX_TYPE, headers={"content-disposition": f'attachment; filename="{name}"'})


async def registers_page(request: Request) -> Response:
    token = page_token(request, AGENCY)
    context = await run_in_threadpool(registers_context, portal(request), token, request.path_params["token"])
    return page(request, "registers.html", context)


async def page_upload(request: Request) -> Response:
    """The page again, with what `check` says about the sheet just stored (201)."""
    token, form = await posted_from_page(request, AGENCY)
    ident = request.path_params["register"]
    sent = await receive(request, token, form, ident)
    context = await run_in_threadpool(registers_context, portal(request), token, request.path_params["token"])
    context["sent"] = {"register": ident, "file": sent.relpath.rsplit("/", 1)[-1], "rows": sent.rows,
                       "summary": summary(sent.findings), "findings": [f.to_json() for f in sent.findings]}
    return page(request, "registers.html", context, 201)


async def page_download(request: Request) -> Response:
    token = page_token(request, AGENCY)
    name, data = await run_in_threadpool(download_sheet, portal(request), token.agency,
                                         request.path_params["register"])
    return _attachment(name, data)


async def api_upload(request: Request) -> Response:
    token, form = await posted_to_api(request)
    sent = await receive(request, token, form, request.path_params["register"])
    return JSONResponse({"stored": {"path": sent.relpath, "sha256": sent.sha256}, "rows": sent.rows,
                         "findings": [f.to_json() for f in sent.findings], "summary": summary(sent.findings)},
                        status_code=201)


async def api_download(request: Request) -> Response:
    token = bearer(request)
    agency = token.agency if token.role == AGENCY else request.query_params.get("agency", "")
    name, data = await run_in_threadpool(download_sheet, portal(request), agency, request.path_params["register"])
    return _attachment(name, data)


ROUTES = [
    Route("/a/{token}/registers", registers_page),
    Route("/a/{token}/registers/{register}.xlsx", page_download),
    Route("/a/{token}/registers/{register}", page_upload, methods=["POST"]),
    Route("/api/registers/{register}.xlsx", api_download),
    Route("/api/registers/{register}", api_upload, methods=["POST"]),
]
