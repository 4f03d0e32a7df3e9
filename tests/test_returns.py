"""`jointreport return`: an agency's own Word file with the build's fixes as tracked changes and comments,
reviewed in LibreOffice, read back into the comment–response matrix, and a rejected fix left alone by the
build until an editor decides (issue 27)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import httpx
import openpyxl
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Pt, RGBColor
from lxml import etree

from pipeline.commands.check import check
from pipeline.normalise import DRAFT_CLASS
from pipeline.tree import stringify
from pipeline.web.app import Settings
from pipeline.web.tokens import TokenStore

from .conftest import copy_example, edit_yaml, jointreport, needs_client
from .docxfactory import _thread_replies, make_docx
from .webserver import serving

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DRAFT = "contributions/beta/two.docx"
DAY = "2025-03-01"
needs_uno = pytest.mark.skipif(
    subprocess.run(["/usr/bin/python3", "-c", "import uno"], capture_output=True).returncode != 0
    and not os.environ.get("CI"), reason="python3-uno is not installed (.ci/run installs it)")


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def rich_draft(path: Path) -> None:
    """A draft as agencies send them: a header, a character style of its own, a heading, a quote style,
    words split over runs of different colour, size and style, italics, a table, and a comment by the
    agency's own reviewer."""
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Beta Bureau draft"
    emphasis = document.styles.add_style("Beta Emphasis", WD_STYLE_TYPE.CHARACTER)
    emphasis.font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)
    document.add_heading("Protection in practice", level=1)
    p = document.add_paragraph("Countries build a ")
    p.add_run("social ")
    p.add_run("floor").font.color.rgb = RGBColor(0xC0, 0x00, 0x00)  # one term over two runs
    p.add_run(" step by step, and ")
    p.add_run("Vietnam").italic = True
    p.add_run(" shows how.")
    p = document.add_paragraph("Cost effective", style="Intense Quote")
    p.add_run(" transfers reach people early.")
    p = document.add_paragraph("Partners such as ")
    p.add_run("UN-").font.size = Pt(12)
    women = p.add_run("Women")
    women.font.size, women.style = Pt(14), emphasis
    p.add_run(" help.")
    commented = document.add_paragraph("A paragraph the agency commented on itself, about the social floor.")
    document.add_comment(commented.runs, text="Check this with the ministry.", author="Beta Reviewer", initials="BR")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Country"
    table.cell(0, 1).text = "A social floor in Vietnam"
    document.add_paragraph("Nothing to fix in this closing paragraph.")
    document.save(path)


def beta_project(fixture_project, draft) -> Path:
    """The terms fixture, with a Word draft for beta made by `draft`."""
    root = fixture_project("terms")
    (root / "contributions" / "beta").mkdir()
    draft(root / DRAFT)
    return root


@pytest.fixture
def project(fixture_project):
    return beta_project(fixture_project, rich_draft)


def run_return(root: Path, agency: str = "beta") -> str:
    run = jointreport("return", agency, "--as-of", DAY, "--project", str(root))
    assert run.code == 0, run.stderr
    return run.stdout


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def paragraphs(document: bytes, keep: str) -> list[str]:
    """The text of each paragraph with the editors' changes accepted (`keep="ins"`) or rejected
    (`keep="del"`), the way Word's Accept All / Reject All leaves it."""
    root = etree.fromstring(document)
    drop = "del" if keep == "ins" else "ins"
    for element in list(root.iter(q(drop))):
        if element.get(q("author")) == "Editors":
            element.getparent().remove(element)
    for element in root.iter(q("delText")):
        element.tag = q("t")
    return ["".join(t.text or "" for t in p.iter(q("t"))) for p in root.iter(q("p"))]


def editors_fixes(data: bytes) -> list[tuple[str, str]]:
    """(words before, words after) of the tracked changes inside each comment of the editors."""
    found = parts(data)
    body = etree.fromstring(found["word/document.xml"])
    fixes = []
    for ident in re.findall(r'<w:comment w:id="(\d+)" w:author="Editors"', found["word/comments.xml"].decode()):
        before, after, inside, tracked = [], [], False, False
        for element in body.iter():
            if element.tag in (q("commentRangeStart"), q("commentRangeEnd")) and element.get(q("id")) == ident:
                inside = element.tag == q("commentRangeStart")
            elif inside and element.tag in (q("t"), q("delText")):
                ours = {a.tag for a in element.iterancestors() if a.get(q("author")) == "Editors"}
                tracked = tracked or bool(ours)
                if element.tag == q("t"):
                    after.append(element.text or "")
                if element.tag == q("delText") or q("ins") not in ours:
                    before.append(element.text or "")
        if tracked:
            fixes.append(("".join(before), "".join(after)))
    return fixes


