"""`jointreport serve`: the web portal, where agencies upload drafts and editors build."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from ..model import Project
from ..project import load_project
from .options import as_of_option, project_option


@click.command("serve", short_help="Run the web portal: agencies upload drafts, editors build.")
@project_option
@as_of_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--max-upload", "max_upload_mb", default=25, show_default=True, type=click.IntRange(1, 60),
              help="Largest draft accepted, in MB.")
@click.option("--rate", default=300, show_default=True, type=click.IntRange(1),
              help="Uploads and other changing requests allowed per client and minute.")
@click.option("--links", is_flag=True,
              help="Issue a fresh link for every agency and the editors, and print them (revokes the links an "
                   "earlier --links printed). For trying it out; in use, issue tokens with `tokens issue`.")
def serve_command(project_dir: Path, as_of, host: str, port: int, max_upload_mb: int, rate: int, links: bool) -> int:
    """Run the agency portal and the editors' page until interrupted (Ctrl-C).

    Focal points open /a/<token>, drop a draft per section and get its report
    card; editors open /e/<token>. The API: GET /api/health, POST /api/drafts
    (Bearer token; section, file), GET /api/status (editors).
    """
    import uvicorn

    from ..web.app import RedactTokens, Settings, create_app

    project = load_project(project_dir)
    if links:
        print_links(project, host, port)
    settings = Settings(project.root, max_upload_mb * 1_000_000, as_of.date() if as_of else None, rate)
    logging.getLogger("uvicorn.access").addFilter(RedactTokens())
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", server_header=False,
                limit_concurrency=200, timeout_keep_alive=10)
    return 0


def print_links(project: Project, host: str, port: int) -> None:
    """A fresh link for every agency and the editors, revoking those an earlier `serve --links` printed."""
    from ..web.tokens import AGENCY, EDITOR, TokenStore

    store = TokenStore(project.root)
    for token in store.load():
        if token.note == "serve --links" and not token.revoked:
            store.revoke(token.id)
    base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    for agency_id, agency in project.agencies.items():
        _, secret = store.issue(AGENCY, agency_id, "serve --links")
        click.echo(f"{agency.short:<14} {base}/a/{secret}")
    _, secret = store.issue(EDITOR, None, "serve --links")
    click.echo(f"{'editors':<14} {base}/e/{secret}")
