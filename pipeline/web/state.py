"""What every handler of the portal shares, made once by `create_app` and held on `app.state.portal`:
the settings, the token store, the rate limit, the background build, the page templates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from jinja2.sandbox import SandboxedEnvironment
from starlette.requests import Request

from ..model import Project
from ..project import load_project
from ..templating import sandbox
from .builds import Builder
from .guard import RateLimit
from .tokens import TokenStore

MAX_UPLOAD_BYTES = 25_000_000
STATIC_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}


@dataclass
class Settings:
    root: Path
    max_upload: int = MAX_UPLOAD_BYTES
    as_of: dt.date | None = None  # judge deadlines as on this day (the example is set in 2011)
    rate: int = 300  # requests that change something, per client and minute

    @property
    def megabytes(self) -> str:
        """The upload limit as people read it ('25 MB')."""
        return f"{self.max_upload / 1_000_000:g} MB"


@dataclass
class Portal:
    settings: Settings
    tokens: TokenStore
    limiter: RateLimit
    builder: Builder
    templates: SandboxedEnvironment
    statics: dict[str, Path]  # the files /static/ may serve, by name: nothing else is reachable

    @classmethod
    def open(cls, settings: Settings) -> Portal:
        settings.root = Path(settings.root).resolve()
        package = resources.files("pipeline.web")
        static = Path(str(package / "static"))
        return cls(settings, TokenStore(settings.root), RateLimit(settings.rate),
                   Builder(settings.root, settings.as_of), sandbox(Path(str(package / "templates")), html=True),
                   {p.name: p for p in static.iterdir() if p.suffix in STATIC_TYPES})

    def project(self) -> Project:
        """The project as its files say now: an editor may change report.yaml while the portal runs."""
        return load_project(self.settings.root)


def portal(request: Request) -> Portal:
    return request.app.state.portal
