"""Every Typst run: from a fresh staging folder holding only what it needs, with the report's own fonts.

Typst reads any file under its root and follows symlinks there, so it never
compiles inside the project: the template, the body and the pictures are
copied into build/.staging/<new folder>/, which is removed afterwards.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from ..errors import JointreportError
from ..fonts import font_dirs

# Typst runs in a child process, so that it too has a wall-time and memory budget: the example's 48 pages
# take about 2 s and 300 MB; a report of 25 drafts at their size limit stays well within these.
TYPST_SECONDS = 300
TYPST_MEMORY = 6 * 1024 ** 3  # address space, which Rust's thread stacks and allocator reserve generously
# The child caps its own address space, first thing, before it reads its input: a cap set by the parent in
# `preexec_fn` runs Python between fork and exec, which Python documents as unsafe in a process with threads
# (builds render from two, the portal serves from many); a cap set from outside after the start
# (`prlimit`) would leave the child unbounded for a moment. The cap is the child's first argument.
LIMIT = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
"""
# The document's own answer to `query` (a label), asked of the compiler that laid it out: a few milliseconds.
QUERY = """
def answer(compiler, p):
    if not p.get("query"):
        return
    try:
        found = compiler.query(p["query"], field="value", one=True)
    except (typst.TypstError, RuntimeError):
        found = "null"
    with open(p["out"] + ".query", "w", encoding="utf-8") as out:
        out.write(found)
"""
CHILD = LIMIT + """
import json, sys, typst
""" + QUERY + """
p = json.load(sys.stdin)
try:
    compiler = typst.Compiler(p["main"], root=p["root"], font_paths=p["fonts"], ignore_system_fonts=True,
                              sys_inputs=p["inputs"])
    result = compiler.compile(**p["options"])
    answer(compiler, p)
except typst.TypstError as exc:
    sys.stderr.write(str(getattr(exc, "diagnostic", None) or getattr(exc, "message", None) or exc))
    sys.exit(2)
with open(p["out"], "wb") as out:
    out.write(result[0] if isinstance(result, list) else result)
"""


