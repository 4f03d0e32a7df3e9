"""The web edition (issue 25): `build --format all` makes build/html/ beside the DOCX and the PDF, from the
same assembled report. Held as a reader meets it: every link leads somewhere, the numbers are the PDF's,
the language switcher lands on the same section, search finds a section, axe-core finds no WCAG 2.1 A/AA
violation in Chromium, a phone's 360 px need no sideways scrolling; and as an editor meets it: one edited
draft rewrites one page and the search index."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import re
import threading
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from pypdf import PdfReader

from .conftest import chromium_driver, copy_example, jointreport, needs_client, replace_once
from .test_citations import NORTH_BIB
from .test_matter import with_matter

LANGUAGES = ("en", "fr", "es")
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"  # axe-core 4.14.1 (npm), MPL-2.0
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    """The example built in every language and format, as `jointreport build --format all` builds it."""
    root = copy_example(tmp_path_factory.mktemp("web") / "example")
    run = jointreport("build", "--force", "--lang", "all", "--format", "all", "--project", str(root))
    assert run.code == 0, run.stderr
    return root


class Page(HTMLParser):
    """What a test needs of one built page: its ids, links, element languages and headings."""

    def __init__(self, path: Path):
        super().__init__(convert_charrefs=True)
        self.path, self.ids, self.links, self.tags, self.h1, self.text = path, set(), [], [], 0, []
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append((tag, name, attrs[name]))
        for candidate in (attrs.get("srcset") or "").split(","):
            if candidate.strip():
                self.links.append((tag, "srcset", candidate.split()[0]))
        self.h1 += tag == "h1"

    def handle_data(self, data):
        self.text.append(data)

    def elements(self, tag: str, **wanted) -> list[dict]:
        return [attrs for name, attrs in self.tags if name == tag and all(attrs.get(k) == v for k, v in wanted.items())]


def pages_of(root: Path, lang: str) -> list[Path]:
    return sorted((root / "build" / "html" / lang).glob("*.html"))


def test_each_edition_is_a_tree_of_pages_with_one_h1_each(example):
    site = example / "build" / "html"
    names = {lang: [p.name for p in pages_of(example, lang)] for lang in LANGUAGES}
    assert names["en"] == names["fr"] == names["es"]  # the same pages in every edition
    assert {"index.html", "search.html", "ch-origins.html", "part-overview.html", "abbreviations.html",
            "annex-workplan.html", "annex.html", "references.html"} <= set(names["en"])
    for lang in LANGUAGES:
        for path in pages_of(example, lang):
            page = Page(path)
            assert page.elements("html")[0]["lang"] == lang, path
            assert page.h1 == 1, f"{path.name} has {page.h1} h1"
    landing = Page(site / "fr" / "index.html")
    assert "Socle de protection sociale pour une mondialisation juste et inclusive" in "".join(landing.text)
    assert [a["href"] for a in landing.elements("a", type="application/pdf")] == ["../../spf-flagship-report.fr.pdf"]
    editions = Page(site / "index.html")
    assert [a["href"] for a in editions.elements("a") if a.get("hreflang")] == [f"{c}/index.html" for c in LANGUAGES]


def broken_links(build: Path) -> tuple[list, list, int]:
    """Every link, picture and font of build/html/ whose file (or anchor in it) is missing; every script,
    stylesheet or picture fetched from elsewhere; and how many links were followed."""
    broken, external, parsed = [], [], {}

    def page(path: Path) -> Page:
        if path not in parsed:
            parsed[path] = Page(path)
        return parsed[path]

    checked = 0
    for path in sorted((build / "html").rglob("*.html")):
        for tag, _, link in page(path).links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https", "mailto"):
                if tag != "a":
                    external.append((path.name, link))
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            checked += 1
            missing_anchor = target.suffix == ".html" and parts.fragment and parts.fragment not in page(target).ids
            if not target.is_file() or missing_anchor:
                broken.append((path.relative_to(build).as_posix(), link))
    stylesheet = (build / "html" / "assets" / "site.css").read_text(encoding="utf-8")
    for font in re.findall(r'url\("([^"]+)"\)', stylesheet):
        checked += 1
        if not (build / "html" / "assets" / font).is_file():
            broken.append(("assets/site.css", font))
    return broken, external, checked


def test_every_internal_link_and_picture_resolves_and_nothing_is_fetched_from_elsewhere(example):
    broken, external, checked = broken_links(example / "build")
    assert checked > 1000
    assert broken == [] and external == []


def _captions_in(text: str) -> list[tuple[str, str]]:
    """(label, first words of the caption) of each numbered figure and table in reading order."""
    text = text.replace("\xad", "-")
    return [(label, " ".join(words.split()[:4]))
            for label, words in re.findall(r"((?:Figure|Table) \d+\.\d+): ([^\n]{20,80})", text)]


def test_figure_and_table_numbers_are_the_pdfs(example):
    pdf = " ".join(page.extract_text() for page in PdfReader(str(example / "build" / "spf-flagship-report.pdf")).pages)
    in_pdf = _captions_in(pdf)
    site = example / "build" / "html" / "en"
    order = [a["href"] for a in Page(site / "index.html").elements("a") if a.get("href", "").startswith("ch-")]
    in_html = []
    for name in dict.fromkeys(order):
        html = (site / name).read_text(encoding="utf-8")
        in_html += _captions_in(re.sub(r"<[^>]+>", "", html.replace("</span> ", " ")))
    assert len(in_pdf) >= 10
    assert in_html == in_pdf


def test_cross_references_and_citations_are_links_to_their_target(example):
    site = example / "build" / "html" / "en"
    citations = [a["href"] for path in pages_of(example, "en")
                 for a in Page(path).elements("a", **{"class": "citation"})]
    assert "references.html#ref_wssr2010" in citations
    assert all(href.startswith("references.html#ref_") for href in citations)
    notes = Page(site / "ch-origins.html")
    assert notes.elements("a", **{"class": "footnote-ref"}) and "footnotes" in notes.ids


def test_cross_references_and_a_chapters_own_references_link_within_the_site(fixture_project):
    root = fixture_project("numbers")
    (root / "contributions" / "north" / "refs.bib").write_text(NORTH_BIB, encoding="utf-8")
    with open(root / "contributions" / "north" / "gamma.md", "a", encoding="utf-8") as gamma:
        gamma.write("\nA note [@undated] and the report [@ilo2017].\n")
    with open(root / "report.yaml", "a", encoding="utf-8") as report:
        report.write("references: chapter\n")
    run = jointreport("build", "--format", "html", "--force", "--project", str(root))
    assert run.code == 0, run.stderr
    site = root / "build" / "html" / "en"
    first, second = Page(site / "ch-first.html"), Page(site / "ch-second.html")
    html = (site / "ch-second.html").read_text(encoding="utf-8")
    assert '<a href="ch-first.html#alpha_north_fig_costs" class="xref">Figure 1.1</a>' in html  # another page's
    assert {a["href"] for a in first.elements("a", **{"class": "xref"})} == {
        "#alpha_north_fig_costs", "#alpha_north_tbl_rates", "ch-second.html#sec_gamma"}  # @sec:gamma too
    cited = [a["href"] for a in second.elements("a", **{"class": "citation"})]
    assert cited == ["#ch_second_ref_undated", "#ch_second_ref_ilo2017"]  # the chapter's own list, on its page
    assert all(href[1:] in second.ids for href in cited)
    assert not (site / "references.html").exists()  # no edition has a list at the end
    assert "Download" not in (site / "index.html").read_text(encoding="utf-8")  # no PDF or DOCX was made
    assert broken_links(root / "build")[:2] == ([], [])


def test_the_language_switcher_lands_on_the_same_section(example):
    site = example / "build" / "html"
    for path in pages_of(example, "fr"):
        page = Page(path)
        switch = {a["hreflang"]: a["href"] for a in page.elements("a") if a.get("hreflang") and a.get("lang")}
        alternates = {link["hreflang"]: link["href"] for link in page.elements("link", rel="alternate")}
        assert switch == {"en": f"../en/{path.name}", "es": f"../es/{path.name}"}
        assert alternates == {code: f"../{code}/{path.name}" for code in LANGUAGES}
        other = Page((path.parent / switch["es"]).resolve())
        assert other.elements("html")[0]["lang"] == "es"
        sections = {i for i in page.ids if i.startswith(("sec_", "ch_", "part_", "annex", "matter_"))}
        assert sections <= other.ids, path.name  # every section of the page is on the other one
    assert "sec_safety_nets" in Page(site / "es" / "ch-origins.html").ids


def test_text_not_yet_translated_keeps_its_language_and_says_so(example):
    french = (example / "build" / "html" / "fr" / "ch-origins.html").read_text(encoding="utf-8")
    note = "Ce texte n'est pas encore disponible en français\u202f; il est présenté en anglais."
    untranslated = french.index("The idea that every society should guarantee a minimum of social security")
    opening = french.rindex('<div class="fallback-text" lang="en">', 0, untranslated)
    assert french.rindex(note, 0, opening) > french.rindex('id="sec_spf_concept"', 0, opening)
    translated = french.index("La Banque mondiale définit les filets de sécurité")  # safety-nets.fr.md
    assert french.rfind("fallback-text", french.index('id="sec_safety_nets"'), translated) == -1


def test_pages_are_light_and_pictures_come_in_web_sizes(example):
    site = example / "build" / "html"
    shared = sum((site / "assets" / name).stat().st_size for name in ("site.css", "roboto-regular.woff2",
                                                                      "roboto-bold.woff2", "roboto-italic.woff2"))
    heaviest = max(path.stat().st_size for lang in LANGUAGES for path in pages_of(example, lang))
    assert heaviest + shared < 200_000, (heaviest, shared)
    pictures = [img for path in pages_of(example, "en") for img in Page(path).elements("img")]
    figure = next(img for img in pictures if "-480." in (img.get("srcset") or "") and img["alt"])
    assert figure["srcset"].count("w,") >= 1 and figure["width"] and figure["height"] and figure["sizes"]


def test_a_drafts_markup_cannot_script_the_site(fixture_project):
    root = fixture_project("minimal")
    draft = next((root / "contributions").rglob("*.md"))
    (draft.parent / "chart.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(3)"><script>alert(4)</script>'
        '<rect width="10" height="10" fill="navy"/><image href="https://example.org/x.png"/></svg>')
    with open(draft, "a", encoding="utf-8") as out:
        out.write('\n[Open me](javascript:alert(1)) and [local](notes.docx) and [site](https://example.org)'
                  '{onclick="alert(2)"} and [styled]{style="display:none" lang=de}.\n\n![A navy square](chart.svg)\n')
    run = jointreport("build", "--format", "html", "--force", "--project", str(root))
    assert run.code == 0, run.stderr
    html = "".join(path.read_text(encoding="utf-8") for path in (root / "build" / "html").rglob("*.html"))
    assert "Open me" in html and "javascript:" not in html and "onclick" not in html and "notes.docx" not in html
    assert '<a href="https://example.org">site</a>' in html and '<span lang="de">styled</span>' in html
    assert "display:none" not in html
    (svg,) = (root / "build" / "html" / "media").glob("*.svg")  # opened by itself, it runs and fetches nothing
    assert '<img src="../media/' + svg.name + '"' in html and 'alt="A navy square"' in html
    assert b"<rect" in svg.read_bytes() and not re.search(rb"alert|onload|example\.org", svg.read_bytes())


def test_front_and_back_matter_and_the_copyright_notice(fixture_project):
    root = with_matter(fixture_project("minimal"))
    (root / "chapters" / "notes.md").write_text("All figures are in current US dollars.\n")
    run = jointreport("build", "--format", "html", "--project", str(root))
    assert run.code == 0, run.stderr
    site = root / "build" / "html" / "en"
    landing = (site / "index.html").read_text(encoding="utf-8")
    for words in ("ISBN 978-92-2-000000-0", "The coalition thanks every agency.", "Key messages",
                  "Social protection floors are nationally defined guarantees."):
        assert words in landing
    assert landing.index("Foreword") < landing.index("Key messages") < landing.index("Acknowledgements")
    back = Page(site / "matter-notes.html")
    assert "All figures are in current US dollars." in "".join(back.text)
    assert back.elements("a", rel="prev")[0]["href"] == "annex.html"


def _times(root: Path) -> dict[str, int]:
    site = root / "build" / "html"
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}


def test_one_edited_draft_rewrites_its_page_in_each_edition_and_the_search_index_only(tmp_path):
    root = copy_example(tmp_path / "example")
    first = jointreport("build", "--force", "--format", "html", "--project", str(root))
    assert first.code == 0, first.stderr
    # the web edition is one site: every edition is made, their pages linking one another (the other formats
    # follow --lang)
    assert all((root / "build" / "html" / lang / "index.html").is_file() for lang in LANGUAGES)
    assert not list((root / "build").glob("*.fr.*"))
    before = _times(root)
    replace_once(root / "contributions" / "esn" / "education.md", "renewed by each generation",
                 "renewed, and taught, by each generation")
    run = jointreport("build", "--force", "--format", "html", "--project", str(root))
    assert run.code == 0, run.stderr
    after = _times(root)
    changed = [name for name in after if after[name] != before.get(name)]
    assert _rewritten(before, after) == [f"{lang}/ch-political-social.html" for lang in ("en", "es", "fr")]
    assert "en/pagefind/pagefind-entry.json" in changed
    assert "renewed, and taught, by each generation" in (root / "build/html/en/ch-political-social.html").read_text()
    outline = root / "chapters" / "outline.yaml"
    replace_once(outline, '{en: "Social protection education",', '{en: "Teaching social protection",')
    assert jointreport("build", "--force", "--format", "html", "--project", str(root)).code == 0
    retitled = _times(root)
    assert _rewritten(after, retitled) == ["en/annex.html", "en/ch-political-social.html"]  # where it stands
    replace_once(outline, '{en: "Political and social dimensions of the social protection floor",',
                 '{en: "The politics of the social protection floor",')
    assert jointreport("build", "--force", "--format", "html", "--project", str(root)).code == 0
    assert _rewritten(retitled, _times(root)) == sorted(f"en/{p.name}" for p in pages_of(root, "en"))  # contents


def _rewritten(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return sorted(name for name in after if after[name] != before.get(name) and name.endswith(".html")
                  and "/pagefind/" not in name)


@contextmanager
def served(folder: Path):
    """A plain static web server on 127.0.0.1 for `folder`, as any host of the site would be."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = chromium_driver(tmp_path_factory.mktemp("chromium"), "--hide-scrollbars", browser_log=True)
    yield driver
    driver.quit()


