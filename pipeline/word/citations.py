"""Citations in a Word draft read from each field's own data, so every citation cites the work it names.

Zotero (`ADDIN ZOTERO_ITEM CSL_CITATION {…}`) and Mendeley (`ADDIN CSL_CITATION {…}`) keep each cited
work's CSL JSON in the field; EndNote (`ADDIN EN.CITE <EndNote>…`, or its record base64-encoded in the
field's data) an EndNote XML record; Word's own citations (`CITATION Tag \\p 12`) a tag of the Sources
part (customXml, `b:Sources`). Their ids are only local: Mendeley numbers the works of each citation
ITEM-1, ITEM-2…, a Zotero id or EndNote record number belongs to one person's library, so pandoc's reader,
which keys works by those ids, takes two works for one. `read` gives each work a key made from the work
itself (first author, year, a letter for the next different work: smith2019a, smith2019b) and rewrites
every such field as one form pandoc reads (Zotero's, with the CSL JSON and the key); a citation whose work
cannot be identified (no data, data that does not parse, a tag no source has) keeps its printed text and
is reported with its paragraph. The citation manager's own list of references (ZOTERO_BIBL, Mendeley's
and EndNote's bibliography, Word's BIBLIOGRAPHY) is left out: the report's References list replaces it.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field

from lxml import etree

from ..bibliography import first_author, normalised, year_of
from ..errors import DraftError
from ..inputs import Spot
from ..pandoc import run_pandoc
from ..wordcount import words_in
from ..wordml import W, WordPackage, paragraph_location

BIBLIOGRAPHY_NS = "http://schemas.openxmlformats.org/officeDocument/2006/bibliography"
B = f"{{{BIBLIOGRAPHY_NS}}}"
CSL_FIELD = re.compile(r"^\s*ADDIN\s+(?:ZOTERO_ITEM\s+(?:CSL_CITATION\s*)?|CSL_CITATION\s*)(?=\{)", re.S)
ENDNOTE_FIELD = re.compile(r"^\s*ADDIN\s+EN\.CITE\b(?!\.)", re.S)
WORD_FIELD = re.compile(r"^\s*CITATION\s+(\S+)(.*)$", re.S | re.I)
OWN_LIST = re.compile(r"^\s*(ADDIN\s+(ZOTERO_BIBL|Mendeley\s+Bibliography|EN\.REFLIST)|BIBLIOGRAPHY)\b", re.I)
ZOTERO_FORM = "ADDIN ZOTERO_ITEM CSL_CITATION "
ITEM_EXTRAS = ("locator", "label", "prefix", "suffix", "suppress-author", "author-only")
WHO = {"csl": "Zotero or Mendeley", "endnote": "EndNote", "word": "Word's own"}


@dataclass
class Field:
    """One field of a part: where it starts, its instruction's elements, where its result starts."""

    begin: etree._Element  # the w:fldChar of type begin, or a w:fldSimple
    instructions: list = field(default_factory=list)  # w:instrText elements
    separate: etree._Element | None = None
    data: str = ""  # w:fldData (EndNote keeps a long record there, base64)

    @property
    def instruction(self) -> str:
        if self.begin.tag == f"{{{W}}}fldSimple":
            return self.begin.get(f"{{{W}}}instr", "")
        return "".join(t.text or "" for t in self.instructions)


@dataclass
class Citations:
    """What `read` found: per part, each field's new instruction in document order (None: left alone, "":
    printed as its text, "-": left out), the citations whose work is unknown, and the own lists dropped."""

    instructions: dict[str, list[str | None]] = field(default_factory=dict)
    unidentified: list[Spot] = field(default_factory=list)  # detail: the citation manager
    own_lists: list[Spot] = field(default_factory=list)  # words: how many the list held
    own_list_words: list[str] = field(default_factory=list)  # which, for the word audit to set aside


def fields(root) -> list[Field]:
    """Every field of a part, complex or simple, in the order their starts appear."""
    found, open_fields = [], []
    for element in root.iter(f"{{{W}}}fldChar", f"{{{W}}}instrText", f"{{{W}}}fldSimple"):
        if element.tag == f"{{{W}}}fldSimple":
            found.append(Field(element))
            continue
        if element.tag == f"{{{W}}}instrText":
            if open_fields and open_fields[-1].separate is None:
                open_fields[-1].instructions.append(element)
            continue
        kind = element.get(f"{{{W}}}fldCharType")
        if kind == "begin":
            data = element.find(f"{{{W}}}fldData")
            open_fields.append(Field(element, data="".join((data.text or "").split()) if data is not None else ""))
            found.append(open_fields[-1])
        elif kind == "separate" and open_fields:
            open_fields[-1].separate = element
        elif kind == "end" and open_fields:
            open_fields.pop()
    return found


