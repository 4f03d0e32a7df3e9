"""The portal's uvicorn, as `jointreport serve`, the tests and `make bench` all run it.

h11 waits for a request's headers for ever, and uvicorn's `limit_concurrency` counts every open
connection, so 200 sockets that never finish their headers make every other visitor's request a 503.
`GuardedH11` closes a connection whose headers have not all arrived within `header_timeout` of its
opening (or of its last answer, on a kept-alive connection), and keeps at most `per_client` open
connections per client address: over that, the client's oldest connection that is not in the middle of
a request is closed, else the one whose request body has not come for longest (at least `STALLED`
seconds: a slow-POST attack, or a tab left hanging), else the new one. A trusted proxy's address is not
capped per client. The cap in all stays within the files the host lets the server open (their soft limit
raised to the hard one where it must): past it, the server could accept nobody, not even the health
probe. Proxy headers
(X-Forwarded-For, -Proto) are believed only from `--forwarded-allow-ips` (uvicorn's ProxyHeadersMiddleware);
by default from nobody.
"""

from __future__ import annotations

import ipaddress
import resource
from dataclasses import dataclass, replace
from pathlib import Path

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from .logs import log_config


@dataclass
class Listen:
    """How the server meets the network."""

    host: str = "127.0.0.1"
    port: int = 8000
    forwarded_allow_ips: tuple[str, ...] = ()  # proxies whose X-Forwarded-For is believed; none by default
    header_timeout: float = 10.0  # seconds a client has to send a request's headers
    per_client: int = 32  # open connections per client address
    max_connections: int = 2000  # in all, over which the oldest idle connection goes
    keep_alive: int = 10  # seconds an idle kept-alive connection stays open


STALLED = 1.0  # seconds a request body may pause before its connection may go for a new one over the cap


class GuardedH11(H11Protocol):
    """uvicorn's h11 protocol with a deadline for a request's headers and a cap on connections."""

    listen = Listen()

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self.opened, self.deadline = self.loop.time(), None
        self.heard = self.opened
        self.arm()
        self.cap()

    def arm(self) -> None:
        """Start the clock for the next request's headers."""
        if self.deadline is not None:
            self.deadline.cancel()
        self.deadline = self.loop.call_later(self.listen.header_timeout, self.too_slow)

    def in_request(self) -> bool:
        return self.cycle is not None and not self.cycle.response_complete

    def data_received(self, data: bytes) -> None:
        self.heard = self.loop.time()
        super().data_received(data)

    def stalled(self) -> float:
        """Seconds the body of the request in progress has not come (0 when none is awaited)."""
        if not self.in_request() or self.conn.their_state is not h11.SEND_BODY:
            return 0.0
        return self.loop.time() - self.heard

    def handle_events(self) -> None:
        super().handle_events()
        if self.in_request() and self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self.arm()

    def connection_lost(self, exc) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
        super().connection_lost(exc)

    def too_slow(self) -> None:
        self.deadline = None
        if not self.in_request() and not self.transport.is_closing():
            self.transport.close()

    def cap(self) -> None:
        """Over the cap, close the client's oldest connection that holds no request in progress, else the
        one whose request body has stalled longest, else this new one."""
        address = self.client[0] if self.client else ""
        trusted = address in self.listen.forwarded_allow_ips
        mine = [c for c in self.connections if c.client and c.client[0] == address] if not trusted else []
        for crowd, limit in ((mine, self.listen.per_client), (list(self.connections), self.listen.max_connections)):
            if len(crowd) <= limit:
                continue
            others = [c for c in crowd if c is not self and not c.transport.is_closing()]
            idle = [c for c in others if not c.in_request()]
            stalled = [c for c in others if c.stalled() >= STALLED]
            victim = (min(idle, key=lambda c: c.opened) if idle else
                      max(stalled, key=lambda c: c.stalled()) if stalled else self)
            victim.transport.close()
            victim.connections.discard(victim)


FILES_PER_CONNECTION = 2  # its socket, and the temporary file an upload's body is spooled to
FILES_RESERVED = 256  # the records (a connection per thread), pandoc's pipes, drafts being read, the logs
BACKLOG = 128  # connections the kernel queues before they are accepted: each takes a file once accepted


def within_open_files(listen: Listen) -> Listen:
    """`listen` with its cap in all lowered to what the process's open files allow, once their soft
    limit is raised as far as the cap needs and the hard limit lets it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = FILES_RESERVED + BACKLOG + FILES_PER_CONNECTION * listen.max_connections
    if soft != resource.RLIM_INFINITY and soft < needed:
        raised = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return listen
    return replace(listen, max_connections=max(1, (soft - FILES_RESERVED - BACKLOG) // FILES_PER_CONNECTION))


def protocol(listen: Listen) -> type[GuardedH11]:
    return type("GuardedH11", (GuardedH11,), {"listen": listen})


def is_public(host: str) -> bool:
    """Whether an address to listen on can be reached from other machines."""
    if host in ("localhost", ""):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True  # a host name: whatever it resolves to


def config(app, root: Path, listen: Listen, log_level: str = "info", log_file: Path | None = None,
           lifespan: str = "on") -> uvicorn.Config:
    listen = within_open_files(listen)
    return uvicorn.Config(
        app, host=listen.host, port=listen.port, http=protocol(listen), lifespan=lifespan, server_header=False,
        backlog=BACKLOG,
        proxy_headers=bool(listen.forwarded_allow_ips), forwarded_allow_ips=list(listen.forwarded_allow_ips) or None,
        timeout_keep_alive=listen.keep_alive, timeout_graceful_shutdown=5, limit_concurrency=None,
        log_config=log_config(root, log_level, log_file), log_level=log_level, h11_max_incomplete_event_size=16_384)
