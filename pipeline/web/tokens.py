"""Access by link: secrets printed once, only their SHA-256 kept in .jointreport/tokens.json.

A secret is 32 random bytes (256 bits) in URL-safe base64; it is never stored, so a copy of the
project gives nobody access. Lookups hash the presented secret and compare it with every stored
hash in constant time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import JointreportError
from ..files import write_atomically

STATE_DIR = ".jointreport"
TOKENS_FILE = "tokens.json"
EDITOR = "editor"
AGENCY = "agency"


@dataclass(frozen=True)
class Token:
    id: str  # short public id, for `tokens list` and `revoke` and the audit log
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
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class TokenStore:
    def __init__(self, root: Path):
        self.path = Path(root) / STATE_DIR / TOKENS_FILE

    def load(self) -> list[Token]:
        if not self.path.is_file():
            return []
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return [Token(**entry) for entry in data.get("tokens", [])]
        except (ValueError, TypeError) as exc:
            raise JointreportError(f"{self.path}: not a token file jointreport wrote ({exc})") from None

    def _save(self, tokens: list[Token]) -> None:
        payload = {"tokens": [asdict(t) for t in tokens]}
        write_atomically(self.path, (json.dumps(payload, indent=2) + "\n").encode("utf-8"))

    def issue(self, role: str, agency: str | None = None, note: str = "") -> tuple[Token, str]:
        """A new token and its secret; the secret is shown once and never written."""
        secret = secrets.token_urlsafe(32)
        while secret.startswith("-"):  # a secret pasted after a command must not read as an option
            secret = secrets.token_urlsafe(32)
        tokens = self.load()
        token = Token(f"t-{secrets.token_hex(4)}", role, agency, _digest(secret),
                      dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), note=note)
        self._save(tokens + [token])
        return token, secret

    def revoke(self, token_id: str) -> Token:
        """Revoke by id (t-…), or by the secret itself when that is what the editor has at hand."""
        tokens = self.load()
        digest = _digest(token_id)
        found = [t for t in tokens if t.id == token_id or hmac.compare_digest(t.hash, digest)]
        if not found:
            raise JointreportError(f"no token {token_id!r} (see `jointreport tokens list`)")
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        revoked = Token(**{**asdict(found[0]), "revoked": found[0].revoked or now})
        self._save([revoked if t.id == revoked.id else t for t in tokens])
        return revoked

    def find(self, secret: str | None) -> Token | None:
        """The live token whose secret this is, or None; every stored hash is compared, in constant time."""
        if not secret or len(secret) > 200:
            return None
        presented = _digest(secret)
        match = None
        for token in self.load():
            if hmac.compare_digest(presented, token.hash) and token.revoked is None:
                match = token
        return match
