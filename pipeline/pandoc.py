"""Every pandoc run goes through here: sandboxed, memory-capped and timed out, because drafts are untrusted."""

from __future__ import annotations

import array
import copy
import functools
import importlib.util
import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path

from .errors import DraftError, JointreportError
from .tree import as_json

# pandoc's manual ("A note on security") recommends a heap cap for untrusted input. Writing the whole
# report gets the large budget; reading one draft gets a budget scaled to its text (`draft_budget`).
HEAP_MB = 1500
TIMEOUT_SECONDS = 180
# Measured on a 2-core machine: 12 MB of Word XML take pandoc 10 s and 1 GB, 7.5 MB of Markdown 6 s and
# 0.75 GB; an ordinary draft (under 1 MB of text) well under a second.
DRAFT_SECONDS, DRAFT_SECONDS_PER_MB, DRAFT_MAX_SECONDS = 10, 2, 30
DRAFT_HEAP_MB, DRAFT_HEAP_MB_PER_MB = 400, 100
# Deeper than this, the converted draft is refused (input/too-complex) before anything walks it: pandoc's
# JSON nests about two levels per quote or list level, and Python walks nest one call per level.
MAX_AST_DEPTH = 300


@functools.cache
def pandoc_path() -> str:
    """The pandoc that pypandoc-binary ships, found without pypandoc's probes (it runs `pandoc --version`
    in six places, and its lookup is not thread-safe); else whatever pypandoc finds."""
    spec = importlib.util.find_spec("pypandoc")  # its folder, without importing it (a build with nothing to do)
    bundled = Path(spec.origin).parent / "files" / "pandoc" if spec and spec.origin else None
    if bundled and bundled.is_file():
        return str(bundled)
    import pypandoc

    return pypandoc.get_pandoc_path()


def pandoc_identity() -> str:
    """Which pandoc runs, told without running it (asking its version starts a process, a tenth of a
    second): its path, size and change time. What a build with nothing changed compares."""
    path = Path(pandoc_path())
    state = path.stat()
    return f"{path}|{state.st_size}|{state.st_mtime_ns}|{state.st_ctime_ns}"


@functools.cache
def pandoc_version() -> str:
    """'3.9', asked of the pandoc we run, once per process."""
    try:
        out = subprocess.run([pandoc_path(), "--version"], capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        raise JointreportError(f"pandoc cannot be started ({exc}); reinstall jointreport (pypandoc-binary)") from None
    return out.stdout.split()[1]


def safety_args(heap_mb: int) -> list[str]:
    return ["--sandbox", "+RTS", f"-M{heap_mb}m", "-RTS"]


def draft_budget(text_bytes: int) -> tuple[int, int]:
    """Seconds and heap megabytes one draft's conversion may take, scaled to the size of its text."""
    megabytes = text_bytes / 1_000_000
    seconds = min(DRAFT_MAX_SECONDS, round(DRAFT_SECONDS + DRAFT_SECONDS_PER_MB * megabytes))
    return seconds, min(HEAP_MB, round(DRAFT_HEAP_MB + DRAFT_HEAP_MB_PER_MB * megabytes))


def run_pandoc(args: list[str], stdin: bytes | None = None, cwd: Path | None = None,
               timeout: int = TIMEOUT_SECONDS, heap_mb: int = HEAP_MB, yielding: bool = False) -> bytes:
    """Run pandoc; raises `PandocFailed` with pandoc's own first error line, or `TooComplex` when it
    runs out of its time or memory. A `yielding` run leaves the processors to whatever else runs at the
    same time (`nice`): the DOCX writer gives way to Typst, the longer of the two."""
    polite = ["nice", "-n", "10"] if yielding and shutil.which("nice") else []
    try:
        proc = subprocess.run(
            [*polite, pandoc_path(), *safety_args(heap_mb), *args], input=stdin, capture_output=True,
            timeout=timeout, cwd=cwd, check=False,
        )
    except subprocess.TimeoutExpired:
        raise TooComplex(f"too complex to convert: pandoc gave up after {timeout} s; look for a long run of "
                         "brackets, asterisks or nested lists, or split the draft") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        if any("heap" in line.lower() and ("exhausted" in line.lower() or "overflow" in line.lower())
               for line in message):
            raise TooComplex(f"too complex to convert: it needs more than {heap_mb} MB of memory; split the "
                             "draft or simplify its structure")
        raise PandocFailed(message[0] if message else f"pandoc exited with {proc.returncode}")
    return proc.stdout


class PandocFailed(DraftError):
    pass


class TooComplex(DraftError):
    code = "input/too-complex"


_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKETS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[{]}")


def json_depth(data: bytes) -> int:
    """How deep JSON nests, found without recursion (strings cannot hide brackets)."""
    brackets = _JSON_STRING.sub(b"", data).translate(_BRACKETS, _NOT_BRACKETS)
    return max(itertools.accumulate(array.array("b", brackets)), default=0)


def read_to_ast(data: bytes, reader: str, media_dir: Path, text_bytes: int | None = None) -> dict:
    """Convert one draft (its bytes, as intake read them) to pandoc's JSON AST, extracting its embedded
    media into `media_dir`, within the budget its `text_bytes` give it. An AST nested too deep for the
    checks to walk is refused (`TooComplex`) before it is decoded."""
    seconds, heap = draft_budget(len(data) if text_bytes is None else text_bytes)
    try:
        out = run_pandoc(["-f", reader, "-t", "json", f"--extract-media={media_dir}"], stdin=data,
                         timeout=seconds, heap_mb=heap)
    except PandocFailed as exc:
        kind = {"docx": "Word .docx", "odt": "OpenDocument .odt"}.get(reader)
        if kind is None:
            raise
        raise PandocFailed(f"cannot be read as a {kind} file ({exc}); open it in Word or LibreOffice, save it "
                           f"again as {kind.split()[-1]} and send it again") from None
    depth = json_depth(out)
    if depth > MAX_AST_DEPTH:
        raise TooComplex(f"too complex: its quotes, lists or tables are nested more than {MAX_AST_DEPTH // 2} "
                         "levels deep; flatten the structure")
    return json.loads(out)


def write_from_ast(ast: dict, writer: str, args: list[str], cwd: Path | None = None, yielding: bool = False) -> bytes:
    try:
        return run_pandoc(["-f", "json", "-t", writer, *args, "-o", "-"], stdin=as_json(ast), cwd=cwd,
                          yielding=yielding)
    except PandocFailed as exc:
        raise JointreportError(f"pandoc could not write {writer}: {exc}") from None


def markdown_blocks(text: str, verbatim: bool = False) -> list:
    """Blocks of a short Markdown text the project itself holds. `verbatim` keeps quotes and dashes as
    typed (no smart typography), as agreed language must be. A fresh copy each time: callers edit it."""
    return copy.deepcopy(_markdown_blocks(text, verbatim))


@functools.cache
def _markdown_blocks(text: str, verbatim: bool) -> list:
    reader = "markdown-raw_html-raw_tex-raw_attribute" + ("-smart" if verbatim else "")
    return json.loads(run_pandoc(["-f", reader, "-t", "json"], stdin=text.encode()))["blocks"]
