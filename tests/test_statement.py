"""Joint statements: only endorsing organisations are listed, agreed language is verbatim in every edition."""

from __future__ import annotations

import re

import docx
import pytest
from pypdf import PdfReader

from pipeline.project import load_project

from .conftest import REPO, copy_example, jointreport, replace_once

ENDORSED_IN_ORDER = [
    "Deutsche Gesellschaft für Internationale Zusammenarbeit (GIZ)",
    "Education Solidarity Network (ESN)",
    "HelpAge International (HelpAge)",
    "International Council on Social Welfare (ICSW)",
    "International Labour Organization (ILO)",
    "Save the Children",
    "United Nations Children’s Fund (UNICEF)",
    "United Nations Development Programme (UNDP)",
    "United Nations Entity for Gender Equality and the Empowerment of Women (UN Women)",
    "United Nations Human Settlements Programme (UN-Habitat)",
    "World Health Organization (WHO)",
]
# the agencies' names as report.yaml gives them in French and Spanish, in each language's alphabetical order
ENDORSED_IN_FRENCH = [
    "Deutsche Gesellschaft für Internationale Zusammenarbeit (GIZ)",
    "Entité des Nations Unies pour l’égalité des sexes et l’autonomisation des femmes (ONU-Femmes)",
    "Fonds des Nations Unies pour l’enfance (UNICEF)",
    "HelpAge International (HelpAge)",
    "International Council on Social Welfare (ICSW)",
    "Organisation internationale du Travail (OIT)",
    "Organisation mondiale de la Santé (OMS)",
    "Programme des Nations Unies pour le développement (PNUD)",
    "Programme des Nations Unies pour les établissements humains (ONU-Habitat)",
    "Réseau Éducation Solidarité (RES)",
    "Save the Children",
]
ENDORSED_IN_SPANISH = [
    "Deutsche Gesellschaft für Internationale Zusammenarbeit (GIZ)",
    "Entidad de las Naciones Unidas para la Igualdad de Género y el Empoderamiento de las Mujeres (ONU-Mujeres)",
    "Fondo de las Naciones Unidas para la Infancia (UNICEF)",
    "HelpAge International (HelpAge)",
    "International Council on Social Welfare (ICSW)",
    "Organización Internacional del Trabajo (OIT)",
    "Organización Mundial de la Salud (OMS)",
    "Programa de las Naciones Unidas para el Desarrollo (PNUD)",
    "Programa de las Naciones Unidas para los Asentamientos Humanos (ONU-Hábitat)",
    "Red Educación Solidaria (RES)",
    "Save the Children",
]
NOT_ENDORSED = ["Organisation for Economic Co-operation and Development", "OECD", "European Commission",
                "Global Finance Forum", "GFF"]
DATELINES = {"en": "Turin, 28 January 2011", "fr": "Turin, 28 janvier 2011", "es": "Turín, 28 de enero de 2011"}


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def statements(tmp_path_factory):
    root = copy_example(tmp_path_factory.mktemp("statement") / "example")
    run = jointreport("statement", "spf-coalition", "--project", str(root))
    assert run.code == 0, run.stderr
    return root


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_docx_lists_exactly_the_endorsing_organisations(statements, lang):
    document = docx.Document(str(statements / "build" / "statements" / f"spf-coalition.{lang}.docx"))
    paragraphs = [p.text for p in document.paragraphs]
    heading = next(i for i, p in enumerate(document.paragraphs) if p.style.name == "Signatories Heading")
    endorsed = {"en": ENDORSED_IN_ORDER, "fr": ENDORSED_IN_FRENCH, "es": ENDORSED_IN_SPANISH}[lang]
    assert paragraphs[heading + 1:] == endorsed
    assert DATELINES[lang] in paragraphs
    text = "\n".join(paragraphs)
    assert not [name for name in NOT_ENDORSED if re.search(rf"\b{re.escape(name)}\b", text)]


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_agreed_language_is_verbatim_in_each_edition(statements, lang):
    agreed = load_project(REPO).terminology.agreed
    document = docx.Document(str(statements / "build" / "statements" / f"spf-coalition.{lang}.docx"))
    paragraphs = {p.text for p in document.paragraphs}
    pdf = squash(" ".join(p.extract_text() for p in PdfReader(
        str(statements / "build" / "statements" / f"spf-coalition.{lang}.pdf")).pages))
    for ident in ("spf-definition", "coalition", "key-message-investment"):
        exact = agreed[ident].text_in(lang).replace("'", "’")  # word for word, its apostrophes typeset
        assert exact in paragraphs, (ident, lang)
        assert squash(exact) in pdf.replace("- ", "-"), (ident, lang)


def test_pdf_lists_the_signatories_in_order_and_reads_like_a_statement(statements):
    reader = PdfReader(str(statements / "build" / "statements" / "spf-coalition.en.pdf"))
    assert len(reader.pages) == 1
    text = squash(reader.pages[0].extract_text())
    assert text.startswith("SOCIAL PROTECTION FLOOR INITIATIVE "
                           "Joint coalition statement on the social protection floor")
    assert "Turin, 28 January 2011" in text and "ENDORSED BY" in text
    signatories = text[text.index("ENDORSED BY"):]
    positions = [signatories.find(squash(name).split(" (")[0][:30]) for name in ENDORSED_IN_ORDER]
    assert -1 not in positions and positions == sorted(positions)
    assert not [name for name in NOT_ENDORSED if re.search(rf"\b{re.escape(name)}\b", text)]


