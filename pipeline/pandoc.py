"""Every pandoc run goes through here: sandboxed, memory-capped and timed out, because drafts are untrusted."""

from __future__ import annotations

import copy
import functools
import json
import subprocess
from pathlib import Path

import pypandoc

from .errors import DraftError, JointreportError

# pandoc's manual ("A note on security") recommends a heap cap for untrusted input.
SAFETY_ARGS = ["--sandbox", "+RTS", "-M1500m", "-RTS"]
TIMEOUT_SECONDS = 180


@functools.cache
def pandoc_path() -> str:
    """The pandoc that pypandoc-binary ships, found without pypandoc's probes (it runs `pandoc --version`
    in six places, and its lookup is not thread-safe); else whatever pypandoc finds."""
    bundled = Path(pypandoc.__file__).parent / "files" / "pandoc"
    return str(bundled) if bundled.is_file() else pypandoc.get_pandoc_path()


@functools.cache
def pandoc_version() -> str:
    """'3.9', asked of the pandoc we run, once per process."""
    try:
        out = subprocess.run([pandoc_path(), "--version"], capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        raise JointreportError(f"pandoc cannot be started ({exc}); reinstall jointreport (pypandoc-binary)") from None
    return out.stdout.split()[1]


def run_pandoc(args: list[str], stdin: bytes | None = None, cwd: Path | None = None) -> bytes:
    """Run pandoc; raises `PandocFailed` with pandoc's own first error line."""
    try:
        proc = subprocess.run(
            [pandoc_path(), *SAFETY_ARGS, *args], input=stdin, capture_output=True,
            timeout=TIMEOUT_SECONDS, cwd=cwd, check=False,
        )
    except subprocess.TimeoutExpired:
        raise PandocFailed(f"pandoc gave up after {TIMEOUT_SECONDS} s") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PandocFailed(message[0] if message else f"pandoc exited with {proc.returncode}")
    return proc.stdout


class PandocFailed(DraftError):
    pass


def read_to_ast(data: bytes, reader: str, media_dir: Path) -> dict:
    """Convert one draft (its bytes, as intake read them) to pandoc's JSON AST, extracting its embedded
    media into `media_dir`."""
    out = run_pandoc(["-f", reader, "-t", "json", f"--extract-media={media_dir}"], stdin=data)
    return json.loads(out)


def write_from_ast(ast: dict, writer: str, args: list[str], cwd: Path | None = None) -> bytes:
    try:
        return run_pandoc(["-f", "json", "-t", writer, *args, "-o", "-"], stdin=json.dumps(ast).encode(), cwd=cwd)
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
