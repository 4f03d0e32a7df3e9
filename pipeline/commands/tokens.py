"""`jointreport tokens`: issue, list and revoke the secret links of the web portal."""

from __future__ import annotations

from pathlib import Path

import click

from ..project import load_project
from .options import project_option


@click.group("tokens", short_help="Issue, list and revoke the secret links of the web portal.")
def tokens():
    """Access to `jointreport serve` is by secret link: /a/<token> for an agency's focal point,
    /e/<token> for editors. A token is printed once; only its hash is kept (in .jointreport/portal.sqlite3)."""


@tokens.command("issue", short_help="Print a new token for an agency (or --editor), once.")
@project_option
@click.argument("agency", required=False, metavar="AGENCY")
@click.option("--editor", is_flag=True, help="A token for the editors' page and the status API.")
@click.option("--note", default="", help="Who it is for (shown by `tokens list`).")
@click.option("--base-url", default=None, help="Print the link on this address  [default: report.yaml's "
                                                 "reminders.base_url, else http://127.0.0.1:8000]")
def tokens_issue(project_dir: Path, agency: str | None, editor: bool, note: str, base_url: str | None) -> int:
    """Print a new secret token and its link; it is not shown again."""
    from ..web.tokens import AGENCY, EDITOR, TokenStore

    project = load_project(project_dir)
    if editor == bool(agency):
        raise click.BadParameter("give an agency id, or --editor", param_hint="AGENCY")
    if agency and agency not in project.agencies:
        raise click.BadParameter(f"no agency {agency!r} in report.yaml (agencies: {', '.join(project.agencies)})",
                                 param_hint="AGENCY")
    token, secret = TokenStore(project.root).issue(EDITOR if editor else AGENCY, agency, note)
    base = (base_url or project.reminders.get("base_url") or "http://127.0.0.1:8000").rstrip("/")
    click.echo(secret)
    click.echo(f"{token.id} for {token.who}: {base}/{'e' if editor else 'a'}/{secret}", err=True)
    click.echo("the secret is shown only now; `jointreport tokens revoke " + token.id + "` withdraws it", err=True)
    return 0


@tokens.command("list", short_help="The tokens issued (ids, never secrets).")
@project_option
def tokens_list(project_dir: Path) -> int:
    """Every token issued: id, for whom, when, revoked or not."""
    from ..web.tokens import TokenStore

    project = load_project(project_dir)
    issued = TokenStore(project.root).load()
    for token in issued:
        state = f"revoked {token.revoked}" if token.revoked else "live"
        click.echo(f"{token.id:<12} {token.who:<14} issued {token.created}  {state}"
                   + (f"  ({token.note})" if token.note else ""))
    if not issued:
        click.echo("no tokens yet: `jointreport tokens issue AGENCY`")
    return 0


@tokens.command("revoke", short_help="Withdraw a token at once.")
@project_option
@click.argument("token_id", metavar="ID|SECRET")
def tokens_revoke(project_dir: Path, token_id: str) -> int:
    """Withdraw a token (by its id from `tokens list`, or its secret): its link stops working at the next
    request."""
    from ..web.tokens import TokenStore

    token = TokenStore(load_project(project_dir).root).revoke(token_id)
    click.echo(f"revoked {token.id} ({token.who})")
    return 0
