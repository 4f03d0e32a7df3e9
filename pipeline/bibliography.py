"""One bibliography for the whole report, merged from every source of references (issue 12).

References come from the project (`references.bib|.json|.yaml` at its root), from each agency's folder
(`contributions/<agency>/*.bib|*.json`) and from the citations embedded in Word drafts (Zotero and
Mendeley fields carry CSL JSON; pandoc's docx reader with `+citations` reads them). Every file is parsed
by pandoc itself (sandboxed, through `pandoc.run_pandoc`) into CSL JSON, then merged here: the same work
twice (same DOI, else same normalised title, year and first author) is kept once, and a key used for two
different works is renamed. Citations are then resolved by `Bibliography.resolver`, for the check and the
assembly alike (`normalise.neutralise` takes the resolver), so `check` reports what the build will do.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .codes import finding
from .errors import DraftError
from .model import Finding, Place
from .pandoc import pandoc_version, run_pandoc
from .tree import as_json, visit

if TYPE_CHECKING:
    from .buildcache import Store

MAX_BIBLIOGRAPHY_BYTES = 5_000_000  # some 10,000 BibTeX entries
PROJECT_FILES = ("references.bib", "references.json", "references.yaml")
AGENCY_SUFFIXES = (".bib", ".json")  # beside an agency's drafts: references, never drafts
READERS = {".bib": "bibtex", ".json": "csljson", ".yaml": "markdown"}
PARSE_SECONDS, PARSE_HEAP_MB = 30, 500
PROJECT_SCOPE = ""


class BadBibliography(DraftError):
    code = "input/unreadable"


def parse(data: bytes, suffix: str) -> list[dict]:
    """CSL JSON entries of a .bib, CSL .json or .yaml (`references:` list) file, read by pandoc."""
    reader = READERS[suffix]
    if reader == "markdown":  # a YAML file of references is a Markdown document's metadata block
        data = b"---\n" + data.replace(b"\r\n", b"\n").rstrip(b"\n") + b"\n...\n"
    try:
        out = run_pandoc(["-f", reader, "-t", "csljson"], stdin=data, timeout=PARSE_SECONDS, heap_mb=PARSE_HEAP_MB)
        entries = json.loads(out)
    except DraftError as exc:
        raise BadBibliography(f"cannot be read as references ({exc}); check its syntax") from None
    except ValueError:
        raise BadBibliography("pandoc did not read it as references; check its syntax") from None
    if not isinstance(entries, list):
        raise BadBibliography("holds no list of references")
    return [e for e in entries if isinstance(e, dict) and str(e.get("id") or "").strip()]


@dataclass(frozen=True)
class ReferenceFile:
    """The references of one source, and the scope its keys are written in: the project (''), an agency
    (its folder, 'contributions/ilo/') or one Word draft (its path)."""

    place: Place
    scope: str
    entries: list[dict]


@dataclass
class Bibliography:
    entries: dict[str, dict] = field(default_factory=dict)  # key in the report → CSL JSON entry
    keys: dict[tuple[str, str], str] = field(default_factory=dict)  # (scope, key as written) → key in the report
    findings: list[Finding] = field(default_factory=list)  # duplicates merged, incomplete entries

    def resolve(self, scopes: tuple[str, ...], key: str) -> str | None:
        """The report's key for a key as a draft wrote it: its own scopes first (the draft, its agency,
        the project), then any scope that defines it."""
        for scope in scopes:
            if (scope, key) in self.keys:
                return self.keys[(scope, key)]
        for (_, written), final in self.keys.items():
            if written == key:
                return final
        return None

    def resolver(self, relpath: str, agency: str | None) -> Callable[[str], str | None] | None:
        """What `normalise.neutralise` resolves a draft's citations with; None when the report has no
        references at all (then a citation is printed as typed: `input/citation`)."""
        if not self.entries:
            return None
        scopes = (relpath, agency_scope(agency) if agency else PROJECT_SCOPE, PROJECT_SCOPE)
        return lambda key: self.resolve(scopes, key)


def agency_scope(agency: str) -> str:
    return f"contributions/{agency}/"


def merge(files: list[ReferenceFile]) -> Bibliography:
    """One list from all the files, in their order: the first entry of a work is kept, later ones merged
    into it (`cite/duplicate-entry`); a key already taken by another work is renamed `key-2`, `key-3`…"""
    bib = Bibliography()
    seen: dict[tuple, str] = {}  # a work's identity → its key in the report
    origin: dict[str, str] = {}  # key in the report → the file its entry came from
    sections: dict[str, tuple] = {}  # key in the report → the agency and section of that file
    for source in files:
        for entry in source.entries:
            written = str(entry["id"]).strip()
            identity, how = _identity(entry)
            if identity in seen:
                kept = seen[identity]
                bib.keys.setdefault((source.scope, written), kept)
                if source.place.section and sections.get(kept) == (source.place.agency, source.place.section):
                    continue  # a draft's translation embeds the works its source does
                bib.findings.append(finding(
                    "cite/duplicate-entry", source.place,
                    f"'{written}' is the same work as '{kept}' of {origin[kept]} ({how}): merged into one "
                    f"entry, the one of {origin[kept]} kept", written))
                continue
            key, number = written, 2
            while key in bib.entries:
                key, number = f"{written}-{number}", number + 1
            bib.entries[key] = {**entry, "id": key}
            bib.keys.setdefault((source.scope, written), key)
            seen[identity] = key
            origin[key] = source.place.path
            sections[key] = (source.place.agency, source.place.section)
            missing = [what for what, there in (("title", _title(entry)), ("year", year_of(entry))) if not there]
            if missing:
                bib.findings.append(finding(
                    "cite/incomplete-entry", source.place,
                    f"'{written}' has no {' and no '.join(missing)}: the references list cannot show it fully; "
                    "complete the entry", written))
    return bib


def _identity(entry: dict) -> tuple[tuple, str]:
    doi = normal_doi(entry.get("DOI") or entry.get("doi"))
    if doi:
        return ("doi", doi), f"DOI {doi}"
    title = normalised(_title(entry))
    if not title:
        return ("entry", id(entry)), ""
    return ("work", title, year_of(entry), normalised(first_author(entry))), "same title, year and first author"


def normal_doi(value) -> str:
    doi = str(value or "").strip().lower()
    return re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi)


def _title(entry: dict) -> str:
    return re.sub(r"<[^>]*>", "", str(entry.get("title") or "")).strip()


def year_of(entry: dict) -> str:
    """The year a CSL JSON entry was issued, or ""."""
    issued = entry.get("issued")
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            return str(parts[0][0])
        for raw in (issued.get("literal"), issued.get("raw")):
            match = re.search(r"\d{4}", str(raw or ""))
            if match:
                return match.group(0)
    elif issued:
        match = re.search(r"\d{4}", str(issued))
        return match.group(0) if match else ""
    return ""


def first_author(entry: dict) -> str:
    """A CSL JSON entry's first author (else editor): a family name or an organisation's, or ""."""
    for role in ("author", "editor"):
        people = entry.get(role)
        if isinstance(people, list) and people and isinstance(people[0], dict):
            return str(people[0].get("family") or people[0].get("literal") or "")
    return ""


def normalised(text: str) -> str:
    """Text compared as a person would: case, accents and punctuation aside."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def cited_keys(blocks: list) -> list[str]:
    """The keys of every citation left in the blocks, in order of first use."""
    return _citations(blocks)[0]


