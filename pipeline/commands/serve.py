"""`jointreport serve`: the web portal, where agencies upload drafts and editors build."""

from __future__ import annotations

import os
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
@click.option("--host-name", "host_names", multiple=True, metavar="NAME",
              help="A name the portal answers to (report.example.org), repeatable; other Host headers get 400 and "
                   "forms must come from these names. Default: localhost and 127.0.0.1 only.")
@click.option("--forwarded-allow-ips", default="", metavar="IPS",
              help="Comma-separated addresses of your reverse proxy, whose X-Forwarded-For and -Proto are believed. "
                   "Default: nobody's.")
@click.option("--max-upload", "max_upload_mb", default=25, show_default=True, type=click.IntRange(1, 60),
              help="Largest draft accepted, in MB.")
@click.option("--rate", default=300, show_default=True, type=click.IntRange(1),
              help="Uploads and other changing requests allowed per client and minute.")
@click.option("--page-rate", default=240, show_default=True, type=click.IntRange(1),
              help="Pages and other reads allowed per client and minute.")
@click.option("--workers", default=os.cpu_count() or 1, show_default="the machine's cores",
              type=click.IntRange(1, 64), help="Report cards made at once.")
@click.option("--memory", "memory_mb", default=1500, show_default=True, type=click.IntRange(200),
              help="Memory budget of the whole server in MB, its conversions included.")
@click.option("--uploads-per-hour", default=120, show_default=True, type=click.IntRange(1),
              help="Drafts one agency may send in an hour.")
@click.option("--mb-per-hour", default=2000, show_default=True, type=click.IntRange(1),
              help="Megabytes one agency may send in an hour.")
@click.option("--history-versions", default=2000, show_default=True, type=click.IntRange(1),
              help="Versions one agency's history may hold.")
@click.option("--history-mb", default=10000, show_default=True, type=click.IntRange(1),
              help="Megabytes one agency's history may hold.")
@click.option("--card-codes", is_flag=True, help="Show finding codes on the agencies' report cards.")
@click.option("--links", is_flag=True,
              help="Issue a fresh link for every agency and the editors, and print them (revokes the links an "
                   "earlier --links printed). For trying it out; in use, issue tokens with `tokens issue`.")
def serve_command(project_dir: Path, as_of, host: str, port: int, host_names: tuple[str, ...],
                  forwarded_allow_ips: str, max_upload_mb: int, rate: int, page_rate: int, workers: int,
                  memory_mb: int, uploads_per_hour: int, mb_per_hour: int, history_versions: int, history_mb: int,
                  card_codes: bool, links: bool) -> int:
    """Run the agency portal and the editors' page until interrupted (Ctrl-C).

    Focal points open /a/<token>, drop a draft per section and get its report
    card; editors open /e/<token>. The API: GET /api/health, POST /api/drafts
    (Bearer token; section, file), GET /api/status (editors).

    On the internet, run it behind a reverse proxy that holds the TLS
    certificate, with --host-name and --forwarded-allow-ips (docs/deployment-portal.md).
    """
    import uvicorn

    from ..web.app import Settings, create_app
    from ..web.server import Listen, config, is_public
    from ..web.throttle import Quota

    project = load_project(project_dir)
    public = is_public(host)
    if public and not host_names:
        click.echo(f"warning: serving on a public address ({host}) without --host-name: any Host header is "
                   "answered and forms are checked against it. Give the name people use, e.g. "
                   "--host-name report.example.org", err=True)
    if links:
        print_links(project, host_names[0] if host_names else host, port)
    settings = Settings(project.root, max_upload_mb * 1_000_000, as_of.date() if as_of else None, rate, page_rate,
                        tuple(host_names), public and not host_names, workers, memory_mb * 1_000_000,
                        Quota(uploads_per_hour, mb_per_hour, history_versions, history_mb), card_codes=card_codes)
    listen = Listen(host, port, tuple(ip.strip() for ip in forwarded_allow_ips.split(",") if ip.strip()))
    uvicorn.Server(config(create_app(settings), project.root, listen)).run()
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
