"""A finding as a focal point reads it on the report card: what to do in Word, where (the paragraph's first
words, not a number Word does not show), with no finding code, file path or project file they cannot
edit. The editors' page keeps the findings as `check` gives them."""

from __future__ import annotations

import re

from ..model import Finding

PARAGRAPH = re.compile(r'paragraph \d+(?: \("(?P<words>[^"]*)"\))?')
PROJECT_FILE = re.compile(r"\b(?:terminology|report|outline|timeline)\.yaml\b")
PATH = re.compile(r"\b(?:contributions|chapters|statements)/[\w./-]+")
LANGUAGES = {"en": "English", "fr": "French", "es": "Spanish", "ar": "Arabic", "zh": "Chinese", "ru": "Russian",
             "pt": "Portuguese"}

# Advice for what the focal point can do, by code; {0} is the finding's first quoted or capitalised term.
ADVICE = {
    "terms/acronym-unknown": "{0}: spell it out at its first use, as “full name ({0})”, or ask the editors to add "
                             "it to the glossary",
    "lang/missing-translation": "there is no {0} version of this section yet: you can send one here (choose "
                                "{0} on the form, or name the file {1})",
}


def location(text: str) -> str:
    """'paragraph 32 ("Older people in rural…")' → 'the paragraph that begins “Older people in rural…”'."""
    def words(match: re.Match) -> str:
        return f"the paragraph that begins “{match.group('words')}”" if match.group("words") else "in the text"
    return PARAGRAPH.sub(words, text or "")


def message(finding: Finding) -> str:
    """The finding's message in the focal point's terms."""
    text = finding.message
    if finding.code == "terms/acronym-unknown":
        return ADVICE[finding.code].format(text.split(" ", 1)[0])
    if finding.code == "lang/missing-translation":
        lang, name = re.search(r"no (\w+) translation", text), re.search(r"add [\w/.-]*?([\w-]+\.\w+\.\w+)\)", text)
        code = lang.group(1) if lang else ""
        named = name.group(1) if name else f"<section>.{code}.docx"
        return ADVICE[finding.code].format(LANGUAGES.get(code, code), named)
    text = PATH.sub("this draft", text)
    return PROJECT_FILE.sub("the report's settings (the editors')", location(text))


def for_agency(finding: Finding, codes: bool = False) -> dict:
    """The card's line for a finding; its code only when the editors chose to show codes."""
    return {"severity": finding.severity, "message": message(finding), "location": location(finding.location or ""),
            "code": finding.code if codes else ""}
