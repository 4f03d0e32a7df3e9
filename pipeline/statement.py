"""Joint statements: short, politically exact texts that many organisations endorse.

Only organisations that have endorsed a statement may appear under it, the
agreed language must be verbatim, and every language edition must say the
same thing. The body may use Jinja2 (`{{ report.coalition }}`, loops over
signatories), rendered in a sandbox: a statement file is not trusted to run
code. `{{agreed:ID}}` paragraphs are filled in as in reports.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from pandocfilters import BulletList, Para, Plain, Space

from . import i18n
from .agreed import expand
from .assemble import styled
from .errors import JointreportError
from .intake import FRONT_MATTER
from .languages import missing_translation, structure_mismatch
from .model import Finding, Project
from .pandoc import markdown_blocks
from .render.docx import render_statement_docx
from .render.pdf import typeset
from .schema import Field, Validator
from .terminology import AcronymState, known_acronym_words
from .textruns import Locator, inlines
from .wording import check_text
from .yamlfile import YamlError, parse_yaml

STATEMENTS_DIR = "statements"
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
    place: str
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

    def finding(self, code: str, severity: str, message: str, location: str | None = None) -> Finding:
        return Finding(code, severity, self.relpath, message, location=location)


def statement_files(project: Project) -> dict[str, dict[str, Path]]:
    """statement id → language → file."""
    folder = project.root / STATEMENTS_DIR
    found: dict[str, dict[str, Path]] = {}
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        if path.is_symlink():
            continue
        parts = path.name.split(".")
        lang = parts[1] if len(parts) == 3 else project.source_language
        found.setdefault(parts[0], {})[lang] = path
    return found


def _front(path: Path, label: str, spec: Field) -> tuple[dict, str, int]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise JointreportError(f"{label}: not UTF-8 text; save it as UTF-8") from None
    match = FRONT_MATTER.match(text)
    if not match:
        raise JointreportError(f"{label}: starts with no front matter (---, title, date, place, signatories, ---)")
    try:
        raw = parse_yaml("\n" + match.group(1), label)
    except YamlError as exc:
        raise JointreportError(str(exc)) from None
    validator = Validator(label)
    data = validator.check(raw, spec)
    if validator.errors:
        raise JointreportError("\n".join(validator.errors))
    return data, text[match.end():], text.count("\n", 0, match.end()) + 1


def _signatories(project: Project, items: list[dict], label: str, folder: Path) -> list[Signatory]:
    result = []
    for item in items:
        agency = item["agency"]
        if isinstance(agency, str):
            if agency not in project.agencies:
                raise JointreportError(f"{label}: signatory {agency!r} is not an agency of report.yaml "
                                       "(give an outside organisation as {name: …, short: …})")
            name, short = project.agencies[agency].name, project.agencies[agency].short
        elif isinstance(agency, dict) and isinstance(agency.get("name"), str):
            name, short = agency["name"], str(agency.get("short") or "")
        else:
            raise JointreportError(f"{label}: a signatory's agency is an agency id or {{name: …, short: …}}")
        logo = None
        if item["logo"]:
            logo = (folder / item["logo"]).resolve()
            if project.root.resolve() not in logo.parents or not logo.is_file() or logo.suffix.lower() not in LOGO_TYPES:
                raise JointreportError(f"{label}: logo {item['logo']!r} must be a PNG, JPEG or SVG file inside the project")
        result.append(Signatory(name, short, item["status"], item["date"], logo))
    return result


def _files_of(project: Project, statement_id: str) -> dict[str, Path]:
    files = statement_files(project).get(statement_id)
    if not files:
        known = ", ".join(statement_files(project)) or "none"
        raise JointreportError(f"no statement {statement_id!r} in {STATEMENTS_DIR}/ (statements: {known})")
    return files


def load_statement(project: Project, statement_id: str, lang: str) -> Statement:
    files = _files_of(project, statement_id)
    source_path = files.get(project.source_language) or next(iter(files.values()))
    label = f"{STATEMENTS_DIR}/{source_path.name}"
    data, body, body_line = _front(source_path, label, FRONT)
    signatories = _signatories(project, data["signatories"], label, source_path.parent)
    path = files.get(lang, source_path)
    title, place = data["title"], data["place"]
    if path != source_path:
        translated, body, body_line = _front(path, f"{STATEMENTS_DIR}/{path.name}", TRANSLATION_FRONT)
        title, place = translated["title"], translated["place"] or place
    statement = Statement(statement_id, lang, path, title, data["date"], place, signatories, data["order"],
                          body_line=body_line)
    statement.body = _render_body(project, statement, body, lang)
    return statement


def _render_body(project: Project, statement: Statement, body: str, lang: str) -> str:
    """Jinja2 in its sandbox; `{{agreed:ID}}` paragraphs are left for the agreed-language step."""
    edition = project.in_language(lang)
    environment = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
    agreed = project.terminology.agreed_texts(lang)
    context = {
        "report": {"title": edition.title, "subtitle": edition.subtitle, "coalition": edition.coalition,
                   "edition": edition.edition},
        "agreed": agreed,
        "signatories": [{"name": s.name, "short": s.short, "date": i18n.long_date(s.date, lang) if s.date else ""}
                        for s in statement.endorsed],
        "statement": {"title": statement.title, "place": statement.place,
                      "date": i18n.long_date(statement.date, lang) if statement.date else ""},
    }
    protected = AGREED_REFERENCE.sub(lambda m: "{% raw %}" + m.group(0) + "{% endraw %}", body)
    try:
        return environment.from_string(protected).render(context)
    except jinja2.TemplateError as exc:
        line = f":{exc.lineno}" if getattr(exc, "lineno", None) else ""
        raise JointreportError(f"{statement.relpath}{line}: {exc.message or exc}") from None
    except Exception as exc:  # noqa: BLE001 — whatever the template computes is the statement author's to fix
        raise JointreportError(f"{statement.relpath}: the template failed: {type(exc).__name__}: {exc}") from None


def ordered_signatories(statement: Statement) -> list[Signatory]:
    """Endorsed organisations only, alphabetically by name unless the statement keeps its own order."""
    endorsed = statement.endorsed
    return sorted(endorsed, key=lambda s: s.name.casefold()) if statement.order == "alphabetical" else endorsed


def statement_blocks(project: Project, statement: Statement) -> list:
    """The body as pandoc blocks, with the agreed language in place."""
    blocks = markdown_blocks(statement.body)
    agreed = project.terminology.agreed_texts(statement.lang)
    expand(agreed, blocks, {ident: markdown_blocks(text, verbatim=True) for ident, text in agreed.items()},
           statement.relpath,
           Locator(statement.path, "md"))
    return blocks


def check_statements(project: Project) -> list[Finding]:
    """Every statement in every language it exists in: signatories once, then each edition's text and
    its parity with the source."""
    terminology = project.terminology
    known = known_acronym_words(project)
    findings = []
    for statement_id, files in statement_files(project).items():
        source = None
        for lang in [lang for lang in project.languages if lang in files]:
            try:
                statement = load_statement(project, statement_id, lang)
            except JointreportError as exc:
                findings.append(Finding("statement/unreadable", "error", f"{STATEMENTS_DIR}/{files[lang].name}",
                                        str(exc)))
                break
            blocks = markdown_blocks(statement.body)
            if source is None:
                source = (statement, blocks)
                findings += signatory_findings(statement)
            else:
                findings += structure_mismatch(source[1], blocks, source[0].relpath, statement.finding)
            findings += unendorsed_mentions(project, statement)
            findings += check_text(terminology, blocks, Locator(statement.path, "md"), lang, AcronymState(known),
                                   statement.finding)
        if source:
            findings += [source[0].finding(*missing_translation(lang, f"{statement_id}.{lang}.md"))
                         for lang in project.languages if lang not in files]
    return findings


def signatory_findings(statement: Statement) -> list[Finding]:
    """Who has not endorsed the statement (yet): they are left off it."""
    findings = []
    for signatory in statement.signatories:
        if signatory.status == "pending":
            findings.append(statement.finding("statement/pending-signatory", "info",
                                              f"{signatory.name} has not endorsed yet; it is left off the statement"))
        elif signatory.status == "declined":
            findings.append(statement.finding("statement/declined-signatory", "info",
                                              f"{signatory.name} declined; it is left off the statement"))
    return findings


def unendorsed_mentions(project: Project, statement: Statement) -> list[Finding]:
    """Organisations the text names although they have not endorsed it."""
    findings = []
    endorsed = {s.name for s in statement.endorsed}
    others = {s.name: s.short for s in statement.signatories if s.name not in endorsed}
    others.update({a.name: a.short for a in project.agencies.values() if a.name not in endorsed})
    for name, short in sorted(others.items()):
        for form in filter(None, (name, short)):
            match = re.search(rf"(?<![\w-]){re.escape(form)}(?![\w-])", statement.body)
            if match:
                line = statement.body_line + statement.body.count("\n", 0, match.start())
                findings.append(statement.finding(
                    "statement/unendorsed-mention", "warning",
                    f"the text names {form}, which has not endorsed this statement", f"line {line}"))
                break
    return findings


def statement_document(project: Project, statement: Statement) -> tuple[list, dict[str, Path]]:
    """The statement's blocks — its text, then the organisations that endorsed it — and their logos."""
    blocks = statement_blocks(project, statement)
    media: dict[str, Path] = {}
    items = []
    for signatory in ordered_signatories(statement):
        line = []
        if signatory.logo:
            name = hashlib.sha256(signatory.logo.read_bytes()).hexdigest()[:20] + signatory.logo.suffix.lower()
            media[name] = signatory.logo
            line += [{"t": "Image", "c": [["", [], [["height", "0.28in"]]], [], [f"media/{name}", ""]]}, Space()]
        label = f"{signatory.name} ({signatory.short})" if signatory.short and signatory.short != signatory.name \
            else signatory.name
        items.append([Plain(line + inlines(label))])
    blocks += [styled("signatories-head", [Para(inlines(i18n.text(statement.lang, "endorsed_by")))]),
               styled("signatories", [BulletList(items)])]
    return blocks, media


