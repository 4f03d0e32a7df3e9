"""What `translate` keeps beyond the text (issue 26's gaps): a Word source's citations and cross-references
through the XLIFF and the Word route into its Word translation (or a refusal), the agreed terms' translations
in the glossary and in the check of what comes back, the editors' texts (a chapter's introduction, front
matter) as packages of their own, and per-unit staleness that survives a translation edited by hand."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from lxml import etree

from pipeline.commands import translate as command
from pipeline.inputs import Contribution
from pipeline.intake import conversion
from pipeline.numbering import references as xref_targets

from .conftest import REPO, copy_example, jointreport, needs_client
from .docxfactory import tiny_png
from .test_real_drafts import field_runs, zotero
from .test_translate import findings, package, q, translator, tree_hash

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
WORD_SOURCE = "contributions/savechildren/cash-transfers.docx"
FOREWORD = ("The social protection floor is a promise the agencies make together.\n\n"
            "Every agency of the coalition wrote a part of this report.\n")


def runs(xml: str) -> list:
    return list(parse_xml(f"<w:p {W}>{xml}</w:p>"))


def word_source(path: Path) -> None:
    """A Word draft as agencies write them: two Zotero citations of one author and year (one with a page),
    a picture whose "Figure 1" caption holds a _Ref bookmark, and a REF field to it in the text."""
    word = docx.Document()
    word.add_heading("Cash in hand", 1)
    for xml in ('<w:r><w:t xml:space="preserve">Cash transfers reach children fast </w:t></w:r>'
                + field_runs(zotero(11, "Water in cities").replace('"itemData"', '"locator": "12", "itemData"'),
                             "(Smith, 2019, p. 12)")
                + '<w:r><w:t xml:space="preserve">, as </w:t></w:r>' + field_runs("REF _Ref52717 \\h", "Figure 1")
                + '<w:r><w:t xml:space="preserve"> shows.</w:t></w:r>',
                '<w:r><w:t xml:space="preserve">Roads matter too </w:t></w:r>'
                + field_runs(zotero(12, "Roads in villages"), "(Smith, 2019b)") + "<w:r><w:t>.</w:t></w:r>"):
        paragraph = word.add_paragraph()
        for run in runs(xml):
            paragraph._p.append(run)
    picture = path.with_suffix(".png")
    picture.write_bytes(tiny_png((20, 60, 120)))
    word.add_picture(str(picture))
    picture.unlink()
    caption = word.add_paragraph(style="Caption")
    for run in runs('<w:bookmarkStart w:id="7" w:name="_Ref52717"/><w:r><w:t xml:space="preserve">Figure </w:t></w:r>'
                    + field_runs("SEQ Figure \\* ARABIC", "1") + '<w:bookmarkEnd w:id="7"/>'
                    + '<w:r><w:t xml:space="preserve">: Children reached by cash</w:t></w:r>'):
        caption._p.append(run)
    word.add_paragraph("A closing paragraph cites nothing.")
    word.save(str(path))


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = copy_example(tmp_path_factory.mktemp("sources") / "ex")
    word_source(root / WORD_SOURCE)
    with open(root / "chapters" / "outline.yaml", "a", encoding="utf-8") as outline:
        outline.write("front:\n  - {id: foreword, title: {en: Foreword, fr: Avant-propos}}\n")
    (root / "chapters" / "foreword.md").write_text(FOREWORD, encoding="utf-8")
    run = jointreport("translate", "export", "--lang", "fr", "-p", str(root))
    assert run.code == 0, run.stderr
    return root


def cited(path: Path, tmp: Path) -> tuple[list[str], list[str]]:
    """A Word file read as intake reads a draft: the titles of the works it cites, and what it cross-refers to."""
    draft, _ = conversion.convert(Contribution(path, "savechildren", "cash-transfers", "docx", WORD_SOURCE),
                                  path.read_bytes(), conversion.DraftCache(tmp / "cache"))
    works = {entry["id"]: entry["title"] for entry in draft.references}
    keys = re.findall(r'"citationId": "([^"]+)"', json.dumps(draft.blocks))
    return [works[key] for key in keys], xref_targets(draft.blocks)


def test_a_word_sources_citations_and_cross_references_come_back_through_the_xliff(project, tmp_path):
    xlf = package(project, "savechildren.cash-transfers") / "savechildren.cash-transfers.fr.xlf"
    assert 'subType="jr:cite" disp="(Smith, 2019, p. 12)"' in xlf.read_text(encoding="utf-8")
    returned = translator(xlf, tmp_path / xlf.name)
    run = jointreport("translate", "import", "--format", "json", "-p", str(project), str(returned))
    assert run.code == 0 and findings(run) == [], run.stdout + run.stderr
    written = project / "contributions/savechildren/cash-transfers.fr.docx"
    body = zipfile.ZipFile(written).read("word/document.xml").decode()
    assert body.count("ADDIN ZOTERO_ITEM CSL_CITATION") == 2 and "REF _Ref52717" in body  # Word's own fields
    assert cited(written, tmp_path) == cited(project / WORD_SOURCE, tmp_path) == (
        ["Water in cities", "Roads in villages"], ["_Ref52717"])
    check = findings(jointreport("check", "--format", "json", "-p", str(project)))
    assert not [f for f in check if f["path"] == "contributions/savechildren/cash-transfers.fr.docx"
                and f["code"].split("/")[0] in ("cite", "xref", "lang")]


def test_a_citation_the_translation_would_lose_refuses_the_file(project, tmp_path, monkeypatch):
    """Were the Word translation written without its fields (as pandoc alone writes it), reading it back
    finds each citation and cross-reference gone: the file is refused, naming the units, nothing written."""
    xlf = package(project, "savechildren.cash-transfers") / "savechildren.cash-transfers.fr.xlf"
    units = [u.get("id") for u in etree.fromstring(xlf.read_bytes()).iter(q("unit"))]
    returned = translator(xlf, tmp_path / xlf.name)
    monkeypatch.setattr("pipeline.translation.accept.with_word_fields", lambda blocks, works, lang: blocks)
    before = tree_hash(project / "contributions")
    result = command.import_files(project, [returned])
    assert result.refused == [xlf.name] and not result.written
    assert sorted((f.code, f.location) for f in result.findings) == sorted([
        ("translate/lost-citation", units[1]), ("translate/lost-citation", units[1]),
        ("translate/lost-citation", units[2])])
    assert {"the citation @smith2019", "the cross-reference @_Ref52717", "the citation @smith2019b"} == {
        re.search(r"the (citation|cross-reference) @\w+", f.message).group(0) for f in result.findings}
    assert tree_hash(project / "contributions") == before


@needs_client("soffice")
def test_the_word_route_keeps_the_citations_and_cross_references_too(project, tmp_path):
    exported = package(project, "savechildren.cash-transfers") / "savechildren.cash-transfers.fr.docx"
    returned = tmp_path / "back" / exported.name
    returned.parent.mkdir()
    subprocess.run(["/usr/bin/python3", str(REPO / "tests" / "lo_translate.py"), str(exported), str(returned),
                    str(tmp_path / "profile")], check=True, timeout=300, capture_output=True)
    run = jointreport("translate", "import", "--format", "json", "-p", str(project), str(returned))
    assert run.code == 0 and {f["code"] for f in findings(run)} <= {"translate/agreed-term"}, run.stdout
    written = project / "contributions/savechildren/cash-transfers.fr.docx"
    assert cited(written, tmp_path) == (["Water in cities", "Roads in villages"], ["_Ref52717"])
    assert "FR: Cash transfers reach children fast" in " ".join(p.text for p in docx.Document(written).paragraphs)


def test_a_unit_without_its_terms_agreed_translation_is_imported_with_a_warning(project, tmp_path):
    xlf = package(project, "chapters.origins") / "chapters.origins.fr.xlf"
    ident = etree.fromstring(xlf.read_bytes()).find(f".//{q('unit')}").get("id")

    def keep_english(root):  # the translator left one agreed term in English, used the others' translations
        target = root.find(f".//{q('target')}")
        target.text = target.text.replace("filets de sécurité", "safety nets")

    returned = translator(xlf, tmp_path / xlf.name, keep_english)
    run = jointreport("translate", "import", "--format", "json", "-p", str(project), str(returned))
    found = findings(run)
    assert run.code == 0 and [(f["code"], f["severity"], f["location"]) for f in found] == [
        ("translate/agreed-term", "warning", ident)]
    assert '"safety nets"' in found[0]["message"] and '"filets de sécurité"' in found[0]["message"]
    assert 'says "social protection floor"' not in found[0]["message"]  # put in as "socle de protection sociale"
    assert (project / "chapters/origins.fr.md").read_text(encoding="utf-8").startswith("FRA ")


def test_the_editors_texts_are_packaged_checked_and_written_beside_their_source(project, tmp_path):
    xlf = package(project, "chapters.foreword") / "chapters.foreword.fr.xlf"
    units = [u.get("id") for u in etree.fromstring(xlf.read_bytes()).iter(q("unit"))]
    assert len(units) == 2 and "chapters/foreword.md" in (xlf.parent / "README.txt").read_text(encoding="utf-8")

    def drop_second(root):
        unit = root.find(f".//{q('unit')}[@id='{units[1]}']")
        unit.getparent().remove(unit)

    spoiled = translator(xlf, tmp_path / "spoiled" / xlf.name, drop_second)
    run = jointreport("translate", "import", "--format", "json", "-p", str(project), str(spoiled))
    assert run.code == 1 and [(f["code"], f["location"]) for f in findings(run)] == [
        ("translate/missing-unit", units[1])]
    assert not (project / "chapters/foreword.fr.md").exists()

    run = jointreport("translate", "import", "-p", str(project), str(translator(xlf, tmp_path / xlf.name)))
    assert run.code == 0 and "wrote chapters/foreword.fr.md" in run.stderr, run.stdout + run.stderr
    text = (project / "chapters/foreword.fr.md").read_text(encoding="utf-8")
    assert text == ("FRA The socle de protection sociale is a promise the agencies make together.\n\n"
                    "FRA Every agency of the coalition wrote a part of this report.\n")
    check = findings(jointreport("check", "--format", "json", "-p", str(project)))
    assert [(f["code"], f["message"][:18]) for f in check if f["path"].startswith("chapters/foreword")
            and f["code"].startswith("lang/")] == [("lang/missing-translation", "no es translation:")]

    source = project / "chapters/foreword.md"
    source.write_text(FOREWORD.replace("wrote a part", "wrote one part"), encoding="utf-8")
    check = findings(jointreport("check", "--format", "json", "-p", str(project)))
    assert [(f["code"], f["location"]) for f in check if f["path"] == "chapters/foreword.fr.md"] == [
        ("lang/stale-translation", units[1])]
    out = tmp_path / "again"
    assert jointreport("translate", "export", "--lang", "fr", "--out", str(out), "-p", str(project)).code == 0
    root = etree.fromstring((out / "chapters.foreword" / "chapters.foreword.fr.xlf").read_bytes())
    assert [u.get("id") for u in root.iter(q("unit")) if u.find(f".//{q('target')}") is None] == [units[1]]


def test_a_translation_edited_by_hand_keeps_its_staleness_by_unit(project, tmp_path):
    xlf = package(project, "esn.education") / "esn.education.fr.xlf"
    units = {"".join(u.find(f".//{q('source')}").itertext())[:30]: u.get("id")
             for u in etree.fromstring(xlf.read_bytes()).iter(q("unit"))}
    assert jointreport("translate", "import", "-p", str(project), str(translator(xlf, tmp_path / xlf.name))).code == 0
    translation = project / "contributions/esn/education.fr.md"
    text = translation.read_text(encoding="utf-8")
    removed = re.search(r"FRA People cannot claim rights[^\n]*\n\n", text).group(0)
    text = text.replace(removed, "").replace("FRA There is also a longer-term reason", "FRA Il y a aussi une raison")
    translation.write_text(text, encoding="utf-8")  # a reviser deleted one paragraph and rewrote another

    def stale() -> list[tuple[str, str]]:
        check = findings(jointreport("check", "--format", "json", "-p", str(project)))
        return [(f["location"], f["message"]) for f in check
                if f["path"] == "contributions/esn/education.fr.md" and f["code"] == "lang/stale-translation"]

    deleted = units["People cannot claim rights the"]
    found = stale()
    assert [ident for ident, _ in found] == [deleted] and "no translation here any more" in found[0][1]
    source = project / "contributions/esn/education.md"
    source.write_text(source.read_text(encoding="utf-8").replace("Teachers are central to this effort",
                                                                 "Teachers are central to the whole effort"),
                      encoding="utf-8")
    assert sorted(ident for ident, _ in stale()) == sorted([deleted, units["Teachers are central to this e"]])


def test_the_french_edition_shows_the_translations_with_their_citations(project):
    """Run last: the imports above made the Word translation (by the Word route where LibreOffice is
    installed), the foreword's and an introduction's."""
    run = jointreport("build", "--lang", "fr", "--format", "docx", "--force", "-p", str(project))
    assert run.code == 0, run.stderr
    text = "\n".join(p.text for p in docx.Document(project / "build" / "spf-flagship-report.fr.docx").paragraphs)
    cash = r"(?:FRA transferts monétaires|FR\s: Cash transfers) reach children fast"  # the XLIFF's or Word's
    # the figure named in the French edition's words: lower case within a sentence ('la figure 6.2')
    assert re.search(cash + r" \(Smith 2019[ab], 12\), as figure\s\d+\.\d+ shows\.", text), text[-3000:]
    assert re.search(r"Roads matter too \(Smith 2019[ab]\)\.", text)
    assert "FRA The socle de protection sociale is a promise the agencies make together." in text
    assert "FRA The socle de protection sociale began as a crisis response" in text
