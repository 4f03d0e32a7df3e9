"""The load phase: the project's own files (report.yaml, the outline, the terminology, the workplan)
become a `Project`, or every problem with them is reported at once, with file:line:col.

Loading knows nothing of checks: the checks import the dataclasses made here.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

from ..codes import CODES, OFF
from ..errors import ProjectError
from ..model import SEVERITIES, STATUSES, Agency, Milestone, Project, Terminology, pick
from ..schema import Field, Validator, mark_of
from ..yamlfile import YamlError, read_yaml
from .outline import ID_PATTERN, build_outline
from .registers import REGISTERS, build_registers
from .styles import STYLE, build_style
from .terminology import build_terminology
from .workplan import WORKPLAN_FILE, build_workplan

REPORT_FILE = "report.yaml"
OUTLINE_FILE = "chapters/outline.yaml"
TERMINOLOGY_FILE = "terminology.yaml"
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
LOGO_TYPES = (".png", ".jpg", ".jpeg", ".svg")
REFERENCE_PLACES = ("end", "chapter")
ATTRIBUTIONS = ("line", "margin", "none")
TLS_MODES = ("auto", "required", "off")  # how `remind --send` talks to the mail server
# PDF/A levels Typst can hold any report to (PDF/A-1 refuses transparent pictures), and PDF/UA-1
PDF_STANDARDS = ("a-2a", "a-2b", "a-2u", "a-3a", "a-3b", "a-3u", "a-4", "a-4f", "a-4e", "ua-1")

AGENCY = Field("map", required=True, help="One agency of the coalition; its id names its folder under contributions/.",
               fields={
    "name": Field("text", required=True, help="Full name, or one per language ({en: …, fr: …})."),
    "short": Field("text", required=True, help="Short name or acronym used in attributions (ILO, UN Women)."),
    "contact": Field("map", default={}, help="The agency's focal point, for reminders.", fields={
        "name": Field("str", default="", help="The focal point's name."),
        "email": Field("str", default="", help="Where reminders go."),
    }),
    "logo": Field("str", help="The agency's logo on the cover: a PNG, JPEG or SVG file of the project "
                              "(assets/logos/ilo.png)."),
    "names": Field("dict", default={}, help="The agency's names in the report's other languages, by language "
                   "({fr: {name: Organisation internationale du Travail, short: OIT, article: \"l'\"}}).",
                   values=Field("map", fields={
        "name": Field("str", help="The full name in that language."),
        "short": Field("str", help="The short name or acronym in that language (OIT, ONU Femmes)."),
        "article": Field("str", help="The article the short name takes in a sentence (l', le, la, el), if any: "
                                     "\"Contribution de l'OIT\"."),
    })),
})
MILESTONE = Field("map", help="A step on the road to launch, and the status every required section needs by then.",
                  fields={
    "id": Field("str", required=True, help="Short id, used by --stage and in the outline's due: map."),
    "title": Field("str", required=True, help="What people call it (\"First full draft\")."),
    "date": Field("date", required=True, help="The deadline, YYYY-MM-DD."),
    "status": Field("str", required=True, choices=STATUSES, help="The least status sections need by the date."),
})
IMPRINT = Field("map", default={}, help="The imprint on the title page's back: each text one for all editions or one "
                "per language (an edition's own ISBN, Sales No. and symbol).", fields={
    "copyright": Field("text", help="The copyright line (© United Nations, 2011); © the coalition and the year "
                                    "when absent."),
    "rights": Field("text", help="The rights statement: who may reproduce the work, on what terms."),
    "isbn": Field("text", help="The ISBN of the printed edition."),
    "eisbn": Field("text", help="The ISBN of the electronic edition (eISBN)."),
    "issn": Field("text", help="The ISSN of the series."),
    "sales_no": Field("text", help="The United Nations Sales No. (E.11.II.A.1)."),
    "symbol": Field("text", help="The document symbol (ST/ESA/330), also in the suggested citation."),
    "photo_credits": Field("text", help="Who took the photographs, and where."),
    "citation": Field("text", help="The suggested citation; made from the coalition, the year, the title and the "
                                   "symbol when absent."),
    "disclaimer": Field("text", help="The disclaimer; the United Nations' standard one (\"The designations "
                                     "employed…\") in the edition's language when absent."),
})
LOCALISED = ("title", "subtitle", "coalition", "edition")
REPORT = Field("map", required=True, fields={
    "title": Field("text", required=True, help="The report's title, or one per language."),
    "subtitle": Field("text", default={}, help="Shown under the title on the cover."),
    "coalition": Field("text", required=True, help="Who publishes the report; on the cover and in footers."),
    "edition": Field("text", default={}, help="E.g. \"First edition\" or 2025."),
    "date": Field("date", help="Publication date on the cover."),
    "slug": Field("str", help="Output file name (build/<slug>.docx); made from the title when absent."),
    "terminology": Field("str", help="The terminology file, if not terminology.yaml."),
    "language": Field("str", default="en", help="The language drafts are written in (en, fr, es…)."),
    "languages": Field("list", items=Field("str", required=True),
                       help="Language editions to build, the source language first."),
    "agencies": Field("dict", required=True, values=AGENCY, help="The coalition's agencies, by id."),
    "milestones": Field("list", default=[], items=MILESTONE, help="The drafting timeline."),
    "due_soon_days": Field("int", default=14, help="How many days ahead timeline/due-soon warns."),
    "reminders": Field("map", default={}, help="How reminder e-mails are sent.", fields={
        "from": Field("str", default="", help="Sender of reminder e-mails."),
        "base_url": Field("str", default="", help="Where focal points upload drafts, linked in reminders."),
    }),
    "smtp": Field("map", default={}, help="The mail server `remind --send` uses (the password only from the "
                                          "JOINTREPORT_SMTP_PASSWORD environment variable).", fields={
        "host": Field("str", default="", help="The SMTP server's name."),
        "port": Field("int", default=25, help="Its port (587 for submission with STARTTLS)."),
        "user": Field("str", default="", help="The account to log in as."),
        "tls": Field("str", default="auto", choices=TLS_MODES,
                     help="auto: STARTTLS when the server offers it; required: never send without it."),
    }),
    "citation_style": Field("str", help="A CSL style file of the project (e.g. styles/apa.csl) that citations and "
                            "the References list follow; pandoc's Chicago author-date when absent."),
    "copyright": Field("map", default={}, help="The imprint's first keys (imprint: has them all): ISBN, rights "
                       "and disclaimer.", fields={
        "isbn": Field("str", help="The report's ISBN."),
        "rights": Field("text", help="Who holds the rights, and on what terms (one per language)."),
        "disclaimer": Field("text", help="What the report does not commit the agencies to (one per language)."),
    }),
    "imprint": IMPRINT,
    "logo": Field("str", help="The coalition's logo on the cover: a PNG, JPEG or SVG file of the project."),
    "references": Field("str", default="end", choices=REFERENCE_PLACES,
                        help="end: one References list at the end of the report; chapter: each chapter ends "
                             "with the works it cites."),
    "attribution": Field("str", default="line", choices=ATTRIBUTIONS,
                         help="line: \"Contributed by …\" under each section heading; margin: a small note in the "
                              "outside margin (the DOCX: a small right-aligned line); none: no attribution (the "
                              "contributors annex still says who wrote what)."),
    "annex_dividers": Field("bool", default=False,
                            help="true: each annex of the PDF opens after a full-page divider, as a part does."),
    "pdf_standards": Field("list", items=Field("str", required=True, choices=PDF_STANDARDS),
                           help="What every PDF declares and is held to (default [a-2a, ua-1]: archivable and "
                                "accessible); one PDF/A level and/or ua-1 (PDF/A-4 cannot be combined with it), "
                                "or [] for none."),
    "registers": REGISTERS,
    "style": STYLE,
    "findings": Field("dict", default={}, values=Field("str", required=True, choices=(*SEVERITIES, OFF)),
                      help="Change a finding code's severity, or turn it off: {terms/acronym-unknown: off}."),
})


def load_project(root: Path) -> Project:
    root = Path(root).resolve()
    report_path, outline_path = root / REPORT_FILE, root / OUTLINE_FILE
    missing = [name for name, path in ((REPORT_FILE, report_path), (OUTLINE_FILE, outline_path)) if not path.is_file()]
    if missing:
        raise ProjectError([f"{root}: not a report project: missing {' and '.join(missing)}"])

    problems: list[str] = []
    raw_report = _read(report_path, REPORT_FILE, problems)
    raw_outline = _read(outline_path, OUTLINE_FILE, problems)
    if problems:
        raise ProjectError(problems)

    report_check = Validator(REPORT_FILE)
    report = report_check.check(raw_report, REPORT) or {}
    language = report.get("language") or "en"
    agencies = _agencies(root, raw_report, report.get("agencies") or {}, language, report_check)
    milestones = sorted((Milestone(**m) for m in report.get("milestones") or [] if m and m["date"] and m["status"]),
                        key=lambda m: m.date)
    _unique_milestones(raw_report, milestones, report_check)
    severities = _severities(raw_report, report.get("findings") or {}, report_check)
    if report.get("slug") and not ID_PATTERN.match(report["slug"]):
        report_check.error(mark_of(raw_report, "slug"), "slug",
                           "the output file name must be lower-case letters, digits and hyphens")
        report["slug"] = None
    style = report.get("citation_style")
    if style and not _inside_file(root, style, (".csl",)):
        report_check.error(mark_of(raw_report, "citation_style"), "citation_style",
                           f"'{style}' is not a .csl file of the project")
        report["citation_style"] = None
    logo = _logo(root, report.get("logo"), report_check, mark_of(raw_report, "logo"), "logo")
    standards = _pdf_standards(raw_report, report, report_check)
    registers = build_registers(raw_report, report.get("registers") or {}, list(agencies), report_check)

    outline_check = Validator(OUTLINE_FILE)
    languages = _languages(raw_report, language, report.get("languages"), report_check)
    parts, front, back = build_outline(raw_outline, set(agencies), milestones, language, outline_check)

    terminology_check = Validator(report.get("terminology") or TERMINOLOGY_FILE)
    terminology = _terminology(root, report, terminology_check, problems)
    style = build_style(root, raw_report, report.get("style") or {}, language, report_check, problems)

    workplan_check = Validator(WORKPLAN_FILE)
    workplan_path = root / WORKPLAN_FILE
    workplan = build_workplan(_read(workplan_path, WORKPLAN_FILE, problems), set(agencies),
                              {m.id for m in milestones}, workplan_check) if workplan_path.is_file() else []

    problems += report_check.errors + outline_check.errors + terminology_check.errors + workplan_check.errors
    if problems:
        raise ProjectError(problems)
    texts = {key: report[key] or {} for key in LOCALISED}
    plain = {key: pick(value, language, language) for key, value in texts.items()}
    return Project(
        root=root, **plain, language=language, languages=languages, texts=texts, agencies=agencies,
        slug=report["slug"] or _slugify(plain["title"]), terminology=terminology, date=report["date"],
        due_soon_days=report["due_soon_days"], reminders=report["reminders"] or {}, smtp=report["smtp"] or {},
        workplan=workplan, citation_style=report.get("citation_style") or "",
        milestones=milestones, parts=parts, severities=severities, front=front, back=back,
        copyright=_imprint(report),
        logo=logo, references=report["references"], attribution=report["attribution"],
        annex_dividers=report["annex_dividers"], pdf_standards=standards, registers=registers,
        style=style,
    )


def _imprint(report: dict) -> dict:
    """report.yaml's `imprint:` over its older `copyright:` keys, each as {language: text}."""
    given = {key: value for key, value in (report.get("copyright") or {}).items() if value}
    if given.get("isbn"):
        given["isbn"] = {"": given["isbn"]}
    return {**given, **{key: value for key, value in (report.get("imprint") or {}).items() if value}}