def read(package: WordPackage, paragraphs: dict[str, list]) -> Citations:
    """Every citation field of the draft's text parts identified (`paragraphs`: each part's countable
    paragraphs, for the places named)."""
    result = Citations()
    sources = word_sources(package)
    keys = _Keys()
    endnote: list[tuple[str, int, Spot, list[str]]] = []  # EndNote's records, converted together at the end
    for part in package.text_parts():
        root = package.part(part)
        if root is None:
            continue
        planned: list[str | None] = []
        for index, found in enumerate(fields(root)):
            instruction = found.instruction
            where = paragraph_location(root, found.begin, paragraphs.get(part))
            kind, items = _items(instruction, found.data, sources)
            if OWN_LIST.match(instruction):
                planned.append("-")
                words = words_in(_result_text(found))
                result.own_lists.append(Spot(where, len(words)))
                result.own_list_words += words
            elif kind is None:
                planned.append(None)
            elif not items or (kind != "endnote" and not all(_identity(data) for data, _ in items)):
                planned.append("")
                result.unidentified.append(Spot(where, 0, WHO[kind]))
            elif kind == "endnote":
                planned.append(None)
                endnote.append((part, index, Spot(where, 0, WHO[kind]), [record for record, _ in items]))
            else:
                planned.append(_zotero_form(items, keys))
        result.instructions[part] = planned
    converted = iter(_endnote_records([record for *_, records in endnote for record in records]))
    for part, index, spot, records in endnote:
        works = [next(converted) for _ in records]
        if all(works):
            result.instructions[part][index] = _zotero_form([(work, {}) for work in works], keys)
        else:
            result.instructions[part][index] = ""
            result.unidentified.append(spot)
    return result


def _result_text(found: Field) -> str:
    """The text a field shows (its result)."""
    if found.begin.tag == f"{{{W}}}fldSimple":
        return "".join(t.text or "" for t in found.begin.iter(f"{{{W}}}t"))
    return " ".join("".join(t.text or "" for t in element.iter(f"{{{W}}}t")) for element in _result(found))


def _items(instruction: str, data: str, sources: dict[str, dict]) -> tuple[str | None, list[tuple]]:
    """Which citation manager wrote the field, and its works as (CSL JSON or EndNote record, the citation's
    own extras: page, prefix…); (None, []) for a field that is no citation."""
    if CSL_FIELD.match(instruction):
        try:
            citation, _ = json.JSONDecoder().raw_decode(instruction[instruction.index("{"):])
            items = citation["citationItems"]
            return "csl", [(item.get("itemData") or {}, {k: item[k] for k in ITEM_EXTRAS if k in item})
                           for item in items if isinstance(item, dict)]
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):  # RecursionError: nested too deep
            return "csl", []
    if ENDNOTE_FIELD.match(instruction):
        text = instruction[ENDNOTE_FIELD.match(instruction).end():].strip() or _decoded(data)
        cites = re.findall(r"<Cite>.*?</Cite>", text, re.S)
        records = [re.search(r"<record>.*?</record>", cite, re.S) for cite in cites]
        return "endnote", [(record.group(0), {}) for record in records] if records and all(records) else []
    match = WORD_FIELD.match(instruction)
    if match:
        switches = _switches(match.group(2))
        tags = [match.group(1)] + switches.get("m", [])
        extras = {"locator": switches["p"][0], "label": "page"} if "p" in switches else {}
        extras.update({key: switches[switch][0] for switch, key in (("f", "prefix"), ("s", "suffix"))
                       if switch in switches})
        found = [sources.get(tag.lower()) for tag in tags]
        return "word", [(source, extras) for source in found] if all(found) else []
    return None, []


