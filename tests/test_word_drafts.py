"""Word drafts as agencies really send them (issue 10): one planted feature per section, every word
accounted for, each problem reported with the fix an agency can apply."""

from __future__ import annotations

import collections
import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import docx
import pypandoc
import pytest
from pypdf import PdfReader

from pipeline import wordml
from pipeline.word import audit as word_audit
from pipeline.word import rewrite
from pipeline.wordcount import count_words

from .conftest import ROOTS, as_printed, change_log, jointreport, needs_client
from .docxfactory import (
    direct_heading_xml,
    field_xml,
    make_docx,
    make_word,
    patch_zip,
    picture_xml,
    text_box_xml,
    tiny_emf,
)

IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
CHINESE = "社会保护底线是各国确定的一套基本社会保障，确保人人享有基本收入和基本服务。"
BODY = "The ministry reports on the coverage of the floor in every region."


def add_emf(path: Path) -> None:
    """Give a Word file an EMF picture (python-docx cannot insert one)."""
    with zipfile.ZipFile(path) as archive:
        rels = archive.read("word/_rels/document.xml.rels").decode()
        types = archive.read("[Content_Types].xml").decode()
    rels = rels.replace("</Relationships>", f'<Relationship Id="rIdEmf" Type="{IMAGE}" Target="media/chart.emf"/>'
                                            "</Relationships>")
    types = types.replace("</Types>", '<Default Extension="emf" ContentType="image/x-emf"/></Types>')
    patch_zip(path, {"word/_rels/document.xml.rels": rels.encode(), "[Content_Types].xml": types.encode(),
                     "word/media/chart.emf": tiny_emf()})


def move_main_part(path: Path) -> None:
    """Save the main part as word/document2.xml, as Office 365 sometimes does."""
    with zipfile.ZipFile(path) as archive:
        rels = archive.read("_rels/.rels").decode().replace("word/document.xml", "word/document2.xml")
        types = archive.read("[Content_Types].xml").decode().replace("/word/document.xml", "/word/document2.xml")
        own = archive.read("word/_rels/document.xml.rels")
    patch_zip(path, {"_rels/.rels": rels.encode(), "[Content_Types].xml": types.encode(),
                     "word/_rels/document2.xml.rels": own, "word/_rels/document.xml.rels": None},
              rename={"word/document.xml": "word/document2.xml"})


def make_strict(path: Path) -> None:
    """Every XML part in Strict Open XML's vocabularies, as Word's 'Strict Open XML Document' saves it."""
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist() if n.endswith((".xml", ".rels"))}
    for name, data in parts.items():
        for strict, ordinary in wordml.STRICT_NAMES.items():
            data = data.replace(ordinary, strict)
        parts[name] = data
    patch_zip(path, parts)


