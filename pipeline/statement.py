"""Joint statements: short, politically exact texts that many organisations endorse.

Only organisations that have endorsed a statement may appear under it, the
agreed language must be verbatim, and every language edition must say the
same thing. The body may use Jinja2 (`{{ report.coalition }}`, loops over
signatories), rendered in a sandbox: a statement file is not trusted to run
code. `{{agreed:ID}}` paragraphs are filled in as in reports.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from pandocfilters import BulletList, Para, Plain, Space

from . import i18n
from .agreed import expand
from .blocks import styled
from .errors import JointreportError
from .files import Unreadable, guarded_read, media_name
from .inputs import StatementFile
from .model import STATEMENTS_DIR, Place, Project, pick
from .normalise import DECORATIVE
from .pandoc import markdown_blocks
from .schema import Field, Validator
from .textruns import Locator, inlines
from .yamlfile import FRONT_MATTER, YamlError, parse_yaml

SIGNATORY = Field("map", fields={
    "agency": Field("any", required=True),
    "status": Field("str", required=True, choices=("endorsed", "pending", "declined")),
    "date": Field("date"),
    "logo": Field("str"),
})
FRONT = Field("map", required=True, fields={
    "title": Field("str", required=True),
    "date": Field("date"),
    "place": Field("str", default=""),
    "order": Field("str", default="alphabetical", choices=("alphabetical", "listed")),
    "signatories": Field("list", default=[], items=SIGNATORY),
})
TRANSLATION_FRONT = Field("map", required=True, fields={
    "title": Field("str", required=True),
    "place": Field("str"),
})
AGREED_REFERENCE = re.compile(r"\{\{\s*agreed:\s*[\w.-]+\s*\}\}")
LOGO_TYPES = {".png", ".jpg", ".jpeg", ".svg"}
MAX_LOGO_BYTES = 5_000_000


@dataclass(frozen=True)
class Signatory:
    name: str
    short: str
    status: str
    date: dt.date | None = None
    logo: Path | None = None


@dataclass
class Statement:
    id: str
    lang: str
    path: Path
    title: str
    date: dt.date | None
    city: str  # where it was adopted, for the dateline
    signatories: list[Signatory]
    order: str  # alphabetical or listed
    body: str = ""  # Markdown after Jinja, agreed references still in place
    body_line: int = 1  # the file line the body starts on

    @property
    def relpath(self) -> str:
        return f"{STATEMENTS_DIR}/{self.path.name}"

    @property
    def endorsed(self) -> list[Signatory]:
        return [s for s in self.signatories if s.status == "endorsed"]

    @property
    def place(self) -> Place:
        return Place(self.relpath)


def _front(text: str, label: str, spec: Field) -> tuple[dict, str, int]:
    match = FRONT_MATTER.match(text)
    if not match:
        raise JointreportError(f"{label}: starts with no front matter (---, title, date, place, signatories, ---)")
    try:
        raw = parse_yaml("\n" + match.group(1), label, aliases=False)
    except YamlError as exc:
        raise JointreportError(str(exc)) from None
    validator = Validator(label)
    data = validator.check(raw, spec)
    if validator.errors:
        raise JointreportError("\n".join(validator.errors))
    return data, text[match.end():], text.count("\n", 0, match.end()) + 1


def _signatories(project: Project, items: list[dict], label: str, folder: Path) -> list[Signatory]:
    """Each signatory by agency id or as an outside organisation (whose name and short name may be given
    per language), in `project`'s language, with its logo checked to be in the project."""
    result = []
    for item in items:
        agency = item["agency"]
        if isinstance(agency, str):
            if agency not in project.agencies:
                raise JointreportError(f"{label}: signatory {agency!r} is not an agency of report.yaml "
                                       "(give an outside organisation as {name: …, short: …})")
            name, short = project.agencies[agency].name, project.agencies[agency].short
        elif isinstance(agency, dict) and _localised(agency.get("name")):
            name = pick(_localised(agency["name"]), project.language, project.source_language)
            short = pick(_localised(agency.get("short") or ""), project.language, project.source_language)
        else:
            raise JointreportError(f"{label}: a signatory's agency is an agency id or {{name: …, short: …}}")
        logo = None
        if item["logo"]:
            logo = (folder / item["logo"]).resolve()
            inside = project.root.resolve() in logo.parents
            if not inside or not logo.is_file() or logo.suffix.lower() not in LOGO_TYPES:
                raise JointreportError(f"{label}: logo {item['logo']!r} must be a PNG, JPEG or SVG file "
                                       "inside the project")
        result.append(Signatory(name, short, item["status"], item["date"], logo))
    return result


