"""The words jointreport itself writes into a report or statement, in each language it knows.

Everything else — titles, agreed text, the drafts — comes from the project in
the language of the edition being built. A language missing here falls back
to English for these few generated words. Dates, month names and lists ("A, B
and C") come from the Unicode CLDR through Babel, so every edition language has
its own.
"""

from __future__ import annotations

import datetime as dt
import functools

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.lists import format_list

STRINGS = {
    "en": {
        "figure": "Figure",
        "table": "Table",
        "caption_colon": ":",  # between a caption's label and its words ("Figure 2.3: …")
        "section_ref": "Section",
        "list_of_figures": "List of figures",
        "list_of_tables": "List of tables",
        "contents": "Contents",
        "draft_mark": "DRAFT – not for circulation",
        "part": "Part {numeral}: {title}",
        "contributed_by": "Contributed by {names}",
        "with": "{lead} with {others}",
        "contribution_from": "Contribution from {name}",
        "awaited": "This section is awaited from {short}.",
        "untranslated": "This text has not been translated yet.",
        "abbreviations": "Abbreviations",
        "references": "References",
        "abbreviation": "Abbreviation",
        "meaning": "Meaning",
        "annex_contributors": "Annex: Contributors",
        "acknowledgements_intro": "This report was written by the following authors, by agency:",
        "isbn": "ISBN {isbn}",
        "annex_contributors_intro": "The agencies below drafted the sections of this report. The lead agency of "
                                    "each section is named first in the section's attribution line.",
        "lead": "lead",
        "contributor": "contributor",
        "annex_workplan": "Annex: Joint workplan",
        "annex_register": "Annex: {title}",
        "register_matrix": "{title}: countries by agency",
        "register_matrix_intro": "The number of rows each agency keeps for each country.",
        "register_country": "Country",
        "register_empty": "No agency has sent rows yet.",
        "register_reviewed": "Reviewed",
        "register_agencies": "Agencies",
        "workplan_intro": "The activities the partners agreed to carry out together, with the agencies involved "
                          "and the months they span.",
        "workplan_columns": ("Activity", "Deliverable", "Agencies", "When"),
        "workplan_caption": "Joint workplan, month by month (dark bars lead to a milestone)",
        "endorsed_by": "Endorsed by",
        "no_description": "Picture without a description",
        "workplan_alt": "Chart of the joint workplan, month by month, {count} activities:",
        "workplan_milestone": "leading to a milestone",
        "workplan_source": "Source: joint workplan ({coalition}).",
        # the imprint on the title page's back (pipeline/imprint.py)
        "copyright_line": "© {holder}, {year}",
        "eisbn": "eISBN {eisbn}",
        "issn": "ISSN {issn}",
        "sales_no": "Sales No. {number}",
        "photo_credits": "Photo credits: {credits}",
        "suggested_citation": "Suggested citation:",
        # the United Nations' standard disclaimer, in the Organization's own words
        "un_disclaimer": "The designations employed and the presentation of the material in this publication do "
                         "not imply the expression of any opinion whatsoever on the part of the Secretariat of the "
                         "United Nations concerning the legal status of any country, territory, city or area or of "
                         "its authorities, or concerning the delimitation of its frontiers or boundaries.",
    },
    "fr": {
        "figure": "Figure",
        "table": "Tableau",
        "caption_colon": "\u00a0:",
        "section_ref": "Section",
        "list_of_figures": "Liste des figures",
        "list_of_tables": "Liste des tableaux",
        "contents": "Table des matières",
        "draft_mark": "PROJET – ne pas diffuser",
        "part": "Partie {numeral}\u00a0: {title}",
        "contributed_by": "Contribution de {names}",
        "with": "{lead} avec {others}",
        "contribution_from": "Contribution\u00a0: {name}",
        "awaited": "Cette section est attendue de {short}.",
        "untranslated": "Ce texte n'est pas encore traduit.",
        "abbreviations": "Sigles et abréviations",
        "references": "Références",
        "abbreviation": "Sigle",
        "meaning": "Signification",
        "annex_contributors": "Annexe\u00a0: contributeurs",
        "acknowledgements_intro": "Le présent rapport a été rédigé par les auteurs suivants, par organisation\u00a0:",
        "isbn": "ISBN {isbn}",
        "annex_contributors_intro": "Les organisations ci-dessous ont rédigé les sections du présent rapport. "
                                    "L'organisation chef de file de chaque section est citée en premier.",
        "lead": "chef de file",
        "contributor": "contribution",
        "annex_workplan": "Annexe\u00a0: plan de travail conjoint",
        "annex_register": "Annexe\u00a0: {title}",
        "register_matrix": "{title}\u00a0: pays par organisation",
        "register_matrix_intro": "Le nombre de lignes que chaque organisation tient pour chaque pays.",
        "register_country": "Pays",
        "register_empty": "Aucune organisation n'a encore envoyé de lignes.",
        "register_reviewed": "Revu le",
        "register_agencies": "Organisations",
        "workplan_intro": "Les activités que les partenaires sont convenus de mener ensemble, avec les "
                          "organisations concernées et les mois qu'elles couvrent.",
        "workplan_columns": ("Activité", "Produit", "Organisations", "Période"),
        "workplan_caption": "Plan de travail conjoint, mois par mois (en foncé\u00a0: activités liées à une étape)",
        "endorsed_by": "Signataires",
        "no_description": "Image sans description",
        "workplan_alt": "Graphique du plan de travail conjoint, mois par mois, {count} activités\u00a0:",
        "workplan_milestone": "menant à une étape",
        "workplan_source": "Source\u00a0: plan de travail conjoint ({coalition}).",
        "copyright_line": "© {holder}, {year}",
        "eisbn": "ISBN électronique {eisbn}",
        "issn": "ISSN {issn}",
        "sales_no": "Numéro de vente\u00a0: {number}",
        "photo_credits": "Crédits photographiques\u00a0: {credits}",
        "suggested_citation": "Citation suggérée\u00a0:",
        "un_disclaimer": "Les appellations employées dans la présente publication et la présentation des données "
                         "qui y figurent n’impliquent de la part du Secrétariat de l’Organisation des Nations Unies "
                         "aucune prise de position quant au statut juridique des pays, territoires, villes ou zones, "
                         "ou de leurs autorités, ni quant au tracé de leurs frontières ou limites.",
    },
    "es": {
        "figure": "Figura",
        "table": "Cuadro",
        "section_ref": "Sección",
        "list_of_figures": "Índice de figuras",
        "list_of_tables": "Índice de cuadros",
        "contents": "Índice",
        "draft_mark": "BORRADOR – no distribuir",
        "part": "Parte {numeral}: {title}",
        "contributed_by": "Contribución de {names}",
        "with": "{lead} con {others}",
        "contribution_from": "Contribución de {name}",
        "awaited": "Se espera esta sección de {short}.",
        "untranslated": "Este texto aún no está traducido.",
        "abbreviations": "Siglas y abreviaturas",
        "references": "Referencias",
        "abbreviation": "Sigla",
        "meaning": "Significado",
        "annex_contributors": "Anexo: colaboradores",
        "acknowledgements_intro": "Este informe fue redactado por los siguientes autores, por organización:",
        "isbn": "ISBN {isbn}",
        "annex_contributors_intro": "Las organizaciones siguientes redactaron las secciones de este informe. "
                                    "La organización principal de cada sección figura en primer lugar.",
        "lead": "principal",
        "contributor": "colaboración",
        "annex_workplan": "Anexo: plan de trabajo conjunto",
        "annex_register": "Anexo: {title}",
        "register_matrix": "{title}: países por organización",
        "register_matrix_intro": "El número de filas que cada organización mantiene para cada país.",
        "register_country": "País",
        "register_empty": "Ninguna organización ha enviado filas todavía.",
        "register_reviewed": "Revisado",
        "register_agencies": "Organizaciones",
        "workplan_intro": "Las actividades que los asociados acordaron realizar juntos, con las organizaciones "
                          "participantes y los meses que abarcan.",
        "workplan_columns": ("Actividad", "Producto", "Organizaciones", "Período"),
        "workplan_caption": "Plan de trabajo conjunto, mes a mes (en oscuro: actividades ligadas a un hito)",
        "endorsed_by": "Firmantes",
        "no_description": "Imagen sin descripción",
        "workplan_alt": "Gráfico del plan de trabajo conjunto, mes a mes, {count} actividades:",
        "workplan_milestone": "que conduce a un hito",
        "workplan_source": "Fuente: plan de trabajo conjunto ({coalition}).",
        "copyright_line": "© {holder}, {year}",
        "eisbn": "ISBN electrónico {eisbn}",
        "issn": "ISSN {issn}",
        "sales_no": "Número de venta: {number}",
        "photo_credits": "Créditos fotográficos: {credits}",
        "suggested_citation": "Cita sugerida:",
        "un_disclaimer": "Las denominaciones empleadas en esta publicación y la forma en que aparecen presentados "
                         "los datos que contiene no implican, de parte de la Secretaría de las Naciones Unidas, "
                         "juicio alguno sobre la condición jurídica de países, territorios, ciudades o zonas, o de "
                         "sus autoridades, ni respecto de la delimitación de sus fronteras o límites.",
    },
}


