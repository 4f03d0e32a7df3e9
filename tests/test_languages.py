"""Language editions: per-language generated text, fallbacks, and parity of translations."""

from __future__ import annotations

import datetime as dt

import docx
import pytest
from pypdf import PdfReader

from .conftest import edit_yaml, jointreport, replace_once


@pytest.fixture
def bilingual(fixture_project):
    """The minimal project in English and French, with translations that drift from their sources."""
    root = fixture_project("minimal")

    def bilingual_report(data):
        data.update(title={"en": data["title"], "fr": "Un rapport conjoint minimal"}, languages=["en", "fr"],
                    date=dt.date(2011, 9, 15), subtitle={"en": "Two agencies", "fr": "Deux organisations"})

    def french_titles(data):
        part = data["parts"][0]
        part["title"] = {"en": part["title"], "fr": "Constats"}
        alpha = part["chapters"][0]["sections"][0]
        alpha["title"] = {"en": alpha["title"], "fr": "Section alpha"}

    edit_yaml(root / "report.yaml", bilingual_report)
    edit_yaml(root / "chapters" / "outline.yaml", french_titles)
    drafts = root / "contributions"
    (drafts / "north" / "alpha.fr.md").write_text(  # the footnote was lost in translation
        "---\nstatus: final\n---\n\n# Titre du nord {#shared-id}\n\nTexte du nord, sans note.\n")
    replace_once(drafts / "south" / "alpha.md", "status: final", 'status: final\nversion: "0.2"')
    (drafts / "south" / "alpha.fr.md").write_text(  # made from an older version
        '---\nstatus: final\nversion: "0.1"\n---\n\n'
        '### Titre du sud {#shared-id}\n\nTexte du sud.[^1]\n\n[^1]: Note du sud.\n')
    (drafts / "south" / "beta.md").write_text("---\nstatus: draft\n---\n\nBeta text, still a draft.\n")
    return root


def lang_findings(root, *args):
    run = jointreport("check", "--format", "json", "--as-of", "2011-05-01", *args, "--project", str(root))
    return sorted((f["code"], f["severity"], f["path"]) for f in run.json()["findings"]
                  if f["code"].startswith("lang/"))


def test_parity_and_missing_translations(bilingual):
    assert lang_findings(bilingual) == [
        ("lang/agency-name-missing", "info", "report.yaml"),  # neither agency has a French name
        ("lang/agency-name-missing", "info", "report.yaml"),
        ("lang/missing-translation", "warning", "chapters/first.md"),
        ("lang/missing-translation", "warning", "contributions/south/beta.md"),
        ("lang/stale-translation", "warning", "contributions/south/alpha.fr.md"),
        ("lang/structure-mismatch", "warning", "contributions/north/alpha.fr.md"),
    ]
    run = jointreport("check", "--format", "json", "--as-of", "2011-05-01", "--project", str(bilingual))
    messages = {f["path"]: f["message"] for f in run.json()["findings"] if f["code"] != "lang/missing-translation"}
    assert "footnotes: 1 in the source, 0 here" in messages["contributions/north/alpha.fr.md"]
    assert "translates version 0.1, the source is at 0.2" in messages["contributions/south/alpha.fr.md"]


def test_every_edition_speaks_its_language(bilingual):
    run = jointreport("build", "--force", "--lang", "all", "--as-of", "2011-05-01", "--project", str(bilingual))
    assert run.code == 0, run.stderr
    out = bilingual / "build"
    english, french = docx.Document(str(out / "a-minimal-joint-report.docx")), docx.Document(
        str(out / "a-minimal-joint-report.fr.docx"))
    en_text = [p.text for p in english.paragraphs]
    fr_text = [p.text for p in french.paragraphs]
    assert "Contents" in en_text and "Table des matières" in fr_text
    assert "15 September 2011" in en_text and "15 septembre 2011" in fr_text
    assert "Un rapport conjoint minimal" in fr_text and "Part I: Findings" in en_text
    assert "Partie I\u00a0: Constats" in fr_text  # a no-break space: the colon never starts a line
    assert "1.1 Section alpha" in fr_text and "Contribution de NA avec SA" in fr_text
    assert "Texte du nord, sans note." in fr_text and "Beta text, still a draft." in fr_text  # the fallback
    assert "DRAFT – not for circulation" in english.sections[0].header.paragraphs[0].text
    assert "PROJET – ne pas diffuser" in french.sections[0].header.paragraphs[0].text
    pdf = " ".join(p.extract_text() for p in PdfReader(str(out / "a-minimal-joint-report.fr.pdf")).pages)
    assert "Table des matières" in pdf and "PROJET – NE PAS DIFFUSER" in pdf and "15 septembre 2011" in pdf