def _decoded(data: str) -> str:
    """EndNote's field data: its citation XML, base64-encoded (UTF-8, else UTF-16)."""
    try:
        raw = base64.b64decode(data)
    except (binascii.Error, ValueError):
        return ""
    for encoding in ("utf-8", "utf-16"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return ""


def _switches(text: str) -> dict[str, list[str]]:
    """A CITATION field's switches: \\p 12 (page), \\m Tag2 (another work cited with it), \\l 1033…"""
    found: dict[str, list[str]] = {}
    for name, value in re.findall(r"\\(\w)\s*(\"[^\"]*\"|[^\\\s]*)", text):
        found.setdefault(name.lower(), []).append(value.strip('"'))
    return found


def _endnote_records(records: list[str]) -> list[dict | None]:
    """EndNote XML records as CSL JSON, read by pandoc's EndNote reader in one run (it keeps their order);
    None for a record that names no work, and for each when pandoc cannot read them."""
    if not records:
        return []
    document = "<xml><records>" + "".join(records) + "</records></xml>"
    try:
        entries = json.loads(run_pandoc(["-f", "endnotexml", "-t", "csljson"], stdin=document.encode("utf-8")))
    except (DraftError, ValueError):
        return [None] * len(records)
    if not isinstance(entries, list) or len(entries) != len(records):
        return [None] * len(records)
    return [entry if _identity(entry) else None for entry in entries]


def _identity(item: dict) -> tuple:
    """What tells one work from another: its DOI, else its title with year and first author; () when the
    data names no work."""
    if not isinstance(item, dict):
        return ()
    doi = str(item.get("DOI") or "").strip().lower()
    if doi:
        return ("doi", doi)
    title = normalised(str(item.get("title") or ""))
    return ("work", title, year_of(item), normalised(first_author(item))) if title else ()


class _Keys:
    """A key per work, made from the work: first author's family name and year, then a letter for each
    further work that would have the same (smith2019, smith2019b…)."""

    def __init__(self):
        self.by_work: dict[tuple, str] = {}
        self.taken: set[str] = set()

    def key(self, item: dict) -> str:
        work = _identity(item)
        if work not in self.by_work:
            base = _short_name(item) + year_of(item)
            key, letter = base, ord("b")
            while key in self.taken:
                key, letter = f"{base}{chr(letter)}", letter + 1
            self.taken.add(key)
            self.by_work[work] = key
        return self.by_work[work]


def _short_name(item: dict) -> str:
    """The first author's family name for a key, an organisation's initials ("International Labour
    Office" → "ilo"), or "work"."""
    name = first_author(item)
    words = [w for w in name.split() if w[:1].isupper()]
    if len(words) >= 3 and not any(p.get("family") for p in item.get("author") or [] if isinstance(p, dict)):
        name = "".join(w[0] for w in words)
    return re.sub(r"[^a-z0-9]", "", normalised(name))[:20] or "work"


def _zotero_form(items: list[tuple[dict, dict]], keys: _Keys) -> str:
    """The field's works in the one form pandoc reads, each under its work's own key."""
    cited = []
    for data, extras in items:
        key = keys.key(data)
        cited.append({"id": key, **extras, "itemData": {**data, "id": key}})
    return ZOTERO_FORM + json.dumps({"citationItems": cited}, ensure_ascii=False)


# Word's own sources (References › Manage Sources), kept in a customXml part as b:Sources.
SOURCE_TYPES = {"book": "book", "booksection": "chapter", "journalarticle": "article-journal",
                "articleinaperiodical": "article-magazine", "conferenceproceedings": "paper-conference",
                "report": "report", "internetsite": "webpage", "documentfrominternetsite": "webpage",
                "electronicsource": "webpage", "case": "legal_case", "patent": "patent", "film": "motion_picture",
                "interview": "interview", "misc": "document"}
SOURCE_FIELDS = {"Title": "title", "Publisher": "publisher", "City": "publisher-place", "Volume": "volume",
                 "Issue": "issue", "Pages": "page", "URL": "URL", "DOI": "DOI", "Edition": "edition",
                 "JournalName": "container-title", "BookTitle": "container-title",
                 "PeriodicalTitle": "container-title", "InternetSiteTitle": "container-title",
                 "ConferenceName": "container-title", "Institution": "publisher", "StandardNumber": "ISBN"}


def word_sources(package: WordPackage) -> dict[str, dict]:
    """Word's own sources as CSL JSON, by tag (lower case)."""
    found = {}
    for name in sorted(n for n in package.names if n.startswith("customXml/") and n.endswith(".xml")
                       and "/_rels/" not in n and "itemProps" not in n):
        root = package.part(name)
        if root is None or root.tag != f"{B}Sources":
            continue
        for source in root.iter(f"{B}Source"):
            tag = (source.findtext(f"{B}Tag") or "").strip()
            if tag:
                found[tag.lower()] = _csl_of(source)
    return found


def _csl_of(source) -> dict:
    kind = (source.findtext(f"{B}SourceType") or "").strip().lower()
    item: dict = {"type": SOURCE_TYPES.get(kind, "document")}
    for element, key in SOURCE_FIELDS.items():
        value = " ".join((source.findtext(f"{B}{element}") or "").split())
        if value and key not in item:
            item[key] = value
    year = (source.findtext(f"{B}Year") or "").strip()
    if year.isdigit():
        item["issued"] = {"date-parts": [[int(year)]]}
    for role, key in (("Author", "author"), ("Editor", "editor")):
        holder = source.find(f"{B}Author/{B}{role}")
        if holder is None:
            continue
        corporate = (holder.findtext(f"{B}Corporate") or "").strip()
        people = [{"family": (p.findtext(f"{B}Last") or "").strip(),
                   "given": " ".join(x for x in ((p.findtext(f"{B}First") or "").strip(),
                                                 (p.findtext(f"{B}Middle") or "").strip()) if x)}
                  for p in holder.iter(f"{B}Person")]
        item[key] = [{"literal": corporate}] if corporate else [p for p in people if p["family"]]
    return item


def rewrite(root, planned: list[str | None]) -> None:
    """Each field of a part given its new instruction (see `Citations`), in place."""
    for found, instruction in zip(fields(root), planned, strict=False):
        if instruction is None:
            continue
        if instruction == "-":
            _drop_result(found)
            instruction = ""
        if instruction == "":
            _unwrap(found)
        else:
            _set_instruction(found, instruction)


def _runs_between(first, last) -> list:
    """The runs after `first`'s run up to `last`'s (exclusive), when both sit in one parent."""
    start, stop = first.getparent(), last.getparent() if last is not None else None
    if stop is None or start.getparent() is None or start.getparent() is not stop.getparent():
        return []
    siblings = list(start.getparent())
    return siblings[siblings.index(start) + 1:siblings.index(stop)]


def _set_instruction(found: Field, instruction: str) -> None:
    """The field's instruction (and data) replaced by `instruction`: a nested field or the data of an
    EndNote citation go, one w:instrText says it all."""
    if found.begin.tag == f"{{{W}}}fldSimple":
        found.begin.set(f"{{{W}}}instr", " " + instruction + " ")
        return
    for data in found.begin.findall(f"{{{W}}}fldData"):
        found.begin.remove(data)
    between = _runs_between(found.begin, found.separate)
    if not between:
        for element in found.instructions[1:]:
            element.text = ""
        if found.instructions:
            found.instructions[0].text = " " + instruction + " "
        return
    parent = found.begin.getparent().getparent()
    for run in between:
        parent.remove(run)
    run = etree.Element(f"{{{W}}}r")
    text = etree.SubElement(run, f"{{{W}}}instrText")
    text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    text.text = " " + instruction + " "
    found.begin.getparent().addnext(run)


def _unwrap(found: Field) -> None:
    """A field that is printed as its text: its result stays, as plain runs."""
    if found.begin.tag == f"{{{W}}}fldSimple":
        found.begin.set(f"{{{W}}}instr", "")
        return
    for run in _runs_between(found.begin, found.separate) + [found.begin.getparent()]:
        if run.getparent() is not None:
            run.getparent().remove(run)
    if found.separate is not None and found.separate.getparent() is not None:
        found.separate.getparent().remove(found.separate)


def _result(found: Field) -> list:
    """The runs after a field's separator up to its end, and the whole paragraphs after, when the result
    (a list of references) runs over several: the end's paragraph the last."""
    if found.separate is None or found.separate.getparent() is None:
        return []
    start = found.separate.getparent()
    elements = []
    for run in start.itersiblings():
        elements.append(run)
        if run.find(f"{{{W}}}fldChar[@{{{W}}}fldCharType='end']") is not None:
            return elements
    paragraph = start.getparent()
    for following in paragraph.itersiblings() if paragraph is not None else ():
        elements.append(following)
        if following.find(f".//{{{W}}}fldChar[@{{{W}}}fldCharType='end']") is not None:
            break
    return elements


def _drop_result(found: Field) -> None:
    """The field's result (the manager's printed list of references) left out."""
    if found.begin.tag == f"{{{W}}}fldSimple":
        for child in list(found.begin):
            found.begin.remove(child)
        return
    for element in _result(found):
        element.getparent().remove(element)
