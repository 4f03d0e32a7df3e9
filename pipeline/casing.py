"""Words put in the place of others without damaging the text: the case pattern, the inflection and the
article of what they replace.

A replacement such as the glossary's (terms.py) or the house style's is written the way the words it
replaces were written: ALL CAPS stays all caps ("ACCESSORY DWELLING UNITS" → "SECONDARY DWELLING UNITS"),
Title Case stays title case, a capital first letter stays, a plural or possessive ending is carried over
to the new words ("units" → "units", "unit's" → "unit's"), and the article before them agrees with them
("an accessory dwelling" → "a secondary dwelling", « la ville » → « l'agglomération »). English plurals
and a/an come from `inflect`; French and Spanish articles follow the new words' first sound and, where
the caller knows it, their gender.
"""

from __future__ import annotations

import functools
import re

UPPER, TITLE, CAPITALISED, LOWER, MIXED = "upper", "title", "capitalised", "lower", "mixed"
# Words a title leaves in lower case (unless they come first).
SMALL_WORDS = {
    "en": {"a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "at", "by", "in", "of", "on", "to",
           "up", "as", "with", "from", "into", "per", "via", "vs"},
    "fr": {"de", "du", "des", "la", "le", "les", "l'", "d'", "et", "ou", "à", "au", "aux", "en", "pour", "par",
           "sur", "dans", "avec", "un", "une"},
    "es": {"de", "del", "la", "el", "los", "las", "y", "e", "o", "u", "en", "a", "al", "con", "por", "para", "un",
           "una"},
}
WORD = re.compile(r"[^\W\d_][\w'’]*", re.UNICODE)


def case_of(text: str) -> str:
    """How `text` is capitalised: UPPER (every letter, and at least two), TITLE (two or more words, each
    word that a title capitalises starting with a capital), CAPITALISED (a capital first letter only),
    LOWER, or MIXED (anything else: "iPhone", "UN Women" in lower-case company)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return LOWER
    if len(letters) >= 2 and all(c.isupper() for c in letters if c.upper() != c.lower()):
        return UPPER
    words = WORD.findall(text)
    if not words[0][:1].isupper():
        return LOWER if all(c.islower() for c in letters if c.upper() != c.lower()) else MIXED
    rest = [w for w in words[1:] if w.lower() not in _all_small_words()]
    if rest and all(w[:1].isupper() for w in rest):
        return TITLE
    if not any(w[:1].isupper() for w in words[1:]) and not any(c.isupper() for c in words[0][1:]):
        return CAPITALISED
    return MIXED


@functools.cache
def _all_small_words() -> frozenset[str]:
    return frozenset(w for words in SMALL_WORDS.values() for w in words)


def in_case(text: str, case: str, lang: str = "en") -> str:
    """`text` in `case`: capitals are only ever added, never taken away ("UN Women" keeps its own), but for
    LOWER, which leaves `text` as it is."""
    if case == UPPER:
        return text.upper()
    if case == CAPITALISED:
        return _capital(text)
    if case == TITLE:
        small = SMALL_WORDS.get(lang.split("-")[0], SMALL_WORDS["en"])
        pieces = re.split(r"([\s\-‐‑]+)", text)
        first = True
        for index, piece in enumerate(pieces):
            if not piece or not piece[0].isalnum():
                continue
            if first or piece.lower() not in small:
                pieces[index] = _capital(piece)
            first = False
        return "".join(pieces)
    return text


def _capital(word: str) -> str:
    return word[:1].upper() + word[1:]


def written_like(preferred: str, original: str, declared: tuple[str, ...] = (), lang: str = "en",
                 context: str = "") -> str:
    """`preferred` written in the case pattern of `original`, the words it replaces. A pattern the glossary
    itself wrote (`declared`: the variants as listed, e.g. "SPF-I" is all caps by nature) is no pattern of
    the writer's: then `preferred` keeps its own case, with a capital where `original` has one first. The
    `context` (the case of a heading the words sit in) decides where the words alone do not."""
    case = case_of(original)
    if any(case == case_of(variant) and _same_letters(variant, original) for variant in declared):
        case = CAPITALISED if original[:1].isupper() else LOWER
    if case in (LOWER, MIXED):
        return in_case(preferred, context if context == TITLE else LOWER, lang)
    if case == CAPITALISED and context == TITLE:
        case = TITLE
    return in_case(preferred, case, lang)


def _same_letters(a: str, b: str) -> bool:
    """Whether two spellings are one, capitals apart from: separators ("social-floor", "social floor") and
    an inflection do not count."""
    squash = lambda text: re.sub(r"[\W_]+", "", text).lower()  # noqa: E731
    return squash(b).startswith(squash(a)) and len(squash(b)) - len(squash(a)) <= 2


def inflected(phrase: str, suffix: str, lang: str = "en") -> str:
    """`phrase` with the plural or possessive ending of the words it replaces (`suffix`: "s", "es", "'s",
    "s'", with either apostrophe; its case is `written_like`'s business): an English plural made by `inflect`
    ("policy" → "policies", "older persons" stays), elsewhere the ending as written."""
    ending = suffix.lower()
    if not ending:
        return phrase
    apostrophe = "’" if "’" in ending else "'"
    plural = ending in ("s", "es", "s'", "s’")
    words = _plural(phrase, lang, ending) if plural else phrase
    if ending not in ("s", "es"):  # a possessive: "unit's", "units'", "children's"
        words += apostrophe if plural and words.lower().endswith("s") else apostrophe + "s"
    return words


def _plural(phrase: str, lang: str, ending: str) -> str:
    last = phrase.split()[-1] if phrase.split() else phrase
    if lang.split("-")[0] != "en":
        return phrase if last.lower().endswith(("s", "x", "z")) else phrase + ending.rstrip("'’")
    if last.isupper():  # an acronym: "NGOs", not "NGOES"
        return phrase + "s"
    engine = _english()
    if last.isalpha() and last.lower() == last and engine.singular_noun(last):
        return phrase  # already plural ("older persons", "essential services")
    return engine.plural_noun(phrase) or phrase + "s"


@functools.cache
def _english():
    """inflect's engine, loaded when a replacement first needs an English plural or a/an. inflect 7 wraps its
    methods in typeguard's @typechecked, which recompiles each of them as inflect is imported (1.5 s, 4 s on
    a busy machine): run-time type checks that typeguard itself leaves out of production runs (`python -O`),
    and that are left out here, for that one import, the same way."""
    import typeguard
    checked = typeguard.typechecked
    typeguard.typechecked = _unchecked
    try:
        import inflect
    finally:
        typeguard.typechecked = checked
    return inflect.engine()


def _unchecked(target=None, **_options):
    """typeguard's @typechecked as it is under `python -O`: the function itself, unchanged."""
    return target if target is not None else _unchecked


