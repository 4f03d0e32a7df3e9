"""A real uvicorn serving `jointreport serve`'s app on 127.0.0.1 in a thread, for the tests and `make bench`."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from pipeline.web.app import Settings, create_app


@dataclass
class Server:
    url: str
    root: Path
    app: object


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(settings: Settings, timeout: float = 20, lifespan: str = "off"):
    """Start uvicorn on a free port, wait until it answers, stop it afterwards (`lifespan="on"`: with the
    app's start-up and shutdown, as `jointreport serve` runs it)."""
    app = create_app(settings)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan=lifespan, timeout_graceful_shutdown=5))
    thread = threading.Thread(target=server.run, daemon=True, name=f"uvicorn-{port}")
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield Server(f"http://127.0.0.1:{port}", Path(settings.root), app)
    finally:
        server.should_exit = True
        thread.join(timeout)
