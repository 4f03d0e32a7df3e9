"""Drafts as agencies really write them (issue 21): glossary fixes that keep the text's case and articles,
citations read from the citation managers' own fields, pictures beside a Markdown draft, SmartArt,
embedded objects, a draft's own table of contents, and digests and redlines that tell the truth."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import re
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path
from types import SimpleNamespace

import docx
import pypandoc
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

from pipeline.checks.word import word_findings
from pipeline.commands.remind import remind
from pipeline.inputs import Contribution
from pipeline.intake import conversion
from pipeline.model import Term, Terminology
from pipeline.terms import replacements
from pipeline.textruns import text_runs
from pipeline.tree import stringify
from pipeline.word.audit import _image_sources
from pipeline.word.citations import BIBLIOGRAPHY_NS as BIBLIOGRAPHY

from .conftest import ROOTS, edit_yaml, jointreport
from .docxfactory import NS_DECL, make_word, patch_zip, tiny_png

GLOSSARY = Terminology([
    Term("secondary dwelling", ("accessory dwelling",)),
    Term("Viet Nam", ("Vietnam",), case_sensitive=True),
    Term("SPF Initiative", ("SPF-I",), case_sensitive=True),
    Term("older persons", ("the elderly",)),
    Term("social transfer", ("handout",)),
    Term("agglomération", ("ville",), lang="fr", gender="f"),
    Term("hôpital", ("clinique",), lang="fr", gender="m"),
    Term("escuela", ("colegio",), lang="es", gender="f"),
])


def fixes(markdown: str, lang: str = "en") -> list[tuple[str, str]]:
    blocks = json.loads(pypandoc.convert_text(markdown, "json", format="markdown"))["blocks"]
    return [(r.before, r.after) for run in text_runs(blocks) for r in replacements(GLOSSARY, run, lang)]


@pytest.mark.parametrize("markdown, lang, expected", [
    ("# ACCESSORY DWELLING UNITS", "en", [("ACCESSORY DWELLING", "SECONDARY DWELLING")]),
    ("We built an accessory dwelling.", "en", [("an accessory dwelling", "a secondary dwelling")]),
    ("An Accessory Dwelling's roof.", "en", [("An Accessory Dwelling’s", "A Secondary Dwelling’s")]),
    ("AN ACCESSORY DWELLING.", "en", [("AN ACCESSORY DWELLING", "A SECONDARY DWELLING")]),
    ("Two accessory dwellings’ roofs.", "en", [("accessory dwellings’", "secondary dwellings’")]),
    ("## Accessory Dwellings in Towns", "en", [("Accessory Dwellings", "Secondary Dwellings")]),
    ("## Plans for Accessory Dwellings", "en", [("Accessory Dwellings", "Secondary Dwellings")]),
    ("Vietnam and SPF-I.", "en", [("Vietnam", "Viet Nam"), ("SPF-I", "SPF Initiative")]),
    ("The elderly; THE ELDERLY.", "en", [("The elderly", "Older persons"), ("THE ELDERLY", "OLDER PERSONS")]),
    ("Handouts, a handout, an old handout.", "en",
     [("Handouts", "Social transfers"), ("handout", "social transfer"), ("handout", "social transfer")]),
    ("La ville, une clinique, la clinique, de la ville.", "fr",
     [("La ville", "L'agglomération"), ("une clinique", "un hôpital"), ("la clinique", "l'hôpital"),
      ("de la ville", "de l'agglomération")]),
    ("El colegio y un colegio.", "es", [("El colegio", "La escuela"), ("un colegio", "una escuela")]),
])
def test_a_fix_keeps_the_case_inflection_and_article_of_what_it_replaces(markdown, lang, expected):
    assert fixes(markdown, lang) == expected


def test_a_digest_counts_each_finding_under_its_own_term(fixture_project, tmp_path):
    """One 'Vietnam' and three other rejected terms in one draft: the digest says so, not '4 × Vietnam'."""
    root = fixture_project("terms")
    edit_yaml(root / "report.yaml", lambda data: data["agencies"]["alpha"].update(
        contact={"name": "A. Person", "email": "a@alpha.example"}))
    (root / "contributions" / "alpha" / "one.md").write_text(
        "We work in Vietnam. The social floor, another social floor and a cost effective plan.\n", encoding="utf-8")
    written = remind(root, dt.date(2011, 1, 3), tmp_path / "eml").written
    digest = email.message_from_bytes(next(p for p in written if p.name.endswith("-alpha.eml")).read_bytes(),
                                      policy=email.policy.default).get_content()
    lines = [" ".join(line.split()) for line in digest.splitlines()]
    start = lines.index("- contributions/alpha/one.md:")
    assert lines[start + 1:start + 4] == ["'Vietnam': write 'Viet Nam' (first at line 1)",
                                          "'cost effective': write 'cost-effective' (first at line 1)",
                                          "2 × 'social floor': write 'social protection floor' (first at line 1)"]


def git(root, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.name=Editor", "-c", "user.email=editor@example.org", *args],
                   check=True, capture_output=True)


BETA = """---
status: cleared
---

