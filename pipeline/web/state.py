"""What every handler of the portal shares, made once by `create_app` and held on `app.state.portal`:
the settings, the token store, the per-agency quotas, the conversion line, the background build, the
page templates."""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from jinja2.sandbox import SandboxedEnvironment
from starlette.requests import Request

from ..errors import JointreportError
from ..model import Project
from ..project import load_project
from ..templating import sandbox
from .builds import Builder
from .conversions import Conversions
from .recovery import recover
from .throttle import Quota, Quotas
from .tokens import TokenStore

log = logging.getLogger("jointreport.web")

MAX_UPLOAD_BYTES = 25_000_000
STATIC_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")  # Host names IPv6 in brackets, Origin's host not


@dataclass
class Settings:
    root: Path
    max_upload: int = MAX_UPLOAD_BYTES
    as_of: dt.date | None = None  # judge deadlines as on this day (the example is set in 2011)
    rate: int = 300  # requests that change something, per client and minute
    page_rate: int = 240  # pages (and other reads), per client and minute
    host_names: tuple[str, ...] = ()  # the names the portal answers to; none: only the loopback names
    any_host: bool = False  # answer any Host (serve on a public address without --host-name, with a warning)
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)  # report cards made at once
    memory_budget: int = 1_500_000_000  # bytes, the server and its children together
    quota: Quota = field(default_factory=Quota)
    body_idle: float = 30  # seconds a request body may pause
    body_deadline: float = 600  # seconds a whole request body may take
    card_codes: bool = False  # show finding codes on the agencies' cards (editors always see them)

    @property
    def megabytes(self) -> str:
        """The upload limit as people read it ('25 MB')."""
        return f"{self.max_upload / 1_000_000:g} MB"

    @property
    def allowed_hosts(self) -> list[str]:
        return ["*"] if self.any_host else list(self.host_names or LOOPBACK_NAMES)


@dataclass
class Portal:
    settings: Settings
    tokens: TokenStore
    quotas: Quotas
    conversions: Conversions
    builder: Builder
    templates: SandboxedEnvironment
    statics: dict[str, Path]  # the files /static/ may serve, by name: nothing else is reachable

    @classmethod
    def open(cls, settings: Settings) -> Portal:
        settings.root = Path(settings.root).resolve()
        package = resources.files("pipeline.web")
        static = Path(str(package / "static"))
        portal = cls(settings, TokenStore(settings.root), Quotas(settings.quota),
                     Conversions(settings.workers, settings.memory_budget), Builder(settings.root, settings.as_of),
                     sandbox(Path(str(package / "templates")), html=True),
                     {p.name: p for p in static.iterdir() if p.suffix in STATIC_TYPES})
        try:
            recover(portal.project())
        except JointreportError as exc:  # answered as a 503 on each request until the editors act
            log.error("the portal could not set its records right at start: %s", exc)
        return portal

    def project(self) -> Project:
        """The project as its files say now: an editor may change report.yaml while the portal runs."""
        return load_project(self.settings.root)


def portal(request: Request) -> Portal:
    return request.app.state.portal
