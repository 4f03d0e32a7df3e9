"""One bibliography (issue 12): references from the project, the agencies' folders and Word drafts' Zotero
fields merged, deduplicated, rendered once by citeproc into both outputs."""

from __future__ import annotations

import json

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from pypdf import PdfReader

from pipeline.bibliography import ReferenceFile, merge
from pipeline.model import Place

from .conftest import jointreport

DOI = "10.1234/wspr.2017"
TITLE = "World Social Protection Report 2017–19"
NORTH_BIB = f"""@book{{ilo2017,
  author = {{{{International Labour Office}}}},
  title = {{{TITLE}}},
  year = {{2017}},
  publisher = {{ILO}},
  address = {{Geneva}},
  doi = {{{DOI}}}
}}
@report{{undated,
  author = {{Someone, Anne}},
  title = {{A note without a date}}
}}
"""
SOUTH_BIB = f"""@book{{wspr2017,
  author = {{{{International Labour Office}}}},
  title = {{World social protection report 2017-19}},
  year = {{2017}},
  doi = {{https://doi.org/{DOI.upper()}}}
}}
"""
ZOTERO = {
    "citationID": "a1b2c3", "properties": {"formattedCitation": "(ILO 2017)", "plainCitation": "(ILO 2017)"},
    "citationItems": [{"id": 77, "uris": ["http://zotero.org/users/1/items/WSPR17"], "itemData": {
        "id": 77, "type": "book", "title": TITLE, "publisher": "ILO", "DOI": DOI,
        "author": [{"literal": "International Labour Office"}], "issued": {"date-parts": [["2017"]]}}}],
    "schema": "https://github.com/citation-style-language/schema/raw/master/csl-citation.json"}


def zotero_docx(path):
    """A Word draft (or the one at `path`, added to) whose last paragraph holds a Zotero citation field, as
    Zotero's Word plug-in writes it."""
    document = docx.Document(str(path) if path.exists() else None)
    paragraph = document.add_paragraph("Coverage remains low ")
    code = "ADDIN ZOTERO_ITEM CSL_CITATION " + json.dumps(ZOTERO, ensure_ascii=False)
    for xml in ('<w:r {ns}><w:fldChar w:fldCharType="begin"/></w:r>',
                '<w:r {ns}><w:instrText xml:space="preserve"> {code} </w:instrText></w:r>',
                '<w:r {ns}><w:fldChar w:fldCharType="separate"/></w:r>',
                '<w:r {ns}><w:t>(ILO 2017)</w:t></w:r>',
                '<w:r {ns}><w:fldChar w:fldCharType="end"/></w:r>',
                '<w:r {ns}><w:t xml:space="preserve">, the report finds.</w:t></w:r>'):
        paragraph._p.append(parse_xml(xml.format(ns=nsdecls("w"), code=code.replace("&", "&amp;")
                                                 .replace("<", "&lt;"))))
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


def citing_project(fixture_project):
    root = fixture_project("minimal")
    (root / "contributions" / "north" / "refs.bib").write_text(NORTH_BIB, encoding="utf-8")
    (root / "contributions" / "south" / "refs.bib").write_text(SOUTH_BIB, encoding="utf-8")
    (root / "contributions" / "north" / "alpha.md").write_text(
        "---\nstatus: cleared\n---\n\nCoverage is low [@ilo2017, p. 3]. South agrees [@wspr2017]. "
        "A forthcoming study [@nobody2099] and a note [@undated].\n", encoding="utf-8")
    (root / "contributions" / "south" / "beta.md").unlink()
    zotero_docx(root / "contributions" / "south" / "beta.docx")
    (root / "contributions" / "south" / "beta.yaml").write_text("status: cleared\n", encoding="utf-8")
    return root


