"""Each page's text as HTML, written by pandoc and kept by content, so a rebuild writes only what changed.

A page's HTML depends on its own blocks and on where the anchors it links to are (a figure of another
chapter). So two things are kept in the build's cache, by the digest of the page's blocks (each block's
JSON, as the assembly wrote it) and of what preparing it depends on: the page's facts (the anchors it holds,
the anchors it links to, the pictures it shows), then its HTML under a key that adds where each of its
link targets now is. An edit to one draft prepares and writes one page again; the others are read back.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from html import escape
from pathlib import Path

from ...buildcache import Store
from ...document import Document
from ...pandoc import write_from_ast
from ...tree import as_json
from .. import pandoc_document
from .plan import Page, Site
from .prepare import Context, Facts, facts, link_pages, prepare

PANDOC_ARGS = ["--wrap=none"]  # headings keep their ids: Pagefind links a search result to its section
NOTES = '<section id="footnotes" class="footnotes footnotes-end-of-document" role="doc-endnotes">\n<hr />'


def page_blocks(document: Document, page: Page) -> list:
    return [block for start, end in page.ranges for block in document.blocks[start:end]]


def fragments(document: Document, site: Site, context: Context, store: Store, media: Path,
              notes_title: str) -> tuple[dict[str, str], dict[str, Facts]]:
    """Each page's HTML (slug → text) and facts; `media` is the folder its pictures must be in."""
    texts = document.block_json
    marks = {path: (as_json(["path", path]), json.dumps(["path", path]).encode()) for path in context.set_aside}
    keys, found, prepared = {}, {}, {}
    for page in site.pages:
        text = b"\n".join(texts[index] for start, end in page.ranges for index in range(start, end))
        held = sorted(path for path, forms in marks.items() if any(form in text for form in forms))
        keys[page.slug] = [hashlib.sha256(text).hexdigest(), page.level, held]
        known = store.get_json(store.key("facts", *keys[page.slug]))
        if known is None or not all((media / name).is_file() for name in known["pictures"]):
            prepared[page.slug] = prepare(page_blocks(document, page), page.level, context)
            known = asdict(facts(prepared[page.slug]))
            store.put_json(store.key("facts", *keys[page.slug]), known)
        found[page.slug] = Facts(**known)
    where: dict[str, str] = {}
    for slug, page_facts in found.items():
        for ident in page_facts.ids:
            where.setdefault(ident, slug)
    html, missing = {}, []
    for page in site.pages:
        key = store.key("html", *keys[page.slug], [[t, where.get(t)] for t in found[page.slug].targets], notes_title)
        kept = store.get(key)
        if kept is None:
            missing.append((page, key))
        else:
            html[page.slug] = kept.decode()

    def write(job: tuple[Page, str]) -> tuple[str, str]:
        page, key = job
        blocks = prepared.get(page.slug) or prepare(page_blocks(document, page), page.level, context)
        written = _titled_notes(write_from_ast(pandoc_document(link_pages(blocks, page.slug, where)), "html5",
                                               PANDOC_ARGS).decode(), notes_title)
        store.put(key, written.encode())
        return page.slug, written

    with ThreadPoolExecutor(max_workers=2) as pandocs:  # one pandoc per page: footnotes count from 1 on each
        html.update(pandocs.map(write, missing))
    return html, found


def _titled_notes(html: str, title: str) -> str:
    """pandoc sets a page's footnotes after a rule; a heading names them for those who move by headings."""
    return html.replace(NOTES, NOTES.replace("<hr />", f'<h2 id="jr-notes">{escape(title)}</h2>'), 1)