def _citations(blocks: list) -> tuple[list[str], int]:
    """The keys cited in the blocks, in order of first use, and how many citations there are."""
    found: dict[str, None] = {}
    count = 0

    def collect(key, value, fmt, meta) -> None:
        nonlocal count
        count += 1
        for citation in value[0]:
            found.setdefault(citation["citationId"], None)

    visit(blocks, collect, only=frozenset(("Cite",)))
    return list(found), count


HOLDERS = {"Para", "Plain", "Header", "LineBlock"}  # blocks whose words may hold a citation or a note
CITE, NOTE = (b'"t":"Cite"', b'"t": "Cite"'), (b'"t":"Note"', b'"t": "Note"')  # as orjson or json writes them


def _holders(blocks: list) -> list[tuple[list, int, int, int]]:
    """Where the blocks that hold a citation or a note are (their list and index), in reading order, with
    how many citations and notes each holds: all citeproc looks at to number notes and place each citation
    (first, subsequent, ibid., near a note)."""
    found = []

    def look(node) -> None:
        if isinstance(node, list):
            for index, item in enumerate(node):
                if isinstance(item, dict) and item.get("t") in HOLDERS:
                    text = as_json(item)
                    cites, notes = (sum(text.count(mark) for mark in marks) for marks in (CITE, NOTE))
                    if cites or notes:
                        found.append((node, index, cites, notes))
                elif isinstance(item, (list, dict)):
                    look(item)
        elif isinstance(node, dict):
            for value in node.values():
                if isinstance(value, (list, dict)):
                    look(value)

    look(blocks)
    return found


