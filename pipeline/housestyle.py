"""The built-in house style: the files that give a report its look, shipped inside the package.

A project's `templates/<name>` overrides the built-in file of that name, file by file; what it does
not override comes from here. `export` writes the built-in files out for a coalition to edit.
"""

from __future__ import annotations

from pathlib import Path

from .errors import JointreportError
from .files import write_atomically

BUILTIN_DIR = Path(__file__).resolve().parent / "templates"
# Every file of the look, with what it shapes (shown by `templates export` and the README).
FILES = {
    "reference.docx": "Word styles, page set-up, header and footer of the DOCX",
    "report.typ": "the report's PDF (Typst)",
    "statement.typ": "a joint statement's PDF (Typst)",
    "workplan.typ": "the workplan chart (Typst)",
    "status.html.j2": "the status dashboard page (Jinja2, sandboxed)",
    "web-page.html.j2": "each page of the web edition (Jinja2, sandboxed)",
    "web-editions.html.j2": "the web edition's page listing its languages (Jinja2, sandboxed)",
    "web.css": "the web edition's stylesheet",
    "web-search.js": "the web edition's search page script (Pagefind)",
}


def builtin(name: str) -> Path:
    """The built-in file `name`; an unknown name or a broken installation is an error that says so."""
    if name not in FILES:
        raise JointreportError(f"no built-in template named {name!r} (there are: {', '.join(FILES)})")
    path = BUILTIN_DIR / name
    if not path.is_file():
        raise JointreportError(f"jointreport's built-in {name} is missing from {BUILTIN_DIR}: "
                               "the installation is broken, reinstall jointreport")
    return path


def export(folder: Path, force: bool = False) -> list[Path]:
    """Write every built-in file into `folder` (created if needed). Refuses, writing nothing, when any
    of them exists already, unless `force`."""
    targets = {name: folder / name for name in FILES}
    existing = [path for path in targets.values() if path.exists()]
    if existing and not force:
        names = ", ".join(path.name for path in existing)
        raise JointreportError(f"{folder} already has {names}: nothing written (use --force to overwrite)")
    if folder.exists() and not folder.is_dir():
        raise JointreportError(f"{folder} is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    for name, path in targets.items():
        write_atomically(path, builtin(name).read_bytes())
    return list(targets.values())