def _localised(value) -> dict:
    """A name given as text, or as one text per language ({en: …, fr: …}); {} when it is neither."""
    if isinstance(value, str):
        return {"": value}
    if isinstance(value, dict) and value and all(isinstance(v, str) for v in value.values()):
        return value
    return {}


def load_statement(project: Project, files: dict[str, StatementFile], lang: str) -> Statement:
    """One language edition: signatories from the source file, title, place and text from the edition's
    own file (else the source's), the body rendered by Jinja in its sandbox."""
    source = files.get(project.source_language) or next(iter(files.values()))
    data, body, body_line = _front(source.text, source.relpath, FRONT)
    signatories = _signatories(project.in_language(lang), data["signatories"], source.relpath, source.path.parent)
    edition = files.get(lang, source)
    title, city = data["title"], data["place"]
    if edition is not source:
        translated, body, body_line = _front(edition.text, edition.relpath, TRANSLATION_FRONT)
        title, city = translated["title"], translated["place"] or city
    statement = Statement(source.id, lang, edition.path, title, data["date"], city, signatories, data["order"],
                          body_line=body_line)
    statement.body = _render_body(project, statement, body, lang)
    return statement


def _render_body(project: Project, statement: Statement, body: str, lang: str) -> str:
    """Jinja2 in its sandbox; `{{agreed:ID}}` paragraphs are left for the agreed-language step."""
    edition = project.in_language(lang)
    agreed = project.terminology.agreed_texts(lang)
    context = {
        "report": {"title": edition.title, "subtitle": edition.subtitle, "coalition": edition.coalition,
                   "edition": edition.edition},
        "agreed": agreed,
        "signatories": [{"name": s.name, "short": s.short, "date": i18n.long_date(s.date, lang) if s.date else ""}
                        for s in statement.endorsed],
        "statement": {"title": statement.title, "place": statement.city,
                      "date": i18n.long_date(statement.date, lang) if statement.date else ""},
    }
    protected = AGREED_REFERENCE.sub(lambda m: "{% raw %}" + m.group(0) + "{% endraw %}", body)
    from . import templating  # Jinja2 loads slowly; a build that renders no statement never needs it
    return templating.render(templating.sandbox(), statement.relpath, context, source=protected)


def ordered_signatories(statement: Statement) -> list[Signatory]:
    """Endorsed organisations only, alphabetically by name unless the statement keeps its own order."""
    endorsed = statement.endorsed
    return sorted(endorsed, key=lambda s: s.name.casefold()) if statement.order == "alphabetical" else endorsed


def statement_blocks(project: Project, statement: Statement) -> list:
    """The body as pandoc blocks, with the agreed language in place."""
    blocks = markdown_blocks(statement.body)
    agreed = project.terminology.agreed_texts(statement.lang)
    expand(agreed, blocks, {ident: markdown_blocks(text, verbatim=True) for ident, text in agreed.items()},
           statement.relpath, Locator())
    return blocks


def statement_document(project: Project, statement: Statement) -> tuple[list, dict[str, Path]]:
    """The statement's blocks — its text, then the organisations that endorsed it — and their logos."""
    blocks = statement_blocks(project, statement)
    media: dict[str, Path] = {}
    items = []
    for signatory in ordered_signatories(statement):
        line = []
        if signatory.logo:
            name = media_name(_logo_bytes(statement, signatory.logo), signatory.logo.suffix)
            media[name] = signatory.logo
            # decorative: the organisation's name follows, a description would say it twice
            line += [{"t": "Image", "c": [["", [DECORATIVE], [["height", "0.28in"]]], [], [f"media/{name}", ""]]},
                     Space()]
        label = f"{signatory.name} ({signatory.short})" if signatory.short and signatory.short != signatory.name \
            else signatory.name
        items.append([Plain(line + inlines(label))])
    blocks += [styled("signatories-head", [Para(inlines(i18n.text(statement.lang, "endorsed_by")))]),
               styled("signatories", [BulletList(items)])]
    return blocks, media


def _logo_bytes(statement: Statement, logo: Path) -> bytes:
    try:
        return guarded_read(logo, MAX_LOGO_BYTES)
    except Unreadable as exc:
        raise JointreportError(f"{statement.relpath}: logo {logo.name}: {exc}") from None