ARTICLE = {
    "en": re.compile(r"(?<![\w'’])(a|an)(\s+)$", re.I),
    "fr": re.compile(r"(?<![\w'’])(le|la|l['’]|un|une|du|de la|de l['’]|au|à la|à l['’])(\s*)$", re.I),
    "es": re.compile(r"(?<![\w'’])(el|la|un|una|del|de la|al|a la)(\s+)$", re.I),
}
FRENCH = {  # (before a consonant, masculine), (feminine), before a vowel or a mute h
    "le": ("le", "la", "l'"), "la": ("le", "la", "l'"), "l'": ("le", "la", "l'"),
    "un": ("un", "une", None), "une": ("un", "une", None),
    "du": ("du", "de la", "de l'"), "de la": ("du", "de la", "de l'"), "de l'": ("du", "de la", "de l'"),
    "au": ("au", "à la", "à l'"), "à la": ("au", "à la", "à l'"), "à l'": ("au", "à la", "à l'"),
}
SPANISH = {"el": ("el", "la"), "la": ("el", "la"), "un": ("un", "una"), "una": ("un", "una"),
           "del": ("del", "de la"), "de la": ("del", "de la"), "al": ("al", "a la"), "a la": ("al", "a la")}
FRENCH_VOWEL = re.compile(r"^[aeiouyhàâäéèêëîïôöùûüœæ]", re.I)


def article_before(before: str, new: str, lang: str = "en", gender: str = "") -> tuple[int, str] | None:
    """Where the article at the end of `before` starts, and what it must become for the words `new` that
    follow it, or None when it is right (or there is none, or it cannot be known). `gender` ("m" or "f"),
    when the caller knows it, decides French and Spanish articles; without it only elision is fixed
    (« la » or « le » before a vowel becomes « l' »)."""
    language = lang.split("-")[0]
    pattern = ARTICLE.get(language)
    match = pattern.search(before) if pattern else None
    if not match or not new.strip():
        return None
    written, space = match.group(1), match.group(2)
    key = written.lower().replace("’", "'")
    if language == "en":
        wanted = _english().a(new).split(" ", 1)[0] if new[:1].isalnum() else key
    elif language == "fr":
        masculine, feminine, elided = FRENCH[key]
        if elided and FRENCH_VOWEL.match(new):
            wanted = elided
        elif gender in ("m", "f"):
            wanted = masculine if gender == "m" else feminine
        elif key.endswith("'"):
            return None  # before a consonant the article depends on a gender nobody gave
        else:
            wanted = key
    else:
        masculine, feminine = SPANISH[key]
        wanted = (masculine if gender == "m" else feminine) if gender in ("m", "f") else key
    apostrophe = "’" if "’" in written else "'"
    wanted = wanted.replace("'", apostrophe)
    spaced = "" if wanted.endswith(apostrophe) else (space or " ")
    if wanted == key.replace("'", apostrophe) and spaced == space:
        return None
    return match.start(1), in_case(wanted, case_of(written), lang) + spaced
