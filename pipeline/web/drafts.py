"""The one way a draft arrives, for the API and the agency's page alike: within the agency's quotas,
staged on disk (never held whole in memory while it waits), its report card made in the conversion
line, stored only when it can be read; every refused upload of a valid link is in the audit log."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request

from . import store
from .conversions import Job
from .refusals import Refusal
from .state import Portal, portal
from .tokens import AGENCY, Token
from .uploads import UploadRefused, card_context, draft_target, report_card


@dataclass
class Upload:
    """A draft as a request sent it: its name, section and language are only ever compared, never used as
    paths."""

    token: Token
    agency: str
    section_id: str
    name: str
    lang: str = ""  # as chosen on the form; else from the name (recommendations.fr.docx); else the source's
    staged: Path | None = None
    size: int = 0

    @property
    def format(self) -> str:
        return self.name.rsplit(".", 1)[-1].lower() if "." in self.name else ""

    @property
    def who(self) -> str:
        return f"{self.token.who} ({self.token.id})"

    def language(self, languages: list[str]) -> str:
        """The draft's language: the form's choice, else a language infix of the file name, else ''."""
        parts = self.name.lower().split(".")
        named = parts[-2] if len(parts) >= 3 and parts[-2] in languages else ""
        return self.lang or named


def sent(token: Token, form: FormData) -> Upload:
    """Whose draft for which section: an agency's link sends its own; an editor names the agency."""
    agency = token.agency if token.role == AGENCY else str(form.get("agency") or "")
    file = form.get("file")
    return Upload(token, agency or "", str(form.get("section") or ""), getattr(file, "filename", None) or "",
                  str(form.get("lang") or "")[:20])


@dataclass
class Outcome:
    """A finished card, as small plain data: the API's answer and the page's card."""

    status: int  # 201 stored, 422 not readable
    api: dict
    card: dict = field(default_factory=dict)


async def accept(request: Request, token: Token, form: FormData) -> Job:
    """The draft of a form, within the limits and quotas, queued for its card. Refusals are raised (and
    audited)."""
    here = portal(request)
    upload, file = sent(token, form), form.get("file")
    if not upload.agency:
        raise Refusal(422, "no-agency", "an editor sends a draft on behalf of an agency: give its id (field "
                                        "'agency')")
    if not hasattr(file, "read"):
        raise Refusal(422, "no-file", "choose a file to send (field 'file')")
    upload.size = file.size if file.size is not None else len(await file.read())
    if upload.size > here.settings.max_upload:
        await run_in_threadpool(audit_refusal, here, upload, 413, "too-large")
        raise Refusal(413, "too-large", f"the file is over the limit of {here.settings.megabytes}; compress its "
                                        "pictures or split it")
    over = await run_in_threadpool(here.quotas.over, here.project(), upload.agency, upload.size)
    if over:
        await run_in_threadpool(audit_refusal, here, upload, 429, over.error)
        raise Refusal(429, over.error, over.message, retry_after=over.retry_after)
    upload.staged = await run_in_threadpool(stage, here, file.file)
    return here.conversions.submit(token.id, upload.size, lambda: make_card(here, upload))


async def within_quota(request: Request, token: Token) -> None:
    """An agency's link already over its quota (its history full, its uploads of the hour sent) is refused
    before its upload is read: otherwise each try costs the server the whole upload, for nothing."""
    if token.role != AGENCY:
        return  # an editor names the agency in the form
    here = portal(request)
    over = await run_in_threadpool(here.quotas.over, here.project(), token.agency, 0, True)
    if over:
        await run_in_threadpool(audit_refusal, here, Upload(token, token.agency, "", ""), 429, over.error)
        raise Refusal(429, over.error, over.message, retry_after=over.retry_after)


def stage(here: Portal, source) -> Path:
    """The upload copied, in pieces, to .jointreport/staging/ (removed when its card is made, or at start)."""
    folder = here.settings.root / ".jointreport" / store.STAGING_DIR
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=folder, suffix=".upload")
    source.seek(0)
    try:
        with store.disk_full_is_plain(here.project()), open(handle, "wb") as out:
            shutil.copyfileobj(source, out, 1_000_000)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def make_card(here: Portal, upload: Upload) -> Outcome:
    """In a worker: the card, then the draft stored if readable; a refusal is audited and raised."""
    try:
        data = upload.staged.read_bytes()
    finally:
        upload.staged.unlink(missing_ok=True)
    settings, project = here.settings, here.project()
    try:
        with store.disk_full_is_plain(project):  # the conversion's cache too
            card = report_card(settings.root, upload.agency, upload.section_id, upload.format, data, settings.as_of,
                               project, upload.language(project.languages))
            stored = store.submit(card.project, card.contribution, data, upload.who) if card.readable else None
    except (UploadRefused, store.DiskFull) as refused:
        status = Refusal.of(refused).status
        audit_refusal(here, upload, status, getattr(refused, "reason", "disk-full"), data)
        raise
    if stored is None:
        audit_refusal(here, upload, 422, "not-a-draft", data)
    return outcome(card, stored, settings.card_codes)


def outcome(card, stored: store.Stored | None, codes: bool = False) -> Outcome:
    findings = [f.to_json() for f in card.findings]
    context = card_context(card, stored, codes)
    api = {"findings": findings, "summary": context["summary"],
           "card": context["findings"], "translation": context["lang"]}  # the card in plain words; its language
    if stored is None:
        return Outcome(422, {"error": "not-a-draft", "message": "the file cannot be read as a draft", **api}, context)
    api["stored"] = {"path": stored.relpath, "sha256": stored.sha256, "version": stored.version,
                     "lang": card.contribution.lang}
    api["words"] = card.draft.words
    return Outcome(201, api, context)


def audit_refusal(here: Portal, upload: Upload, status: int, reason: str, data: bytes = b"") -> None:
    """A refused upload in the audit log: who tried what (names shortened, never trusted as paths)."""
    store.audit(here.project(), upload.who, f"refused-{status}", upload.section_id[:80], store.sha256(data),
                file=upload.name[:120], reason=reason)


def finished(job: Job) -> Outcome:
    """The job's outcome, or the refusal it ended in (raised)."""
    if job.error is not None:
        raise job.error
    return job.result


async def mark_final(request: Request, token: Token, form: FormData, final: bool = True) -> store.Stored:
    """The agency's draft for the form's section (and language) marked final, or the mark withdrawn."""
    here, upload = portal(request), sent(token, form)

    def work() -> store.Stored | None:
        project = here.project()
        lang = upload.lang if upload.lang in project.languages else project.source_language
        draft_target(project, upload.agency, upload.section_id, "md", lang)  # the section must be the agency's
        try:
            return store.mark_final(project, upload.agency, upload.section_id, lang, upload.who, final)
        except store.UnreadableMetadata as exc:
            raise Refusal(422, "bad-metadata", str(exc)) from None

    stored = await run_in_threadpool(work)
    if stored is None:
        raise Refusal(409, "no-draft", "send a draft for this section first")
    return stored
