"""Drafts as agencies really write them (issue 21): glossary fixes that keep the text's case and articles,
citations read from the citation managers' own fields, pictures beside a Markdown draft, SmartArt,
embedded objects, a draft's own table of contents, and digests and redlines that tell the truth."""

from __future__ import annotations

import json

import pypandoc
import pytest

from pipeline.model import Term, Terminology
from pipeline.terms import replacements
from pipeline.textruns import text_runs

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