def test_references_from_agencies_and_word_are_merged_and_rendered_once(fixture_project):
    root = citing_project(fixture_project)
    run = jointreport("check", "--project", str(root), "--format", "json")
    cites = sorted((f["code"], f["path"], f["location"]) for f in run.json()["findings"]
                   if f["code"].startswith(("cite/", "input/citation", "input/unreadable")))
    assert cites == [
        ("cite/duplicate-entry", "contributions/south/beta.docx", "ilo2017"),  # the key made from the work
        ("cite/duplicate-entry", "contributions/south/refs.bib", "wspr2017"),
        ("cite/incomplete-entry", "contributions/north/refs.bib", "undated"),
        ("cite/unknown-key", "contributions/north/alpha.md", '"[@nobody2099]"'),
    ]
    unknown = next(f for f in run.json()["findings"] if f["code"] == "cite/unknown-key")
    assert unknown["severity"] == "error" and "'nobody2099'" in unknown["message"]

    build = jointreport("build", "--project", str(root), "--force")
    assert build.code == 0, build.stderr
    text = "\n".join(p.text for p in docx.Document(str(root / "build" / "a-minimal-joint-report.docx")).paragraphs)
    pdf = " ".join(" ".join(page.extract_text().split()) for page in
                   PdfReader(root / "build" / "a-minimal-joint-report.pdf").pages)
    assert text.count("References") == 2  # in the contents, and the list's heading
    assert [p.text for p in docx.Document(str(root / "build" / "a-minimal-joint-report.docx")).paragraphs
            if p.style.name.startswith("Heading") and p.text == "References"] == ["References"]
    for output in (" ".join(text.split()), pdf):
        references = output[output.rindex("References"):]
        assert references.count("World Social Protection Report") == 1, references
        assert references.count("A Note Without a Date") == 1
        assert "[@nobody2099]" in output  # an unknown key is printed as typed
        assert "@ilo2017" not in output and "@wspr2017" not in output
        assert "(International Labour Office 2017, 3)" in output
        assert "remains low (International Labour Office 2017), the report finds" in output  # Zotero's, restyled
    assert not [f for f in run.json()["findings"] if f["path"] == "contributions/south/beta.docx"
                and f["code"] == "docx/content-lost"]


def test_a_key_used_for_two_works_is_renamed_and_its_citations_follow():
    def one(scope, key, title, year):
        return ReferenceFile(Place(f"{scope or 'references.bib'}"), scope, [
            {"id": key, "type": "book", "title": title, "issued": {"date-parts": [[year]]},
             "author": [{"family": "Doe", "given": "Jane"}]}])

    bib = merge([one("", "doe", "Social protection floors", 2011),
                 one("contributions/south/", "doe", "Social Protection Floors!", 2011),  # the same work
                 one("contributions/north/", "doe", "Universal pensions", 2012)])  # another work, same key
    assert sorted(bib.entries) == ["doe", "doe-2"]
    assert [(f.code, f.path) for f in bib.findings] == [("cite/duplicate-entry", "contributions/south/")]
    assert bib.resolver("contributions/north/x.md", "north")("doe") == "doe-2"
    assert bib.resolver("contributions/south/x.md", "south")("doe") == "doe"
    assert bib.resolver("chapters/a.md", None)("doe") == "doe"
    assert bib.resolver("chapters/a.md", None)("nobody") is None


MINIMAL_CSL = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Titles only</title><id>titles-only</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout prefix="[" suffix="]"><text variable="title"/></layout></citation>
  <bibliography><layout><text value="REF: "/><text variable="title"/></layout></bibliography>
