"""How the assembled report is cut into web pages, read from its top-level headings alone.

One page per chapter (its sections are headings within it: a reader scrolls a chapter as in the PDF, and
a search result or cross-reference lands on the section's anchor); one per part, listing its chapters; one
per annex, piece of back matter, the abbreviations and the References. The landing page holds the cover's
words, the copyright notice and the front matter (foreword, key messages…), as the PDF's first pages do.
Page names come from the outline's ids, so every edition has the same names and the language switcher
links a page to its translation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...document import Document
from ...tree import stringify

LANDING = "index"
SEARCH = "search"
RESERVED = {LANDING, SEARCH}
# Pages an edition may lack when its text has none (no acronym used, nothing cited): every edition writes
# them anyway, as a short page saying so, so a language switcher never points at a missing page.
OPTIONAL = {"abbreviations": "abbreviations", "references": "references"}


@dataclass
class Page:
    slug: str  # the file name without .html, the same in every edition
    ident: str  # the identifier of the heading it opens with ("" for the landing page)
    title: str
    kind: str  # landing, front, part, chapter, annex, back
    level: int  # its heading's level in the report (its h1 on the page); 1 for the landing page
    ranges: list[tuple[int, int]] = field(default_factory=list)  # its top-level blocks: [start, end)
    parent: str | None = None  # the part a chapter belongs to (its slug)
    sections: list[tuple[str, str]] = field(default_factory=list)  # (identifier, title) of its headings below

    @property
    def file(self) -> str:
        return f"{self.slug}.html"


@dataclass
class Site:
    pages: list[Page]  # in reading order, the landing page first

    def page(self, slug: str) -> Page:
        return next(page for page in self.pages if page.slug == slug)

    def neighbours(self, page: Page) -> tuple[Page | None, Page | None]:
        index = self.pages.index(page)
        return (self.pages[index - 1] if index else None,
                self.pages[index + 1] if index + 1 < len(self.pages) else None)

    def trail(self, page: Page) -> list[Page]:
        """The breadcrumbs: the landing page, the part (for a chapter), the page itself."""
        trail = [self.pages[0]] if page.kind != "landing" else []
        if page.parent:
            trail.append(self.page(page.parent))
        return trail + [page]

    def children(self, part: Page) -> list[Page]:
        return [page for page in self.pages if page.parent == part.slug]

    @property
    def missing_optional(self) -> list[str]:
        """The optional pages this edition has none of (see OPTIONAL)."""
        return [slug for slug in OPTIONAL if slug not in {page.slug for page in self.pages}]


def slug_of(ident: str) -> str:
    slug = ident.replace("_", "-").lower()
    return f"{slug}-page" if slug in RESERVED else slug


def plan(document: Document) -> Site:
    """The pages of one edition, from the document's top-level headings (parts 1, chapters 2, sections 3)."""
    landing = Page(LANDING, "", document.project.title, "landing", 1)
    pages = [landing]
    current, part, start = landing, None, 0
    for index, block in enumerate(document.blocks):
        if block.get("t") != "Header":
            continue
        level, (ident, classes, _), words = block["c"]
        title = stringify(words)
        if level > 2:
            if level == current.level + 1 and ident:
                current.sections.append((ident, title))
            continue
        current.ranges.append((start, index))
        start = index
        if level == 2 and "matter" in classes and part is None:  # front matter: on the landing page
            current = landing
            landing.sections.append((ident, title))
            continue
        kind = _kind(level, classes)
        if level == 1:
            part = slug_of(ident) if kind == "part" else ""
        current = Page(slug_of(ident), ident, title, kind, level, parent=part or None if kind == "chapter" else None)
        pages.append(current)
    current.ranges.append((start, len(document.blocks)))
    for page in pages:
        page.ranges = [(a, b) for a, b in page.ranges if b > a]
    return Site(pages)


def _kind(level: int, classes: list[str]) -> str:
    if level == 1:
        return "annex" if "annex" in classes else "part"
    if "chapter" in classes and "matter" not in classes:
        return "chapter"
    return "back" if "matter" in classes else "front"
