"""The documents a maintainer and a user expect: the documentation site builds with --strict and offline,
its generated pages hold what the code holds (every finding code, every command and option, every
project-file key, every module), the README stays short, and `jointreport --version` is the release."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib.metadata import metadata
from pathlib import Path

import click
import lxml.html
import pytest

from pipeline.cli import cli
from pipeline.codes import CODES

from .conftest import REPO, jointreport
from .test_architecture import module_name


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site as `make docs` builds it (mkdocs build --strict: any warning fails), into a scratch folder."""
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)], cwd=REPO,
                          capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0, proc.stderr
    return out


def article(site: Path, page: str):
    return lxml.html.parse(str(site / page)).getroot().xpath("//article")[0]


def test_every_page_is_built_and_nothing_is_fetched_from_elsewhere(site):
    nav_pages = re.findall(r":\s*([\w-]+)\.md\s*$", (REPO / "mkdocs.yml").read_text(encoding="utf-8"), re.MULTILINE)
    assert {"getting-started", "project-files", "findings", "cli", "portal", "deployment", "performance",
            "architecture"} <= set(nav_pages)
    for name in nav_pages:
        assert (site / f"{name}.html").is_file(), name
    outside = []
    for page in site.rglob("*.html"):
        root = lxml.html.parse(str(page)).getroot()
        outside += [f"{page.name}: {url}" for url in root.xpath("//link/@href | //script/@src | //img/@src")
                    if re.match(r"(https?:)?//", url)]
    assert outside == []  # no web font, script or picture from another host: the site reads offline


def test_the_codes_page_lists_every_code_of_the_registry(site):
    table = article(site, "findings.html").xpath(".//table[.//th[contains(., 'severity')]]")[0]
    rows = table.xpath(".//tr[td]")
    assert [row.xpath("string(td[1])").strip() for row in rows] == list(CODES)
    for row, code in zip(rows, CODES.values(), strict=True):
        severity = f"{code.severity} ({code.note})" if code.note else code.severity
        assert shown(row.xpath("string(td[2])")) == shown(severity)
        assert shown(row.xpath("string(td[3])")) == shown(code.meaning)


def shown(text: str) -> str:
    """Text as a reader sees it on the page: Markdown's backticks gone, spaces as they fall."""
    return " ".join(text.replace("`", "").split())


def commands(command: click.Command, path: str, parent: click.Context | None = None):
    ctx = click.Context(command, info_name=path.rsplit(" ", 1)[-1], parent=parent)
    yield path, ctx
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            yield from commands(command.get_command(ctx, name), f"{path} {name}", ctx)


def test_the_cli_page_holds_every_command_and_option(site):
    page = article(site, "cli.html")
    headings = {" ".join(h.text_content().replace("¶", "").split()): h for h in page.xpath(".//h2 | .//h3")}
    for path, ctx in commands(cli, "jointreport"):
        assert path in headings, f"no section for `{path}`"
        section = []
        for sibling in headings[path].itersiblings():
            if sibling.tag in ("h2", "h3"):
                break
            section.append(sibling.text_content())
        text = " ".join(section)
        assert ctx.command_path in text  # its usage line
        if ctx.command.help:
            assert shown(" ".join(ctx.command.help.replace("\b", "").split()[:6])) in shown(text)  # \b: never shown
        for param in ctx.command.get_params(ctx):
            for flag in param.opts + param.secondary_opts if isinstance(param, click.Option) else []:
                assert flag in text, f"`{path}` lacks {flag}"


def declared_keys(node: dict) -> list[str]:
    """Every key a JSON Schema declares, at any depth."""
    keys = []
    for name, field in node.get("properties", {}).items():
        keys.append(name)
        for inner in (field, field.get("items", {}), field.get("additionalProperties")):
            if isinstance(inner, dict) and "properties" in inner:
                keys += declared_keys(inner)
    return keys


@pytest.mark.parametrize("name", ["report", "outline", "terminology", "workplan"])
def test_the_project_files_page_holds_every_declared_key(site, name):
    run = jointreport("schema", name)
    assert run.code == 0, run.stderr
    schema = json.loads(run.stdout)
    page = article(site, "project-files.html")
    heading = next(h for h in page.xpath(".//h2") if f"{name}.yaml" in h.text_content())
    table = next(heading.itersiblings("table"))
    keys = [row.xpath("string(td[1])").strip() for row in table.xpath(".//tr[td]")]
    assert [re.split(r"[.\]]", key)[-1] for key in keys] == declared_keys(schema)
    assert json.loads((site / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")) == schema


def test_the_module_map_names_every_module(site):
    text = article(site, "architecture.html").text_content()
    for path in (REPO / "pipeline").rglob("*.py"):
        assert module_name(path) in text, module_name(path)


def test_the_readme_is_one_screen_or_two_and_keeps_the_two_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 200
    assert "make report" in readme and "make test" in readme
    assert "jointreport init" in readme
    for target in re.findall(r"\]\(([^)#\s]+)\)", readme):
        if not re.match(r"[a-z]+:", target):
            assert (REPO / target).exists(), f"the README points at {target}, which is not there"


def test_version_is_the_release_of_pyproject_and_the_changelog():
    release = re.search(r'^version = "([^"]+)"', (REPO / "pyproject.toml").read_text(encoding="utf-8"), re.MULTILINE)[1]
    latest = re.search(r"^## \[([^\]]+)\]", (REPO / "CHANGELOG.md").read_text(encoding="utf-8"), re.MULTILINE)[1]
    run = jointreport("--version")
    assert run.code == 0, run.stderr
    assert run.stdout.strip() == f"jointreport, version {release}"
    assert latest == release
    assert metadata("jointreport")["License-Expression"] == "Apache-2.0"
    assert (REPO / "LICENSE").read_text(encoding="utf-8").split()[:4] == ["Apache", "License", "Version", "2.0,"]
