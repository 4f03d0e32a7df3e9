"""Access by link: secrets printed once, only their SHA-256 kept, in the portal's records.

A secret is 32 random bytes (256 bits) in URL-safe base64; it is never stored, so a copy of the
project gives nobody access. A lookup hashes the presented secret and finds its row by that hash
(an index lookup: the hash of a guess says nothing about the stored ones).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from ..errors import JointreportError
from .records import records

EDITOR = "editor"
AGENCY = "agency"
SECRET_LIMIT = 200  # longer is no secret of ours: not even hashed


@dataclass(frozen=True)
class Token:
    id: str  # short public id, for `tokens list` and `revoke`, the audit log and the server's log
    role: str  # agency or editor
    agency: str | None
    hash: str
    created: str
    revoked: str | None = None
    note: str = ""  # what the token is for, e.g. the focal point's name

    @property
    def who(self) -> str:
        return self.agency if self.role == AGENCY else EDITOR


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


class TokenStore:
    def __init__(self, root: Path):
        self.records = records(root)

    def load(self) -> list[Token]:
        return [Token(**dict(row)) for row in self.records.read("SELECT * FROM tokens ORDER BY created, id")]

    def issue(self, role: str, agency: str | None = None, note: str = "") -> tuple[Token, str]:
        """A new token and its secret; the secret is shown once and never written."""
        secret = secrets.token_urlsafe(32)
        while secret.startswith("-"):  # a secret pasted after a command must not read as an option
            secret = secrets.token_urlsafe(32)
        token = Token(f"t-{secrets.token_hex(4)}", role, agency, _digest(secret),
                      dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), note=note)
        with self.records.write() as db:
            db.execute("INSERT INTO tokens VALUES (?, ?, ?, ?, ?, ?, ?)", (
                token.id, token.role, token.agency, token.hash, token.created, token.revoked, token.note))
        return token, secret

    def revoke(self, token_id: str) -> Token:
        """Revoke by id (t-…), or by the secret itself when that is what the editor has at hand."""
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        with self.records.write() as db:
            row = db.execute("SELECT * FROM tokens WHERE id = ? OR hash = ?",
                             (token_id, _digest(token_id[:SECRET_LIMIT]))).fetchone()
            if row is None:
                named = repr(token_id) if token_id.startswith("t-") and len(token_id) < 20 else "with that secret"
                raise JointreportError(f"no token {named} (see `jointreport tokens list`)")
            db.execute("UPDATE tokens SET revoked = coalesce(revoked, ?) WHERE id = ?", (now, row["id"]))
        return Token(**{**dict(row), "revoked": row["revoked"] or now})

    def find(self, secret: str | None, live: bool = True) -> Token | None:
        """The token whose secret this is (live only, unless `live` is false), or None."""
        if not secret or len(secret) > SECRET_LIMIT:
            return None
        rows = self.records.read("SELECT * FROM tokens WHERE hash = ?", (_digest(secret),))
        token = Token(**dict(rows[0])) if rows else None
        return token if token and (token.revoked is None or not live) else None