def built_changes(root: Path) -> list[tuple[str, str]]:
    """What the build harmonises in the draft: its terminology record."""
    run = jointreport("build", "--format", "docx", "--force", "--project", str(root))
    assert run.code == 0, run.stderr
    with open(next((root / "build").glob("*.terminology.csv")), encoding="utf-8") as table:
        return sorted((row["before"], row["after"]) for row in csv.DictReader(table) if row["file"] == DRAFT)


def test_every_glossary_fix_of_the_build_is_a_tracked_change_with_its_comment(project):
    contributions = {p: p.read_bytes() for p in (project / "contributions").rglob("*") if p.is_file()}
    out = run_return(project)
    returned = project / "build" / "returns" / "beta" / "two.docx"
    assert re.search(r"two\.docx: 7 tracked changes, 7 comments", out), out
    data = returned.read_bytes()
    fixes = sorted(editors_fixes(data))
    assert fixes == built_changes(project) and len(fixes) == 7
    # each change is the editors', dated the day given, with a comment saying why in plain words
    body = parts(data)["word/document.xml"].decode()
    assert set(re.findall(r'<w:(?:ins|del) w:id="\d+" w:author="([^"]+)" w:date="([^"]+)"', body)) == {
        ("Editors", f"{DAY}T00:00:00Z")}
    comments = parts(data)["word/comments.xml"].decode()
    assert comments.count('w:author="Editors"') == 7
    assert "'Viet Nam' instead of 'Vietnam': 'Viet Nam' is the term the coalition agreed in its glossary" in comments
    assert "Check this with the ministry." in comments  # the agency's own comment is still there
    # nothing under contributions/ changed; the same inputs give the same bytes
    assert {p: p.read_bytes() for p in (project / "contributions").rglob("*") if p.is_file()} == contributions
    run_return(project)
    assert returned.read_bytes() == data


def test_its_own_file_comes_back_unchanged_but_for_the_marks(project):
    run_return(project)
    original = parts((project / DRAFT).read_bytes())
    returned = parts((project / "build" / "returns" / "beta" / "two.docx").read_bytes())
    assert list(returned) == list(original)  # the same parts, in the same order
    for name in original:
        if name not in ("word/document.xml", "word/comments.xml"):
            assert returned[name] == original[name], name  # styles, numbering, header, settings… byte for byte
    # rejecting every change gives the original text of every paragraph, byte for byte
    assert paragraphs(returned["word/document.xml"], "del") == paragraphs(original["word/document.xml"], "del")


def test_a_fix_over_runs_of_different_formatting_keeps_each_runs_formatting(project):
    run_return(project)
    body = parts((project / "build" / "returns" / "beta" / "two.docx").read_bytes())["word/document.xml"].decode()
    # "social " + red "floor": "protection " is inserted after "social " in its formatting; "floor" stays red
    assert re.search(r'<w:t xml:space="preserve">social </w:t></w:r><w:ins [^>]*><w:r><w:t xml:space="preserve">'
                     r'protection </w:t></w:r></w:ins><w:r><w:rPr><w:color w:val="C00000"/></w:rPr><w:t>floor', body)
    # "UN-" at 12 pt + "Women" at 14 pt in the agency's style: only the hyphen changes, at 12 pt
    assert re.search(r'<w:rPr><w:sz w:val="24"/></w:rPr><w:t xml:space="preserve">UN</w:t></w:r><w:del [^>]*><w:r>'
                     r'<w:rPr><w:sz w:val="24"/></w:rPr><w:delText xml:space="preserve">-</w:delText></w:r></w:del>'
                     r'<w:ins [^>]*><w:r><w:rPr><w:sz w:val="24"/></w:rPr><w:t xml:space="preserve"> </w:t></w:r>'
                     r'</w:ins><w:r><w:rPr><w:rStyle w:val="BetaEmphasis"/><w:sz w:val="28"/></w:rPr><w:t>Women', body)
    # the italic name is replaced in italics
    assert re.search(r'<w:del [^>]*><w:r><w:rPr><w:i/></w:rPr><w:delText xml:space="preserve">Vietnam</w:delText>'
                     r'</w:r></w:del><w:ins [^>]*><w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">Viet Nam', body)


