"""Country names as the UN writes them, in the edition's language, and the usual variants mapped to them.

The countries are ISO 3166-1's (pycountry). A country's name in a language is the UN's short form where
it differs from the common one and is written out below (`UN_NAMES`, by hand from the UN Terminology
Database's short names, for English, French and Spanish), else the Unicode CLDR's name in that language
(Babel), else ISO's English name. A sheet may write a country in any way these sources know it in any
language of the report, by its ISO code, or by one of the usual `VARIANTS`: a form that is not the UN's
in one of the report's languages is mapped and reported.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass

import pycountry
from babel import Locale, UnknownLocaleError

# The UN's short forms where they differ from ISO's English name (English) or from CLDR's (French,
# Spanish): the UN member and observer States whose names people most often write otherwise.
UN_NAMES = {
    "en": {
        "BO": "Bolivia (Plurinational State of)", "CD": "Democratic Republic of the Congo", "CI": "Côte d’Ivoire",
        "FM": "Micronesia (Federated States of)", "GB": "United Kingdom of Great Britain and Northern Ireland",
        "HK": "China, Hong Kong Special Administrative Region", "IR": "Iran (Islamic Republic of)",
        "KP": "Democratic People's Republic of Korea", "KR": "Republic of Korea", "MD": "Republic of Moldova",
        "MO": "China, Macao Special Administrative Region", "NL": "Netherlands (Kingdom of the)",
        "PS": "State of Palestine", "TZ": "United Republic of Tanzania", "US": "United States of America",
        "VA": "Holy See", "VE": "Venezuela (Bolivarian Republic of)", "VG": "British Virgin Islands",
        "VI": "United States Virgin Islands",
    },
    "fr": {
        "BN": "Brunéi Darussalam", "BO": "Bolivie (État plurinational de)", "BY": "Bélarus", "CD":
        "République démocratique du Congo", "CG": "Congo", "CV": "Cabo Verde", "FM": "Micronésie (États fédérés de)",
        "GB": "Royaume-Uni de Grande-Bretagne et d’Irlande du Nord",
        "HK": "Chine, région administrative spéciale de Hong Kong", "IQ": "Iraq",
        "IR": "Iran (République islamique d’)", "KG": "Kirghizistan", "KN": "Saint-Kitts-et-Nevis",
        "KP": "République populaire démocratique de Corée", "KR": "République de Corée",
        "LA": "République démocratique populaire lao", "LR": "Libéria",
        "MD": "République de Moldova", "MM": "Myanmar", "MO": "Chine, région administrative spéciale de Macao",
        "NG": "Nigéria", "NL": "Pays-Bas (Royaume des)", "PS": "État de Palestine", "RU": "Fédération de Russie",
        "SV": "El Salvador", "SY": "République arabe syrienne", "TL": "Timor-Leste", "TR": "Türkiye",
        "TZ": "République-Unie de Tanzanie", "US": "États-Unis d’Amérique", "VA": "Saint-Siège",
        "VE": "Venezuela (République bolivarienne du)", "VN": "Viet Nam",
    },
    "es": {
        "BD": "Bangladesh", "BH": "Bahrein", "BJ": "Benin", "BN": "Brunei Darussalam",
        "BO": "Bolivia (Estado Plurinacional de)", "BT": "Bhután", "BW": "Botswana", "BY": "Belarús",
        "DJ": "Djibouti", "FJ": "Fiji", "FM": "Micronesia (Estados Federados de)",
        "GB": "Reino Unido de Gran Bretaña e Irlanda del Norte", "GW": "Guinea-Bissau",
        "HK": "China, región administrativa especial de Hong Kong", "IQ": "Iraq",
        "IR": "Irán (República Islámica del)", "KE": "Kenya", "KN": "Saint Kitts y Nevis",
        "KP": "República Popular Democrática de Corea", "KR": "República de Corea", "KZ": "Kazajstán",
        "LA": "República Democrática Popular Lao", "LS": "Lesotho", "MD": "República de Moldova", "ML": "Malí",
        "MO": "China, región administrativa especial de Macao", "MW": "Malawi", "NL": "Países Bajos (Reino de los)",
        "NZ": "Nueva Zelandia", "PG": "Papua Nueva Guinea", "PS": "Estado de Palestina", "PW": "Palau",
        "QA": "Qatar", "RO": "Rumania", "RU": "Federación de Rusia", "RW": "Rwanda", "SA": "Arabia Saudita",
        "SR": "Suriname", "SY": "República Árabe Siria", "SZ": "Eswatini", "TR": "Türkiye",
        "TT": "Trinidad y Tabago", "TZ": "República Unida de Tanzanía", "US": "Estados Unidos de América",
        "VA": "Santa Sede", "VE": "Venezuela (República Bolivariana de)", "VN": "Viet Nam", "ZW": "Zimbabwe",
    },
}
# Forms people write that neither ISO nor CLDR gives (old names, abbreviations, transliterations).
VARIANTS = {
    "Kirgizstan": "KG", "Kirghizia": "KG", "Kirgizia": "KG", "Kyrgyz Republic": "KG", "Burma": "MM",
    "Ivory Coast": "CI", "Swaziland": "SZ", "Czech Republic": "CZ", "Macedonia": "MK", "FYR Macedonia": "MK",
    "The former Yugoslav Republic of Macedonia": "MK", "Turkey": "TR", "UK": "GB", "Great Britain": "GB",
    "Britain": "GB", "USA": "US", "U.S.A.": "US", "U.S.": "US", "DRC": "CD", "DR Congo": "CD", "Zaire": "CD",
    "Republic of the Congo": "CG", "Moldavia": "MD", "Vatican": "VA", "Palestine": "PS", "East Timor": "TL",
    "Holland": "NL", "Byelorussia": "BY", "Belorussia": "BY", "Kazakstan": "KZ", "Lao PDR": "LA",
    "Lao": "LA", "Republic of Türkiye": "TR",
}
SOURCE_LANGUAGES = ("en", "fr", "es")  # the languages whose names are always known, whatever the report's


@dataclass(frozen=True)
class Match:
    code: str  # ISO 3166-1 alpha-2
    as_written: bool  # the text is the UN's form in one of the report's languages


def folded(text: str) -> str:
    """A name as compared: no accents, case, punctuation or extra spaces ('Côte d’Ivoire' → 'cote d ivoire')."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _typed(text: str) -> str:
    """A name as typed, but for spacing and the kind of apostrophe."""
    return " ".join(text.replace("'", "’").split())