def encrypted_file(path: Path) -> None:
    """What Word writes for a password-protected .docx: an OLE compound file holding EncryptionInfo and
    EncryptedPackage streams (the directory names are UTF-16)."""
    header = wordml.OLE_MAGIC + b"\0" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00" + b"\0" * 480
    directory = b"".join(name.encode("utf-16-le").ljust(64, b"\0") + b"\0" * 64
                         for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    path.write_bytes(header + directory + b"\x8f" * 2048)


def odt_under_review(path: Path) -> None:
    """An .odt with one tracked insertion by Ana Gomez and two annotations by Li Wei."""
    pypandoc.convert_text(f"{BODY}\n\nA second paragraph of the draft.\n", "odt", format="markdown",
                          outputfile=str(path))
    with zipfile.ZipFile(path) as archive:
        content = archive.read("content.xml").decode()
    change = ('<text:tracked-changes><text:changed-region text:id="ct1"><text:insertion><office:change-info>'
              '<dc:creator>Ana Gomez</dc:creator><dc:date>2011-03-01T10:00:00</dc:date></office:change-info>'
              '</text:insertion></text:changed-region></text:tracked-changes>')
    note = ('<office:annotation><dc:creator>Li Wei</dc:creator><dc:date>2011-03-02T10:00:00</dc:date>'
            '<text:p>Source?</text:p></office:annotation>')
    content = content.replace("<office:text>", f"<office:text>{change}", 1)
    content = content.replace("A second paragraph", f'{note}{note}<text:change-start text:change-id="ct1"/>A newly '
                              'inserted<text:change-end text:change-id="ct1"/> second paragraph', 1)
    if 'xmlns:dc=' not in content:
        content = content.replace("<office:document-content ",
                                  '<office:document-content xmlns:dc="http://purl.org/dc/elements/1.1/" ', 1)
    patch_zip(path, {"content.xml": content.encode()})


def odt_with_frame(path: Path) -> None:
    """An .odt whose second paragraph anchors a text frame, which pandoc's ODT reader drops."""
    pypandoc.convert_text(f"{BODY}\n\nThe frame sits here.\n", "odt", format="markdown", outputfile=str(path))
    with zipfile.ZipFile(path) as archive:
        content = archive.read("content.xml").decode()
    frame = ('<draw:frame draw:name="Frame1" svg:width="5cm" text:anchor-type="paragraph"><draw:text-box>'
             '<text:p>Forty countries have a social protection floor in law and in practice today.</text:p>'
             '</draw:text-box></draw:frame>')
    for prefix, uri in (("draw", "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"),
                        ("svg", "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0")):
        if f"xmlns:{prefix}=" not in content:
            content = content.replace("<office:document-content ",
                                      f'<office:document-content xmlns:{prefix}="{uri}" ', 1)
    content = content.replace("The frame sits here.", f"The frame sits here.{frame}", 1)
    patch_zip(path, {"content.xml": content.encode()})


def second_body(path: Path) -> None:
    """A main part with a second w:body (seen in files other producers wrote), which pandoc never reads."""
    with zipfile.ZipFile(path) as archive:
        content = archive.read("word/document.xml").decode()
    content = content.replace("</w:body>", "</w:body><w:body><w:p><w:r><w:t>Words of a second body that no reader "
                                           "shows</w:t></w:r></w:p></w:body>", 1)
    patch_zip(path, {"word/document.xml": content.encode()})


@pytest.fixture(scope="module")
def word_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("word") / "word"
    shutil.copytree(ROOTS / "word", root)
    drafts = root / "contributions" / "ministry"
    make_docx(drafts / "plain.docx", [BODY, "Coverage grew in every region."], headings={0: (1, "Coverage")})
    make_word(drafts / "titled.docx", [("Title", "Floors for All"), ("Subtitle", "A ministry view"),
                                       ("Author", "Ana Gomez"), ("Abstract", "Abstract words that pandoc moves away."),
                                       BODY], styles={"Author": "", "Abstract": ""})
    make_word(drafts / "boxed.docx", [text_box_xml("The chart shows the trend.",
                                                   "Sixty percent of workers are covered"),
                                      BODY])
    make_word(drafts / "merged.docx", [field_xml("MERGEFIELD Country", "Republic of Fixtures"), BODY])
    make_word(drafts / "linked.docx", [BODY, picture_xml("rIdLink", linked=True, descr="Coverage chart")],
              relations={"rIdLink": (IMAGE, "file:///C:/Users/ana/charts/coverage.png", True)})
    add_emf(make_word(drafts / "metafile.docx", [BODY, picture_xml("rIdEmf", descr="Coverage chart")]))
    make_word(drafts / "localised.docx", [("Titre 1", "Couverture sociale"), BODY, ("Überschrift 2", "Regionen"),
                                          BODY, ("标题 1", "社会保护"), BODY],
              styles={"Titre 1": "", "Überschrift 2": "", "标题 1": ""})
    make_word(drafts / "faux.docx", [direct_heading_xml("Coverage by region"), BODY])
    make_docx(drafts / "template.dotx", [BODY])
    patch_zip(make_docx(drafts / "macros.docm", [BODY]), {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macros"})
    move_main_part(make_docx(drafts / "office365.docx", [BODY]))
    encrypted_file(drafts / "locked.docx")
    make_strict(make_docx(drafts / "strict.docx", [BODY]))
    odt_under_review(drafts / "reviewed.odt")
    odt_with_frame(drafts / "framed.odt")
    second_body(make_docx(drafts / "twobodies.docx", [BODY]))
    make_docx(drafts / "chinese.docx", [CHINESE, BODY])
    make_docx(drafts / "symbols.docx", [BODY + " The sign 𓀀 marks a hieroglyph."])
    for name in ("~$plain.docx", ".~lock.plain.docx#", ".DS_Store", "Thumbs.db", "._plain.docx"):
        (drafts / name).write_bytes(b"\0lock")
    return root


@pytest.fixture(scope="module")
def findings(word_root):
    run = jointreport("check", "--format", "json", "--project", str(word_root))
    assert run.code == 1, run.stderr
    return run.json()["findings"]


def test_each_planted_word_feature_is_found_with_its_code(findings):
    found = sorted((f["code"], f["path"].rsplit("/", 1)[-1]) for f in findings)
    expected = [
        ("docx/comments", "reviewed.odt"),
        ("docx/content-lost", "twobodies.docx"),
        ("docx/text-box", "framed.odt"),
        ("docx/encrypted", "locked.docx"),
        ("docx/linked-image", "linked.docx"),
        ("docx/macro", "macros.docm"),
        ("docx/off-style-heading", "faux.docx"),
        ("docx/strict-ooxml", "strict.docx"),
        ("docx/text-box", "boxed.docx"),
        ("docx/tracked-changes", "reviewed.odt"),
        ("render/missing-glyph", "symbols.docx"),
        ("style/substitution", "boxed.docx"),  # a text box's words are read like the body's: 'percent'
    ]
    if not shutil.which("soffice"):
        expected.append(("docx/unsupported-image", "metafile.docx"))
    assert found == sorted(expected)


def test_messages_say_what_to_do(findings):
    by_code = {f["code"]: f for f in findings if not f["path"].endswith("framed.odt")}
    assert "remove the password" in by_code["docx/encrypted"]["message"]
    assert "Save As" in by_code["docx/strict-ooxml"]["message"]
    assert by_code["docx/strict-ooxml"]["severity"] == "warning"
    assert "coverage.png" in by_code["docx/linked-image"]["message"]
    assert "Save picture in document" in by_code["docx/linked-image"]["message"]
    box = by_code["docx/text-box"]
    assert "1 text box" in box["message"] and "(6 words)" in box["message"]
    assert box["location"].startswith('paragraph 1 ("The chart shows')
    assert "Heading" in by_code["docx/off-style-heading"]["message"]
    assert by_code["docx/off-style-heading"]["severity"] == "info"
    assert "U+13000" in by_code["render/missing-glyph"]["message"]
    tracked = by_code["docx/tracked-changes"]
    assert "Ana Gomez (1)" in tracked["message"] and tracked["location"].startswith("paragraph 2")
    assert "Li Wei (2)" in by_code["docx/comments"]["message"]
    lost = by_code["docx/content-lost"]
    assert lost["message"].startswith("9 of its 21 words (43 %) did not reach the report")
    assert 'near paragraph 2 ("Words of a second body that…")' in lost["message"]
    assert "paste it into the body" in lost["message"]
    framed = next(f for f in findings if f["code"] == "docx/text-box" and f["path"].endswith("framed.odt"))
    assert "(13 words)" in framed["message"] and framed["location"].startswith('paragraph 2 ("The frame sits here')


def test_every_word_reaches_the_report(word_root, findings):
    """No usable draft loses words without a finding; the rescued texts are in the built DOCX."""
    lost = [f["path"] for f in findings if f["code"] == "docx/content-lost"]
    assert lost == ["contributions/ministry/twobodies.docx"]
    run = jointreport("build", "--force", "--project", str(word_root))
    assert run.code == 0, run.stderr
    document = docx.Document(str(word_root / "build" / "word-drafts-as-sent.docx"))
    paragraphs = {p.text: p.style.name for p in document.paragraphs}
    changes = change_log(word_root / "build" / "word-drafts-as-sent.docx")
    # A word the build changes reaches the report as its change, which the change log records.
    assert [(c["file"], c["before"], c["after"], c["rule"]) for c in changes] == [
        ("contributions/ministry/boxed.docx", "percent", "per cent", "UN.PerCentSpelling")]
    rescued = ("Floors for All", "A ministry view", "Ana Gomez", "Abstract words that pandoc moves away.",
               "The chart shows the trend.", "Sixty percent of workers are covered", "Republic of Fixtures",
               "Forty countries have a social protection floor in law and in practice today.")
    for text in rescued:
        assert as_printed(text, changes) in paragraphs, text
    assert paragraphs["Couverture sociale"] == "Heading 4"
    assert paragraphs["Regionen"] == "Heading 5"
    assert paragraphs["社会保护"] == "Heading 4"
    assert paragraphs["Coverage by region"] == "Heading 4"
    order = list(paragraphs)
    assert order.index("The chart shows the trend.") < order.index("Sixty per cent of workers are covered")
    reader = PdfReader(str(word_root / "build" / "word-drafts-as-sent.pdf"))
    text = "".join(page.extract_text() for page in reader.pages)
    assert CHINESE[:10] in text
    # Roboto sets the Latin text; the Chinese draft, which Roboto cannot show, falls back to Noto Sans CJK
    # SC (the house style's fallback for zh), and every font the PDF uses travels inside it.
    drawn = fonts_drawing(reader)
    assert {font.split("-")[0] for c in BODY for font in drawn[c]} == {"Roboto"}
    assert all("Roboto-Regular" in drawn[c] for c in BODY)
    assert all({font.split("-")[0] for font in drawn[c]} == {"NotoSansCJKsc"} for c in CHINESE)
    assert not_embedded(reader) == []


def fonts_drawing(reader: PdfReader) -> dict[str, set[str]]:
    """Each character the PDF draws, and the fonts it is drawn in (their names, without the subset tag)."""
    drawn = collections.defaultdict(set)

    def note(text, matrix, text_matrix, font, size):
        for character in text if font else "":
            drawn[character].add(font["/BaseFont"].split("+", 1)[-1])

    for page in reader.pages:
        page.extract_text(visitor_text=note)
    return drawn


def not_embedded(reader: PdfReader) -> list[str]:
    """The fonts a page uses whose glyphs are not in the file (a reader's machine would substitute)."""
    missing = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = described["/FontDescriptor"].get_object()
            if not {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor):
                missing.add(font["/BaseFont"])
    return sorted(missing)


def test_an_emf_picture_where_libreoffice_is_missing_is_reported(fixture_project, monkeypatch):
    """Without LibreOffice an EMF picture cannot be drawn as PNG: the finding names the picture and says why
    (on every machine: LibreOffice is hidden from the check, installed or not)."""
    from pipeline.commands.check import check
    from pipeline.word import pictures

    monkeypatch.setattr(pictures.shutil, "which", lambda name: None)
    root = fixture_project("minimal")
    south = root / "contributions" / "south"
    (south / "beta.md").unlink()
    add_emf(make_word(south / "beta.docx", [BODY, picture_xml("rIdEmf", descr="Coverage chart")]))
    (south / "beta.yaml").write_text("status: final\n", encoding="utf-8")
    found = [f for f in check(root).findings if f.code == "docx/unsupported-image"]
    assert [(f.path, f.severity) for f in found] == [("contributions/south/beta.docx", "warning")]
    assert "1 picture in EMF/WMF format (chart.emf)" in found[0].message
    assert "LibreOffice is not installed" in found[0].message


@needs_client("soffice")  # LibreOffice converts EMF pictures
def test_an_emf_picture_is_converted_to_png(word_root):
    if not (word_root / "build" / "word-drafts-as-sent.docx").exists():
        assert jointreport("build", "--force", "--format", "docx", "--project", str(word_root)).code == 0
    with zipfile.ZipFile(word_root / "build" / "word-drafts-as-sent.docx") as archive:
        pictures = [n for n in archive.namelist() if n.startswith("word/media/")]
    assert any(n.endswith(".png") for n in pictures) and not any(n.endswith(".emf") for n in pictures)


def test_an_emf_picture_without_libreoffice_is_reported(tmp_path):
    path = make_word(tmp_path / "metafile.docx", [BODY, picture_xml("rIdEmf", descr="Coverage chart")])
    add_emf(path)
    package = wordml.WordPackage(path.read_bytes())
    scan = word_audit.audit(package)
    prepared = rewrite.prepare(package, scan, convert_pictures=None)
    out = tmp_path / "prepared.docx"
    out.write_bytes(prepared)
    blocks = json.loads(pypandoc.convert_file(str(out), "json", extra_args=[f"--extract-media={tmp_path}"]))["blocks"]
    audit = word_audit.compare(scan, blocks)
    assert [s.detail for s in audit.unsupported_images] == ["word/media/chart.emf"]


def test_words_that_never_reach_the_draft_are_reported_with_where(tmp_path):
    path = make_word(tmp_path / "lost.docx", [BODY, "A paragraph the converter somehow drops entirely here.", BODY])
    package = wordml.WordPackage(path.read_bytes())
    scan = word_audit.audit(package)
    blocks = json.loads(pypandoc.convert_file(str(path), "json"))["blocks"]
    assert word_audit.compare(scan, blocks).lost_words == 0
    del blocks[1]
    audit = word_audit.compare(scan, blocks)
    assert audit.lost_words == 8 and audit.words_in == 32
    assert [s.location for s in audit.lost] == ['paragraph 2 ("A paragraph the converter somehow drops…")']


def test_word_counts_keep_paragraphs_apart_and_count_code_tables_and_notes():
    blocks = pypandoc.convert_text("End\n\nNext para.\n\n```\ncode words here\n```\n\n"
                                   "| a b | c |\n|---|---|\n| d | e f |\n\n"
                                   "Text.[^1]\n\n[^1]: Note words.\n\nSee ![alt text not counted](x.png) now.\n",
                                   "json", format="markdown")
    assert count_words(json.loads(blocks)["blocks"]) == 1 + 2 + 3 + 6 + 1 + 2 + 2
    assert count_words([{"t": "Para", "c": [{"t": "Str", "c": "社会保护floor"}]}]) == 5


def test_the_manifest_accounts_for_every_file(word_root):

    if not (word_root / "build" / "word-drafts-as-sent.manifest.json").exists():
        assert jointreport("build", "--force", "--format", "docx", "--project", str(word_root)).code == 0
    manifest = json.loads((word_root / "build" / "word-drafts-as-sent.manifest.json").read_text())
    files = {Path(e["path"]).name: e for e in manifest["files"]}
    on_disk = {p.name for p in (word_root / "contributions").rglob("*") if p.is_file()}
    assert set(files) == on_disk
    assert {n for n, e in files.items() if e["status"] == "ignored"} == {
        "~$plain.docx", ".~lock.plain.docx#", ".DS_Store", "Thumbs.db", "._plain.docx"}
    rejected = {(n, e["code"]) for n, e in files.items() if e["status"] == "rejected"}
    assert rejected == {("locked.docx", "docx/encrypted")}
    for name in ("template.dotx", "macros.docm", "office365.docx", "strict.docx"):  # read as Word documents
        assert (files[name]["status"], files[name]["words_in"], files[name]["words_out"]) == ("used", 12, 12), name
    plain = files["plain.docx"]
    assert plain["status"] == "used" and plain["words_in"] == plain["words_out"] == 18
    digest = hashlib.sha256((word_root / "contributions" / "ministry" / "plain.docx").read_bytes()).hexdigest()
    assert plain["sha256"] == digest
    assert files["boxed.docx"]["findings"] == ["docx/text-box", "style/substitution"]  # 'percent' in its box
    assert manifest["summary"] == {"used": 17, "rejected": 1, "ignored": 5}


@pytest.mark.parametrize("name, level", [
    ("Titre 1", 1), ("Título 2", 2), ("Encabezado 3", 3), ("Überschrift 1", 1), ("Заголовок 2", 2),
    ("标题 1", 1), ("標題 2", 2), ("見出し 3", 3), ("Titolo 1", 1), ("Kop 2", 2), ("Nagłówek 1", 1)])
def test_localised_heading_style_names_have_their_level(name, level):
    match = word_audit.LOCALISED_HEADING.match(name)
    assert match and int(match.group(1)) == level


def test_bold_captions_and_sentences_are_not_taken_for_headings(tmp_path):
    path = make_word(tmp_path / "bold.docx", [direct_heading_xml("Table 3 Coverage by region"),
                                              direct_heading_xml("A bold sentence that ends."),
                                              direct_heading_xml("Key findings", half_points=24), BODY])
    scan = word_audit.audit(wordml.WordPackage(path.read_bytes()))
    assert [(s.location, s.detail) for s in scan.off_style_headings] == [('paragraph 3 ("Key findings…")', "3")]


def test_characters_no_font_has_are_reported_in_introductions_and_statements_too(fixture_project):
    root = fixture_project("minimal")
    (root / "chapters" / "first.md").write_text("An introduction with a hieroglyph 𓀀.\n", encoding="utf-8")
    (root / "statements").mkdir()
    (root / "statements" / "note.md").write_text("---\ntitle: A note\n---\n\nText with a sign 𓀁.\n", encoding="utf-8")
    found = jointreport("check", "--format", "json", "--project", str(root)).json()["findings"]
    glyphs = sorted((f["path"], f["message"].split(":")[1].strip()[:11])
                    for f in found if f["code"] == "render/missing-glyph")
    assert glyphs == [("chapters/first.md", "𓀀 (U+13000)"), ("statements/note.md", "𓀁 (U+13001)")]