def test_missing_translations_are_errors_at_the_final_stage(bilingual):
    (bilingual / "contributions" / "south" / "beta.md").write_text("---\nstatus: final\n---\n\nBeta text.\n")
    assert ("lang/missing-translation", "warning", "contributions/south/beta.md") in lang_findings(bilingual)
    run = jointreport("build", "--stage", "final", "--as-of", "2011-05-01", "--project", str(bilingual))
    assert run.code == 1 and "lang/missing-translation" in run.stderr and "not building" in run.stderr


def test_unknown_language_in_a_file_name(bilingual):
    (bilingual / "contributions" / "north" / "alpha.de.md").write_text("Deutscher Text.\n")
    run = jointreport("check", "--format", "json", "--as-of", "2011-05-01", "--project", str(bilingual))
    finding = next(f for f in run.json()["findings"] if f["path"] == "contributions/north/alpha.de.md")
    assert finding["code"] == "input/unreadable"
    assert "'.de.' in the name is not one of the report's languages" in finding["message"]


def test_the_example_french_edition(tmp_path):
    from .conftest import copy_example

    root = copy_example(tmp_path / "example")
    run = jointreport("build", "--force", "--lang", "fr", "--format", "docx", "--project", str(root))
    assert run.code == 0, run.stderr
    paragraphs = [p.text for p in docx.Document(str(root / "build" / "spf-flagship-report.fr.docx")).paragraphs]
    assert "Socle de protection sociale pour une mondialisation juste et inclusive" in paragraphs
    assert "Table des matières" in paragraphs and "15 septembre 2011" in paragraphs
    assert "1.2 Le socle et les filets de sécurité" in paragraphs
    translated = (root / "contributions" / "undp" / "safety-nets.fr.md").read_text().split("---\n")[2].strip()
    assert translated.split("\n")[0][:60] in "\n".join(paragraphs)


def test_dates_months_and_lists_in_languages_jointreport_has_no_words_for():
    """CLDR's, through Babel: a German or Arabic edition writes its own, where it once got English."""
    from pipeline import i18n

    day = dt.date(2011, 9, 15)
    assert (i18n.long_date(day, "de"), i18n.month_year(day, "de"), i18n.short_month_year(day, "de")) == (
        "15. September 2011", "September 2011", "Sept. 2011")
    assert i18n.join_names(["ILO", "WHO", "UNICEF"], "de") == "ILO, WHO und UNICEF"
    assert (i18n.long_date(day, "ar"), i18n.short_month(day, "ar")) == ("15 سبتمبر 2011", "سبتمبر")
    assert i18n.join_names(["ILO", "WHO", "UNICEF"], "ar") == "ILO وWHO وUNICEF"
    # and English as the UN writes it, French and Spanish as they were
    assert [i18n.long_date(day, lang) for lang in ("en", "fr", "es")] == [
        "15 September 2011", "15 septembre 2011", "15 de septiembre de 2011"]
    assert [i18n.join_names(["A", "B", "C"], lang) for lang in ("en", "fr", "es")] == [
        "A, B and C", "A, B et C", "A, B y C"]
    assert i18n.short_month_year(day, "en") == "Sep 2011" and i18n.long_date(day, "tlh") == "15 September 2011"
    assert i18n.short_month_year(day, "fr") == "sept. 2011"  # the workplan's months, English in every edition before


def test_german_and_arabic_editions_are_dated_in_their_language(fixture_project):
    root = fixture_project("minimal")
    edit_yaml(root / "report.yaml", lambda data: data.update(languages=["en", "de", "ar"], date=dt.date(2011, 9, 15)))
    run = jointreport("build", "--force", "--lang", "all", "--format", "docx", "--as-of", "2011-05-01",
                      "--project", str(root))
    assert run.code == 0, run.stderr
    out = root / "build"
    german = [p.text for p in docx.Document(str(out / "a-minimal-joint-report.de.docx")).paragraphs]
    arabic = [p.text for p in docx.Document(str(out / "a-minimal-joint-report.ar.docx")).paragraphs]
    assert "15. September 2011" in german and "15 سبتمبر 2011" in arabic
    assert "15 September 2011" not in german + arabic