</style>
"""


def test_the_project_references_and_its_own_citation_style(fixture_project):
    root = fixture_project("minimal")
    (root / "references.yaml").write_text(
        "references:\n- id: bachelet2011\n  type: report\n  title: Social protection floor for a fair and inclusive "
        "globalization\n  issued: 2011\n  author: [{literal: Advisory Group chaired by Michelle Bachelet}]\n",
        encoding="utf-8")
    (root / "styles").mkdir()
    (root / "styles" / "titles.csl").write_text(MINIMAL_CSL, encoding="utf-8")
    with (root / "report.yaml").open("a", encoding="utf-8") as report:
        report.write("citation_style: styles/titles.csl\n")
    (root / "chapters" / "first.md").write_text("As the Bachelet report argued [@bachelet2011].\n", encoding="utf-8")
    run = jointreport("check", "--project", str(root), "--format", "json")
    assert [f for f in run.json()["findings"] if f["code"].startswith(("cite/", "input/citation"))] == []
    build = jointreport("build", "--project", str(root), "--format", "docx", "--force")
    assert build.code == 0, build.stderr
    text = [p.text for p in docx.Document(str(root / "build" / "a-minimal-joint-report.docx")).paragraphs]
    assert any("argued [Social protection floor for a fair and inclusive globalization]" in p for p in text)
    assert text[-1] == "REF: Social protection floor for a fair and inclusive globalization"


def test_a_citation_style_that_is_no_csl_file_of_the_project_is_a_project_error(fixture_project):
    root = fixture_project("minimal")
    with (root / "report.yaml").open("a", encoding="utf-8") as report:
        report.write("citation_style: /etc/passwd\n")
    run = jointreport("check", "--project", str(root))
    assert run.code == 2 and "citation_style" in run.stderr + run.stdout


def test_references_per_chapter_list_each_chapters_works_at_its_end(fixture_project):
    root = fixture_project("numbers")
    (root / "contributions" / "north" / "refs.bib").write_text(NORTH_BIB, encoding="utf-8")
    with open(root / "contributions" / "north" / "alpha.md", "a", encoding="utf-8") as alpha:
        alpha.write("\nCoverage is low [@ilo2017, p. 3].\n")
    with open(root / "contributions" / "north" / "gamma.md", "a", encoding="utf-8") as gamma:
        gamma.write("\nA note [@undated] and the report again [@ilo2017].\n")
    with open(root / "report.yaml", "a", encoding="utf-8") as report:
        report.write("references: chapter\n")
    build = jointreport("build", "--project", str(root), "--force")
    assert build.code == 0, build.stderr
    word = docx.Document(str(root / "build" / "a-numbered-joint-report.docx"))
    assert [p.style.name for p in word.paragraphs if p.text == "References"] == ["Heading 3", "Heading 3"]
    docx_text = " ".join(" ".join(p.text for p in word.paragraphs).split())
    pdf = " ".join(" ".join(page.extract_text().split()) for page in
                   PdfReader(root / "build" / "a-numbered-joint-report.pdf").pages)
    for output in (docx_text[docx_text.rindex("1. Coverage and costs"):], pdf[pdf.index("Coverage is low"):]):
        first, second = output[:output.index("2. Financing")], output[output.index("2. Financing"):]
        first_list = first[first.rindex("References"):]
        assert first_list.count("World Social Protection Report") == 1 and "A Note Without a Date" not in first_list
        second_list = second[second.rindex("References"):second.index("Annex")]
        assert second_list.count("World Social Protection Report") == 1 and "A Note Without a Date" in second_list
        assert "(International Labour Office 2017, 3)" in first


NOTE_CSL = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0">
  <info><title>Notes with ibid.</title><id>notes-ibid</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout suffix="."><choose>
    <if position="ibid"><text value="Ibid"/></if>
    <else-if position="subsequent"><text variable="title" form="short"/></else-if>
    <else><text variable="title"/><text value=", first cited"/></else>
  </choose></layout></citation>
  <bibliography><layout><text value="REF: "/><text variable="title"/></layout></bibliography>
</style>
"""
CITING = """Opening words without any citation.

First claim [@a].

Words between, with a note.[^1]

Second claim [@a] and a third [@b].

- a list item without one
- a list item citing [@b]

More words without citations, then a fourth claim [@b].

[^1]: A note citing [@a], then [@b].
"""


