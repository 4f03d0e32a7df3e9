"""Every Typst run: from a fresh staging folder holding only what it needs, with the report's own fonts.

Typst reads any file under its root and follows symlinks there, so it never
compiles inside the project: the template, the body and the pictures are
copied into build/.staging/<new folder>/, which is removed afterwards.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import typst

from ..errors import JointreportError
from ..fonts import font_dirs


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
        try:
            result = typst.compile(str(staging / main), root=str(staging), font_paths=[str(d) for d in font_dirs()],
                                   ignore_system_fonts=True, sys_inputs=inputs, **options)
        except typst.TypstError as exc:
            raise JointreportError(f"{what} could not be typeset:\n{exc.diagnostic or exc.message}") from None
        return result[0] if isinstance(result, list) else result
    finally:
        shutil.rmtree(staging, ignore_errors=True)
