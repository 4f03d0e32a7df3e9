"""`jointreport translate export` / `import` on the example: packages a CAT tool reads, a test translator's
work checked back in and built, refusals that name the unit and write nothing, paragraph-level
staleness, the fallback note, and the Word route through LibreOffice."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from lxml import etree
from pypdf import PdfReader
from translate.storage.tbx import tbxfile
from translate.storage.tmx import tmxfile
from translate.storage.xliff2 import Xliff2File

from pipeline.pandoc import read_to_ast
from pipeline.tree import visit

from .conftest import REPO, copy_example, jointreport, needs_client

NS = "urn:oasis:names:tc:xliff:document:2.0"
NOTE_FR = "Ce texte n'est pas encore traduit."
EDITED = ("Used together, the two instruments allow", "Used together, these two instruments allow")


def findings(run) -> list[dict]:
    return run.json()["findings"]


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def agreed_terms(lang: str = "fr") -> dict[str, str]:
    """terminology.yaml's agreed terms and their `lang` translations, as the package's glossary gives them."""
    terms = yaml.safe_load((REPO / "terminology.yaml").read_text(encoding="utf-8"))["terms"]
    return {t["preferred"]: t["translations"][lang] for t in terms if lang in t.get("translations", {})}


GLOSSARY = re.compile("|".join(re.escape(term) for term in sorted(agreed_terms(), key=len, reverse=True)), re.I)


def use_glossary(text: str | None) -> str | None:
    by_term = {term.lower(): translation for term, translation in agreed_terms().items()}
    return GLOSSARY.sub(lambda match: by_term[match.group(0).lower()], text) if text else text


def translator(xlf: Path, dest: Path, change=None) -> Path:
    """A test translator: every unit without a target gets the source prefixed 'FRA ', placeholders kept,
    and the glossary's agreed terms put in; `change(root)` then spoils the file as a careless one would."""
    root = etree.fromstring(xlf.read_bytes())
    for segment in root.iter(q("segment")):
        if segment.find(q("target")) is None:
            target = copy.deepcopy(segment.find(q("source")))
            target.tag = q("target")
            for inline in target.iter():
                inline.text, inline.tail = use_glossary(inline.text), use_glossary(inline.tail)
            target.text = "FRA " + (target.text or "")
            segment.append(target)
            segment.set("state", "translated")
    if change:
        change(root)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    return dest


def source_units(relpath: str, root: Path) -> int:
    """Paragraphs (footnotes' and table cells' too), headings and captions with words in a converted draft,
    counted straight from pandoc's AST."""
    path = root / relpath
    reader = "docx" if path.suffix == ".docx" else "markdown"
    data = path.read_bytes()
    if reader == "markdown":
        data = re.sub(rb"\A---\n.*?\n---\n", b"", data, flags=re.S)
    blocks = read_to_ast(data, reader, root / "build" / "scratch-media")["blocks"]
    count = 0

    def unit(key, value, fmt, meta):
        nonlocal count
        inlines = value[2] if key == "Header" else value
        if any(i["t"] == "Str" and re.search(r"\w", i["c"]) for i in inlines) or key == "Header":
            count += 1

    visit(blocks, unit, only=frozenset(("Para", "Plain", "Header")))
    return count


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = copy_example(tmp_path_factory.mktemp("translate") / "ex")
    run = jointreport("translate", "export", "--lang", "fr", "-p", str(root))
    assert run.code == 0, run.stderr
    return root


def package(root: Path, name: str) -> Path:
    return root / "build" / "translations" / "fr" / name


