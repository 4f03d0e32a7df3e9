"""The portal shared out among many clients: many connections from many addresses (each under the
per-client cap) must not use up the server's open files, or it can accept nobody, not even the health
probe, and floods its log with the same traceback; a flood of pages from one address must not take every
core. The real `jointreport serve` on 127.0.0.1, its open files limited as a host's default may (1,024 on
many; less here, to keep the test small), and the in-process uvicorn to count pages being made."""

from __future__ import annotations

import socket
import time

import httpx

from pipeline.web.tokens import TokenStore

from .conftest import copy_example
from .webserver import serve_command

OPEN_FILES = 600


def test_more_connections_than_open_files_leave_health_answering(tmp_path):
    """Kept-alive connections from 700 addresses of 127.0.0.0/8 (one or two each, as many people behind
    as many routers): the server closes the oldest idle ones rather than run out of files."""
    root = copy_example(tmp_path / "example")
    TokenStore(root).issue("agency", "ilo")
    log = tmp_path / "server.log"
    with serve_command(root, log=log, open_files=OPEN_FILES) as server:
        port = int(server.url.rsplit(":", 1)[1])
        crowd = []
        try:
            for i in range(700):
                s = socket.socket()
                s.bind((f"127.0.{1 + i // 250}.{2 + i % 250}", 0))
                s.connect(("127.0.0.1", port))
                s.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")  # answered, then left open
                crowd.append(s)
            time.sleep(0.5)
            with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.9.9")) as probe:
                answers = [probe.get(f"{server.url}/api/health", timeout=1).status_code for _ in range(5)]
        finally:
            for s in crowd:
                s.close()
    assert answers == [200] * 5
    assert "Too many open files" not in log.read_text(errors="replace")


def test_a_flood_of_pages_from_one_address_takes_its_turns(tmp_path, monkeypatch):
    """Twenty pages asked at once from one address are made a few at a time (a browser asks for six at
    most), so the machine's cores stay shared with everyone else's pages; none is refused for it."""
    import threading

    from pipeline.web import agency
    from pipeline.web.app import Settings

    from .webserver import serving

    root = copy_example(tmp_path / "example")
    secret = TokenStore(root).issue("agency", "ilo")[1]
    made, now, busiest = agency.agency_context, [0], [0]
    lock = threading.Lock()

    def counted(*args):
        with lock:
            now[0] += 1
            busiest[0] = max(busiest[0], now[0])
        try:
            time.sleep(0.2)  # a page that takes a while, so that the twenty overlap
            return made(*args)
        finally:
            with lock:
                now[0] -= 1

    monkeypatch.setattr(agency, "agency_context", counted)
    with serving(Settings(root)) as server, httpx.Client(limits=httpx.Limits(max_connections=20)) as client:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(20) as pool:
            codes = list(pool.map(lambda _: client.get(f"{server.url}/a/{secret}", timeout=60).status_code,
                                  range(20)))
    assert codes == [200] * 20
    assert busiest[0] <= 4, busiest[0]
