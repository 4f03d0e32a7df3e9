"""All-capital ordinary words are words, not acronyms: the card of a draft written with capitals for
emphasis (NOT, READ, THIS, MUST) notes only the real unknown acronyms, in English, French and Spanish."""

from __future__ import annotations

import datetime as dt

from pipeline.web.uploads import report_card
from pipeline.wordlists import ordinary_word

from .conftest import copy_example
from .docxfactory import make_docx


def test_capitalised_words_of_english_french_and_spanish_are_ordinary_words():
    assert all(ordinary_word(w, "en") for w in ("NOT", "READ", "THIS", "MUST", "Before"))
    assert all(ordinary_word(w, "fr") for w in ("POUR", "TOUS", "DOIT"))
    assert all(ordinary_word(w, "es") for w in ("PARA", "NUNCA", "DEBE"))
    assert not any(ordinary_word(w, lang) for w in ("GDP", "NGO", "OECD", "QZXW") for lang in ("en", "fr", "es"))
    assert not ordinary_word("NOT", "xx")  # a language without a list: every capitalised word stays a candidate


def test_the_card_notes_unknown_acronyms_but_not_words_in_capitals(tmp_path):
    root = copy_example(tmp_path / "example")
    text = ["READ THIS FIRST: pensions MUST NOT fall below the poverty line.",
            "The QZXW survey and the HLPF review measured coverage in rural areas."]
    data = make_docx(tmp_path / "caps.docx", text * 3).read_bytes()
    card = report_card(root, "helpage", "social-pensions", "docx", data, dt.date(2011, 4, 20))
    unknown = {f.message.split(" ", 1)[0] for f in card.findings if f.code == "terms/acronym-unknown"}
    assert unknown == {"QZXW", "HLPF"}