def _pdf_standards(raw, report: dict, validator: Validator) -> tuple[str, ...] | None:
    """report.yaml's `pdf_standards` (None when absent): at most one PDF/A level, and PDF/A-4 (PDF 2.0) not
    with PDF/UA-1 (PDF 1.7), which Typst would refuse when it sets the PDF."""
    chosen = report.get("pdf_standards")
    if chosen is None:
        return None
    levels = [name for name in chosen if name.startswith("a-")]
    if len(levels) > 1 or (levels and levels[0].startswith("a-4") and "ua-1" in chosen):
        validator.error(mark_of(raw, "pdf_standards"), "pdf_standards",
                        f"{', '.join(chosen)} cannot be declared together: choose one PDF/A level, and "
                        "PDF/A-2 or -3 (not -4) with ua-1")
        return None
    return tuple(dict.fromkeys(chosen))


def _inside_file(root: Path, relpath: str, suffixes: tuple[str, ...]) -> bool:
    """`relpath` names a readable file of one of these types inside the project (not a link out of it)."""
    path = (root / relpath)
    try:
        return (path.suffix.lower() in suffixes and not path.is_symlink() and path.is_file()
                and root in path.resolve().parents and os.access(path, os.R_OK) and path.stat().st_size > 0)
    except OSError:
        return False


