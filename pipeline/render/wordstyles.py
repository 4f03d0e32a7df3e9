"""Any house Word template works: the styles the build uses and a coalition's reference.docx lacks are
copied in from the built-in one, so the build never fails, and never falls back to a bare look, for
want of a style.

A coalition's reference.docx (pandoc's own default, one saved by LibreOffice, the agency's letterhead)
rarely has all the styles the report uses: Header and Footer, the table of contents, the cover, Agreed
Text, Attribution, the draft mark… Every style of the built-in reference whose name the house template
does not have is copied in, with the styles it is based on, followed by or linked to (those the house
has are used instead) and the numbering it refers to. The house template's own styles, page set-up and
document defaults are never touched: where it has a style, its look wins.
"""

from __future__ import annotations

import copy
import hashlib
import io
from pathlib import Path

import docx
from docx.oxml.ns import qn

from .. import housestyle
from ..errors import JointreportError
from ..files import write_atomically
from ..model import Project

REFERENCE = "reference.docx"
MERGE_VERSION = b"wordstyles 1"  # part of the cache key: change it when the merge itself changes
REFERENCES = ("basedOn", "next", "link")


def complete_reference(project: Project) -> Path:
    """The reference.docx pandoc should use: the built-in one, or the project's own made complete
    (cached in build/.cache by content, so an unchanged template is merged once)."""
    reference = project.template(REFERENCE)
    if not project.overrides(REFERENCE):
        return reference
    house, builtin = reference.read_bytes(), housestyle.builtin(REFERENCE).read_bytes()
    digest = hashlib.sha256(MERGE_VERSION + hashlib.sha256(house).digest() + builtin).hexdigest()[:20]
    target = project.build_dir / ".cache" / f"reference-{digest}.docx"
    if not target.is_file():
        write_atomically(target, with_missing_styles(house, builtin, project.template_label(REFERENCE)))
    return target


def with_missing_styles(house: bytes, builtin: bytes, label: str = "reference.docx") -> bytes:
    """`house` (a .docx) with every style of `builtin` it lacks, as .docx bytes."""
    try:
        word = docx.Document(io.BytesIO(house))
    except Exception as exc:  # python-docx raises many kinds for a file that is no .docx
        raise JointreportError(f"{label} cannot be used as the Word template: it is not a .docx file Word "
                               f"saves ({type(exc).__name__}: {exc}); save it as Word Document (.docx)") from None
    if not copy_missing_styles(docx.Document(io.BytesIO(builtin)), word):
        return house
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _name(element) -> str:
    """A style's name as Word compares it: without regard to case ("heading 1" is "Heading 1")."""
    name = element.find(qn("w:name"))
    return (name.get(qn("w:val")) if name is not None else element.get(qn("w:styleId")) or "").lower()


