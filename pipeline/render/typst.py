"""Every Typst run: from a fresh staging folder holding only what it needs, with the report's own fonts.

Typst reads any file under its root and follows symlinks there, so it never
compiles inside the project: the template, the body and the pictures are
copied into build/.staging/<new folder>/, which is removed afterwards.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..errors import JointreportError
from ..fonts import font_dirs

# Typst runs in a child process, so that it too has a wall-time and memory budget: the example's 48 pages
# take about 2 s and 300 MB; a report of 25 drafts at their size limit stays well within these.
TYPST_SECONDS = 300
TYPST_MEMORY = 6 * 1024 ** 3  # address space, which Rust's thread stacks and allocator reserve generously
CHILD = """
import json, sys, typst
p = json.load(sys.stdin)
try:
    result = typst.compile(p["main"], root=p["root"], font_paths=p["fonts"], ignore_system_fonts=True,
                           sys_inputs=p["inputs"], **p["options"])
except typst.TypstError as exc:
    sys.stderr.write(str(getattr(exc, "diagnostic", None) or getattr(exc, "message", None) or exc))
    sys.exit(2)
with open(p["out"], "wb") as out:
    out.write(result[0] if isinstance(result, list) else result)
"""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (TYPST_MEMORY, TYPST_MEMORY))


def _compile(main: Path, root: Path, inputs: dict[str, str], options: dict, out: Path, what: str) -> bytes:
    params = {"main": str(main), "root": str(root), "fonts": [str(d) for d in font_dirs()], "inputs": inputs,
              "options": options, "out": str(out)}
    try:
        proc = subprocess.run([sys.executable, "-c", CHILD], input=json.dumps(params).encode(), capture_output=True,
                              timeout=TYPST_SECONDS, preexec_fn=_limit_memory, check=False)
    except subprocess.TimeoutExpired:
        raise JointreportError(f"{what} could not be typeset:\nerror: Typst gave up after {TYPST_SECONDS} s") from None
    if proc.returncode != 0 or not out.is_file():
        detail = proc.stderr.decode("utf-8", "replace").strip()
        if proc.returncode != 2:  # not Typst's own error: the child ran out of memory or crashed
            detail = f"error: Typst stopped (exit {proc.returncode}), out of memory or crashed\n{detail[-500:]}"
        raise JointreportError(f"{what} could not be typeset:\n{detail}")
    return out.read_bytes()


def compile_staged(build_dir: Path, main: str, files: dict[str, bytes], media: dict[str, Path],
                   inputs: dict[str, str], what: str, output_format: str = "pdf", ppi: float | None = None) -> bytes:
    """Compile `main` among `files` (name → content) and `media` (copied to media/<name>); `what` names the
    output in an error message ("the PDF", "the workplan chart"). A PNG is its first page."""
    root = build_dir / ".staging"
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="typst-", dir=root))
    try:
        for name, content in files.items():
            (staging / name).write_bytes(content)
        if media:
            (staging / "media").mkdir()
            for name, source in media.items():
                shutil.copyfile(source, staging / "media" / name)
        options = {"format": output_format, "ppi": ppi} if output_format == "png" else {}
        return _compile(staging / main, staging, inputs, options, staging.parent / f"{staging.name}.out", what)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        (staging.parent / f"{staging.name}.out").unlink(missing_ok=True)
