"""What the portal's log keeps when an attacker or a clumsy focal point knocks: the real `jointreport serve`
(and the in-process uvicorn for a forced bug) on 127.0.0.1, its whole log read back afterwards, decoded as a
reader would decode it, for a link's secret and for any path of this machine."""

from __future__ import annotations

import os
import re
import socket
import sys
import time
from pathlib import Path
from urllib.parse import unquote

import httpx

from pipeline.web.app import Settings
from pipeline.web.tokens import TokenStore

from . import webserver
from .conftest import REPO, copy_example
from .webserver import serve_command, serving

TOP_FOLDERS = {name for name in os.listdir("/") if Path("/", name).is_dir()}
A_PATH = re.compile(r"(?<![\w.:/~-])/([\w.@+-]+)(?:/[\w.@+-]+)+")


def decoded(text: str) -> str:
    """The log as someone reading it would see it: percent-encoding undone, twice over."""
    return unquote(unquote(text))


def paths_in(text: str) -> list[str]:
    """Absolute paths of this machine in a text (/tmp/…, /work/…, /root/…); the portal's own addresses
    (/a/…, /api/…, /static/…) are not folders of this machine."""
    return [m.group() for m in A_PATH.finditer(text) if m.group(1) in TOP_FOLDERS]


def raw_get(url: str, path: str) -> bytes:
    """A request line exactly as typed, unnormalised (httpx would tidy `//a/` and `..`)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    return answer


def test_links_typed_any_way_leave_no_secret_in_the_real_servers_log(tmp_path):
    """A secret percent-encoded (as some mail clients and link checkers rewrite a link), or encoded twice,
    reaches the page all the same, and the log names the token by its id, never by the encoded secret."""
    root = copy_example(tmp_path / "example")
    token, secret = TokenStore(root).issue("agency", "ilo")
    encoded = "".join(f"%{ord(c):02X}" for c in secret)
    typed = [f"/a/{encoded}", f"/a/{encoded.lower()}", f"/a/{encoded.replace('%', '%25')}", f"//a/{secret}",
             f"/A/{secret}", f"/a/{secret}/../x", f"/a/{secret}%2Fupload", f"/a/{secret[:-1]}%{ord(secret[-1]):02x}"]
    log = tmp_path / "server.log"
    with serve_command(root, log=log) as server:
        answers = [raw_get(server.url, path).split(b"\r\n", 1)[0] for path in typed]
    assert answers[0].endswith(b"200 OK") and answers[-1].endswith(b"200 OK"), answers  # the page, as typed
    text = log.read_text(errors="replace")
    assert secret[:16] not in decoded(text) and secret[-16:] not in decoded(text), text
    assert text.count(token.id) >= len(typed) - 1


def test_a_bug_leaves_a_traceback_without_any_path_of_this_machine(fixture_project, monkeypatch, tmp_path):
    """A 500 is logged with its traceback for the editors, its files named from where Python found them
    (pipeline/web/editors.py, starlette/routing.py): no folder of the server's, no secret."""
    from pipeline.web import editors

    root = fixture_project("minimal")
    token, secret = TokenStore(root).issue("editor")
    monkeypatch.setattr(webserver, "LOG", tmp_path / "server.log")

    def broken(*args):
        raise RuntimeError(f"a bug near {root}/x and {secret}")

    monkeypatch.setattr(editors, "editor_context", broken)
    with serving(Settings(root)) as server:
        assert httpx.get(f"{server.url}/e/{secret}").status_code == 500
    text = (tmp_path / "server.log").read_text()
    assert "Traceback" in text and 'File "pipeline/web/editors.py"' in text and f"/e/{token.id}" in text
    assert not paths_in(text), sorted(set(paths_in(text)))[:5]
    assert str(REPO) not in text and sys.prefix not in text and secret[:16] not in text


def test_uploads_their_senders_abandon_are_no_bugs_in_the_log(tmp_path):
    """Focal points who close the tab mid-upload (or a slow-client attack that gives up): the server
    answers on, and its log has no 'internal error' and no traceback for them, only for real bugs."""
    root = copy_example(tmp_path / "example")
    secret = TokenStore(root).issue("agency", "ilo")[1]
    log = tmp_path / "server.log"
    with serve_command(root, log=log) as server:
        host, port = server.url.removeprefix("http://").split(":")
        for path, auth in (("/api/drafts", f"Authorization: Bearer {secret}\r\n"), (f"/a/{secret}/upload", "")):
            with socket.create_connection((host, int(port)), timeout=10) as s:
                s.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Length: 100000\r\n"
                          "Content-Type: multipart/form-data; boundary=b\r\n\r\n--b\r\nContent-Disposition: "
                          'form-data; name="file"; filename="d.docx"\r\n\r\n'.encode() + b"x" * 5000)
                time.sleep(0.5)  # the form is being read when the sender goes
        time.sleep(1)
        assert httpx.get(f"{server.url}/api/health").status_code == 200
    text = log.read_text()
    assert "internal error" not in text and "Traceback" not in text, text[-3000:]
