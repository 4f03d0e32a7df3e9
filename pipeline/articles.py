"""An agency's short name with its article in the edition's language ("l'OIT", "el PNUD"), and the
contractions French and Spanish make of a preposition before it ("de le PNUD" → "du PNUD", "de el PNUD" →
"del PNUD", "de ONU Femmes" → "d'ONU Femmes"), for the phrases jointreport writes itself ("Contribution de
l'OIT avec l'OMS").
"""

from __future__ import annotations

import re

# Each language's contractions of a preposition with the article or name after it; the elision of "de" is
# made before a name only (capitals), where jointreport put one after it.
CONTRACTIONS = {
    "fr": ((re.compile(r"\bde le\b"), "du"), (re.compile(r"\bde les\b"), "des"), (re.compile(r"\bà le\b"), "au"),
           (re.compile(r"\bà les\b"), "aux"), (re.compile(r"\bde (?=[AEIOUÉÈÊÂÎÔ])"), "d'")),
    "es": ((re.compile(r"\bde el\b"), "del"), (re.compile(r"\ba el\b"), "al")),
}


def with_article(article: str, name: str) -> str:
    """'l'' + 'OIT' → "l'OIT", 'el' + 'PNUD' → 'el PNUD'; a name without an article as it is."""
    if not article:
        return name
    return article + name if article.endswith(("'", "’")) else f"{article} {name}"


def contracted(phrase: str, lang: str) -> str:
    """`phrase` with the contractions `lang` makes ("Contribution de le PNUD" → "Contribution du PNUD")."""
    for pattern, replacement in CONTRACTIONS.get(lang.split("-")[0], ()):
        phrase = pattern.sub(replacement, phrase)
    return phrase