def _logo(root: Path, relpath: str | None, validator: Validator, mark, keypath: str) -> str:
    """A logo named in report.yaml, when it is a picture file of the project; else "" and a config error
    (the cover would otherwise go out without it, unnoticed)."""
    if relpath and not _inside_file(root, relpath, LOGO_TYPES):
        validator.error(mark, keypath, f"'{relpath}' is not a PNG, JPEG or SVG file inside the project folder")
        return ""
    return relpath or ""


def _severities(raw, settings: dict, validator: Validator) -> dict[str, str]:
    """report.yaml's `findings:` (code → error, warning, info or off), for codes jointreport knows."""
    for code in settings:
        if code not in CODES:
            close = difflib.get_close_matches(code, CODES, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else " (the README lists every code)"
            validator.error(mark_of(raw, "findings", code), f"findings.{code}", f"no such finding code{hint}")
    return {code: severity for code, severity in settings.items() if code in CODES and severity}


def _terminology(root: Path, report: dict, validator: Validator, problems: list[str]) -> Terminology:
    """The agreed terms, acronyms and agreed blocks; an empty glossary when the project has none."""
    configured = report.get("terminology")
    path = (root / (configured or TERMINOLOGY_FILE)).resolve()
    if root not in path.parents:
        problems.append(f"{REPORT_FILE}: terminology: {configured!r} is outside the project folder")
        return Terminology()
    if not path.is_file():
        if configured:
            problems.append(f"{REPORT_FILE}: terminology: no file {configured!r} in the project")
        return Terminology()
    raw = _read(path, validator.label, problems)
    return build_terminology(raw, report.get("language") or "en", validator)


def _unique_milestones(raw, milestones: list[Milestone], validator: Validator) -> None:
    seen = set()
    for milestone in milestones:
        if milestone.id in seen:
            validator.error(mark_of(raw, "milestones"), "milestones", f"milestone id {milestone.id!r} is used twice")
        seen.add(milestone.id)


def _languages(raw, language: str, languages: list[str] | None, validator: Validator) -> list[str]:
    """The editions to build, the source language first."""
    languages = languages or [language]
    for code in languages:
        if not LANGUAGE_CODE.match(code):
            validator.error(mark_of(raw, "languages"), "languages", f"{code!r} is not a language code like en, fr, es")
    if languages[0] != language:
        validator.error(mark_of(raw, "languages"), "languages",
                        f"should start with the source language {language!r} (the language the drafts are written in)")
    return list(dict.fromkeys(languages))


def _read(path: Path, label: str, problems: list[str]):
    try:
        return read_yaml(path, label)
    except YamlError as exc:
        problems.append(str(exc))
        return None


def _agencies(root: Path, raw, agencies: dict, language: str, validator: Validator) -> dict[str, Agency]:
    result = {}
    for agency_id, entry in agencies.items():
        if not ID_PATTERN.match(agency_id):
            validator.error(mark_of(raw, "agencies", agency_id), f"agencies.{agency_id}",
                            "agency ids must be lower-case letters, digits and hyphens "
                            "(they name folders under contributions/)")
            continue
        if entry:
            contact = entry["contact"] or {}
            names, shorts, articles = dict(entry["name"] or {}), dict(entry["short"] or {}), {}
            for lang, named in (entry["names"] or {}).items():
                if not LANGUAGE_CODE.match(lang):
                    validator.error(mark_of(raw, "agencies", agency_id, "names"), f"agencies.{agency_id}.names",
                                    f"{lang!r} is not a language code like en, fr, es")
                    continue
                named = named or {}
                names.update({lang: named["name"]} if named.get("name") else {})
                shorts.update({lang: named["short"]} if named.get("short") else {})
                articles.update({lang: named["article"]} if named.get("article") else {})
            logo = _logo(root, entry["logo"], validator, mark_of(raw, "agencies", agency_id, "logo"),
                         f"agencies.{agency_id}.logo")
            result[agency_id] = Agency(agency_id, pick(names, language, language), pick(shorts, language, language),
                                       contact.get("name", ""), contact.get("email", ""), names, shorts, logo,
                                       articles.get(language, ""), articles)
    return result


def _slugify(title: str) -> str:
    """File name for outputs: the title's words, cut at a word boundary."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    slug = ""
    for word in words:
        if len(slug) + len(word) > 60:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or "report"