def _compile(main: Path, root: Path, inputs: dict[str, str], options: dict, out: Path, what: str,
             query: str | None = None) -> bytes:
    params = {"main": str(main), "root": str(root), "fonts": [str(d) for d in font_dirs()], "inputs": inputs,
              "options": options, "out": str(out), "query": query}
    try:
        proc = subprocess.run([sys.executable, "-c", CHILD, str(TYPST_MEMORY)], input=json.dumps(params).encode(),
                              capture_output=True, timeout=TYPST_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise JointreportError(f"{what} could not be typeset:\nerror: Typst gave up after {TYPST_SECONDS} s") from None
    if proc.returncode != 0 or not out.is_file():
        detail = proc.stderr.decode("utf-8", "replace").strip()
        if proc.returncode != 2:  # not Typst's own error: the child ran out of memory or crashed
            detail = f"error: Typst stopped (exit {proc.returncode}), out of memory or crashed\n{detail[-500:]}"
        raise JointreportError(f"{what} could not be typeset:\n{detail}")
    return out.read_bytes()


WARM_CHILD = LIMIT + """
import json, sys, typst
""" + QUERY + """
compilers = {}
for line in sys.stdin:
    p = json.loads(line)
    # the inputs are given once, to the compiler: passing them to compile() makes Typst forget what it memoised
    key = (p["main"], p["root"], json.dumps(p["inputs"], sort_keys=True))
    try:
        if key not in compilers:
            compilers[key] = typst.Compiler(p["main"], root=p["root"], font_paths=p["fonts"], ignore_system_fonts=True,
                                            sys_inputs=p["inputs"])
        result = compilers[key].compile(**p["options"])
        answer(compilers[key], p)
        with open(p["out"], "wb") as out:
            out.write(result[0] if isinstance(result, list) else result)
        reply = {"ok": True}  # not `answer`: that is the query's function, called again for the next document
    except typst.TypstError as exc:
        reply = {"ok": False, "error": str(getattr(exc, "diagnostic", None) or getattr(exc, "message", None) or exc)}
    sys.stdout.write(json.dumps(reply) + "\\n")
    sys.stdout.flush()
"""


class WarmTypst:
    """One Typst child kept for a `watch` session or a portal, with one compiler per document: Typst
    memoises what it laid out, so after a one-paragraph edit it redoes only what changed. Same budgets as a
    one-shot run; a child that stopped (out of memory, say) is replaced and the document tried once more
    from nothing, so a draft is never blamed for what the kept child gathered."""

    def __init__(self):
        self.lock = threading.Lock()
        self.proc: subprocess.Popen | None = None
        self.staging: set[Path] = set()  # the session's staging folders, removed with it

    def compile(self, main: Path, root: Path, inputs: dict[str, str], options: dict, out: Path, what: str,
                query: str | None = None) -> bytes:
        params = {"main": str(main), "root": str(root), "fonts": [str(d) for d in font_dirs()], "inputs": inputs,
                  "options": options, "out": str(out), "query": query}
        with self.lock:
            line = self._ask(params) or self._ask(params)
        if not line:
            raise JointreportError(f"{what} could not be typeset:\nerror: Typst stopped or gave up after "
                                   f"{TYPST_SECONDS} s")
        answer = json.loads(line)
        if not answer["ok"]:
            raise JointreportError(f"{what} could not be typeset:\n{answer['error']}")
        return out.read_bytes()

    def _ask(self, params: dict) -> bytes:
        """The child's answer line, or b"" when it stopped or ran out of time (it is then closed)."""
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen([sys.executable, "-c", WARM_CHILD, str(TYPST_MEMORY)], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            self.proc.stdin.write((json.dumps(params) + "\n").encode())
            self.proc.stdin.flush()
        except OSError:
            pass  # it stopped: no answer below
        ready, _, _ = select.select([self.proc.stdout], [], [], TYPST_SECONDS)
        line = self.proc.stdout.readline() if ready else b""
        if not line:
            self.close()
        return line

    def close(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def end(self) -> None:
        self.close()
        for folder in self.staging:
            shutil.rmtree(folder, ignore_errors=True)


_warm: WarmTypst | None = None


@contextlib.contextmanager
def warm_session():
    """Within it, Typst runs in one kept child, from staging folders that stay between builds."""
    global _warm
    _warm = WarmTypst()
    try:
        yield
    finally:
        _warm.end()
        _warm = None


def _write_if_changed(path: Path, content: bytes) -> None:
    """Typst's memoisation keys on what it reads: leave unchanged files as they are."""
    if not path.is_file() or path.read_bytes() != content:
        path.write_bytes(content)


def compile_staged(build_dir: Path, main: str, files: dict[str, bytes], media: dict[str, Path],
                   inputs: dict[str, str], what: str, output_format: str = "pdf", ppi: float | None = None,
                   pdf_standards: tuple[str, ...] = ()) -> bytes:
    """Compile `main` among `files` (name → content) and `media` (copied to media/<name>); `what` names the
    output in an error message ("the PDF", "the workplan chart"). A PNG is its first page. A PDF declares
    `pdf_standards` (Typst's names: "a-2a", "ua-1"), which Typst refuses to write a PDF that breaks."""
    return compile_and_query(build_dir, main, files, media, inputs, what, output_format, ppi, pdf_standards)[0]


def compile_and_query(build_dir: Path, main: str, files: dict[str, bytes], media: dict[str, Path],
                      inputs: dict[str, str], what: str, output_format: str = "pdf", ppi: float | None = None,
                      pdf_standards: tuple[str, ...] = (), query: str | None = None) -> tuple[bytes, str | None]:
    """`compile_staged`, and the value of the metadata under the label `query` (a selector such as
    "<name>") as JSON, from the same layout; None when not asked or not there."""
    root = build_dir / ".staging"
    root.mkdir(parents=True, exist_ok=True)
    options = {"format": output_format, "ppi": ppi} if output_format == "png" else {}
    if pdf_standards and output_format == "pdf":
        options["pdf_standards"] = list(pdf_standards)
    warm = _warm
    if warm is not None:  # a kept session: one staging folder per document and process, kept between builds
        staging = root / f"warm-{os.getpid()}-{hashlib.sha256(''.join(sorted(files)).encode()).hexdigest()[:12]}"
        warm.staging.add(staging)
        (staging / "media").mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            _write_if_changed(staging / name, content)
        for name, source in media.items():
            if not (staging / "media" / name).is_file():  # media names are content hashes
                shutil.copyfile(source, staging / "media" / name)
        out = staging / f"{main}.out"
        return warm.compile(staging / main, staging, inputs, options, out, what, query), _answer(out, query)
    staging = Path(tempfile.mkdtemp(prefix="typst-", dir=root))
    out = staging.parent / f"{staging.name}.out"
    try:
        for name, content in files.items():
            (staging / name).write_bytes(content)
        if media:
            (staging / "media").mkdir()
            for name, source in media.items():
                shutil.copyfile(source, staging / "media" / name)
        return _compile(staging / main, staging, inputs, options, out, what, query), _answer(out, query)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        out.unlink(missing_ok=True)
        out.with_name(out.name + ".query").unlink(missing_ok=True)


def _answer(out: Path, query: str | None) -> str | None:
    """What the child found for `query` (written beside the output), or None."""
    answer = out.with_name(out.name + ".query")
    if not query or not answer.is_file():
        return None
    text = answer.read_text(encoding="utf-8")
    answer.unlink()
    return None if text == "null" else text