def _search(browser, url: str, words: str) -> list[str]:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{url}?q={words}")
    try:
        WebDriverWait(browser, 60).until(lambda b: b.find_element("id", "jr-status").text)
    except TimeoutException:
        pytest.fail(f"no answer from the search page; its console: {browser.get_log('browser')}")
    return [link.get_attribute("href") for link in browser.find_elements("css selector", "#jr-results a")]


@needs_client("chromedriver")
def test_search_finds_a_sections_page_in_its_edition(example, browser):
    with served(example / "build") as url:
        english = _search(browser, f"{url}/html/en/search.html", "teachers")  # in esn/education.md
        assert english and english[0].startswith(f"{url}/html/en/ch-political-social.html#")
        assert "teachers" in browser.find_element("css selector", "#jr-results mark").text.lower()
        section = urlsplit(english[0]).fragment
        assert section in Page(example / "build/html/en/ch-political-social.html").ids
        assert section.startswith(("sec_education", "education_esn_"))  # the section's heading or one within it
        french = _search(browser, f"{url}/html/fr/search.html", "filets")  # in undp/safety-nets.fr.md
        assert french and french[0].startswith(f"{url}/html/fr/ch-origins.html#")
        assert _search(browser, f"{url}/html/es/search.html", "zzyzxq") == []
        assert browser.find_element("id", "jr-status").text == "No se encontró nada para «zzyzxq»."


