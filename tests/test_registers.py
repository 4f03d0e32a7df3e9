"""Shared registers (issue 28): declared in report.yaml, kept by the agencies as sheets, checked cell by cell,
held to their review period in `status` and the reminders, printed as annexes in every edition, exported,
and replaced through the portal one agency at a time."""

from __future__ import annotations

import csv
import datetime as dt
import email
import email.policy
import hashlib
import io
import subprocess
from pathlib import Path

import click
import docx
import docx.table
import httpx
import pytest
from openpyxl import Workbook, load_workbook

from pipeline.commands.check import check
from pipeline.commands.remind import remind
from pipeline.commands.status import status
from pipeline.errors import ProjectError
from pipeline.project import load_project
from pipeline.registers.countries import find, name
from pipeline.registers.merge import merge
from pipeline.registers.sheets import read_sheets
from pipeline.render.dashboard import board_text
from pipeline.web.app import Settings
from pipeline.web.tokens import TokenStore

from .conftest import copy_example, edit_yaml, jointreport
from .webserver import serving

EXAMPLE_DAY = dt.date(2011, 4, 20)
ILO_SHEET = "contributions/ilo/registers/activities.xlsx"
WHO_TOOLS = "contributions/who/registers/tools.xlsx"

# The example's country-activities annex: one group per country, alphabetical in each edition's language,
# the UN's names (not CLDR's 'Vietnam', 'Kirghizstan', 'Bolivie', 'Vietnam'…).
COUNTRIES = {
    "en": ["Benin", "Bolivia (Plurinational State of)", "Brazil", "Burkina Faso", "Cambodia", "El Salvador", "Ghana",
           "Indonesia", "Kyrgyzstan", "Mozambique", "Nepal", "Rwanda", "Senegal", "Thailand", "Togo", "Viet Nam"],
    "fr": ["Bénin", "Bolivie (État plurinational de)", "Brésil", "Burkina Faso", "Cambodge", "El Salvador", "Ghana",
           "Indonésie", "Kirghizistan", "Mozambique", "Népal", "Rwanda", "Sénégal", "Thaïlande", "Togo", "Viet Nam"],
    "es": ["Benin", "Bolivia (Estado Plurinacional de)", "Brasil", "Burkina Faso", "Camboya", "El Salvador", "Ghana",
           "Indonesia", "Kirguistán", "Mozambique", "Nepal", "Rwanda", "Senegal", "Tailandia", "Togo", "Viet Nam"],
}
ANNEXES = {
    "en": ["Annex: SPF country activities", "SPF country activities: countries by agency",
           "Annex: Key publications on the SPF", "Annex: Key tools for the SPF"],
    "fr": ["Annexe\u00a0: Activités du SPS dans les pays",
           "Activités du SPS dans les pays\u00a0: pays par organisation",
           "Annexe\u00a0: Publications clés sur le SPS", "Annexe\u00a0: Outils clés pour le SPS"],
    "es": ["Anexo: Actividades del PPS en los países", "Actividades del PPS en los países: países por organización",
           "Anexo: Publicaciones clave sobre el PPS", "Anexo: Herramientas clave para el PPS"],
}
SUFFIX = {"en": "", "fr": ".fr", "es": ".es"}


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> Path:
    """The example built in its three languages, DOCX and PDF."""
    root = copy_example(tmp_path_factory.mktemp("registers") / "example")
    run = jointreport("build", "--force", "--lang", "all", "--as-of", EXAMPLE_DAY.isoformat(), "--project", str(root))
    assert run.code == 0, run.stderr
    return root


def group_rows(table) -> list[str]:
    """The titles of a Word table's groups: the rows whose one cell spans every column."""
    return [row.cells[0].text for row in table.rows[1:] if len({id(cell._tc) for cell in row.cells}) == 1]