def test_acronyms_agreed_text_and_other_findings(fixture_project):
    root = fixture_project("terms")
    make_docx(root / DRAFT, ["The SPF is used bare here.",
                             "The floor is a nationally defined set of basic social guarantees for everyone in need."])
    edit_yaml(root / "chapters" / "outline.yaml",
              lambda data: data["parts"][0]["chapters"][1]["sections"][0].update(words=[1, 5]))
    out = run_return(root)
    assert "2 tracked changes" in out, out
    data = (root / "build" / "returns" / "beta" / "two.docx").read_bytes()
    accepted = paragraphs(parts(data)["word/document.xml"], "ins")
    assert accepted[:2] == [
        "The social protection floor (SPF) is used bare here.",
        "The floor is a nationally defined set of basic social security guarantees for all in need."]
    comments = parts(data)["word/comments.xml"].decode()
    assert "First use of SPF in this chapter" in comments
    assert "Close to the agreed text 'definition' but not the same" in comments
    assert "(outline/over-budget)" in comments  # a finding the agency must act on, as a comment only


def test_markdown_drafts_are_not_returned_and_say_so(project):
    out = run_return(project, "alpha")
    assert "contributions/alpha/one.md: info: return/not-supported: Markdown drafts are not returned" in out
    assert not (project / "build" / "returns" / "alpha").exists()


def test_a_fix_inside_another_reviewers_change_is_a_comment(fixture_project):
    root = fixture_project("terms")
    make_docx(root / DRAFT, ["Transfers matter."], insertions=[(0, "Maria", "The social floor grows.")])
    out = run_return(root)
    assert "return/not-tracked: 'social floor' → 'social protection floor' is a comment, not a tracked change: the " \
           "words are inside another reviewer's tracked change" in out
    data = (root / "build" / "returns" / "beta" / "two.docx").read_bytes()
    assert editors_fixes(data) == [] and "Not marked as a tracked change" in parts(data)["word/comments.xml"].decode()


# LibreOffice, as a focal point reviews the returned file.

def comments_as_bookmarks(data: bytes) -> bytes:
    """Each comment's range as a bookmark jrc<id>, the comments left out: LibreOffice without its user
    interface files (Debian's writer-nogui, as in CI) stops on opening a file with comments in a view."""
    found = parts(data)
    document = etree.fromstring(found["word/document.xml"])
    for mark in list(document.iter(q("commentRangeStart"), q("commentRangeEnd"), q("commentReference"))):
        ident = mark.get(q("id"))
        if mark.tag == q("commentRangeStart"):
            mark.addprevious(etree.Element(q("bookmarkStart"), {q("id"): f"9{ident}", q("name"): f"jrc{ident}"}))
        elif mark.tag == q("commentRangeEnd"):
            mark.addprevious(etree.Element(q("bookmarkEnd"), {q("id"): f"9{ident}"}))
        holder = mark.getparent()
        holder.remove(mark)
        if holder.tag == q("r") and all(child.tag == q("rPr") for child in holder):
            holder.getparent().remove(holder)
    found["word/document.xml"] = etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True)
    del found["word/comments.xml"]
    found["word/_rels/document.xml.rels"] = re.sub(rb'<Relationship [^>]*relationships/comments"[^>]*/>', b"",
                                                   found["word/_rels/document.xml.rels"])
    return zipped(found)