def test_export_writes_a_package_a_cat_tool_reads_with_one_unit_per_paragraph(project):
    for name, relpath in (("ilo.costing", "contributions/ilo/costing.md"),
                          ("ilo.economic-case", "contributions/ilo/economic-case.docx")):
        folder = package(project, name)
        store = Xliff2File.parsestring((folder / f"{name}.fr.xlf").read_bytes())
        assert (store.sourcelanguage, store.targetlanguage) == ("en", "fr")
        assert len(store.units) == source_units(relpath, project) > 8
        assert all(not u.target for u in store.units)  # nothing in the memory yet
        glossary = {u.source: u.target for u in tbxfile.parsestring((folder / "glossary.fr.tbx").read_bytes()).units}
        assert glossary["social protection floor"] == "socle de protection sociale"  # the term's agreed translation
        assert glossary["United Republic of Tanzania"] == "République-Unie de Tanzanie"
        assert glossary["PNUD"] == "PNUD"
        tmxfile.parsestring((folder / "memory.fr.tmx").read_bytes())
        assert "leave as it is" in (folder / "README.txt").read_text(encoding="utf-8")
        word = docx.Document(folder / f"{name}.fr.docx")
        assert not word.element.body.findall(".//" + docx.oxml.ns.qn("w:ins"))
    costing = (package(project, "ilo.costing") / "ilo.costing.fr.xlf").read_text(encoding="utf-8")
    assert 'subType="jr:cite" disp="[@wssr2010, ch. 4]"' in costing
    assert re.search(r'<ph id="\d+" type="other" subType="jr:footnote" disp="footnote" canCopy="no" canDelete="no" '
                     r'subFlows="u[0-9a-f]{10}"/>', costing)
    case = (package(project, "ilo.economic-case") / "ilo.economic-case.fr.xlf").read_text(encoding="utf-8")
    assert case.count('type="jr:caption"') == 2 and case.count('type="jr:cell"') == 24  # 28 cells, 4 empty
    # the two sections translated by hand and not older than their source get no package
    assert not package(project, "who.spf-concept").exists() and not package(project, "undp.safety-nets").exists()
    # the editors' chapter introductions have packages of their own
    intros = sorted(p.name for p in (project / "build" / "translations" / "fr").glob("chapters.*"))
    assert intros == sorted(f"chapters.{p.stem}" for p in (project / "chapters").glob("*.md")) and len(intros) == 7
    store = Xliff2File.parsestring((package(project, "chapters.origins") / "chapters.origins.fr.xlf").read_bytes())
    assert store.units[0].source.startswith("The social protection floor began as a crisis response")


