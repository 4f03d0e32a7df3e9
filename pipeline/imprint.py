"""The imprint, as a United Nations publication prints it on the back of its title page: the copyright line
and rights statement, the disclaimer (the Organization's standard "designations employed" one in the
edition's language unless report.yaml gives its own), photo credits, the numbers the publication is known by
(ISBN, eISBN, ISSN, Sales No., document symbol) and a suggested citation made from the coalition, the year,
the title and the symbol.

The assembly puts it first in the document, in a `copyright` group of small groups (their classes name
them), and each renderer sets it where its medium puts an imprint.
"""

from __future__ import annotations

from pandocfilters import Emph, Para, Space, Str

from . import i18n
from .blocks import styled
from .model import Project, pick
from .textruns import inlines

GROUP = "copyright"  # the class the renderers look for (render.copyright_page)
NUMBERS = (("isbn", "isbn", "isbn"), ("eisbn", "eisbn", "eisbn"), ("issn", "issn", "issn"),
           ("sales_no", "sales_no", "number"))  # (report.yaml's key, the phrase, its placeholder)


def imprint_blocks(edition: Project) -> list:
    """The imprint of one language edition (`edition`: the project as seen from it)."""
    given = edition.copyright
    lang, source = edition.language, edition.source_language

    def say(key: str) -> str:
        return pick(given[key], lang, source) if given.get(key) else ""

    year = str(edition.date.year) if edition.date else ""
    copyright_line = say("copyright") or (i18n.text(lang, "copyright_line", holder=edition.coalition, year=year)
                                          if year else f"© {edition.coalition}")
    groups = [("imprint-rights", [copyright_line, say("rights")]),
              ("imprint-disclaimer", [say("disclaimer") or i18n.text(lang, "un_disclaimer")]),
              ("imprint-credits", [i18n.text(lang, "photo_credits", credits=say("photo_credits"))
                                   if say("photo_credits") else ""]),
              ("imprint-numbers", [i18n.text(lang, phrase, **{slot: say(key)})
                                   for key, phrase, slot in NUMBERS if say(key)] + [say("symbol")])]
    blocks = [styled(name, [Para(inlines(line)) for line in lines if line]) for name, lines in groups
              if any(lines)]
    citation = inlines(say("citation")) if say("citation") else suggested_citation(edition, year, say("symbol"))
    blocks.append(styled("imprint-citation", [Para([Str(i18n.text(lang, "suggested_citation")), Space(), *citation])]))
    return [styled(GROUP, blocks)]


def suggested_citation(edition: Project, year: str, symbol: str) -> list:
    """'Coalition (2011). *Title*. Symbol.', as the UN Editorial Manual cites a publication."""
    head = f"{edition.coalition} ({year})." if year else f"{edition.coalition}."
    tail = f"{symbol}." if symbol else ""
    title = edition.title.rstrip(".")
    return [*inlines(head), Space(), Emph(inlines(title)), Str("."), *([Space(), *inlines(tail)] if tail else [])]