@needs_client("chromedriver")
def test_axe_core_finds_no_wcag_21_aa_violation_on_any_page(example, browser):
    axe = AXE.read_text(encoding="utf-8")
    site = example / "build" / "html"
    found = {}
    with served(example / "build") as url:
        for path in sorted(site.rglob("*.html")):
            if "pagefind" in path.parts:
                continue
            browser.get(f"{url}/html/{path.relative_to(site).as_posix()}")
            browser.execute_script(axe)
            result = browser.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}}).then(done, e => done(String(e)));",
                WCAG_21_AA)
            assert isinstance(result, dict), result
            violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
            if violations:
                found[path.relative_to(site).as_posix()] = violations
    assert len(list(site.rglob("*.html"))) > 50
    assert found == {}


@needs_client("chromedriver")
def test_no_page_scrolls_sideways_on_a_360_px_phone(example, browser):
    site = example / "build" / "html"
    wide = {}
    with served(example / "build") as url:
        browser.set_window_size(360, 800)
        inner = browser.execute_script("return window.innerWidth")
        for path in [site / "index.html", *pages_of(example, "en"), *pages_of(example, "fr")[:4]]:
            browser.get(f"{url}/html/{path.relative_to(site).as_posix()}")
            width = browser.execute_script("return document.documentElement.scrollWidth")
            if width > inner:
                wide[path.name] = width
        browser.set_window_size(1280, 900)
    assert inner <= 360 and wide == {}


