"""Ordinary words of a language, to tell an all-capitals word from an acronym: NOT, READ, MUST or THIS in
a heading or for emphasis are words, GDP and NGO are not. A word is ordinary when the language's word
frequency list (pyspellchecker's, built from subtitles and cleaned of acronyms) knows it as a common word;
the glossary still decides first (an acronym there is an acronym)."""

from __future__ import annotations

import functools
import threading

COMMON = 1000  # occurrences in the list's corpus: rarer entries are names, typos and borrowings
_loading = threading.Lock()


@functools.cache
def _frequencies(lang: str):
    from spellchecker import SpellChecker

    try:
        return SpellChecker(language=lang, distance=1).word_frequency
    except ValueError:  # a language pyspellchecker has no list for: every capitalised word stays a candidate
        return None


def ordinary_word(word: str, lang: str) -> bool:
    """Whether `word` (in any case) is a common word of `lang` ('en', 'fr-CA', …)."""
    with _loading:
        frequencies = _frequencies(lang.split("-")[0].lower())
    return frequencies is not None and frequencies[word.lower()] >= COMMON
