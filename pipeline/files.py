"""The one guard every input passes and the one way every output lands.

Inputs (drafts, chapter introductions, statements, project files) come from
many hands: a symbolic link could reach outside the project, a huge file could
exhaust memory, a file saved in a legacy encoding would garble the report. So
each is read once, here, with the same checks and the same messages. Outputs
replace the previous file in one step, so a failed build leaves it intact.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import IO

from .errors import JointreportError

NOT_UTF8 = "not UTF-8 text; save it as UTF-8 (in most editors: Save As › Encoding)"


class Unreadable(JointreportError):
    """A file the guard refuses; the message says what its sender should do."""


def guarded_read(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file that is no symbolic link, not empty and not over `max_bytes`."""
    if path.is_symlink():
        raise Unreadable("is a symbolic link; put the file itself in the folder")
    if not path.is_file():
        raise Unreadable("is not a regular file")
    size = path.stat().st_size
    if size > max_bytes:
        raise Unreadable(f"{size / 1_000_000:.1f} MB is too large (the limit is {max_bytes / 1_000_000:g} MB); "
                         "compress its pictures or split it, and send it again")
    if size == 0:
        raise Unreadable("the file is empty; send it again")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise Unreadable(f"cannot be read ({exc.strerror or exc}); check the file's permissions") from None


def decode_text(data: bytes) -> str:
    """UTF-8 text (a byte-order mark is allowed), or `Unreadable` with the message focal points understand."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unreadable(NOT_UTF8) from None


def media_name(data: bytes, suffix: str) -> str:
    """A picture's file name in the built report: its content hash, so equal pictures share one file and
    different pictures that were both called image1.png in their drafts never collide."""
    return hashlib.sha256(data).hexdigest()[:20] + suffix.lower()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_umask()  # what a plain open() would give; mkstemp's 0600 would hide outputs from others


def write_atomically(path: Path, data: bytes, durable: bool = False) -> None:
    """Replace `path` in one step, so a failed build leaves the previous output intact. A `durable` write
    (what the portal keeps of an agency's upload) reaches the disk before the rename, and the rename too."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        os.chmod(temp, FILE_MODE)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    if durable:
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


PROLOG_MAX = 1 << 20  # what may stand before an XML part's root element; no office suite writes more than a line
# what an XML part may open with before its root element: the declaration, comments, instructions, spaces
PROLOG = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.S)


def declares_doctype(part: IO[bytes]) -> bool:
    """Whether an XML part declares a document type (where entities are declared) before its root element,
    however long the comments before it and in UTF-8 or UTF-16: no office suite writes one, and a prolog
    longer than PROLOG_MAX counts as one."""
    prolog = b""
    while len(prolog) <= PROLOG_MAX:
        chunk = part.read(1 << 16)
        prolog += chunk
        text = prolog.decode("utf-16", "ignore").encode() if prolog[:2] in (b"\xff\xfe", b"\xfe\xff") else prolog
        text = text.removeprefix(b"\xef\xbb\xbf")  # a byte order mark
        rest = text[PROLOG.match(text).end():]
        if rest.startswith((b"<!DOCTYPE", b"<!ENTITY")):
            return True
        if (rest[:1] == b"<" and rest[1:2] not in (b"", b"!", b"?")) or not chunk:
            return False  # the root element (or the part's end): nothing may be declared from here on
    return True
