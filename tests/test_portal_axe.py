"""Every page of the portal a visitor can meet, the refusals included, passes axe-core's WCAG 2.1 A/AA rules
in Chromium, as served by the real uvicorn on 127.0.0.1: the front page, an agency's sections and
registers, the editors' page (also on a phone), and the pages that say no (unknown page, link, role; too
large)."""

from __future__ import annotations

import socket

import httpx
import pytest

from pipeline.web.app import Settings
from pipeline.web.tokens import TokenStore

from .conftest import chromium_driver, copy_example, needs_client
from .test_html import AXE, WCAG_21_AA
from .webserver import serving


@pytest.fixture
def browser(tmp_path):
    driver = chromium_driver(tmp_path / "profile", "--window-size=1280,900")
    yield driver
    driver.quit()


def violations(browser) -> list[tuple[str, list]]:
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}}).then(done, e => done(String(e)));",
        WCAG_21_AA)
    assert isinstance(result, dict), result
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


def refused_as_too_large(url: str, path: str) -> str:
    """The page the guard answers an upload over the limit with (before any handler: no template)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 999999999\r\n"
                  "\r\n".encode())
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    return answer.split(b"\r\n\r\n", 1)[1].decode()


@needs_client("chromedriver")
def test_axe_core_finds_no_wcag_21_aa_violation_on_the_portals_pages(tmp_path, browser):
    root = copy_example(tmp_path / "example")
    store = TokenStore(root)
    agency, editor = store.issue("agency", "unicef")[1], store.issue("editor")[1]
    pages = {"front": "/", "sections": f"/a/{agency}", "registers": f"/a/{agency}/registers",
             "editors": f"/e/{editor}", "no such page": "/nope", "no such link": f"/a/{'x' * 43}",
             "not this role": f"/e/{agency}"}
    found = {}
    with serving(Settings(root)) as server:
        sent = httpx.post(f"{server.url}/api/drafts", headers={"Authorization": f"Bearer {agency}"},
                          data={"section": "costing"}, files={"file": ("costing.md", b"# Costing\n\nWords.\n")},
                          timeout=60)
        assert sent.status_code == 201, sent.text  # the editors' page has a line of history to show
        for name, path in pages.items():
            browser.get(server.url + path)
            found[name] = violations(browser)
        browser.set_window_size(390, 900)  # a phone: the editors' tables scroll within their panels
        for name in ("sections", "editors"):
            browser.get(server.url + pages[name])
            found[f"{name} on a phone"] = violations(browser)
        browser.get(f"{server.url}/nope")
        browser.execute_script("document.open(); document.write(arguments[0]); document.close();",
                               refused_as_too_large(server.url, f"/a/{agency}/upload"))
        assert browser.title == "Too large"
        found["too large"] = violations(browser)
    assert {name: v for name, v in found.items() if v} == {}
