"""What a reader sees of a translation once it is back: its pictures described in words (never the picture's
data: URI or file name), the translator's typed caption labels ("Figure 1 :", "Tableau 2 –", "Figura 1.")
not numbered a second time, and a citation with a page closing on its page, in every edition."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from .conftest import copy_example, jointreport
from .test_translate import package, q, translator
from .test_translate_sources import WORD_SOURCE, word_source

WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
PICTURE_SOURCE = "contributions/ilo/economic-case.docx"
# what the translators type for the captions that start with these words, label and number included
CAPTIONS = {"fr": {"Figure: Public social": "Figure 1 : Dépenses publiques de protection sociale",
                   "Table: Channels": "Tableau 2 – Canaux de la croissance",
                   "Figure 1: Children": "Figure 1\u00a0: Enfants atteints"},  # Word's French no-break space
            "es": {"Figure: Public social": "Figura 1. Gasto público en protección social",
                   "Table: Channels": "Cuadro 2: Canales del crecimiento"}}
SHOWN = {"fr": ("Figure", "Dépenses publiques de protection sociale", "Tableau", "Canaux de la croissance"),
         "es": ("Figura", "Gasto público en protección social", "Cuadro", "Canales del crecimiento")}


def typed_captions(lang: str):
    def change(root) -> None:
        for unit in root.iter(q("unit")):
            source = "".join(unit.find(f".//{q('source')}").itertext())
            typed = next((text for start, text in CAPTIONS[lang].items() if source.startswith(start)), None)
            if typed:
                target = unit.find(f".//{q('target')}")
                target[:] = []
                target.text = typed
    return change


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The example with a Word draft citing a page, its French and Spanish packages, the two Word sections
    translated into French and one into Spanish with typed caption labels, and every edition built."""
    tmp = tmp_path_factory.mktemp("returns")
    root = copy_example(tmp / "ex")
    word_source(root / WORD_SOURCE)
    returned = []
    for lang, names in (("fr", ("ilo.economic-case", "savechildren.cash-transfers")), ("es", ("ilo.economic-case",))):
        run = jointreport("translate", "export", "--lang", lang, "-p", str(root))
        assert run.code == 0, run.stderr
        for name in names:
            xlf = root / "build" / "translations" / lang / name / f"{name}.{lang}.xlf"
            returned.append(str(translator(xlf, tmp / "back" / xlf.name, typed_captions(lang))))
    run = jointreport("translate", "import", "-p", str(root), *returned)
    assert run.code == 0 and run.stderr.count("wrote contributions/") == 3, run.stdout + run.stderr
    run = jointreport("build", "--lang", "all", "--format", "docx", "--force", "-q", "-p", str(root))
    assert run.code == 0, run.stderr
    return root


def pictures(path: Path) -> list[tuple[str, ...]]:
    """Each picture of a Word file: its alt text (wp:docPr/@descr), then the description its picture
    element gives (pic:cNvPr/@descr, what some readers and checkers take)."""
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    return [(drawing.find(f"{{{WP}}}docPr").get("descr"), *(p.get("descr") for p in drawing.iter(f"{{{PIC}}}cNvPr")))
            for drawing in root.iter(f"{{{WP}}}inline", f"{{{WP}}}anchor")]


def edition(root: Path, lang: str) -> Path:
    return root / "build" / f"spf-flagship-report{'' if lang == 'en' else '.' + lang}.docx"


def paragraphs(root: Path, lang: str) -> list[str]:
    return [p.text for p in docx.Document(edition(root, lang)).paragraphs]


def test_pictures_of_a_translation_are_described_by_the_source_drafts_words(project):
    (described, *_), = pictures(project / PICTURE_SOURCE)
    assert described.startswith("Figure: Public social protection expenditure by region")
    for word_file in (package(project, "ilo.economic-case") / "ilo.economic-case.fr.docx",  # to the translator
                      project / "contributions/ilo/economic-case.fr.docx",  # and back
                      project / "contributions/ilo/economic-case.es.docx"):
        assert pictures(word_file) == [(described, described)], word_file.name
    for lang in ("en", "fr", "es"):
        found = pictures(edition(project, lang))
        assert (described, described) in found and len(found) > 5
        for descriptions in found:  # each picture's words, the same wherever a reader looks
            assert len(set(descriptions)) == 1, descriptions
            assert not re.search(r"^data:|\.(png|jpe?g|gif|svg|emf|wmf)$", descriptions[0], re.I), descriptions


def test_a_translators_typed_caption_label_is_not_numbered_again(project):
    for lang in ("fr", "es"):
        figure, figure_text, table, table_text = SHOWN[lang]
        text = paragraphs(project, lang)
        assert any(re.fullmatch(rf"{figure} \d+\.\d+\s?: {figure_text}\s*", p) for p in text), lang
        assert any(re.fullmatch(rf"{table} \d+\.\d+\s?: {table_text}\s*", p) for p in text), lang
        labels = r"(Figur[ea]|Tableau|Cuadro)"
        assert not [p for p in text if re.match(rf"{labels} \d+\.\d+\s?: {labels}", p)]
    assert any(re.fullmatch(r"Figure \d+\.\d+\s?: Enfants atteints\s*", p) for p in paragraphs(project, "fr"))


def test_a_citation_with_a_page_closes_on_its_page_in_every_edition(project):
    for lang, cash in (("en", "Cash transfers"), ("fr", "FRA transferts monétaires"), ("es", "Cash transfers")):
        text = "\n".join(paragraphs(project, lang))
        assert re.search(rf"{cash} reach children fast \(Smith 2019[ab], 12\), as \w+ \d+\.\d+ (shows|muestra)",
                         text), (lang, re.findall(r".{0,60}\(Smith.{0,30}", text))
        assert not re.search(r"\(Smith[^()]*\s\)", text), lang
