"""What a draft may hold before pandoc sees it: its body's size and text, and no XML entities."""

from __future__ import annotations

import io
import re
import zipfile

from ..errors import DraftError, TooLarge
from ..files import declares_doctype

# What a draft may hold, so that `check` stays within about 10 s and 500 MB for it and `build` within a minute
# and 1 GB. Measured on a 2-core machine: a draft's cost grows with its text, about 8 s and 250 MB for
# `check` per MB (170,000 words), three times that for `build`; and pandoc needs 1 GB for 12 MB of Word XML.
MAX_DRAFT_TEXT = 1_000_000  # characters of text: some 170,000 words, ten times a long section
MAX_BODY_XML = 10_000_000  # a Word or ODT package's body unpacked, markup included
MAIN_PARTS = {"docx": "word/document.xml", "odt": "content.xml"}

TAG = re.compile(rb"<[^>]*>")


def text_size(data: bytes, fmt: str) -> tuple[int, int]:
    """What converting a draft costs: the size of its body (a Markdown file's bytes, a Word or ODT package's
    body XML unpacked: the package itself is mostly pictures) and of the text in it. A body over
    MAX_BODY_XML is not unpacked."""
    if fmt not in MAIN_PARTS:
        return len(data), len(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            info = package.getinfo(MAIN_PARTS[fmt])
            if info.file_size > MAX_BODY_XML:
                return info.file_size, 0
            return info.file_size, len(TAG.sub(b"", package.read(info)))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError, NotImplementedError, EOFError):
        return len(data), 0  # the package check reports what is wrong with it


ENTITY_ATTACK = ("the file contains XML entity declarations, which Word and LibreOffice never write; "
                 "re-save it from Word (or LibreOffice) as {what} and send it again")


def check_no_entities(data: bytes, fmt: str) -> None:
    """Refuse a package whose XML declares a DOCTYPE or entities (a 'billion laughs' or an external entity
    pointing at a file): no word processor writes one, so it was crafted or damaged."""
    if fmt not in MAIN_PARTS:
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for info in package.infolist():
                if info.filename.endswith((".xml", ".rels")):
                    with package.open(info) as part:
                        if declares_doctype(part):
                            raise DraftError(ENTITY_ATTACK.format(what=f".{fmt}"))
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError, EOFError):
        return  # the package check reports what is wrong with the archive itself


def check_text_size(data: bytes, fmt: str) -> int:
    """The size of the draft's body, or `TooLarge` before conversion when it holds more than a draft may."""
    body, text = text_size(data, fmt)
    if body > MAX_BODY_XML:
        raise TooLarge(f"its body is {body / 1_000_000:.1f} MB of XML unpacked, over the "
                       f"{MAX_BODY_XML / 1_000_000:g} MB a draft may hold; split it into several sections")
    if text > MAX_DRAFT_TEXT:
        raise TooLarge(f"it holds {text / 1_000_000:.1f} MB of text (about {text // 6:,} words), over the "
                       f"{MAX_DRAFT_TEXT / 1_000_000:g} MB a draft may hold; split it into several sections, or "
                       "leave out pasted data")
    return body