def table_after(document, heading: str):
    """The first table that follows the heading with this text."""
    found = False
    for block in document.iter_inner_content():
        if isinstance(block, docx.table.Table) and found:
            return block
        found = found or (not isinstance(block, docx.table.Table) and block.text == heading)
    raise AssertionError(f"no table after {heading!r}")


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_the_example_registers_are_annexes_in_each_edition(editions, lang):
    build = editions / "build"
    document = docx.Document(str(build / f"spf-flagship-report{SUFFIX[lang]}.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert [h for h in headings if h in ANNEXES[lang]] == ANNEXES[lang]
    assert headings.index(ANNEXES[lang][-1]) < len(headings) - 1  # the contributors annex still follows
    activities = table_after(document, ANNEXES[lang][0])
    assert group_rows(activities) == COUNTRIES[lang]
    matrix = table_after(document, ANNEXES[lang][1])
    shorts = {"en": ["ILO", "UNICEF", "WHO", "UNDP", "HelpAge", "ESN"]}  # report.yaml's names: per language
    shorts["fr"] = shorts["es"] = ["OIT", "UNICEF", "OMS", "PNUD", "HelpAge", "RES"]
    country = {"en": "Country", "fr": "Pays", "es": "País"}[lang]
    assert [c.text for c in matrix.rows[0].cells] == [country] + shorts[lang]
    rows = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in matrix.rows[1:]}
    assert rows[COUNTRIES[lang][9]] == ["1", "1", "1", "", "1", ""]  # Mozambique
    assert rows[COUNTRIES[lang][4]] == ["1", "1", "", "", "", ""]  # Cambodia: one joint row of ILO and UNICEF
    pdf = subprocess.run(["pdftotext", "-layout", str(build / f"spf-flagship-report{SUFFIX[lang]}.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    pdf = pdf.replace("\u00a0", " ")  # pdftotext keeps the no-break spaces of the French headings
    annex = pdf[pdf.index(ANNEXES[lang][0].replace("\u00a0", " ") + "\n"):]
    for country in COUNTRIES[lang]:
        assert country in annex
    positions = [annex.index(c) for c in (COUNTRIES[lang][0], COUNTRIES[lang][4], COUNTRIES[lang][-1])]
    assert positions == sorted(positions)


def test_the_example_registers_export_as_xlsx_and_csv(editions):
    run = jointreport("registers", "export", "--lang", "fr", "--project", str(editions))
    assert run.code == 0, run.stderr
    folder = editions / "build" / "registers"
    with open(folder / "country-activities.fr.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Pays", "Pays (ISO 3166)", "Organisation", "Garantie", "Activité", "État", "Depuis", "Revu le"]
    assert [r[0] for r in rows[1:]] == sorted([r[0] for r in rows[1:]], key=COUNTRIES["fr"].index)
    assert ["Viet Nam", "VNM", "UNICEF", "Enfants", "Child poverty analysis and child-sensitive social protection",
            "En cours", "2010", "2011-03-01"] in rows
    assert ["Cambodge", "KHM", "OIT, UNICEF"] in [r[:3] for r in rows]  # the agencies' French names
    book = load_workbook(folder / "country-activities.fr.xlsx", read_only=True)
    cells = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert cells[0] == rows[0] and [r[:3] for r in cells[1:]] == [r[:3] for r in rows[1:]]
    assert ["Viet Nam", "VNM", "UNICEF", "Enfants", "Child poverty analysis and child-sensitive social protection",
            "En cours", 2010, dt.datetime(2011, 3, 1)] in cells


def sheet(path: Path, rows: list[list], title: str = "Activities") -> None:
    book = Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def registers_root(fixture_project, *rows: list) -> Path:
    """tests/roots/registers with ILO's sheet of `rows` under its header (row 1)."""
    root = fixture_project("registers")
    sheet(root / ILO_SHEET, [["Country", "Agency", "Activity", "Since", "Reviewed"], *rows])
    return root


def register_findings(root: Path, as_of: dt.date = EXAMPLE_DAY) -> set[tuple]:
    """(code, file, place) of every finding about the registers' sheets."""
    return {(f.code, f.path, f.location) for f in check(root, as_of).findings
            if f.code.startswith("registers/") or "/registers/" in f.path}


def test_a_sheet_gives_exactly_its_findings_with_sheet_row_and_column(fixture_project):
    reviewed = dt.date(2011, 3, 1)
    root = registers_root(fixture_project,
                          ["Zambia", "ILO", "Child grant design", 2010, reviewed],
                          ["Vietnam", "ILO", "Social security strategy", 2009, reviewed],
                          ["Atlantis", "ILO", "Pension review", 2010, reviewed],
                          ["Ghana", "", "Review of the health insurance scheme", 2010, reviewed],
                          ["Togo", "WHO", "Health insurance for informal workers", 2011, reviewed])
    assert register_findings(root) == {
        ("registers/country-variant", ILO_SHEET, "sheet 'Activities', row 3, column A (Country)"),
        ("registers/unknown-country", ILO_SHEET, "sheet 'Activities', row 4, column A (Country)"),
        ("registers/duplicate-row", ILO_SHEET, "sheet 'Activities', row 5"),
        ("registers/other-agency", ILO_SHEET, "sheet 'Activities', row 6, column B (Agency)"),
    }
    project = load_project(root)
    rows = merge(project, read_sheets(project)[0]).rows["activities"]
    printed = {(r.values["country"], r.values["activity"], r.agencies) for r in rows}
    assert printed == {("ZM", "Child grant design", ("ilo",)), ("VN", "Social security strategy", ("ilo",)),
                       ("GH", "Review of the health insurance scheme", ("who", "ilo")),
                       ("MZ", "Health financing strategy", ("who",))}  # Atlantis and the row claimed for WHO left out


def test_every_cell_and_file_a_register_cannot_use_is_a_finding_naming_its_place(fixture_project):
    root = fixture_project("registers")
    sheet(root / ILO_SHEET, [["Country", "Agency", "Activity", "Since", "Notes", "Reviewed"],
                             ["Zambia", "ILO", "", 2010, "", dt.date(2011, 3, 1)],
                             ["Ghana", "FAO", "Support to the health insurance scheme", 2010, "", dt.date(2011, 3, 1)],
                             ["Togo", "ILO", "Health insurance for informal workers", 20111, "", dt.date(2011, 3, 1)],
                             ["Benin", "ILO", "School meals", 2010, "with WFP", "last spring"]])
    sheet(root / WHO_TOOLS, [["Name", "Purpose", "Link"],
                                                             ["Health accounts", "Sometimes", "https://www.who.int/"],
                                                             ["OASIS", "Assessment", "www.who.int"]], "Tools")
    folder = root / "contributions"
    (folder / "ilo/registers/tools.csv").write_text("Purpose,Link\nCosting,https://www.ilo.org/\n")
    (folder / "unicef/registers").mkdir(parents=True)
    (folder / "unicef/registers/tools.csv").write_text("Name\nCosting tool\n")
    (folder / "ilo/registers/events.csv").write_text("Event\nTurin workshop\n")
    (folder / "who/registers/activities.xlsx").write_bytes((root / ILO_SHEET).read_bytes())
    (folder / "who/registers/activities.xls").write_bytes(b"\xd0\xcf\x11\xe0 an Excel 97 workbook")
    row = "sheet 'Activities', row"
    assert register_findings(root) == {
        ("registers/unknown-column", ILO_SHEET, f"{row} 1, column E (Notes)"),
        ("registers/missing-value", ILO_SHEET, f"{row} 2, column C (Activity)"),
        ("registers/unknown-agency", ILO_SHEET, f"{row} 3, column B (Agency)"),
        ("registers/bad-year", ILO_SHEET, f"{row} 4, column D (Since)"),
        ("registers/bad-date", ILO_SHEET, f"{row} 5, column F (Reviewed)"),
        ("registers/unknown-value", WHO_TOOLS, "sheet 'Tools', row 2, column B (Purpose)"),
        ("registers/bad-url", WHO_TOOLS, "sheet 'Tools', row 3, column C (Link)"),
        ("registers/missing-column", "contributions/ilo/registers/tools.csv", "row 1"),
        ("registers/not-contributor", "contributions/unicef/registers/tools.csv", None),
        ("registers/unknown-register", "contributions/ilo/registers/events.csv", None),
        ("input/unreadable", "contributions/who/registers/activities.xls", None),
        ("registers/two-sheets", "contributions/who/registers/activities.xlsx", None),
    }


def test_a_row_older_than_six_months_is_overdue_for_its_agency_in_status_and_the_digest(fixture_project, tmp_path):
    root = registers_root(fixture_project,
                          ["Zambia", "ILO", "Child grant design", 2010, dt.date(2011, 3, 1)],
                          ["Kyrgyzstan", "ILO", "Social pension review", 2009, dt.date(2010, 6, 30)],
                          ["Nepal", "ILO", "Child grant costing", 2009, dt.date(2010, 9, 1)])
    project, board = status(root, EXAMPLE_DAY)
    assert board.to_json()["registers"] == [{"agency": "ilo", "register": "activities", "path": ILO_SHEET,
                                             "rows": [3, 4], "oldest": "2010-06-30", "review_months": 6}]
    assert "ILO                register rows to review: 2 rows of Country activities, the oldest last reviewed " \
           "2010-06-30" in click.unstyle(board_text(project, board))
    assert ("registers/stale-rows", ILO_SHEET, "sheet 'Activities', rows 3–4") in register_findings(root)
    assert status(root, dt.date(2010, 12, 30))[1].registers == []  # six months to the day: not yet overdue
    result = remind(root, EXAMPLE_DAY, tmp_path / "eml")
    digests = {p.name: email.message_from_bytes(p.read_bytes(), policy=email.policy.default).get_content()
               for p in result.written}
    ilo = digests[f"{EXAMPLE_DAY}-ilo.eml"]
    assert "Register rows to review" in ilo
    assert f"Country activities: 2 rows last reviewed more than 6 months ago, the oldest on 30 June 2010 " \
           f"({ILO_SHEET}, sheet 'Activities', rows 3–4)" in " ".join(ilo.split())
    assert "Register rows to review" not in digests.get(f"{EXAMPLE_DAY}-who.eml", "")


def test_countries_are_matched_as_the_un_names_them():
    languages = ("en", "fr", "es")
    assert (find("Viet Nam", languages).code, find("Viet Nam", languages).as_written) == ("VN", True)
    for variant in ("Vietnam", "Kirgizstan", "Kyrgyz Republic", "Moldova", "Czech Republic", "Turkey"):
        assert find(variant, languages).as_written is False, variant
    assert find("Kirgizstan", languages).code == "KG" and find("Kirghizistan", languages).as_written
    assert find("Atlantis", languages) is None
    assert [name("VN", lang) for lang in languages] == ["Viet Nam", "Viet Nam", "Viet Nam"]
    assert [name("MD", lang) for lang in languages] == ["Republic of Moldova", "République de Moldova",
                                                        "República de Moldova"]


def test_a_register_declared_wrong_is_a_project_error_with_its_place(fixture_project):
    root = fixture_project("registers")
    edit_yaml(root / "report.yaml", lambda data: data["registers"]["activities"].update(
        group_by="region", contributors=["ilo", "fao"]))
    with pytest.raises(ProjectError) as raised:
        load_project(root)
    assert "report.yaml:" in str(raised.value)
    assert "registers.activities.group_by: no column 'region'" in str(raised.value)
    assert "registers.activities.contributors: unknown agency 'fao'" in str(raised.value)


def digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "contributions").rglob("*")) if p.is_file()}


def kept_rows(root: Path) -> set[tuple]:
    """Every row the annexes print: its register, where it was read and its cells (but who keeps it)."""
    project = load_project(root)
    rows = merge(project, read_sheets(project)[0]).rows
    return {(register, row.where, tuple((k, str(v)) for k, v in row.values.items() if k != "agency"))
            for register, found in rows.items() for row in found}


def test_an_upload_through_the_portal_replaces_that_agencys_rows_only(tmp_path):
    root = copy_example(tmp_path / "example")
    tokens = TokenStore(root)
    unicef, ilo = tokens.issue("agency", "unicef")[1], tokens.issue("agency", "ilo")[1]
    before, rows_before = digests(root), kept_rows(root)
    sent = "Country;Guarantee;Activity;Status;Since\nZambia;Children;Child grant scale-up;Ongoing;2011\n"
    with serving(Settings(root, as_of=EXAMPLE_DAY, rate=10_000)) as server, httpx.Client(base_url=server.url) as page:
        assert "SPF country activities" in page.get(f"/a/{unicef}/registers").text
        refused = page.post(f"/a/{unicef}/registers/country-activities", data={"csrf": page.cookies["jr_csrf"]},
                            files={"file": ("rows.csv", b"Name;Year\nA tool;2010\n")})
        assert refused.status_code == 422 and digests(root) == before
        stored = page.post(f"/a/{unicef}/registers/country-activities", data={"csrf": page.cookies["jr_csrf"]},
                           files={"file": ("rows.csv", sent.encode())})
        assert stored.status_code == 201, stored.text
        assert "1 row stored" in stored.text
        mine = page.get(f"/a/{unicef}/registers/country-activities.xlsx")
        other = httpx.get(f"{server.url}/api/registers/country-activities.xlsx",
                          headers={"Authorization": f"Bearer {ilo}"})
    after, rows_after = digests(root), kept_rows(root)
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    assert changed == {"contributions/unicef/registers/country-activities.csv",
                       "contributions/unicef/registers/country-activities.xlsx"}
    assert not (root / "contributions/unicef/registers/country-activities.csv").exists()
    history = root / ".jointreport/history/unicef/registers-country-activities"
    assert any(p.read_bytes().startswith(b"Country,Agency,Guarantee") for p in history.iterdir())  # the old CSV
    unicefs = "contributions/unicef/registers/country-activities."
    assert {row for row in rows_after if not row[1].startswith(unicefs)} == \
        {row for row in rows_before if not row[1].startswith(unicefs)}
    assert {row[2] for row in rows_after if row[1].startswith(unicefs)} == {
        (("country", "ZM"), ("area", "1"), ("activity", "Child grant scale-up"), ("status", "1"), ("since", "2011"))}
    downloaded = [list(r) for r in load_workbook(io.BytesIO(mine.content)).worksheets[0].iter_rows(values_only=True)]
    assert downloaded == [["Country", "Agency", "Guarantee", "Activity", "Status", "Since", "Reviewed"],
                          ["Zambia", None, "Children", "Child grant scale-up", "Ongoing", "2011",
                           dt.datetime(2011, 4, 20)]]
    assert other.status_code == 200
    ilo_rows = [list(r) for r in load_workbook(io.BytesIO(other.content)).worksheets[0].iter_rows(values_only=True)]
    assert ["Kyrgyzstan", "ILO", "Older persons", "Review of the social pension and its indexation", "Completed",
            2009, dt.datetime(2010, 6, 30)] in ilo_rows