def _trim_suffix(key, value, fmt, meta) -> None:
    """A citation's suffix without the space pandoc's Word reader leaves after a Zotero or Mendeley page
    (", 12 "), which citeproc would print before the closing parenthesis: "(Smith 2019, 12 )"."""
    for citation in value[0]:
        suffix = citation["citationSuffix"]
        while suffix and suffix[-1]["t"] in ("Space", "SoftBreak"):
            suffix.pop()


def entry_id(key: str) -> str:
    """The identifier of a cited work's entry in the References list (one Word and Typst accept)."""
    return "ref_" + re.sub(r"[^A-Za-z0-9_]", "_", key)[:36]


def _as_spans(node):
    """citeproc's output with each citation a Span of its rendered text, and entry ids Word and Typst accept."""
    if isinstance(node, dict):
        if node.get("t") == "Cite":  # the entries it cites kept (`refs`), for a writer that links them
            entries = " ".join(entry_id(citation["citationId"]) for citation in node["c"][0])
            return {"t": "Span", "c": [["", ["citation"], [["refs", entries]]], _as_spans(node["c"][1])]}
        if node.get("t") == "Div" and "csl-entry" in node["c"][0][1]:
            node["c"][0][0] = entry_id(node["c"][0][0].removeprefix("ref-"))
        return {key: _as_spans(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_as_spans(item) for item in node]
    return node


def render_citations(blocks: list, entries: dict[str, dict], lang: str, csl: Path | None = None,
                     refs_div: dict | None = None, memo: Store | None = None) -> list:
    """The report's blocks with every citation rendered by pandoc's citeproc, once for both outputs, in
    the `csl` style (pandoc's Chicago author-date when None), and `refs_div` (a Div with id "refs", placed
    by the caller) filled with the references list. Each citation becomes a Span of its rendered text
    (class "citation"), so no writer has to know about citations (Typst's would write `@key`). citeproc
    is given only the blocks that hold a citation or a note, in order (a small part of a report), and what
    it renders is put back in their places in `blocks`, which are changed. With a `memo`, what citeproc
    rendered is kept by a digest of what it was given: an edit to text without citations or notes does
    not run it again."""
    keys, count = _citations(blocks)
    cited = [entries[key] for key in keys if key in entries]
    if not cited:
        return blocks
    holders = _holders(blocks)
    own = [refs_div] if refs_div else []

    def citeproc(given: list) -> list:
        references = json.loads(run_pandoc(["-f", "csljson", "-t", "json"], stdin=json.dumps(cited).encode()))
        meta = {"references": references["meta"]["references"], "lang": {"t": "MetaString", "c": lang}}
        visit(given, _trim_suffix, only=frozenset(("Cite",)))
        document = {"pandoc-api-version": references["pandoc-api-version"], "meta": meta, "blocks": given + own}
        args = ["-f", "json", "-t", "json", "--citeproc"] + ([f"--csl={csl}"] if csl else [])
        return json.loads(run_pandoc(args, stdin=as_json(document)))["blocks"]

    if sum(cites for _, _, cites, _ in holders) != count:  # a citation no paragraph holds
        return _as_spans(citeproc(blocks))
    # a block with notes but no citation counts for its notes only: it goes as a paragraph of empty notes
    given = [place[index] if cites else {"t": "Para", "c": [{"t": "Note", "c": []}] * notes}
             for place, index, cites, notes in holders]
    key = memo.key("citeproc", pandoc_version(), hashlib.sha256(as_json([given, own, cited])).hexdigest(), lang,
                   hashlib.sha256(csl.read_bytes()).hexdigest() if csl else None) if memo else ""
    rendered = memo.get_json(key) if memo else None
    if rendered is None:
        rendered = citeproc(given)
        if memo:
            memo.put_json(key, rendered)
    if [block.get("t") for block in rendered[:len(given)]] != [block["t"] for block in given]:
        return _as_spans(citeproc(blocks))  # citeproc made more or fewer blocks: the whole text, then
    for (place, index, cites, _), block in zip(holders, rendered, strict=False):  # citeproc adds the list
        if cites:
            place[index] = _as_spans(block)
    return blocks + _as_spans(rendered[len(holders):])
