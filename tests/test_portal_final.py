"""Marking a draft final from the portal when the draft's own metadata is broken: a plain refusal the focal
point can act on, never an 'internal error'; the draft stays as it was. HTTP against the real uvicorn on
127.0.0.1."""

from __future__ import annotations

import httpx

from pipeline.web.app import Settings
from pipeline.web.tokens import TokenStore

from .conftest import copy_example
from .webserver import serving

BROKEN_FRONT_MATTER = b"---\ntitle: [the bracket is never closed\n---\n\n# Fiscal space\n\nThe floor is affordable.\n"


def test_a_markdown_draft_whose_front_matter_is_not_yaml_is_refused_final_in_plain_words(tmp_path):
    """It is stored (its card says the metadata cannot be read); marking it final, by the API or the page,
    is a 422 that says what to mend, and the file on disk is untouched."""
    root = copy_example(tmp_path / "example")
    secret = TokenStore(root).issue("agency", "unicef")[1]
    auth = {"Authorization": f"Bearer {secret}"}
    with serving(Settings(root)) as server:
        sent = httpx.post(f"{server.url}/api/drafts", headers=auth, data={"section": "fiscal-space"},
                          files={"file": ("fiscal-space.md", BROKEN_FRONT_MATTER)}, timeout=60)
        assert sent.status_code == 201, sent.text
        api = httpx.post(f"{server.url}/api/drafts/final", headers=auth, data={"section": "fiscal-space"})
        with httpx.Client(base_url=server.url) as browser:
            browser.get(f"/a/{secret}")
            page = browser.post(f"/a/{secret}/final", data={"section": "fiscal-space", "confirm": "yes",
                                                            "csrf": browser.cookies["jr_csrf"]})
    assert api.status_code == 422 and api.json()["error"] == "bad-metadata", api.text
    assert "between the --- lines" in api.json()["message"]
    assert page.status_code == 422 and "between the --- lines" in page.text
    assert (root / "contributions/unicef/fiscal-space.md").read_bytes() == BROKEN_FRONT_MATTER


def test_the_address_a_form_left_in_the_address_bar_opens_the_agencys_page(tmp_path):
    """Without JavaScript, the card is the answer to the form's POST, so the address bar then shows
    /a/<link>/upload (or /final); opened again later (a restored session, a bookmark, a link passed to a
    colleague) it leads back to the agency's page, not to 'There is no such page'."""
    root = copy_example(tmp_path / "example")
    secret = TokenStore(root).issue("agency", "unicef")[1]
    with serving(Settings(root)) as server:
        answers = {action: httpx.get(f"{server.url}/a/{secret}/{action}") for action in ("upload", "final")}
        unknown = httpx.get(f"{server.url}/a/{'x' * 43}/upload")
    for answer in answers.values():
        assert answer.status_code == 303 and answer.headers["location"] == f"/a/{secret}"
    assert unknown.status_code == 401  # a link that is no link is told so, not sent on
