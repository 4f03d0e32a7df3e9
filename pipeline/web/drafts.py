"""The one way a draft arrives, for the API and the agency's page alike: its report card first, stored only
when it can be read, and every refused upload of a valid link written in the audit log."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request

from . import store
from .refusals import Refusal
from .state import Portal, portal
from .tokens import AGENCY, Token
from .uploads import Card, UploadRefused, draft_target, report_card


@dataclass
class Upload:
    """A draft as a request sent it: its name and section are only ever compared, never used as paths."""

    token: Token
    agency: str
    section_id: str
    name: str
    data: bytes = b""

    @property
    def format(self) -> str:
        return self.name.rsplit(".", 1)[-1].lower() if "." in self.name else ""

    @property
    def who(self) -> str:
        return f"{self.token.who} ({self.token.id})"


def sent(token: Token, form: FormData) -> Upload:
    """Whose draft for which section: an agency's link sends its own; an editor names the agency."""
    agency = token.agency if token.role == AGENCY else str(form.get("agency") or "")
    file = form.get("file")
    return Upload(token, agency or "", str(form.get("section") or ""), getattr(file, "filename", None) or "")


async def receive(request: Request, token: Token, form: FormData) -> tuple[Card, store.Stored | None]:
    """The draft of a form, checked, then stored if readable. Refusals are raised (and audited)."""
    here = portal(request)
    upload, file = sent(token, form), form.get("file")
    if not upload.agency:
        raise Refusal(422, "no-agency", "an editor sends a draft on behalf of an agency: give its id (field "
                                        "'agency')")
    if not hasattr(file, "read"):
        raise Refusal(422, "no-file", "choose a file to send (field 'file')")
    data = await file.read(here.settings.max_upload + 1)
    if len(data) > here.settings.max_upload:
        await run_in_threadpool(audit_refusal, here, upload, 413, "too-large")
        raise Refusal(413, "too-large", f"the file is over the limit of {here.settings.megabytes}; compress its "
                                        "pictures or split it")
    upload.data = data
    try:
        card, stored = await run_in_threadpool(check_and_store, here, upload)
    except UploadRefused as refused:
        await run_in_threadpool(audit_refusal, here, upload, Refusal.of(refused).status, refused.reason)
        raise
    if stored is None:
        await run_in_threadpool(audit_refusal, here, upload, 422, "not-a-draft")
    return card, stored


def check_and_store(here: Portal, upload: Upload) -> tuple[Card, store.Stored | None]:
    settings = here.settings
    card = report_card(settings.root, upload.agency, upload.section_id, upload.format, upload.data, settings.as_of)
    if not card.readable:
        return card, None
    return card, store.submit(card.project, card.contribution, upload.data, upload.who)


def audit_refusal(here: Portal, upload: Upload, status: int, reason: str) -> None:
    """A refused upload in the audit log: who tried what (names shortened, never trusted as paths)."""
    store.audit(here.project(), upload.who, f"refused-{status}", upload.section_id[:80],
                hashlib.sha256(upload.data).hexdigest(), file=upload.name[:120], reason=reason)


async def mark_final(request: Request, token: Token, form: FormData) -> store.Stored:
    """The agency's draft for the form's section marked final, as the board reads it."""
    here, upload = portal(request), sent(token, form)

    def work() -> store.Stored | None:
        project = here.project()
        draft_target(project, upload.agency, upload.section_id, "md")  # the section must be the agency's
        return store.mark_final(project, upload.agency, upload.section_id, upload.who)

    stored = await run_in_threadpool(work)
    if stored is None:
        raise Refusal(409, "no-draft", "send a draft for this section first")
    return stored
