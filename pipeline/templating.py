"""Jinja2 for text a project supplies (statement bodies, the dashboard template): always sandboxed,
strict about undefined names, and failing with a one-line message that names the file and line."""

from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from .errors import JointreportError


def sandbox(folder: Path | None = None, html: bool = False) -> SandboxedEnvironment:
    """An environment that runs no code a template smuggles in; `folder` is where named templates live."""
    return SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(folder)) if folder else None,
        autoescape=jinja2.select_autoescape(default=True) if html else False,
        undefined=jinja2.StrictUndefined, keep_trailing_newline=not html, trim_blocks=html, lstrip_blocks=html,
    )


def render(environment: SandboxedEnvironment, label: str, context: dict, source: str | None = None,
           name: str | None = None) -> str:
    """Render `source` text, or the template `name` from the environment's folder. Any failure, syntax or
    run time, becomes a `JointreportError` naming `label` (the file a person fixes) and the line."""
    try:
        template = environment.from_string(source) if source is not None else environment.get_template(name)
        return template.render(context)
    except jinja2.TemplateError as exc:
        line = f":{exc.lineno}" if getattr(exc, "lineno", None) else ""
        raise JointreportError(f"{label}{line}: {exc.message or exc}") from None
    except Exception as exc:  # whatever the template computes is its author's to fix
        raise JointreportError(f"{label}: the template failed: {type(exc).__name__}: {exc}") from None
