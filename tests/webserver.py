"""The portal's real server on 127.0.0.1 for the tests and `make bench`: uvicorn as `jointreport serve`
configures it (the guarded protocol, the redacted logs), in a thread of this process, or the command
itself in a child process (for what is measured from outside: memory, kill -9)."""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from pipeline.web.app import Settings, create_app
from pipeline.web.server import Listen, config

LOG = Path(os.environ.get("JOINTREPORT_TEST_LOG", f"/tmp/jointreport-test-{os.getpid()}.log"))


@dataclass
class Server:
    url: str
    root: Path
    app: object = None
    process: subprocess.Popen | None = None
    log: Path = LOG


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(settings: Settings, timeout: float = 20, lifespan: str = "off", listen: Listen | None = None):
    """Start uvicorn on a free port, wait until it answers, stop it afterwards (`lifespan="on"`: with the
    app's start-up and shutdown, as `jointreport serve` runs it). Its log goes to `LOG`."""
    app = create_app(settings)
    listen = listen or Listen()
    listen.host, listen.port = "127.0.0.1", free_port()
    server = uvicorn.Server(config(app, Path(settings.root), listen, "info", LOG, lifespan))
    thread = threading.Thread(target=server.run, daemon=True, name=f"uvicorn-{listen.port}")
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield Server(f"http://127.0.0.1:{listen.port}", Path(settings.root), app)
    finally:
        server.should_exit = True
        thread.join(timeout)


@contextmanager
def serve_command(root: Path, *options: str, log: Path, timeout: float = 60, open_files: int | None = None):
    """`jointreport serve` in a child process on a free port, its log in `log`; killed afterwards. With
    `open_files`, the child may open no more files than that (soft and hard limit, as a host may set)."""
    port = free_port()
    command = [sys.executable, "-m", "pipeline", "serve", "--project", str(root), "--port", str(port), *options]
    with open(log, "ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                   preexec_fn=open_files and (lambda: resource.setrlimit(
                                       resource.RLIMIT_NOFILE, (open_files, open_files))))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"jointreport serve did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield Server(url, root, process=process, log=log)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