Work in Vietnam goes on [@smith2019].

| Country | Grants |
|---------|--------|
| Vietnam | 120    |
| Ghana   | 80     |
"""


def test_a_redline_shows_the_text_the_report_prints_with_its_tables_and_citations(fixture_project, tmp_path):
    root = fixture_project("minimal")
    (root / "terminology.yaml").write_text("terms:\n  - {preferred: Viet Nam, reject: [Vietnam], case: sensitive}\n",
                                           encoding="utf-8")
    (root / "references.bib").write_text("@report{smith2019, author = {Smith, Jane}, title = {Grants at work}, "
                                         "year = {2019}}\n", encoding="utf-8")
    (root / "contributions" / "south" / "beta.md").write_text(BETA, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first drafts")
    assert jointreport("snapshot", "final", "--project", str(root)).code == 0
    (root / "contributions" / "south" / "beta.md").write_text(
        BETA.replace("| Ghana   | 80     |", "| Ghana   | 95     |\n| Togo    | 12     |"), encoding="utf-8")
    git(root, "commit", "-q", "-am", "second round")
    out = tmp_path / "redline.docx"
    run = jointreport("diff", "--from", "final", "--to", "HEAD", "--out", str(out), "--project", str(root))
    assert run.code == 0, run.stderr
    assert re.search(r"^  1.2 Beta section +\+3 −1 words$", run.stdout, re.M), run.stdout  # 95, Togo 12; 80
    document = docx.Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Work in Viet Nam goes on (Smith 2019)." in text and "Vietnam" not in text and "@" not in text
    table = document.tables[0]._tbl
    cells = [["".join(t.text for t in cell.iter(qn("w:t"), qn("w:delText"))) for cell in row.iter(qn("w:tc"))]
             for row in table.iter(qn("w:tr"))]
    assert cells == [["Country", "Grants"], ["Viet Nam", "120"], ["Ghana", "8095"], ["Togo", "12"]]
    deleted = [t.text for t in table.iter(qn("w:delText"))]
    inserted = [t.text for change in table.iter(qn("w:ins")) for t in change.iter(qn("w:t"))]
    assert deleted == ["80"] and inserted == ["95", "Togo", "12"]
    assert [row.find(qn("w:trPr")) is not None and row.find(qn("w:trPr")).find(qn("w:ins")) is not None
            for row in table.iter(qn("w:tr"))] == [False, False, False, True]  # the new row is one change


# Citation fields as Zotero, Mendeley, EndNote and Word write them: two works of one author and year each.
def csl_item(ident, title: str, year: int = 2019) -> dict:
    return {"id": ident, "type": "report", "title": title, "issued": {"date-parts": [[str(year)]]},
            "author": [{"family": "Smith", "given": "Jane"}]}


def zotero(ident: int, title: str) -> str:
    return "ADDIN ZOTERO_ITEM CSL_CITATION " + json.dumps({"citationID": f"z{ident}", "citationItems": [
        {"id": ident, "uris": [f"http://zotero.org/users/1/items/Z{ident}"], "itemData": csl_item(ident, title)}]})


def mendeley(title: str, page: str = "") -> str:
    """Mendeley numbers the works of each citation ITEM-1, ITEM-2…: two citations, two ITEM-1s."""
    item = {"id": "ITEM-1", "itemData": csl_item("ITEM-1", title), **({"locator": page} if page else {}),
            "uris": ["http://www.mendeley.com/documents/?uuid=" + title.split()[0].lower()]}
    return "ADDIN CSL_CITATION " + json.dumps({"citationItems": [item], "properties": {"noteIndex": 0},
                                               "mendeley": {"formattedCitation": "(Smith, 2019)"}})


def endnote(number: int, title: str) -> str:
    return (f"ADDIN EN.CITE <EndNote><Cite><Author>Smith</Author><Year>2019</Year><RecNum>{number}</RecNum>"
            f"<DisplayText>(Smith, 2019)</DisplayText><record><rec-number>{number}</rec-number>"
            f'<ref-type name="Report">27</ref-type><contributors><authors><author>Smith, Jane</author></authors>'
            f"</contributors><titles><title>{title}</title></titles><dates><year>2019</year></dates></record>"
            "</Cite></EndNote>")


def field_runs(instruction: str, shown: str) -> str:
    escaped = instruction.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> {escaped} '
            f'</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>{shown}</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def cited(text: str, instruction: str, shown: str = "(Smith, 2019)") -> str:
    return f'<w:p {NS_DECL}><w:r><w:t xml:space="preserve">{text} </w:t></w:r>{field_runs(instruction, shown)}</w:p>'


WORD_SOURCES = (f'<b:Sources xmlns:b="{BIBLIOGRAPHY}" SelectedStyle="" StyleName="APA"><b:Source><b:Tag>Jon20</b:Tag>'
                "<b:SourceType>Book</b:SourceType><b:Author><b:Author><b:NameList><b:Person><b:Last>Jones</b:Last>"
                "<b:First>Ann</b:First></b:Person></b:NameList></b:Author></b:Author><b:Title>Markets for all"
                "</b:Title><b:Year>2020</b:Year><b:Publisher>UNDP</b:Publisher></b:Source></b:Sources>")
CITING = [
    cited("Water first", zotero(11, "Water in cities")),
    cited("Roads next", zotero(12, "Roads in villages")),
    cited("Schools too", mendeley("Schools in towns", "4")),
    cited("Clinics as well", mendeley("Clinics in regions")),
    cited("Fields last", endnote(5, "Fields in valleys")),
    cited("Markets matter", "CITATION Jon20 \\p 7 \\l 1033", "(Jones, 2020, p. 7)"),
    cited("A broken citation", 'ADDIN CSL_CITATION {"citationItems": [{"id": "ITEM-1", "itemDa', "(Doe, 2018)"),
    f'<w:p {NS_DECL}>{field_runs("ADDIN ZOTERO_BIBL {} CSL_BIBLIOGRAPHY", "Smith, J. (2019). Water in cities.")}</w:p>',
]


def citing_docx(path):
    make_word(path, ["Our sources, cited with four citation managers."] + CITING)
    return patch_zip(path, {"customXml/item1.xml": WORD_SOURCES.encode()})


def test_each_citation_field_cites_the_work_its_own_data_names(tmp_path):
    path = citing_docx(tmp_path / "beta.docx")
    draft, _ = conversion.convert(Contribution(path, "south", "beta", "docx", "contributions/south/beta.docx"),
                                  path.read_bytes(), conversion.DraftCache(tmp_path / "cache"))
    works = {entry["id"]: entry["title"] for entry in draft.references}
    keys = [citation["citationId"] for block in draft.blocks for inline in block.get("c", [])
            if isinstance(inline, dict) and inline.get("t") == "Cite" for citation in inline["c"][0]]
    assert [works[key] for key in keys] == ["Water in cities", "Roads in villages", "Schools in towns",
                                            "Clinics in regions", "Fields in valleys", "Markets for all"]
    assert len(set(keys)) == 6
    findings = {(f.code, f.location) for f in word_findings(draft)}
    assert ("cite/unidentified", 'paragraph 8 ("A broken citation (Doe, 2018)…")') in findings
    assert ("docx/reference-list", 'paragraph 9 ("Smith, J. (2019). Water in cities.…")') in findings
    assert "A broken citation (Doe, 2018)" in stringify(draft.blocks)
    assert "Water in cities." not in stringify(draft.blocks)  # the manager's own list: the report makes its own


# What else agencies' Word drafts hold: SmartArt, an embedded workbook, their own table of contents.
DGM = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
SMARTART = (f'<w:p {NS_DECL}><w:r><w:t xml:space="preserve">How the floor is built: </w:t></w:r><w:r><w:drawing>'
            '<wp:inline><wp:extent cx="5486400" cy="3200400"/><wp:docPr id="7" name="Diagram 1"/><a:graphic>'
            f'<a:graphicData uri="{DGM}"><dgm:relIds xmlns:dgm="{DGM}" r:dm="rIdDm" r:lo="rIdLo" r:qs="rIdQs" '
            'r:cs="rIdCs"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>')


def point(ident: str, text: str = "", kind: str = "") -> str:
    words = f"<a:r><a:t>{text}</a:t></a:r>" if text else ""
    return (f'<dgm:pt modelId="{{{ident}}}"{f" type={chr(34)}{kind}{chr(34)}" if kind else ""}><dgm:prSet/><dgm:spPr/>'
            f"<dgm:t><a:bodyPr/><a:lstStyle/><a:p>{words}</a:p></dgm:t></dgm:pt>")


DIAGRAM_DATA = (f'<dgm:dataModel xmlns:dgm="{DGM}" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
                "<dgm:ptLst>" + point("D", kind="doc") + point("1", "Assess the gaps") + point("2", "Cost the options")
                + point("3", "Agree a national floor") + point("T1", kind="parTrans") + point("P1", "ignored", "pres")
                + "</dgm:ptLst><dgm:cxnLst>"
                '<dgm:cxn modelId="{c1}" srcId="{D}" destId="{1}" srcOrd="0" destOrd="0"/>'
                '<dgm:cxn modelId="{c2}" srcId="{1}" destId="{2}" srcOrd="0" destOrd="0"/>'
                '<dgm:cxn modelId="{c3}" srcId="{D}" destId="{3}" srcOrd="1" destOrd="0"/>'
                '<dgm:cxn modelId="{c4}" type="presOf" srcId="{1}" destId="{P1}" srcOrd="0" destOrd="0"/>'
                "</dgm:cxnLst></dgm:dataModel>")
OFFICE = "urn:schemas-microsoft-com:office:office"
WORKBOOK = (f'<w:p {NS_DECL} xmlns:o="{OFFICE}"><w:r><w:t xml:space="preserve">Costs by country: </w:t></w:r><w:r>'
            '<w:object w:dxaOrig="4320" w:dyaOrig="2160"><v:shape id="_x0000_i1025" style="width:216pt;height:108pt" '
            'o:ole=""><v:imagedata r:id="rIdPreview" o:title="Costs by country"/></v:shape><o:OLEObject Type="Embed" '
            'ProgID="Excel.Sheet.12" ShapeID="_x0000_i1025" DrawAspect="Content" ObjectID="_1" r:id="rIdOle"/>'
            "</w:object></w:r></w:p>")


def toc_field(lines: list[str]) -> list[str]:
    """Word's table of contents: a TOC field whose result is one paragraph per heading, with its page."""
    paragraphs = []
    for index, line in enumerate(lines):
        title, page = line.rsplit(" ", 1)
        begin = (field_runs('TOC \\o "1-3" \\h \\z \\u', "").split('<w:r><w:t></w:t></w:r>')[0]
                 if index == 0 else "")
        end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>' if index == len(lines) - 1 else ""
        paragraphs.append(f'<w:p {NS_DECL}>{begin}<w:r><w:t>{title}</w:t></w:r><w:r><w:tab/></w:r>'
                          f"<w:r><w:t>{page}</w:t></w:r>{end}</w:p>")
    return paragraphs


PARTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def add_parts(path, parts: dict[str, tuple[str, bytes, str, str]]):
    """Parts added to a Word file, each {name: (relationship id, bytes, relationship type, content type)}."""
    with zipfile.ZipFile(path) as archive:
        rels = archive.read("word/_rels/document.xml.rels").decode()
        types = archive.read("[Content_Types].xml").decode()
    replace = {}
    for name, (ident, data, kind, content) in parts.items():
        rels = rels.replace("</Relationships>", f'<Relationship Id="{ident}" Type="{PARTS}/{kind}" '
                                                f'Target="{name.removeprefix("word/")}"/></Relationships>')
        types = types.replace("</Types>", f'<Override PartName="/{name}" ContentType="{content}"/></Types>')
        replace[name] = data
    return patch_zip(path, {**replace, "word/_rels/document.xml.rels": rels.encode(),
                            "[Content_Types].xml": types.encode()})


def objects_docx(path):
    make_word(path, ["Contents"] + toc_field(["Introduction 3", "Costs 5"]) + ["The floor is built in steps.",
                                                                               SMARTART, WORKBOOK, "Done."])
    return add_parts(path, {
        "word/diagrams/data1.xml": ("rIdDm", DIAGRAM_DATA.encode(), "diagramData",
                                    "application/vnd.openxmlformats-officedocument.drawingml.diagramData+xml"),
        "word/media/preview.png": ("rIdPreview", tiny_png(), "image", "image/png"),
        "word/embeddings/Microsoft_Excel_Worksheet.xlsx": (
            "rIdOle", b"PK\x05\x06" + b"\0" * 18, "package",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})


def test_smartart_embedded_objects_and_the_drafts_own_contents_are_accounted_for(tmp_path):
    path = objects_docx(tmp_path / "gamma.docx")
    draft, _ = conversion.convert(Contribution(path, "north", "gamma", "docx", "contributions/north/gamma.docx"),
                                  path.read_bytes(), conversion.DraftCache(tmp_path / "cache"))
    lists = [block for block in draft.blocks if block["t"] == "BulletList"]
    assert [stringify(item[0]) for item in lists[0]["c"]] == ["Assess the gaps", "Agree a national floor"]
    assert [stringify(item) for item in lists[0]["c"][0][1]["c"]] == ["Cost the options"]  # one level down
    text = stringify(draft.blocks)
    assert "Introduction" not in text and "Contents" not in text and "Costs by country" in text
    findings = {f.code: f for f in word_findings(draft)}
    assert findings["docx/smartart"].location == 'paragraph 5 ("How the floor is built:…")'
    assert "(10 words)" in findings["docx/smartart"].message
    assert findings["docx/embedded-object"].location == 'paragraph 6 ("Costs by country:…")'
    assert "embedded Excel workbook" in findings["docx/embedded-object"].message
    assert "shows the picture Word saved" in findings["docx/embedded-object"].message
    assert findings["docx/table-of-contents"].location == 'paragraph 1 ("Contents…")'
    assert not draft.audit.lost_words
    assert [Path(source).suffix for source in _image_sources(draft.blocks)] == [".png"]  # the workbook's preview


# One project of such drafts, built once: what a reader of the report and an editor of the check see.
MARKDOWN = """---
status: cleared
---

Coverage grew in every region.

![Coverage by region](coverage.png)

Costs fell where the floor was planned early.

![Costs by country](costs.png)
"""


@pytest.fixture(scope="module")
def real_drafts(tmp_path_factory):
    root = tmp_path_factory.mktemp("real") / "project"
    shutil.copytree(ROOTS / "minimal", root)
    edit_yaml(root / "chapters" / "outline.yaml", lambda data: data["parts"][0]["chapters"][0]["sections"].append(
        {"id": "gamma", "title": "Gamma section", "lead": "north"}))
    (root / "terminology.yaml").write_text(
        "terms:\n  - {preferred: secondary dwelling, reject: [accessory dwelling]}\n", encoding="utf-8")
    north, south = root / "contributions" / "north", root / "contributions" / "south"
    (north / "alpha.md").write_text(MARKDOWN, encoding="utf-8")
    (north / "coverage.png").write_bytes(tiny_png((200, 30, 30)))  # beside the draft
    (north / "alpha").mkdir()
    (north / "alpha" / "costs.png").write_bytes(tiny_png((30, 200, 30)))  # in the section's folder
    (south / "alpha.md").unlink()
    make_word(south / "alpha.docx", [("Heading 1", "ACCESSORY DWELLING UNITS"),
                                     "We built an accessory dwelling in every town."])
    (south / "beta.md").unlink()
    citing_docx(south / "beta.docx")
    objects_docx(north / "gamma.docx")
    for name in ("alpha", "beta"):
        (south / f"{name}.yaml").write_text("status: cleared\n", encoding="utf-8")
    (north / "gamma.yaml").write_text("status: cleared\n", encoding="utf-8")
    make_word(root / "contributions" / "stray.docx", ["A draft put in no agency's folder."])
    check = jointreport("check", "--format", "json", "--project", str(root))
    build = jointreport("build", "--force", "--project", str(root))
    assert build.code == 0, build.stderr
    docx_text = "\n".join(p.text for p in docx.Document(str(root / "build" / "a-minimal-joint-report.docx")).paragraphs)
    pdf = PdfReader(root / "build" / "a-minimal-joint-report.pdf")
    return SimpleNamespace(root=root, findings=check.json()["findings"], docx=docx_text, pdf=pdf,
                           pdf_text=" ".join(" ".join(page.extract_text().split()) for page in pdf.pages))


def test_the_right_works_are_cited_in_both_outputs(real_drafts):
    for text in (" ".join(real_drafts.docx.split()), real_drafts.pdf_text):
        references = text[text.rindex("References"):]
        for title in ("Water in Cities", "Roads in Villages", "Schools in Towns", "Clinics in Regions",
                      "Fields in Valleys", "Markets for All"):
            assert references.count(title) == 1, (title, references)
        for sentence, title in (("Water first", "Water in Cities"), ("Roads next", "Roads in Villages"),
                                ("Schools too", "Schools in Towns"), ("Clinics as well", "Clinics in Regions"),
                                ("Fields last", "Fields in Valleys")):
            letter = re.search(rf"{sentence} \(Smith 2019([a-e])\b", text).group(1)
            assert f"Smith, Jane. 2019{letter}. {title}." in references, (sentence, title)
        assert "Markets matter (Jones 2020, 7" in text
        assert "A broken citation (Doe, 2018)" in text  # printed as its text, and reported
    found = {(f["code"], f["path"], f["location"]) for f in real_drafts.findings}
    assert ("cite/unidentified", "contributions/south/beta.docx", 'paragraph 8 ("A broken citation (Doe, 2018)…")') \
        in found


def test_glossary_fixes_keep_capitals_and_articles_in_the_report(real_drafts):
    for text in (real_drafts.docx, real_drafts.pdf_text):
        assert "SECONDARY DWELLING UNITS" in text and "We built a secondary dwelling in every town." in text
        assert "ccessory" not in text and "an secondary" not in text


def test_pictures_beside_a_markdown_draft_reach_both_outputs(real_drafts):
    with zipfile.ZipFile(real_drafts.root / "build" / "a-minimal-joint-report.docx") as archive:
        media = {archive.read(name) for name in archive.namelist() if name.startswith("word/media/")}
    assert {tiny_png((200, 30, 30)), tiny_png((30, 200, 30))} <= media
    shown = [image for page in real_drafts.pdf.pages for image in page.images]
    assert len(shown) == 3  # the two pictures and the workbook's preview
    assert not [f for f in real_drafts.findings if f["code"] in ("input/unreadable", "input/missing-image")]


def test_what_word_keeps_besides_text_and_stray_files_are_named(real_drafts):
    found = {(f["code"], f["path"]) for f in real_drafts.findings}
    gamma = "contributions/north/gamma.docx"
    assert {("docx/smartart", gamma), ("docx/embedded-object", gamma), ("docx/table-of-contents", gamma),
            ("docx/reference-list", "contributions/south/beta.docx"),
            ("input/outside-agency", "contributions/stray.docx")} <= found
    assert "Assess the gaps" in real_drafts.docx and "Agree a national floor" in real_drafts.pdf_text
    manifest = json.loads((real_drafts.root / "build" / "a-minimal-joint-report.manifest.json").read_text())
    stray = next(f for f in manifest["files"] if f["path"] == "contributions/stray.docx")
    assert stray["status"] == "ignored" and stray["findings"] == ["input/outside-agency"]


def test_pictures_beside_a_markdown_draft_pass_the_same_guard(tmp_path):
    """A linked picture, one outside the agency's folder and one over the pixel limit are not shown; each
    is named in a finding, and the draft is read all the same."""
    agency = tmp_path / "contributions" / "north"
    agency.mkdir(parents=True)
    (tmp_path / "contributions" / "south").mkdir()
    (tmp_path / "contributions" / "south" / "theirs.png").write_bytes(tiny_png())
    (tmp_path / "elsewhere.png").write_bytes(tiny_png((9, 9, 9)))
    (agency / "linked.png").symlink_to(tmp_path / "elsewhere.png")
    huge = bytearray(tiny_png())
    huge[16:24] = struct.pack(">II", 20_000, 20_000)  # 400 megapixels, as its header says
    (agency / "huge.png").write_bytes(bytes(huge))
    (agency / "alpha.md").write_text("Text.\n\n![Linked](linked.png)\n\n![Theirs](../south/theirs.png)\n\n"
                                     "![Huge](huge.png)\n", encoding="utf-8")
    contribution = Contribution(agency / "alpha.md", "north", "alpha", "md", "contributions/north/alpha.md")
    draft, findings = conversion.convert(contribution, (agency / "alpha.md").read_bytes(),
                                         conversion.DraftCache(tmp_path / "cache"))
    assert [(f.code, f.path) for f in findings] == [("input/unreadable", "contributions/north/linked.png")]
    assert "symbolic link" in findings[0].message
    assert {(issue.code, issue.location) for issue in draft.issues} == {
        ("input/missing-image", '"Linked"'), ("input/image-too-large", '"Huge"')}
    assert "2 pictures not shown" in next(i.message for i in draft.issues if i.code == "input/missing-image")


def test_a_table_of_contents_typed_by_hand_is_left_out_and_said_so(tmp_path):
    path = make_word(tmp_path / "delta.docx", ["Table of contents", "1. Introduction ........ 3",
                                               "2. Costs of the floor ........ 5", ("Heading 1", "Introduction"),
                                               "The floor costs 2 per cent of GDP in 12"])
    draft, _ = conversion.convert(Contribution(path, "north", "delta", "docx", "contributions/north/delta.docx"),
                                  path.read_bytes(), conversion.DraftCache(tmp_path / "cache"))
    assert stringify(draft.blocks) == "IntroductionThe floor costs 2 per cent of GDP in 12"
    contents = next(f for f in word_findings(draft) if f.code == "docx/table-of-contents")
    assert "(3 lines, near paragraph 1" in contents.message and not draft.audit.lost_words
