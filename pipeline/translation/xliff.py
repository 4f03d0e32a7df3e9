"""One section's units as an XLIFF 2.0 file, and a returned one read back (translate-toolkit's `xliff2`
writes and parses the file, with its safe parser: no entities, no network; the inline codes of each
`<source>` and `<target>` are lxml elements of that same tree).

Inline codes: `<pc>` around formatted text or a link's words (the translator translates what is inside
and may move it), `<ph>` for what is kept as it is (citation, cross-reference, footnote call — whose
`subFlows` names the footnote's own units —, code, picture), all with canDelete="no" and canCopy="no".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree
from translate.storage.xliff2 import Xliff2File

from ..errors import JointreportError
from .units import Pc, Ph, Unit

NS = "urn:oasis:names:tc:xliff:document:2.0"
JR = "urn:jointreport:translation:1"
TYPES = {"footnote": "other", "cite": "other", "xref": "link", "anchor": "other", "code": "other",
         "math": "other", "raw": "other", "break": "fmt", "image": "image", "other": "other",
         "quoted": "quote", "link": "link"}  # else fmt
PREFILLED = "jr:memory"  # the subState of a unit pre-filled from the translation memory (an exact match)


@dataclass
class Package:
    """Which source version a package translates, and into what."""

    agency: str
    section: str
    source: str  # the source draft's path
    sha256: str  # of the source version exported
    source_lang: str
    lang: str


@dataclass
class Returned:
    """A returned file: its package, and each unit's translation (content whose placeholders carry the
    source's ids), None for a unit with no target; in the file's order."""

    package: Package
    targets: dict[str, list | None] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)  # placeholders or codes the file made up, per unit id


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def write_xliff(package: Package, units: list[Unit], prefilled: dict[str, list],
                notes: dict[str, list[tuple[str, str]]]) -> bytes:
    """The package's XLIFF: every unit, those in `prefilled` (unit id → content) with their target and
    marked as exact memory matches, each with its `notes` (where it is, what was there before)."""
    store = Xliff2File(sourcelanguage=package.source_lang, targetlanguage=package.lang)
    store.setsourcelanguage(package.source_lang)
    store.settargetlanguage(package.lang)
    body = store.body
    body.set("id", "f1")
    body.set("original", package.source)
    for name in ("agency", "section", "sha256"):
        body.set(f"{{{JR}}}{name}", getattr(package, name))
    for unit in units:
        element = etree.SubElement(body, q("unit"), id=unit.id, type=f"jr:{unit.kind}")
        texts = notes.get(unit.id, [])
        if texts:
            holder = etree.SubElement(element, q("notes"))
            for category, text in texts:
                etree.SubElement(holder, q("note"), category=category).text = text
        segment = etree.SubElement(element, q("segment"))
        _fill(etree.SubElement(segment, q("source")), unit.content)
        if unit.id in prefilled:
            segment.set("state", "final")
            segment.set("subState", PREFILLED)
            _fill(etree.SubElement(segment, q("target")), prefilled[unit.id])
        else:
            segment.set("state", "initial")
    etree.cleanup_namespaces(store.document.getroot(), top_nsmap={"jr": JR})
    return bytes(store)


def _fill(parent, content: list) -> None:
    last = None
    for piece in content:
        if isinstance(piece, str):
            if last is None:
                parent.text = (parent.text or "") + piece
            else:
                last.tail = (last.tail or "") + piece
            continue
        kind = TYPES.get(piece.kind, "fmt")
        if isinstance(piece, Ph):
            last = etree.SubElement(parent, q("ph"), id=piece.id, type=kind, subType=f"jr:{piece.kind}",
                                    disp=piece.disp, canCopy="no", canDelete="no")
            if piece.notes:
                last.set("subFlows", " ".join(u.id for u in piece.notes))
        else:
            last = etree.SubElement(parent, q("pc"), id=piece.id, type=kind, subType=f"jr:{piece.kind}",
                                    canCopy="no", canDelete="no")
            if piece.disp:
                last.set("dispStart", piece.disp)
            _fill(last, piece.content)


class NotXliff(JointreportError):
    """Not an XLIFF 2 file jointreport exported."""


def read_xliff(data: bytes) -> Returned:
    try:
        store = Xliff2File.parsestring(data)
    except (etree.XMLSyntaxError, ValueError, AssertionError) as exc:
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise NotXliff(f"not an XLIFF 2 file ({why})") from None
    root = store.document.getroot()
    body = root.find(q("file"))
    if body is None or not body.get(f"{{{JR}}}sha256"):
        raise NotXliff("not a file jointreport exported (its <file> does not say which source it translates)")
    package = Package(body.get(f"{{{JR}}}agency", ""), body.get(f"{{{JR}}}section", ""), body.get("original", ""),
                      body.get(f"{{{JR}}}sha256", ""), root.get("srcLang", ""), root.get("trgLang", ""))
    returned = Returned(package)
    for unit in body.iter(q("unit")):
        targets = [segment.find(q("target")) for segment in unit.iter(q("segment"))]
        if all(t is None for t in targets):
            returned.targets[unit.get("id", "")] = None
            continue
        content: list = []
        for target in targets:  # a CAT tool may have split the unit into sentences
            if target is not None:
                content += _read(target, returned.unknown, unit.get("id", ""))
        returned.targets[unit.get("id", "")] = _merged(content)
    return returned


def _read(element, unknown: list, unit_id: str) -> list:
    content: list = [element.text] if element.text else []
    for child in element:
        tag = etree.QName(child).localname
        if tag == "ph":
            kind = (child.get("subType") or "jr:other")[3:]
            content.append(Ph(child.get("id", ""), kind, child.get("disp", ""), None))
        elif tag == "pc":
            content.append(Pc(child.get("id", ""), (child.get("subType") or "jr:span")[3:],
                              _merged(_read(child, unknown, unit_id)), None))
        elif tag == "mrk":  # an annotation (a term, a comment): its text is the translation's
            content += _read(child, unknown, unit_id)
        else:
            unknown.append(f"{unit_id}: <{tag}>")
        if child.tail:
            content.append(child.tail)
    return content


def _merged(content: list) -> list:
    out: list = []
    for piece in content:
        if isinstance(piece, str) and out and isinstance(out[-1], str):
            out[-1] += piece
        else:
            out.append(piece)
    return out