def test_citeproc_given_only_the_blocks_with_citations_and_notes_renders_what_it_renders_for_the_whole(tmp_path):
    """First, subsequent and ibid. citations, in the text and in notes, in a note style: the same words."""
    import copy

    from pipeline.bibliography import render_citations
    from pipeline.pandoc import markdown_blocks, run_pandoc
    from pipeline.tree import stringify

    style = tmp_path / "notes.csl"
    style.write_text(NOTE_CSL, encoding="utf-8")
    entries = {"a": {"id": "a", "type": "book", "title": "Alpha book of floors", "title-short": "Alpha"},
               "b": {"id": "b", "type": "book", "title": "Beta book of pensions", "title-short": "Beta"}}
    blocks = markdown_blocks(CITING)
    refs = {"t": "Div", "c": [["refs", [], []], []]}
    works = json.dumps(list(entries.values())).encode()
    references = json.loads(run_pandoc(["-f", "csljson", "-t", "json"], stdin=works))
    whole = {"pandoc-api-version": references["pandoc-api-version"], "blocks": copy.deepcopy(blocks) + [refs],
             "meta": {"references": references["meta"]["references"], "lang": {"t": "MetaString", "c": "en"}}}
    expected = json.loads(run_pandoc(["-f", "json", "-t", "json", "--citeproc", f"--csl={style}"],
                                     stdin=json.dumps(whole).encode()))["blocks"]
    rendered = render_citations(copy.deepcopy(blocks), entries, "en", style, copy.deepcopy(refs))
    assert stringify(rendered) == stringify(expected)
    text = stringify(rendered)
    assert "Ibid" in text and "Alpha book of floors, first cited" in text and "REF: Beta book of pensions" in text


def test_an_edit_to_text_without_citations_does_not_run_citeproc_again(fixture_project, monkeypatch):
    from pipeline import bibliography
    from pipeline import build as recipe

    root = citing_project(fixture_project)
    runs = []
    run_pandoc = bibliography.run_pandoc
    monkeypatch.setattr(bibliography, "run_pandoc",
                        lambda args, **kw: (runs.append("--citeproc" in args), run_pandoc(args, **kw))[1])
    options = recipe.Options(formats=("docx",), force=True)
    recipe.build(root, options)
    assert True in runs
    runs.clear()
    with open(root / "contributions" / "north" / "alpha.md", "a", encoding="utf-8") as draft:
        draft.write("\nA new paragraph that cites nothing.\n")
    recipe.build(root, options)
    assert runs == []  # citeproc's rendering of the same citations, kept
    with open(root / "contributions" / "north" / "alpha.md", "a", encoding="utf-8") as draft:
        draft.write("\nAnother claim [@ilo2017, p. 9].\n")
    built = recipe.build(root, options)
    assert True in runs
    text = "\n".join(p.text for p in docx.Document(str(root / "build" / "a-minimal-joint-report.docx")).paragraphs)
    assert "A new paragraph that cites nothing." in text and "Another claim (" in text and not built.render_findings


def test_a_citation_no_paragraph_holds_is_rendered_all_the_same(tmp_path):
    """In a definition list's term (no paragraph around it), the citation is rendered with the whole text."""
    from pipeline.bibliography import cited_keys, render_citations
    from pipeline.pandoc import markdown_blocks
    from pipeline.tree import stringify

    entries = {"a": {"id": "a", "type": "book", "title": "Alpha book of floors", "author": [{"family": "Doe"}],
                     "issued": {"date-parts": [[2011]]}}}
    blocks = markdown_blocks("A paragraph without one.\n\nFloors [@a]\n:   What a term means.\n")
    rendered = render_citations(blocks, entries, "en", None, {"t": "Div", "c": [["refs", [], []], []]})
    assert cited_keys(rendered) == [] and "Floors (Doe 2011)" in stringify(rendered)
    assert "A paragraph without one." in stringify(rendered) and "Alpha Book of Floors" in stringify(rendered)
