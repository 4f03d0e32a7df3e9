"""The portal against slow and many clients, spoofed proxy headers and foreign host names: the real
uvicorn (the guarded protocol `jointreport serve` runs) on 127.0.0.1."""

from __future__ import annotations

import socket
import time

import httpx
import pytest

from pipeline.web.app import Settings
from pipeline.web.server import Listen, is_public
from pipeline.web.tokens import TokenStore

from .conftest import copy_example
from .webserver import serving


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    return copy_example(tmp_path_factory.mktemp("network") / "example")


def half_open(url: str, n: int) -> list[socket.socket]:
    """`n` connections that send the start of a request's headers and never the end."""
    host, port = url.removeprefix("http://").split(":")
    sockets = []
    for _ in range(n):
        s = socket.create_connection((host, int(port)))
        s.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        sockets.append(s)
    return sockets


def closed_by_server(s: socket.socket) -> bool:
    """Whether the server closed it (what it sent before is read and ignored)."""
    s.settimeout(0.01)
    try:
        while s.recv(65536):
            continue
        return True
    except (TimeoutError, BlockingIOError):
        return False
    except OSError:
        return True


def test_200_half_open_connections_leave_health_answering_and_are_closed(example):
    """From the same address as the probes (the hard case): each probe gets its answer within a second,
    and the server closes the half-open connections: the oldest at once over the cap per client, the rest
    when their headers' deadline passes."""
    listen = Listen(header_timeout=2, per_client=32)
    with serving(Settings(example), listen=listen) as server:
        sockets = half_open(server.url, 200)
        try:
            for _ in range(10):
                assert httpx.get(f"{server.url}/api/health", timeout=1.0).status_code == 200
            assert sum(closed_by_server(s) for s in sockets) >= 200 - 32  # over the cap: closed at once
            time.sleep(3)
            assert all(closed_by_server(s) for s in sockets)  # the rest: past the deadline for headers
            assert httpx.get(f"{server.url}/api/health", timeout=1.0).status_code == 200
        finally:
            for s in sockets:
                s.close()


def test_a_kept_alive_connection_that_starts_a_request_and_stalls_is_closed(example):
    listen = Listen(header_timeout=1)
    with serving(Settings(example), listen=listen) as server:
        host, port = server.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port))) as s:
            s.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            s.settimeout(5)
            assert b"200 OK" in s.recv(4096)
            s.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127")  # the next request never finishes
            time.sleep(2)
            assert closed_by_server(s)


def test_a_request_body_that_stops_coming_is_408(example):
    secret = TokenStore(example).issue("agency", "helpage")[1]
    with serving(Settings(example, body_idle=1), listen=Listen()) as server:
        host, port = server.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port))) as s:
            s.sendall(b"POST /api/drafts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + secret.encode()
                      + b"\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 5000\r\n\r\n--b\r\n")
            s.settimeout(10)
            answer = b""
            while b"too-slow" not in answer and (chunk := s.recv(4096)):
                answer += chunk
    assert answer.startswith(b"HTTP/1.1 408") and b"too-slow" in answer


def test_a_spoofed_forwarded_for_from_an_unconfigured_address_is_ignored(example):
    """Without --forwarded-allow-ips, X-Forwarded-For changes nothing: the rate limit still counts the
    real address. From a configured proxy, it names the client."""
    def codes(listen: Listen) -> list[int]:
        with serving(Settings(example, rate=3), listen=listen) as server:
            return [httpx.post(f"{server.url}/api/drafts", data={"section": "x"},
                               headers={"X-Forwarded-For": f"10.9.0.{n}"}).status_code for n in range(6)]

    assert codes(Listen()) == [401] * 3 + [429] * 3
    assert codes(Listen(forwarded_allow_ips=("127.0.0.1",))) == [401] * 6  # six clients behind the proxy


def test_pages_are_rate_limited_per_client_with_retry_after(example):
    with serving(Settings(example, page_rate=5), listen=Listen()) as server:
        answers = [httpx.get(f"{server.url}/a/not-a-link") for _ in range(7)]
        assert [a.status_code for a in answers] == [401] * 5 + [429] * 2
        assert int(answers[-1].headers["retry-after"]) >= 1
        assert httpx.get(f"{server.url}/api/health").status_code == 200  # the probe is never limited


