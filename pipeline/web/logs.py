"""The server's log names a link by its token's id (t-1a2b3c4d), never its secret, and no path outside the
project: every line passes `RedactSecrets`, whatever logged it (uvicorn's access and error logs, the
portal's own, a traceback) and however the link was typed (`//a/<secret>`, `/A/<secret>/`, a secret
with a letter changed, percent-encoded once or twice). Anything that looks like a secret is replaced: by
its token's id when it is one, else by `t-?`. A traceback names its files from where Python found them
(pipeline/web/agency.py, starlette/routing.py), not from the server's folders."""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path
from urllib.parse import unquote

SECRETISH = re.compile(r"[A-Za-z0-9_\-]{20,}")
WORDISH = re.compile(r"(?:[A-Za-z0-9_\-]|%[0-9A-Fa-f]{2})+")  # a run of a URL's characters, encoded or not
HEX = re.compile(r"[0-9a-fA-F]+")
ABSOLUTE_PATH = re.compile(r"(?<![\w:/.~])(?:/[^\s/'\"()<>]+){2,}/?")
UNKNOWN = "t-?"


def looks_secret(text: str) -> bool:
    """32 random bytes in URL-safe base64 (43 characters), or a piece or variant of one: letters and
    digits mixed, not a hexadecimal digest."""
    return any(c.isdigit() for c in text) and any(c.isalpha() for c in text) and not HEX.fullmatch(text)


class Redactor:
    """Secrets out of a text, and the project's folder (the server's paths) too."""

    def __init__(self, root: Path | None = None):
        self.root = str(Path(root).resolve()) if root else None

    def token_id(self, secret: str) -> str:
        if self.root is None:
            return UNKNOWN
        try:
            from .tokens import TokenStore

            token = TokenStore(Path(self.root)).find(secret, live=False)
        except Exception:  # the log line goes out redacted whatever the records say
            return UNKNOWN
        return token.id if token else UNKNOWN

    def text(self, text: str) -> str:
        if self.root:
            text = text.replace(self.root + "/", "").replace(self.root, ".")
        return WORDISH.sub(self.run, text)

    def run(self, match: re.Match) -> str:
        """A run of a URL's characters with its secrets replaced: decoded first if it was percent-encoded
        (and then shown decoded), else as it is."""
        typed = plain = match.group()
        for _ in range(3):  # encoded twice is still a link that works once a client decodes it
            if "%" not in plain:
                break
            plain = unquote(plain, errors="replace")
        redacted = SECRETISH.sub(lambda m: self.token_id(m.group()) if looks_secret(m.group()) else m.group(), plain)
        return typed if redacted == plain else redacted

    def page(self, text: str) -> str:
        """What a page may show of a message: no secret, and no path of the server's at all (a path whose
        first folder exists here; /a/…, /api/… are the portal's addresses)."""
        return ABSOLUTE_PATH.sub(lambda m: "…" if on_this_machine(m.group()) else m.group(), self.text(text))


def code_places() -> list[str]:
    """The folders Python imports from (site-packages, the standard library, jointreport's own source),
    longest first: a traceback's file is named from there."""
    places = {p for p in sys.path if p.startswith("/") and Path(p).is_dir()}
    places.add(str(Path(__file__).resolve().parents[2]))
    return sorted((p.rstrip("/") + "/" for p in places), key=len, reverse=True)


def on_this_machine(path: str) -> bool:
    return Path("/" + path.lstrip("/").split("/", 1)[0]).is_dir()


class RedactSecrets(logging.Filter):
    """A logging filter for every handler of the server: the message and any traceback (no secret, the
    project's paths relative, a traceback's files named from where Python imports them, no other path of
    the server's)."""

    def __init__(self, root: str | Path | None = None):
        super().__init__()
        self.redactor = Redactor(Path(root) if root else None)
        self.code = code_places()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self.redactor.page(record.getMessage()), None  # no path but the project's
        if record.exc_info:
            trace = self.redactor.text(logging.Formatter().formatException(record.exc_info))
            for place in self.code:
                trace = trace.replace(f'"{place}', '"')
            record.exc_text = self.redactor.page(trace)
            record.exc_info = None
        return True


RedactTokens = RedactSecrets  # the name earlier versions exported


def log_config(root: Path, level: str = "info", file: Path | None = None) -> dict:
    """uvicorn's logging, with the portal's own logger, every handler redacted; to stderr, or to `file`."""
    stream = {"class": "logging.FileHandler", "filename": str(file)} if file else {
        "class": "logging.StreamHandler", "stream": "ext://sys.stderr"}
    handler = {**stream, "filters": ["secrets"]}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"secrets": {"()": RedactSecrets, "root": str(root)}},
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
        "handlers": {"main": {**handler, "formatter": "plain"}},
        "loggers": {name: {"handlers": ["main"], "level": level.upper(), "propagate": False}
                    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "jointreport", "asyncio")},
    }