def statement_languages(project: Project, statement_id: str) -> list[str]:
    """The editions a statement exists in, in the order of report.yaml's languages."""
    files = _files_of(project, statement_id)
    return [lang for lang in project.languages if lang in files]


def build_statement(project: Project, statement_id: str, languages: list[str], formats: list[str],
                    progress: Callable[[str], None] = lambda _: None) -> list[Path]:
    """build/statements/<id>.<lang>.docx and .pdf for each language edition."""
    outputs = []
    for lang in languages:
        statement = load_statement(project, statement_id, lang)
        edition = project.in_language(lang)
        blocks, media = statement_document(project, statement)
        when = i18n.long_date(statement.date, lang) if statement.date else ""
        dateline = ", ".join(filter(None, (statement.place, when)))
        for fmt in formats:
            output = project.build_dir / STATEMENTS_DIR / f"{statement_id}.{lang}.{fmt}"
            progress(f"writing {output.relative_to(project.root)}")
            if fmt == "docx":
                render_statement_docx(project, (edition.coalition, statement.title, dateline), blocks, media, output)
            else:
                inputs = {"coalition": edition.coalition, "title": statement.title, "dateline": dateline, "lang": lang}
                typeset(project, "statement.typ", blocks, media, inputs, output)
            outputs.append(output)
    return outputs
