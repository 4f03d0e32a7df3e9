"""The words jointreport itself writes into a report or statement, in each language it knows.

Everything else — titles, agreed text, the drafts — comes from the project in
the language of the edition being built. A language missing here falls back
to English for these few generated words.
"""

from __future__ import annotations

import datetime as dt

STRINGS = {
    "en": {
        "figure": "Figure",
        "table": "Table",
        "section_ref": "Section",
        "list_of_figures": "List of figures",
        "list_of_tables": "List of tables",
        "contents": "Contents",
        "draft_mark": "DRAFT – not for circulation",
        "part": "Part {numeral}: {title}",
        "contributed_by": "Contributed by {names}",
        "with": "{lead} with {others}",
        "and": "and",
        "contribution_from": "Contribution from {name}",
        "awaited": "This section is awaited from {short}.",
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
        "workplan_intro": "The activities the partners agreed to carry out together, with the agencies involved "
                          "and the months they span.",
        "workplan_columns": ("Activity", "Deliverable", "Agencies", "When"),
        "workplan_caption": "Joint workplan, month by month (dark bars lead to a milestone)",
        "endorsed_by": "Endorsed by",
        "months": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                   "October", "November", "December"),
        "date": "{day} {month} {year}",
    },
    "fr": {
        "figure": "Figure",
        "table": "Tableau",
        "section_ref": "Section",
        "list_of_figures": "Liste des figures",
        "list_of_tables": "Liste des tableaux",
        "contents": "Table des matières",
        "draft_mark": "PROJET – ne pas diffuser",
        "part": "Partie {numeral} : {title}",
        "contributed_by": "Contribution de {names}",
        "with": "{lead} avec {others}",
        "and": "et",
        "contribution_from": "Contribution : {name}",
        "awaited": "Cette section est attendue de {short}.",
        "abbreviations": "Sigles et abréviations",
        "references": "Références",
        "abbreviation": "Sigle",
        "meaning": "Signification",
        "annex_contributors": "Annexe : contributeurs",
        "acknowledgements_intro": "Le présent rapport a été rédigé par les auteurs suivants, par organisation :",
        "isbn": "ISBN {isbn}",
        "annex_contributors_intro": "Les organisations ci-dessous ont rédigé les sections du présent rapport. "
                                    "L'organisation chef de file de chaque section est citée en premier.",
        "lead": "chef de file",
        "contributor": "contribution",
        "annex_workplan": "Annexe : plan de travail conjoint",
        "workplan_intro": "Les activités que les partenaires sont convenus de mener ensemble, avec les "
                          "organisations concernées et les mois qu'elles couvrent.",
        "workplan_columns": ("Activité", "Produit", "Organisations", "Période"),
        "workplan_caption": "Plan de travail conjoint, mois par mois (en foncé : activités liées à une étape)",
        "endorsed_by": "Signataires",
        "months": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                   "octobre", "novembre", "décembre"),
        "date": "{day} {month} {year}",
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
        "and": "y",
        "contribution_from": "Contribución de {name}",
        "awaited": "Se espera esta sección de {short}.",
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
        "workplan_intro": "Las actividades que los asociados acordaron realizar juntos, con las organizaciones "
                          "participantes y los meses que abarcan.",
        "workplan_columns": ("Actividad", "Producto", "Organizaciones", "Período"),
        "workplan_caption": "Plan de trabajo conjunto, mes a mes (en oscuro: actividades ligadas a un hito)",
        "endorsed_by": "Firmantes",
        "months": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
                   "octubre", "noviembre", "diciembre"),
        "date": "{day} de {month} de {year}",
    },
}


def text(lang: str, key: str, **values) -> str:
    template = STRINGS.get(lang, STRINGS["en"]).get(key) or STRINGS["en"][key]
    return template.format(**values) if values else template


def words(lang: str, key: str) -> tuple[str, ...]:
    return STRINGS.get(lang, STRINGS["en"]).get(key) or STRINGS["en"][key]


def long_date(day: dt.date, lang: str) -> str:
    """'28 January 2011', '28 janvier 2011', '28 de enero de 2011'."""
    return text(lang, "date", day=day.day, month=words(lang, "months")[day.month - 1], year=day.year)


def join_names(names: list[str], lang: str) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + f" {text(lang, 'and')} " + names[-1]
