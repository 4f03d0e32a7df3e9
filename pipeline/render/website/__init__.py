"""The web edition: the assembled report as a static site, one tree per edition (build/html/<lang>/).

It starts from the same assembled `Document` as the DOCX and the PDF, with the same numbers on figures and
tables, and pandoc writes each page's text. The site needs no server-side code; only its search page uses
JavaScript (Pagefind). build/html/ holds:

    index.html          the editions, each named in its own language
    assets/             stylesheet, search script, the report's typeface (shared by the editions)
    media/              the pictures in web sizes (shared: their names are their content's digests)
    <lang>/index.html   an edition's landing page; one page per part, chapter, annex…; search.html;
    <lang>/pagefind/    its search index

A page is rewritten only when its bytes change: an edited draft rewrites its chapter's page (and the pages
that link to its figures, when their numbers move), a changed title every page's contents; the search
index is made again when any page changed.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from ...buildcache import Store
from ...document import Document
from ...files import write_atomically
from ...pandoc import pandoc_version
from .. import media_and_chart
from ..cover import cover_logos
from .assets import write_assets, write_if_changed
from .fragments import fragments
from .layout import Layout
from .pictures import DIGEST, Pictures, prune
from .plan import SEARCH, plan
from .prepare import MEDIA, Context
from .search import index_pages
from .words import say

log = logging.getLogger("jointreport.render")


def render_html(document: Document, output: Path, set_aside: set[str] = frozenset()) -> Path:
    """Write the edition whose landing page is `output` (build/html/<lang>/index.html), with the site's
    shared files around it; `set_aside` names drafts to show as plain text (see render.render_safely)."""
    project = document.project
    lang = project.language
    edition, site_root = output.parent, output.parent.parent
    cache = project.build_dir / ".cache" / "website"
    site = plan(document)
    media, chart = media_and_chart(document)
    logos = cover_logos(project)
    media.update(logos.media)
    pictures = Pictures(media, site_root / "media", MEDIA)
    context = Context(project, media, chart, project.references == "chapter", pictures, frozenset(set_aside))
    store = Store(cache / lang, json.dumps([pandoc_version(), lang, chart.name if chart else None, project.references]))
    texts, facts = fragments(document, site, context, store, site_root / "media", say(lang, "notes"))
    layout = Layout(document, site, logos, pictures)
    pages = {page.file: layout.page(page, texts[page.slug]) for page in site.pages}
    others = {f"{SEARCH}.html": layout.search(),
              **{f"{slug}.html": layout.absent(slug) for slug in site.missing_optional
                 if slug != "references" or project.references == "end"}}
    changed = [name for name, html in {**pages, **others}.items() if write_if_changed(edition / name, html.encode())]
    log.debug("web edition (%s): %d pages rewritten %s", lang, len(changed), changed)
    if changed or not (edition / "pagefind" / "pagefind-entry.json").is_file():
        index_pages(edition, lang, project.build_dir / ".staging")
    _remove_stale(edition, set(pages) | set(others))
    write_assets(project, site_root / "assets", cache / "fonts")
    write_if_changed(site_root / "index.html", layout.editions().encode())
    shown = {name[:DIGEST] for page in facts.values() for name in page.pictures}
    shown |= {source.removeprefix("media/")[:DIGEST] for source in [logos.coalition, *logos.agencies] if source}
    _keep_pictures(site_root / "media", cache, lang, project.languages, shown)
    store.prune()
    return output


def _remove_stale(edition: Path, pages: set[str]) -> None:
    """Pages of an earlier build that this one has not (a chapter taken out of the outline)."""
    for path in edition.glob("*.html"):
        if path.name not in pages:
            path.unlink()


def _keep_pictures(folder: Path, cache: Path, lang: str, languages: list[str], shown: set[str]) -> None:
    """Record the pictures this edition shows, and remove those no edition shows any more."""
    write_atomically(cache / f"pictures-{lang}.json", json.dumps(sorted(shown)).encode())
    used = set(shown)
    for code in languages:
        try:
            used.update(json.loads((cache / f"pictures-{code}.json").read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    prune(folder, used)
