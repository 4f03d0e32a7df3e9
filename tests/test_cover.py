"""Logos on the cover (issue 12): the coalition's and the agencies', in both outputs, from files inside the
project only."""

from __future__ import annotations

import re
import zipfile

from pypdf import PdfReader

from .conftest import jointreport, replace_once
from .docxfactory import tiny_png

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">'
       '<rect width="40" height="40" rx="8" fill="#1B365D"/>'
       '<rect x="50" y="12" width="70" height="16" fill="#12AB34"/></svg>')


def with_logos(root, coalition="assets/coalition.svg", north="assets/north.png", south="assets/south.png"):
    (root / "assets").mkdir()
    (root / "assets" / "coalition.svg").write_text(SVG, encoding="utf-8")
    (root / "assets" / "north.png").write_bytes(tiny_png((20, 60, 120)))
    (root / "assets" / "south.png").write_bytes(tiny_png((200, 40, 40)))
    replace_once(root / "report.yaml", "north: {name: Northern Agency, short: NA}",
                 f"north: {{name: Northern Agency, short: NA, logo: {north}}}")
    replace_once(root / "report.yaml", "south: {name: Southern Agency, short: SA}",
                 f"south: {{name: Southern Agency, short: SA, logo: {south}}}")
    with open(root / "report.yaml", "a", encoding="utf-8") as report:
        report.write(f"logo: {coalition}\n")
    return root


def test_the_coalitions_and_the_agencies_logos_are_on_the_cover_of_both_outputs(fixture_project):
    root = with_logos(fixture_project("minimal"))
    run = jointreport("build", "--project", str(root))
    assert run.code == 0, run.stderr
    pdf = PdfReader(str(root / "build" / "a-minimal-joint-report.pdf"))
    assert len(pdf.pages[0].images) == 2  # the two agencies' PNGs
    svg_green = "0.07058824 0.67058825 0.20392157"  # the coalition's SVG, drawn as vectors in its colours
    assert svg_green in pdf.pages[0].get_contents().get_data().decode("latin-1")
    assert not any(page.images for page in pdf.pages[1:])
    with zipfile.ZipFile(root / "build" / "a-minimal-joint-report.docx") as archive:
        body = archive.read("word/document.xml").decode()
        media = sorted(name.rsplit(".", 1)[1] for name in archive.namelist() if name.startswith("word/media/"))
    cover = body[:body.index('w:type="page"')]  # the cover ends at the first page break
    assert len(re.findall(r"<w:drawing>", cover)) == 3 and len(re.findall(r"<w:drawing>", body)) == 3
    assert media == ["png", "png", "svg"]


def test_a_logo_outside_the_project_or_missing_is_a_project_error(fixture_project, tmp_path):
    root = fixture_project("minimal")
    (tmp_path / "elsewhere.png").write_bytes(tiny_png((0, 0, 0)))
    with_logos(root, coalition="../elsewhere.png", north="assets/nowhere.png", south="assets/link.png")
    (root / "assets" / "link.png").symlink_to(tmp_path / "elsewhere.png")
    run = jointreport("check", "--project", str(root))
    assert run.code == 2
    said = run.stderr + run.stdout
    assert re.search(r"report\.yaml:\d+:\d+: logo: '\.\./elsewhere\.png' is not a PNG, JPEG or SVG file inside "
                     r"the project folder", said), said
    assert re.search(r"report\.yaml:\d+:\d+: agencies\.north\.logo: 'assets/nowhere\.png' is not", said)
    assert re.search(r"report\.yaml:\d+:\d+: agencies\.south\.logo: 'assets/link\.png' is not", said)

    absolute = str(tmp_path / "elsewhere.png")
    replace_once(root / "report.yaml", "logo: ../elsewhere.png", f"logo: {absolute}")
    said = jointreport("check", "--project", str(root)).stderr
    assert f"logo: '{absolute}' is not a PNG, JPEG or SVG file inside the project folder" in said