def copy_missing_styles(source, target) -> list[str]:
    """Copy into python-docx document `target` each style of `source` whose name it lacks; return their
    names. Cross-references are rewritten to the target's ids, new ids never clash with the target's."""
    source_styles = source.styles.element.findall(qn("w:style"))
    by_id: dict[str, object] = {}
    for element in source_styles:
        by_id.setdefault(element.get(qn("w:styleId")), element)
    root = target.styles.element
    have = {}
    for element in root.findall(qn("w:style")):
        have.setdefault(_name(element), element)
    ids = {element.get(qn("w:styleId")) for element in root.findall(qn("w:style"))}
    defaults = {element.get(qn("w:type")) for element in root.findall(qn("w:style"))
                if element.get(qn("w:default")) in ("1", "true", "on")}
    mapped: dict[str, str | None] = {}
    copied: list[str] = []

    def ensure(style_id: str) -> str | None:
        """The target's id for the source style `style_id`, copying the style in when it is missing."""
        if style_id in mapped:
            return mapped[style_id]
        element = by_id.get(style_id)
        if element is None:
            mapped[style_id] = None
            return None
        own = have.get(_name(element))
        if own is not None:
            mapped[style_id] = own.get(qn("w:styleId"))
            return mapped[style_id]
        new_id, n = style_id, 2
        while new_id in ids:
            new_id, n = f"{style_id}{n}", n + 1
        mapped[style_id] = new_id
        ids.add(new_id)
        clone = copy.deepcopy(element)
        clone.set(qn("w:styleId"), new_id)
        if clone.get(qn("w:default")) is not None and clone.get(qn("w:type")) in defaults:
            del clone.attrib[qn("w:default")]  # the house's default style of that type stays the default
        have[_name(clone)] = clone
        root.append(clone)
        copied.append(_name(clone))
        for tag in REFERENCES:
            for ref in clone.findall(qn(f"w:{tag}")):
                target_id = ensure(ref.get(qn("w:val")))
                if target_id is None:
                    clone.remove(ref)
                else:
                    ref.set(qn("w:val"), target_id)
        for num_id in clone.iter(qn("w:numId")):
            num_id.set(qn("w:val"), _copy_numbering(source, target, num_id.get(qn("w:val"))))
        return new_id

    for element in source_styles:
        ensure(element.get(qn("w:styleId")))
    for element in source_styles:  # a template without a default paragraph style (LibreOffice writes none)
        kind = element.get(qn("w:type"))  # gets its own style of the built-in default's name as default
        if element.get(qn("w:default")) in ("1", "true", "on") and kind not in defaults:
            own = have.get(_name(element))
            if own is not None and own.get(qn("w:type")) == kind:
                own.set(qn("w:default"), "1")
                defaults.add(kind)
    return copied


def _copy_numbering(source, target, num_id: str) -> str:
    """Copy the list definition `num_id` of `source` (and its abstract definition) into `target`, under
    fresh ids; return the new id. "0" (no numbering) stays "0"."""
    if num_id == "0":
        return num_id
    numbering = source.part.numbering_part.element
    num = next((n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id), None)
    if num is None:
        return "0"
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(a for a in numbering.findall(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id)
    into = target.part.numbering_part.element
    new_abstract = str(max([int(a.get(qn("w:abstractNumId"))) for a in into.findall(qn("w:abstractNum"))] + [-1]) + 1)
    new_num = str(max([int(n.get(qn("w:numId"))) for n in into.findall(qn("w:num"))] + [0]) + 1)
    abstract, num = copy.deepcopy(abstract), copy.deepcopy(num)
    abstract.set(qn("w:abstractNumId"), new_abstract)
    for nsid in abstract.findall(qn("w:nsid")):  # a list's identity: a copy is another list
        abstract.remove(nsid)
    for link in abstract.findall(qn("w:styleLink")) + abstract.findall(qn("w:numStyleLink")):
        abstract.remove(link)
    num.set(qn("w:numId"), new_num)
    num.find(qn("w:abstractNumId")).set(qn("w:val"), new_abstract)
    first_num = into.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)  # every abstractNum comes before the first num
    else:
        into.append(abstract)
    into.append(num)
    return new_num


def style_named(word, name: str):
    """The document's style called `name`, compared as Word compares names (LibreOffice writes "Header"
    where Word writes "header"), or None."""
    key = name.lower()
    return next((style for style in word.styles if style.name and style.name.lower() == key), None)


def resolve_style_ids(word) -> None:
    """Make the style ids the build writes itself (TOC1, TOCHeading…) name the document's styles: where
    the house template gives a style another id, use that."""
    ids = {style.style_id for style in word.styles}
    builtin = {style.style_id: style.name for style in docx.Document(str(housestyle.builtin(REFERENCE))).styles}
    for tag in ("w:pStyle", "w:rStyle"):
        for ref in word.element.body.iter(qn(tag)):
            value = ref.get(qn("w:val"))
            if value in ids or value not in builtin:
                continue
            style = style_named(word, builtin[value])
            if style is not None:
                ref.set(qn("w:val"), style.style_id)