def write_statement(root, body, signatories, order=""):
    folder = root / "statements"
    folder.mkdir(exist_ok=True)
    (folder / "note.md").write_text(
        f"---\ntitle: A note\ndate: 2011-02-01\nplace: Geneva\n{order}signatories:\n{signatories}---\n\n{body}\n",
        encoding="utf-8")


def test_check_reports_pending_signatories_and_unendorsed_mentions(fixture_project):
    root = fixture_project("minimal")
    write_statement(root, "We, {{ report.coalition }}, thank the Southern Agency for its support.\n",
                    "  - {agency: north, status: endorsed, date: 2011-02-01}\n"
                    "  - {agency: south, status: pending}\n"
                    "  - {agency: {name: Outside Org, short: OO}, status: declined}\n")
    run = jointreport("check", "--format", "json", "--project", str(root))
    found = sorted((f["code"], f["severity"], f["location"]) for f in run.json()["findings"]
                   if f["path"] == "statements/note.md")
    assert found == [("statement/declined-signatory", "info", None),
                     ("statement/pending-signatory", "info", None),
                     ("statement/unendorsed-mention", "warning", "line 11")]


def test_listed_order_and_jinja_loops_over_signatories(fixture_project):
    root = fixture_project("minimal")
    write_statement(root, "Signed by{% for s in signatories %} {{ s.short }}{% endfor %}.",
                    "  - {agency: south, status: endorsed, date: 2011-02-01}\n"
                    "  - {agency: north, status: endorsed, date: 2011-02-01}\n", order="order: listed\n")
    run = jointreport("statement", "note", "--format", "docx", "--project", str(root))
    assert run.code == 0, run.stderr
    paragraphs = [p.text for p in docx.Document(str(root / "build" / "statements" / "note.en.docx")).paragraphs]
    assert "Signed by SA NA." in paragraphs
    assert paragraphs[-2:] == ["Southern Agency (SA)", "Northern Agency (NA)"]


def test_statement_templates_run_sandboxed(fixture_project):
    root = fixture_project("minimal")
    write_statement(root, "{{ ''.__class__.__mro__[1].__subclasses__() }}",
                    "  - {agency: north, status: endorsed}\n")
    run = jointreport("statement", "note", "--project", str(root))
    assert run.code == 1 and "statements/note.md" in run.stderr and "unsafe" in run.stderr
    assert "Traceback" not in run.stderr


def test_organisations_are_named_in_each_edition_s_language(fixture_project):
    root = fixture_project("minimal")
    with open(root / "report.yaml", "a", encoding="utf-8") as report:
        report.write("languages: [en, fr]\n")
    replace_once(root / "report.yaml", "north: {name: Northern Agency, short: NA}",
                 "north: {name: {en: Northern Agency, fr: Agence du Nord}, short: {en: NA, fr: AN}}")
    write_statement(root, "We agree.", "  - {agency: north, status: endorsed}\n"
                    "  - {agency: {name: {en: Outside Org, fr: Organisation extérieure}, short: OO}, "
                    "status: endorsed}\n")
    (root / "statements" / "note.fr.md").write_text("---\ntitle: Une note\n---\n\nNous sommes d'accord.\n",
                                                     encoding="utf-8")
    run = jointreport("statement", "note", "--format", "docx", "--project", str(root))
    assert run.code == 0, run.stderr
    english = [p.text for p in docx.Document(str(root / "build" / "statements" / "note.en.docx")).paragraphs]
    french = [p.text for p in docx.Document(str(root / "build" / "statements" / "note.fr.docx")).paragraphs]
    assert english[-2:] == ["Northern Agency (NA)", "Outside Org (OO)"]
    assert french[-2:] == ["Agence du Nord (AN)", "Organisation extérieure (OO)"]


@pytest.mark.parametrize("front, body, why", [
    ("date: 2011-02-01", "We agree.\n\nSigned by{% for s in signatories %} {{ s.short }}.",
     "Unexpected end of template. Jinja was looking for the following tags: 'endfor' or 'else'."),
    ("date: next week", "We agree.", "3:7: date: should be a date (YYYY-MM-DD), got 'next week'"),
])
def test_a_broken_statement_is_one_error_naming_its_file(fixture_project, front, body, why):
    """A statement whose template or front matter is broken: check says so once, on the file, with the
    line where it can; `statement` refuses it without a traceback; the report's drafts are checked as ever."""
    root = fixture_project("minimal")
    write_statement(root, body, "  - {agency: north, status: endorsed}\n")
    replace_once(root / "statements" / "note.md", "date: 2011-02-01", front)
    run = jointreport("check", "--format", "json", "--project", str(root))
    assert run.code == 1, run.stderr
    [found] = run.json()["findings"]
    assert (found["code"], found["severity"], found["path"]) == ("statement/unreadable", "error", "statements/note.md")
    assert found["message"].startswith("statements/note.md:") and why in found["message"]
    made = jointreport("statement", "note", "--project", str(root))
    assert made.code == 1 and "statements/note.md" in made.stderr and "Traceback" not in made.stderr