@functools.cache
def _cldr(lang: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(lang).territories)
    except (UnknownLocaleError, ValueError, TypeError):
        return {}


@functools.cache
def _codes() -> dict[str, object]:
    return {country.alpha_2: country for country in pycountry.countries}


def alpha3(code: str) -> str:
    """'VN' → 'VNM': the code maps and statistics join on."""
    return _codes()[code].alpha_3


def name(code: str, lang: str) -> str:
    """How the edition in `lang` names a country: the UN's short form, else CLDR's, else ISO's."""
    base = lang.split("-")[0].split("_")[0]
    return (UN_NAMES.get(base, {}).get(code) or (_codes()[code].name if base == "en" else None)
            or _cldr(base).get(code) or name(code, "en"))


@functools.cache
def _index(languages: tuple[str, ...]) -> tuple[dict[str, str], frozenset[str]]:
    """Every known way of writing a country, folded → its code (ambiguous ones left out), and the
    UN's forms in `languages` as typed."""
    ranked: dict[str, dict[int, set[str]]] = {}

    def add(text: str | None, code: str, rank: int) -> None:
        if text:
            ranked.setdefault(folded(text), {}).setdefault(rank, set()).add(code)

    every = tuple(dict.fromkeys(SOURCE_LANGUAGES + languages))
    for code, country in _codes().items():
        for lang in every:
            add(name(code, lang), code, 0)
            add(_cldr(lang).get(code), code, 1)
        for attribute in ("name", "official_name", "common_name", "alpha_3"):
            add(getattr(country, attribute, None), code, 1)
        add(code, code, 2)
    for text, code in VARIANTS.items():
        add(text, code, 2)
    index = {}
    for key, ranks in ranked.items():
        best = ranks[min(ranks)]
        if len(best) == 1:
            index[key] = next(iter(best))
    official = frozenset(_typed(name(code, lang)) for code in _codes() for lang in languages)
    return index, official


def find(text: str, languages: tuple[str, ...]) -> Match | None:
    """The country a cell names, and whether it is written as the UN writes it in one of `languages`."""
    index, official = _index(tuple(languages))
    code = index.get(folded(text))
    return Match(code, _typed(text) in official) if code else None


def suggestion(text: str, languages: tuple[str, ...]) -> str | None:
    """The UN's name of the country a misspelt cell most likely means, if one is close."""
    index, _ = _index(tuple(languages))
    close = difflib.get_close_matches(folded(text), list(index), n=1, cutoff=0.75)
    return name(index[close[0]], languages[0]) if close else None