def test_a_returned_file_that_lost_a_unit_a_placeholder_or_a_footnote_is_refused_naming_the_unit(project, tmp_path):
    xlf = package(project, "ilo.costing") / "ilo.costing.fr.xlf"
    units = etree.fromstring(xlf.read_bytes()).findall(f".//{q('unit')}")
    first, cited = units[0].get("id"), units[2].get("id")
    with_note = next(u.get("id") for u in units if 'subType="jr:footnote"' in etree.tostring(u).decode())

    def drop_unit(root):
        unit = root.find(f".//{q('unit')}[@id='{first}']")
        unit.getparent().remove(unit)

    def drop(ident, subtype):
        def change(root):
            target = root.find(f".//{q('unit')}[@id='{ident}']//{q('target')}")
            ph = target.find(f"{q('ph')}[@subType='{subtype}']")
            ph.getparent().remove(ph)  # its tail stays
        return change

    def empty(root):
        root.find(f".//{q('unit')}[@id='{first}']//{q('target')}").text = " "

    def invent(root):
        clone = copy.deepcopy(root.find(f".//{q('unit')}[@id='{first}']"))
        clone.set("id", "u0000000000")
        root.find(q("file")).append(clone)

    before = tree_hash(project / "contributions")
    cases = {"translate/missing-unit": (drop_unit, first), "translate/placeholder": (drop(cited, "jr:cite"), cited),
             "translate/untranslated": (empty, first), "translate/unknown-unit": (invent, "u0000000000")}
    refused = []
    for code, (change, ident) in cases.items():
        returned = translator(xlf, tmp_path / code.split("/")[1] / xlf.name, change)
        run = jointreport("translate", "import", "--format", "json", "-p", str(project), str(returned))
        assert run.code == 1, run.stderr
        found = [(f["code"], f["location"]) for f in findings(run) if f["severity"] == "error"]
        assert found == [(code, ident)], (code, run.stdout)
        refused += [c for c, _ in found]
        assert "refused" in run.stderr and "nothing written" in run.stderr
    assert refused == ["translate/missing-unit", "translate/placeholder", "translate/untranslated",
                       "translate/unknown-unit"]
    footnote = translator(xlf, tmp_path / "footnote" / xlf.name, drop(with_note, "jr:footnote"))
    run = jointreport("translate", "import", "--format", "json", "-p", str(project), str(footnote))
    assert [(f["code"], f["location"]) for f in findings(run)] == [("translate/placeholder", with_note)]
    assert "the footnote call" in findings(run)[0]["message"] and "was removed" in findings(run)[0]["message"]
    garbage = tmp_path / "garbage.xlf"
    garbage.write_bytes(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    run = jointreport("translate", "import", "--format", "json", "-p", str(project), str(garbage))
    assert [f["code"] for f in findings(run)] == ["translate/unreadable"] and run.code == 1
    assert tree_hash(project / "contributions") == before
    assert not (project / "translations" / "fr").exists() and not (project / "translations" / "memory.fr.tmx").exists()


# the pale blue (#EAF2F8) of the box behind the note, as Typst paints it
NOTE_FILL = "0.91764706 0.9490196 0.972549 scn"


def fallback_notes(root: Path) -> tuple[list[str], int]:
    """The French DOCX's paragraphs, and how many times its PDF shows the fallback note, each in its box;
    the DOCX's notes are in their own shaded style."""
    word = docx.Document(root / "build" / "spf-flagship-report.fr.docx")
    paragraphs = [p.text.replace("’", "'") for p in word.paragraphs if p.text.strip()]  # French typography's
    styles = {p.style.name for p in word.paragraphs if p.text.replace("’", "'") == NOTE_FR}
    assert styles == ({"Untranslated Note"} if NOTE_FR in paragraphs else set())
    shading = word.styles["Untranslated Note"].element.find(".//" + docx.oxml.ns.qn("w:shd"))
    assert shading.get(docx.oxml.ns.qn("w:fill")) == "EAF2F8"
    pages = PdfReader(root / "build" / "spf-flagship-report.fr.pdf").pages
    notes = [len(re.findall(r"Ce texte n.est pas encore traduit", page.extract_text())) for page in pages]
    boxes = [page.get_contents().get_data().decode("latin-1").count(NOTE_FILL) for page in pages]
    assert [min(n, 1) for n in notes] == [min(b, 1) for b in boxes]  # a box on every page with a note, no other
    return paragraphs, sum(notes)


def test_translated_sections_replace_the_fallback_and_the_note_stays_on_the_others_only(project, tmp_path):
    folders = sorted(p for p in (project / "build" / "translations" / "fr").iterdir())
    returned = [translator(f / f"{f.name}.fr.xlf", tmp_path / f"{f.name}.fr.xlf") for f in folders]
    half, rest = returned[::2], returned[1::2]
    run = jointreport("translate", "import", "-p", str(project), *map(str, half))
    assert run.code == 0, run.stdout + run.stderr
    assert run.stderr.count("wrote contributions/") + run.stderr.count("wrote chapters/") == len(half)
    assert "translate/agreed-term" not in run.stdout  # the test translator follows the glossary
    assert (project / "contributions/ilo/costing.fr.md").is_file() == (tmp_path / "ilo.costing.fr.xlf" in half)
    assert jointreport("build", "--lang", "fr", "--force", "--format", "docx,pdf,html", "-p", str(project)).code == 0
    pages = "".join(p.read_text(encoding="utf-8") for p in (project / "build" / "html" / "fr").glob("*.html"))
    assert NOTE_FR not in pages and "pas encore disponible en français" in pages  # the web edition's own note
    paragraphs, in_pdf = fallback_notes(project)
    built = zipfile.ZipFile(project / "build" / "spf-flagship-report.fr.docx")
    pictures = built.read("word/document.xml").count(b"<pic:pic")
    untranslated = len([r for r in rest if not r.name.startswith("chapters.")])  # one draft per package (the
    # introductions get no note); the two hand-made translations are up to date
    notes = [i for i, text in enumerate(paragraphs) if text == NOTE_FR]
    assert len(notes) == untranslated == in_pdf
    assert not any(paragraphs[i + 1].startswith("FRA ") for i in notes)  # the note stands before English text
    firsts = [i for i, text in enumerate(paragraphs) if text.startswith("FRA ")
              and not paragraphs[i - 1].startswith("FRA ")]
    assert firsts and not any(paragraphs[i - 1] == NOTE_FR for i in firsts)

    run = jointreport("translate", "import", "-p", str(project), *map(str, rest))
    assert run.code == 0, run.stdout + run.stderr
    assert jointreport("build", "--lang", "fr", "--force", "-p", str(project)).code == 0
    paragraphs, in_pdf = fallback_notes(project)
    assert NOTE_FR not in paragraphs and in_pdf == 0
    built = zipfile.ZipFile(project / "build" / "spf-flagship-report.fr.docx")
    notes_text = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", built.read("word/footnotes.xml").decode()))
    assert re.search(r"FRA ILO, Can low-income countries afford basic social security\s?\?", notes_text)  # a footnote
    body = built.read("word/document.xml").decode()
    assert any(re.search(r"FRA Figure\s?: Public social protection expenditure by region", p) for p in paragraphs)
    assert body.count("<pic:pic") == pictures  # the drafts' figures, in the translated drafts as in the fallback
    assert "@wssr2010" not in body and "@ilo2008costing" not in body  # citations rendered, not typed
    text = "\n".join(paragraphs)
    cited = re.search(r"FRA The rapid assessment protocol [^\n]*", text).group(0)
    assert re.search(r"\(International Labour Office 2010, \w+\.\s4\)\.$", cited), cited[-120:]
    memory = tmxfile.parsestring((project / "translations" / "memory.fr.tmx").read_bytes())
    assert len(memory.units) > 300


def test_one_edited_paragraph_is_the_one_stale_unit_and_the_one_unit_exported(project, tmp_path):
    assert (project / "contributions/ilo/costing.fr.md").is_file(), "the import test above runs first"
    xlf = package(project, "ilo.costing") / "ilo.costing.fr.xlf"
    edited = next(u.get("id") for u in etree.fromstring(xlf.read_bytes()).iter(q("unit"))
                  if EDITED[0] in "".join(u.find(f".//{q('source')}").itertext()))
    source = project / "contributions/ilo/costing.md"
    source.write_text(source.read_text(encoding="utf-8").replace(*EDITED), encoding="utf-8")
    run = jointreport("check", "--format", "json", "-p", str(project))
    stale = [f for f in findings(run) if f["code"] == "lang/stale-translation"]
    assert [(f["path"], f["location"]) for f in stale] == [("contributions/ilo/costing.fr.md", edited)]
    assert "changed in contributions/ilo/costing.md since it was translated" in stale[0]["message"]

    out = tmp_path / "again"
    run = jointreport("translate", "export", "--lang", "fr", "--out", str(out), "-p", str(project))
    assert run.code == 0, run.stderr
    assert [p.name for p in out.iterdir()] == ["ilo.costing"]
    root = etree.fromstring((out / "ilo.costing" / "ilo.costing.fr.xlf").read_bytes())
    segments = {u.get("id"): u.find(q("segment")) for u in root.iter(q("unit"))}
    to_translate = [i for i, s in segments.items() if s.find(q("target")) is None]
    assert to_translate == [edited] and len(segments) == 9
    assert all(s.get("subState") == "jr:memory" and "".join(s.find(q("target")).itertext()).startswith("FRA ")
               for i, s in segments.items() if i != edited)
    notes = "".join(root.find(f".//{q('unit')}[@id='{edited}']").itertext())
    assert "translated before the source changed: FRA Used together, the two instruments allow" in notes

    again = translator(out / "ilo.costing" / "ilo.costing.fr.xlf", tmp_path / "back" / "ilo.costing.fr.xlf")
    source.write_text(source.read_text(encoding="utf-8").replace("Within the Initiative", "Within the SPF-I"),
                      encoding="utf-8")  # edited again while the translator worked
    run = jointreport("translate", "import", "--format", "json", "-p", str(project), str(again))
    assert [f["code"] for f in findings(run)] == ["translate/source-changed"] and run.code == 0
    assert "FRA Used together, these two instruments allow" in (project / "contributions/ilo/costing.fr.md").read_text(
        encoding="utf-8")
    run = jointreport("check", "--format", "json", "-p", str(project))
    assert [f["location"] for f in findings(run) if f["code"] == "lang/stale-translation"] == [edited]


def test_a_unit_returned_as_its_source_is_imported_with_a_warning(tmp_path):
    root = copy_example(tmp_path / "ex")
    assert jointreport("translate", "export", "--lang", "fr", "-p", str(root)).code == 0
    xlf = package(root, "esn.education") / "esn.education.fr.xlf"

    def keep_heading(root_element):
        heading = next(u for u in root_element.iter(q("unit")) if u.get("type") == "jr:heading")
        target = heading.find(f".//{q('target')}")
        target.text = target.text[len("FRA "):]
        return heading.get("id")

    returned = translator(xlf, tmp_path / "back" / xlf.name, keep_heading)
    run = jointreport("translate", "import", "--format", "json", "-p", str(root), str(returned))
    assert run.code == 0 and [f["code"] for f in findings(run)] == ["translate/same-as-source"]
    assert (root / "contributions/esn/education.fr.md").is_file()


@needs_client("soffice")
def test_the_word_route_through_libreoffice_is_checked_the_same_way(tmp_path):
    root = copy_example(tmp_path / "ex")
    assert jointreport("translate", "export", "--lang", "fr", "-p", str(root)).code == 0
    exported = package(root, "ilo.economic-case") / "ilo.economic-case.fr.docx"
    returned = tmp_path / "back" / exported.name
    returned.parent.mkdir()
    subprocess.run(["/usr/bin/python3", str(REPO / "tests" / "lo_translate.py"), str(exported), str(returned),
                    str(tmp_path / "profile")], check=True, timeout=300, capture_output=True)

    spoiled = tmp_path / "spoiled" / exported.name  # the translator deleted a footnote in Word
    spoiled.parent.mkdir()
    with zipfile.ZipFile(returned) as source, zipfile.ZipFile(spoiled, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = re.sub(rb"<w:r>(?:(?!<w:r>).)*?<w:footnoteReference [^>]*/></w:r>", b"", data, count=1)
            target.writestr(info, data)
    before = tree_hash(root / "contributions")
    run = jointreport("translate", "import", "--format", "json", "-p", str(root), str(spoiled))
    found = findings(run)  # the footnote's text went with its call
    assert run.code == 1 and [f["code"] for f in found] == ["translate/missing-unit", "translate/placeholder"]
    assert all(re.fullmatch(r"u[0-9a-f]{10}", f["location"]) for f in found)
    assert "(note " in found[0]["message"] and "the footnote call" in found[1]["message"]
    assert tree_hash(root / "contributions") == before

    run = jointreport("translate", "import", "--format", "json", "-p", str(root), str(returned))
    found = {(f["code"], f["severity"]) for f in findings(run)}  # the translator typed no agreed term: warned
    assert run.code == 0 and found == {("translate/agreed-term", "warning")}, run.stdout + run.stderr
    written = root / "contributions/ilo/economic-case.fr.docx"
    blocks = read_to_ast(written.read_bytes(), "docx", tmp_path / "media")["blocks"]
    kinds: dict[str, int] = {}
    visit(blocks, lambda k, v, f, m: kinds.__setitem__(k, kinds.get(k, 0) + 1),
          only=frozenset(("Note", "Figure", "Table", "Image")))
    assert kinds == {"Note": 4, "Figure": 1, "Table": 1, "Image": 1}
    text = json.dumps(blocks, ensure_ascii=False)
    assert "⟦" not in text and '"FR:"' in text and '"le"' in text
    check = findings(jointreport("check", "--format", "json", "-p", str(root)))
    assert not [f for f in check if f["path"] == "contributions/ilo/economic-case.fr.docx"
                and f["code"].startswith("lang/")]


def test_the_package_docx_keeps_one_bookmark_per_unit(project):
    exported = package(project, "ilo.costing") / "ilo.costing.fr.docx"
    xml = zipfile.ZipFile(io.BytesIO(exported.read_bytes())).read("word/document.xml").decode()
    notes = zipfile.ZipFile(io.BytesIO(exported.read_bytes())).read("word/footnotes.xml").decode()
    ids = [u.get("id") for u in etree.fromstring((package(project, "ilo.costing") / "ilo.costing.fr.xlf")
                                                 .read_bytes()).iter(q("unit"))]
    marks = re.findall(r'w:name="jr_(u[0-9a-f]{10})"', xml + notes)
    assert sorted(marks) == sorted(ids)
    assert "⟦" in xml  # the citations, as tokens the translator moves
