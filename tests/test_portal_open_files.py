"""The portal within the files the host lets it open: many connections from many addresses (each under
the per-client cap) must not use up the server's open files, or it can accept nobody, not even the
health probe, and floods its log with the same traceback. The real `jointreport serve` on 127.0.0.1, its
open files limited as a host's default may (1,024 on many; less here, to keep the test small)."""

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