def bookmarks_as_comments(saved: bytes, returned: bytes) -> bytes:
    """LibreOffice's saved file with the returned file's comments back at their bookmarks."""
    found = parts(saved)
    document = etree.fromstring(found["word/document.xml"])
    names = {}
    for mark in list(document.iter(q("bookmarkStart"))):
        if mark.get(q("name")).startswith("jrc"):
            names[mark.get(q("id"))] = ident = mark.get(q("name"))[3:]
            mark.addprevious(etree.Element(q("commentRangeStart"), {q("id"): ident}))
            mark.getparent().remove(mark)
    for mark in list(document.iter(q("bookmarkEnd"))):
        if mark.get(q("id")) in names:
            ident = names[mark.get(q("id"))]
            end = etree.Element(q("commentRangeEnd"), {q("id"): ident})
            mark.addprevious(end)
            reference = etree.Element(q("r"))
            etree.SubElement(reference, q("commentReference"), {q("id"): ident})
            end.addnext(reference)
            mark.getparent().remove(mark)
    found["word/document.xml"] = etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True)
    found["word/comments.xml"] = parts(returned)["word/comments.xml"]
    found["word/_rels/document.xml.rels"] = found["word/_rels/document.xml.rels"].replace(b"</Relationships>", (
        b'<Relationship Id="rIdComments" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'comments" Target="comments.xml"/></Relationships>'))
    if b"comments+xml" not in found["[Content_Types].xml"]:
        found["[Content_Types].xml"] = found["[Content_Types].xml"].replace(b"</Types>", (
            b'<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            b'wordprocessingml.comments+xml"/></Types>'))
    return zipped(found)


def zipped(found: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in found.items():
            archive.writestr(name, data)
    return out.getvalue()


def libreoffice(source: Path, scratch: Path, actions) -> tuple[Path, list[str]]:
    """The file reviewed in LibreOffice (lo_review.py): the Word file it saved and its text, line by line."""
    scratch.mkdir(parents=True, exist_ok=True)
    handed = scratch / "handed.docx"
    handed.write_bytes(comments_as_bookmarks(source.read_bytes()))
    saved, text = scratch / "saved.docx", scratch / "saved.txt"
    subprocess.run(["/usr/bin/python3", str(Path(__file__).with_name("lo_review.py")), str(handed), str(saved),
                    str(text), str(scratch / "profile"), json.dumps(actions)], capture_output=True, timeout=300,
                   check=True)
    return saved, [" ".join(line.split()) for line in text.read_text(encoding="utf-8-sig").splitlines() if line.strip()]


def build_text(root: Path) -> list[str]:
    """The draft's paragraphs as the build assembles them, harmonised."""
    from pipeline.assemble import assemble
    result = check(root, with_drafts=True)
    document = assemble(result.project, result.drafts, result.sources.intros, False, True, result.sources.bibliography)
    found: list[str] = []

    def texts(node, inside: bool) -> None:
        if isinstance(node, dict):
            if node.get("t") == "Div" and DRAFT_CLASS in node["c"][0][1]:
                inside = ["path", DRAFT] in node["c"][0][2]
            if inside and node.get("t") in ("Para", "Plain", "Header"):
                found.append(" ".join(stringify(node["c"][2] if node["t"] == "Header" else node["c"]).split()))
                return
            for value in node.values():
                texts(value, inside)
        elif isinstance(node, list):
            for item in node:
                texts(item, inside)

    texts(document.blocks, False)
    return found


@needs_client("soffice")
@needs_uno
def test_libreoffice_accept_all_gives_the_builds_text_and_reject_all_the_agencys(project, tmp_path):
    run_return(project)
    returned = project / "build" / "returns" / "beta" / "two.docx"
    _, accepted = libreoffice(returned, tmp_path / "accept", "accept-all")
    assert accepted == build_text(project)
    assert "Countries build a social protection floor step by step, and Viet Nam shows how." in accepted
    _, rejected = libreoffice(returned, tmp_path / "reject", "reject-all")
    _, original = libreoffice(project / DRAFT, tmp_path / "original", "reject-all")
    assert rejected == original and "Partners such as UN-Women help." in rejected


@needs_client("soffice")
@needs_uno
def test_a_review_in_libreoffice_sent_back_through_the_portal_is_read_back_and_a_rejected_fix_waits(project,
                                                                                                   tmp_path):
    secret = TokenStore(project).issue("agency", "beta")[1]
    with serving(Settings(project, as_of=dt.date.fromisoformat(DAY), rate=10_000)) as server:
        page = httpx.get(f"{server.url}/a/{secret}", timeout=60)
        assert f'href="/a/{secret}/returned/two"' in page.text and "Your draft with the editors' fixes" in page.text
        download = httpx.get(f"{server.url}/a/{secret}/returned/two", timeout=120)
        assert download.status_code == 200 and download.headers["content-type"].startswith(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        returned = tmp_path / "two.docx"
        returned.write_bytes(download.content)
        written = (project / "build" / "returns" / "beta" / "two.docx").read_bytes()
        assert download.content == written and len(editors_fixes(written)) == 7
        comments = parts(download.content)["word/comments.xml"].decode()
        ids: dict[str, str] = {}  # the words a fix replaces → its first comment's id
        for ident, before in re.findall(r'<w:comment w:id="(\d+)" w:author="Editors"[^>]*>.*?\'[^\']+\' instead of '
                                        r'\'([^\']+)\'', comments, re.S):
            ids.setdefault(before, ident)
        assert set(ids) == {"Vietnam", "social floor", "Cost effective", "UN-Women"}
        verdicts = {f"jrc{ids['Vietnam']}": "accept", f"jrc{ids['social floor']}": "reject",
                    f"jrc{ids['UN-Women']}": "reject"}
        saved, text = libreoffice(returned, tmp_path / "review", verdicts)
        assert "Countries build a social floor step by step, and Viet Nam shows how." in text
        reviewed = tmp_path / "reviewed.docx"
        reviewed.write_bytes(bookmarks_as_comments(saved.read_bytes(), download.content))
        order = re.findall(r'<w:comment w:id="(\d+)"', comments)  # the focal point replies to one rejection
        _thread_replies(reviewed, [(order.index(ids["UN-Women"]), "Beta Focal Point",
                                    "Our statute spells it UN-Women.")])
        sent = httpx.post(f"{server.url}/api/drafts", headers={"Authorization": f"Bearer {secret}"},
                          data={"section": "two"}, files={"file": ("two.docx", reviewed.read_bytes())}, timeout=120)
        assert sent.status_code == 201, sent.text
    assert (project / DRAFT).read_bytes() == reviewed.read_bytes()
    run = jointreport("comments", "--format", "xlsx", "--out", str(tmp_path / "matrix.xlsx"), "--project", str(project))
    assert run.code == 0, run.stderr
    sheet = openpyxl.load_workbook(tmp_path / "matrix.xlsx").active
    rows = [[cell.value or "" for cell in row] for row in sheet.iter_rows()]
    header = rows[0]
    answers = {(r[header.index("tracked change")], r[header.index("paragraph")][:11]): (
        r[header.index("agency's answer")], r[header.index("agency's reply")]) for r in rows[1:]
        if r[header.index("tracked change")]}
    assert answers[("Vietnam → Viet Nam", "paragraph 2")] == ("accepted", "")
    assert answers[("social floor → social protection floor", "paragraph 2")] == ("rejected", "")
    assert answers[("UN-Women → UN Women", "paragraph 4")] == ("rejected", "Our statute spells it UN-Women.")
    assert answers[("Cost effective → Cost-effective", "paragraph 3")] == ("pending", "")
    assert sum(1 for answer, _ in answers.values() if answer == "pending") == 4
    # the build leaves the rejected fixes as the agency wrote them (the pending ones it reads accepted, as
    # pandoc reads every tracked change)
    assert built_changes(project) == []
    # until an editor decides: apply one (the build and `return` make it again), keep the other
    rejected = {r[header.index("tracked change")]: r[header.index("fix")] for r in rows[1:]
                if r[header.index("agency's answer")] == "rejected"}
    (project / "decisions.yaml").write_text(
        f"{rejected['UN-Women → UN Women']}: apply\n{rejected['social floor → social protection floor']}: keep\n",
        encoding="utf-8")
    assert built_changes(project) == [("UN-Women", "UN Women")]
    run_return(project)
    again = (project / "build" / "returns" / "beta" / "two.docx").read_bytes()
    accepted = paragraphs(parts(again)["word/document.xml"], "ins")
    assert "Partners such as UN Women help." in accepted  # applied again, as decided
    assert "Countries build a social floor step by step, and Viet Nam shows how." in accepted  # kept, as decided
    assert ("UN-Women", "UN Women") in editors_fixes(again)


def test_the_examples_word_drafts_come_back_whole_with_footnotes_and_others_changes_kept(tmp_path):
    root = copy_example(tmp_path / "example")
    run = jointreport("return", "ilo", "--as-of", "2011-04-20", "--project", str(root))
    assert run.code == 0, run.stderr
    returned = sorted((root / "build" / "returns" / "ilo").glob("*.docx"))
    assert [p.name for p in returned] == sorted(p.name for p in (root / "contributions" / "ilo").glob("*.docx"))
    for path in returned:
        original, mine = parts((root / "contributions" / "ilo" / path.name).read_bytes()), parts(path.read_bytes())
        for name in original:
            if name not in ("word/document.xml", "word/footnotes.xml", "word/comments.xml", "[Content_Types].xml",
                            "word/_rels/document.xml.rels"):
                assert mine[name] == original[name], (path.name, name)
        for name in ("word/document.xml", "word/footnotes.xml"):
            if name in original:  # every editors' change rejected: the agency's text, byte for byte
                assert paragraphs(mine[name], "del") == paragraphs(original[name], "del"), (path.name, name)
    fiscal = parts((root / "build" / "returns" / "ilo" / "fiscal-space.docx").read_bytes())
    notes = fiscal["word/footnotes.xml"].decode()
    assert re.search(r'<w:ins [^>]*w:author="Editors"[^>]*><w:r>(<w:rPr>.*?</w:rPr>)?<w:t xml:space="preserve">'
                     r'International Monetary Fund \(</w:t>', notes)  # a first use in a footnote, spelled out there
    # K. Tanaka's and Maria Lopez's own tracked changes are still theirs, as many as before
    before = parts((root / "contributions" / "ilo" / "fiscal-space.docx").read_bytes())["word/document.xml"].decode()
    for author in ("K. Tanaka", "Maria Lopez (ILO)"):
        count = before.count(f'w:author="{author}"')
        assert fiscal["word/document.xml"].decode().count(f'w:author="{author}"') == count > 0
