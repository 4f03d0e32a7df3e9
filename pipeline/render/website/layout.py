"""The frame around each page's text: contents, breadcrumbs, previous and next, the language switcher and
hreflang links, the landing page's cover and downloads; put together by the sandboxed Jinja2 templates of
templates/html/. The frame holds only titles and page names, so an edit to a draft changes no other page's
frame; a changed title changes every page's contents."""

from __future__ import annotations

from jinja2 import FunctionLoader
from markupsafe import Markup

from ... import i18n
from ...document import Document
from ...model import Project, pick
from ...templating import render, sandbox
from ..cover import CoverLogos
from .pictures import Picture, Pictures
from .plan import LANDING, OPTIONAL, SEARCH, Page, Site
from .words import WORDS, direction, language_name, say

# No request leaves the site (Pagefind's search needs WebAssembly); no inline script or style.
# pandoc's own style attributes (table widths, alignments) are allowed: a draft's never reach a page.
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; style-src-attr 'unsafe-inline'; "
       "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'")
ASSETS = "../assets/"
LOGO_SIZES = "12rem"
DOWNLOADS = (("pdf", "PDF", "application/pdf"),
             ("docx", "Word (DOCX)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))


class Layout:
    """One edition's frame: what every page shows around its own text."""

    def __init__(self, document: Document, site: Site, logos: CoverLogos, pictures: Pictures):
        self.document, self.site, self.project = document, site, document.project
        self.lang = self.project.language
        self.environment = sandbox(html=True)  # each template read and compiled once, for every page
        self.environment.loader = FunctionLoader(lambda name: self.project.template(name).read_text(encoding="utf-8"))
        self.words = {key: say(self.lang, key) for key in [*WORDS["en"], "contents", "table"]}
        self.cover = self._cover(logos, pictures)

    def page(self, page: Page, fragment: str) -> str:
        previous, following = self.site.neighbours(page)
        return self._render(page.slug, page.title, page.kind, fragment, {
            "trail": [dict(self._entry(step), title=self.words["home"]) if step.slug == LANDING else self._entry(step)
                      for step in self.site.trail(page)],
            "previous": previous and self._entry(previous), "next": following and self._entry(following),
            "children": [self._entry(child) for child in self.site.children(page)] if page.kind == "part" else [],
            "contents": self._contents(page),
        })

    def search(self) -> str:
        return self._render(SEARCH, self.words["search_title"], "search", "", self._frame_only())

    def absent(self, slug: str) -> str:
        """The short page an optional list this edition lacks leaves (plan.OPTIONAL)."""
        title = say(self.lang, OPTIONAL[slug])
        return self._render(slug, title, "absent", "", self._frame_only(), absent=title)

    def _frame_only(self) -> dict:
        landing = self.site.pages[0]
        return {"trail": [], "previous": None, "next": None, "children": [], "contents": self._contents(landing, True)}

    def _render(self, slug: str, title: str, kind: str, fragment: str, parts: dict, absent: str = "") -> str:
        words = dict(self.words, absent=self.words["absent"].format(title=absent)) if absent else self.words
        context = {
            "lang": self.lang, "dir": direction(self.lang), "csp": CSP, "assets": ASSETS, "kind": kind,
            "title": title, "report_title": self.project.title, "words": words, "cover": self.cover,
            "draft_mark": i18n.text(self.lang, "draft_mark") if self.document.is_draft else "",
            "languages": self._languages(slug), "fragment": Markup(fragment), **parts,
        }
        return self._template("web-page.html.j2", context)

    @staticmethod
    def _entry(page: Page) -> dict:
        return {"title": page.title, "href": page.file}

    def _contents(self, here: Page, nothing_current: bool = False) -> list[dict]:
        """Every page in reading order, chapters under their part; the current page's own headings under it."""

        def entry(page: Page) -> dict:
            item = {**self._entry(page), "current": page is here and not nothing_current, "children": []}
            if page.kind == "part":
                item["children"] = [entry(child) for child in self.site.children(page)]
            elif page is here or page.slug == LANDING:
                item["children"] = [{"title": title, "href": f"{page.file}#{ident}", "current": False, "children": []}
                                    for ident, title in page.sections]
            if page.slug == LANDING:
                item["title"] = self.words["home"]
            return item

        return [entry(page) for page in self.site.pages if not page.parent]

    def _languages(self, slug: str) -> list[dict]:
        return [{"code": code, "name": language_name(code), "href": f"../{code}/{slug}.html",
                 "current": code == self.lang} for code in self.project.languages or [self.lang]]

    def _cover(self, logos: CoverLogos, pictures: Pictures) -> dict:
        project = self.project

        def logo(source: str, alt: str) -> dict:
            picture = pictures(source.removeprefix("media/")) or Picture("")
            return {"src": picture.src, "alt": alt, "attributes": picture.attributes(LOGO_SIZES)}

        names = [agency.name for agency in project.agencies.values() if agency.logo]
        return {
            "coalition": project.coalition, "subtitle": project.subtitle, "edition": project.edition,
            "date": i18n.long_date(project.date, self.lang) if project.date else "",
            "coalition_logo": logo(logos.coalition, project.coalition) if logos.coalition else None,
            "logos": [logo(source, name) for source, name in zip(logos.agencies, names, strict=True)],
            "downloads": [{"href": f"../../{name}", "label": label, "type": kind}
                          for suffix, label, kind in DOWNLOADS for name in [download_name(project, suffix)]
                          if (project.build_dir / name).is_file()],
        }

    def editions(self) -> str:
        """build/html/index.html: every edition, named in its own language, linked to its landing page."""
        project, source = self.project, self.project.source_language

        def text(key: str, lang: str) -> str:  # the edition's own words are in `project`; the others in texts
            return pick(project.texts[key], lang, source) if project.texts.get(key) else getattr(project, key)

        editions = [{"code": code, "dir": direction(code), "name": language_name(code), "href": f"{code}/index.html",
                     "title": text("title", code)} for code in project.languages or [self.lang]]
        context = {"lang": source, "dir": direction(source), "csp": CSP, "title": text("title", source),
                   "editions": editions, "coalition": text("coalition", source), "skip": say(source, "skip")}
        return self._template("web-editions.html.j2", context)

    def _template(self, name: str, context: dict) -> str:
        """The house style's template `name` (the project's templates/ may have its own) filled in."""
        return render(self.environment, self.project.template_label(name), context, name=name)


def download_name(edition: Project, suffix: str) -> str:
    """The name `jointreport build` gives an edition's file: <slug>.pdf in the source language,
    <slug>.<lang>.pdf in the others. The build writes them before the web edition, which offers those
    there are."""
    lang = edition.language
    return f"{edition.slug}{'' if lang == edition.source_language else '.' + lang}.{suffix}"
