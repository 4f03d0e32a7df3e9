"""The words the web edition adds around the report (navigation, search, downloads), in each language it
knows; the report's own generated words (Contents, Figure…) come from `i18n`. A language missing here
falls back to English, as `i18n` does. Language names come from Babel (CLDR), in the reader's language."""

from __future__ import annotations

import functools

from babel import Locale, UnknownLocaleError

from ... import i18n

# French sets a narrow no-break space before ; and no-break spaces inside « » (written as escapes here).
WORDS = {
    "en": {
        "skip": "Skip to the text",
        "home": "Home",
        "breadcrumb": "You are here",
        "pager": "Previous and next pages",
        "previous": "Previous",
        "next": "Next",
        "languages": "This page in other languages",
        "search": "Search",
        "search_title": "Search results",
        "search_label": "Search the report",
        "search_noscript": "Search needs JavaScript; the contents list every chapter.",
        "search_offline": "Search works when the site is served from a web server, not opened as files.",
        "search_none": "Nothing found for “{query}”.",
        "search_found": "{count} pages found for “{query}”.",
        "downloads": "Download the report",
        "in_this_part": "In this part",
        "fallback": "This text is not yet available in {language}; it is shown in {original}.",
        "absent": "This edition has no {title}.",
        "editions": "Editions",
        "notes": "Notes",
        "cover": "Cover",
    },
    "fr": {
        "skip": "Aller au texte",
        "home": "Accueil",
        "breadcrumb": "Vous êtes ici",
        "pager": "Pages précédente et suivante",
        "previous": "Précédent",
        "next": "Suivant",
        "languages": "Cette page dans d'autres langues",
        "search": "Rechercher",
        "search_title": "Recherche",
        "search_label": "Rechercher dans le rapport",
        "search_noscript": "La recherche demande JavaScript\u202f; la table des matières donne tous les chapitres.",
        "search_offline": "La recherche fonctionne quand le site est servi par un serveur web, non ouvert en fichiers.",
        "search_none": "Aucun résultat pour «\u00a0{query}\u00a0».",
        "search_found": "{count} pages trouvées pour «\u00a0{query}\u00a0».",
        "downloads": "Télécharger le rapport",
        "in_this_part": "Dans cette partie",
        "fallback": "Ce texte n'est pas encore disponible en {language}\u202f; il est présenté en {original}.",
        "absent": "Cette édition n'a pas de liste «\u00a0{title}\u00a0».",
        "editions": "Éditions",
        "notes": "Notes",
        "cover": "Couverture",
    },
    "es": {
        "skip": "Ir al texto",
        "home": "Inicio",
        "breadcrumb": "Usted está aquí",
        "pager": "Páginas anterior y siguiente",
        "previous": "Anterior",
        "next": "Siguiente",
        "languages": "Esta página en otros idiomas",
        "search": "Buscar",
        "search_title": "Búsqueda",
        "search_label": "Buscar en el informe",
        "search_noscript": "La búsqueda requiere JavaScript; el índice enumera todos los capítulos.",
        "search_offline": "La búsqueda funciona cuando un servidor web sirve el sitio, no abierto como archivos.",
        "search_none": "No se encontró nada para «{query}».",
        "search_found": "{count} páginas encontradas para «{query}».",
        "downloads": "Descargar el informe",
        "in_this_part": "En esta parte",
        "fallback": "Este texto aún no está disponible en {language}; se presenta en {original}.",
        "absent": "Esta edición no tiene la lista «{title}».",
        "editions": "Ediciones",
        "notes": "Notas",
        "cover": "Portada",
    },
}


def say(lang: str, key: str, **values) -> str:
    """A word of the web edition in `lang` (English where it has none), else one of the report's (`i18n`)."""
    own = WORDS.get(lang, WORDS["en"]).get(key) or WORDS["en"].get(key)
    if own is None:
        return i18n.text(lang, key, **values)
    return own.format(**values) if values else own


@functools.cache
def _locale(code: str) -> Locale | None:
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


def language_name(code: str, in_language: str | None = None) -> str:
    """'français' (its own name), or 'anglais' (English named in French); the code when CLDR has none."""
    locale, reader = _locale(code), _locale(in_language or code)
    name = locale.get_display_name(reader) if locale and reader else None
    return name or code


def direction(code: str) -> str:
    """'rtl' for Arabic, Hebrew…, else 'ltr'."""
    locale = _locale(code)
    return locale.text_direction if locale else "ltr"