def test_the_editors_open_the_latest_web_edition_in_the_portal(example):
    import httpx

    from pipeline.web.app import Settings
    from pipeline.web.tokens import TokenStore

    from .webserver import serving

    tokens = TokenStore(example)
    editor, agency = tokens.issue("editor")[1], tokens.issue("agency", "ilo")[1]
    with serving(Settings(example, as_of=dt.date(2011, 4, 20))) as server:
        editors_page = httpx.get(f"{server.url}/e/{editor}", timeout=60).text
        assert f'href="/e/{editor}/build/html/">Web edition</a>' in editors_page
        site = f"{server.url}/e/{editor}/build/html"
        chapter = httpx.get(f"{site}/fr/ch-origins.html", timeout=30)
        assert chapter.status_code == 200 and "origines et évolution du concept" in chapter.text
        assert "wasm-unsafe-eval" in chapter.headers["content-security-policy"]
        assert httpx.get(f"{site}/").text == (example / "build" / "html" / "index.html").read_text(encoding="utf-8")
        pdf = httpx.get(f"{site}/fr/../../spf-flagship-report.fr.pdf")  # the landing page's download link
        assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
        for refused in (f"{server.url}/e/{agency}/build/html/en/index.html",  # an agency's link
                        f"{server.url}/e/{editor}/build/.cache/build-state.json",
                        f"{server.url}/e/{editor}/build/html/%2e%2e/%2e%2e/report.yaml"):
            assert httpx.get(refused).status_code in (403, 404), refused