def test_only_the_configured_host_names_are_answered_and_forms_must_come_from_them(example):
    secret = TokenStore(example).issue("agency", "helpage")[1]
    with serving(Settings(example, host_names=("report.example.org",)), listen=Listen()) as server:
        assert httpx.get(f"{server.url}/api/health", headers={"Host": "evil.example"}).status_code == 400
        assert httpx.get(f"{server.url}/api/health").status_code == 400  # 127.0.0.1 is not a configured name
        with httpx.Client(base_url=server.url, headers={"Host": "report.example.org"}) as browser:
            assert browser.get(f"/a/{secret}").status_code == 200
            form = {"section": "social-pensions", "csrf": browser.cookies["jr_csrf"], "confirm": "yes"}
            # the Host a request names proves nothing: the Origin must be a configured name
            for origin, status in (("http://127.0.0.1", 403), ("https://evil.example", 403),
                                   ("https://report.example.org", 303)):
                answer = browser.post(f"/a/{secret}/final", data=form, headers={"Origin": origin})
                assert answer.status_code == status, origin


def test_serve_warns_on_a_public_address_without_a_host_name(example, monkeypatch):
    import uvicorn
    from click.testing import CliRunner

    from pipeline.commands.serve import serve_command

    assert is_public("0.0.0.0") and is_public("203.0.113.5") and not is_public("127.0.0.1")
    started = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self: started.append(self.config))
    bare = CliRunner().invoke(serve_command, ["--project", str(example), "--host", "0.0.0.0"])
    named = CliRunner().invoke(serve_command, ["--project", str(example), "--host", "0.0.0.0",
                                               "--host-name", "report.example.org"])
    local = CliRunner().invoke(serve_command, ["--project", str(example)])
    assert "warning: serving on a public address (0.0.0.0) without --host-name" in bare.output
    assert "warning" not in named.output and "warning" not in local.output
    assert len(started) == 3 and not any(c.proxy_headers for c in started)  # nobody's X-Forwarded-For by default


def test_the_ipv6_loopback_name_is_answered_like_the_others(example):
    """`serve --host ::1`: browsers send Host [::1]:port and Origin http://[::1]:port."""
    secret = TokenStore(example).issue("agency", "helpage")[1]
    with serving(Settings(example), listen=Listen()) as server, httpx.Client(
            base_url=server.url, headers={"Host": "[::1]:8000"}) as browser:
        assert browser.get(f"/a/{secret}").status_code == 200
        form = {"section": "social-pensions", "csrf": browser.cookies["jr_csrf"], "confirm": "yes"}
        answer = browser.post(f"/a/{secret}/final", data=form, headers={"Origin": "http://[::1]:8000"})
        assert answer.status_code == 303


def test_uploads_whose_body_never_comes_do_not_lock_their_address_out(example):
    """Forty requests from one address that send their headers and the start of a body, then nothing (a
    slow-POST attack, or a tab left hanging): over the per-client cap, the connection whose body has been
    quiet longest is closed for a new one, so the address's next request (here the health probe) is
    answered, not dropped; until then, those bodies keep their full body_idle time."""
    secret = TokenStore(example).issue("agency", "helpage")[1]
    with serving(Settings(example), listen=Listen(per_client=8)) as server:
        host, port = server.url.removeprefix("http://").split(":")
        stalled = []
        try:
            for _ in range(40):
                s = socket.create_connection((host, int(port)))
                s.sendall(f"POST /api/drafts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {secret}\r\n"
                          "Content-Length: 100000\r\nContent-Type: multipart/form-data; boundary=b\r\n\r\n--b\r\n"
                          .encode())
                stalled.append(s)
            time.sleep(1.5)
            answers = []
            for _ in range(5):
                try:
                    answers.append(httpx.get(f"{server.url}/api/health", timeout=1.0).status_code)
                except httpx.TransportError as exc:
                    answers.append(type(exc).__name__)
            assert answers == [200] * 5
        finally:
            for s in stalled:
                s.close()