def text(lang: str, key: str, **values) -> str:
    template = STRINGS.get(lang, STRINGS["en"]).get(key) or STRINGS["en"][key]
    return template.format(**values) if values else template


def words(lang: str, key: str) -> tuple[str, ...]:
    return STRINGS.get(lang, STRINGS["en"]).get(key) or STRINGS["en"][key]


# English without a region is written as the UN editorial manual has it, the day first and no comma before
# "and": CLDR's British English. Babel's plain "en" is American ("September 28, 2011", "A, B, and C").
HOUSE_STYLE = {"en": "en_GB"}


@functools.cache
def _locale(lang: str, house_style: bool = True) -> Locale:
    """The CLDR locale of an edition's language (a code like fr, pt-BR or zh-Hant); English for a code
    CLDR does not know, as for the words above."""
    code = HOUSE_STYLE.get(lang, lang) if house_style else lang
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return _locale("en", house_style)


def long_date(day: dt.date, lang: str) -> str:
    """'28 January 2011', '28 janvier 2011', '28 de enero de 2011', '28. Januar 2011'."""
    return format_date(day, "long", locale=_locale(lang))


def month_year(day: dt.date, lang: str) -> str:
    """'January 2011', 'janvier 2011', 'enero de 2011', 'Januar 2011'."""
    return format_skeleton("yMMMM", day, locale=_locale(lang))


def short_month(day: dt.date, lang: str) -> str:
    """A month's abbreviation as the language writes it alone (a chart's axis): 'Sep', 'sept.', 'Mär'."""
    return _locale(lang, house_style=False).months["stand-alone"]["abbreviated"][day.month]


def short_month_year(day: dt.date, lang: str) -> str:
    """'Sep 2011', 'sept. 2011', 'Sept. 2011': a table's column of months."""
    return format_skeleton("yMMM", day, locale=_locale(lang, house_style=False))


def join_names(names: list[str], lang: str) -> str:
    """'A, B and C', 'A, B et C', 'A, B und C'."""
    return format_list(names, locale=_locale(lang))
