"""MkDocs hook: the parts of the documentation the code can write itself, made from the code at every
build so they cannot drift from it.

A page asks for a generated part with a line of its own:

    ::: jointreport codes            every finding code of the registry (pipeline.codes)
    ::: jointreport schema NAME      every key of a project file, from `jointreport schema NAME`
    ::: jointreport commands         every command and option of the click group `pipeline.cli:cli`
    ::: jointreport modules          each module of pipeline/, its phase and its docstring

Everything is read by importing or parsing what the code holds when the site is built, never copied.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
from pathlib import Path

import click
from click.testing import CliRunner
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from pipeline.cli import cli
from pipeline.codes import codes_table

DIRECTIVE = re.compile(r"^::: jointreport (\w+)(?: (\S+))?[ \t]*$", re.MULTILINE)
REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "tests" / "test_architecture.py"  # the module rules the architecture page explains


def on_files(files, config):
    """Each project file's JSON Schema, downloadable beside its reference: schemas/<name>.schema.json."""
    for name in schema_names():
        files.append(File.generated(config, f"schemas/{name}.schema.json", content=schema_text(name)))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    def generate(match: re.Match) -> str:
        kind, argument = match.groups()
        if kind not in GENERATORS:
            raise PluginError(f"{page.file.src_uri}: unknown generated part '{kind}'")
        return GENERATORS[kind](argument)

    return DIRECTIVE.sub(generate, markdown)


# --- finding codes ------------------------------------------------------------------------------------------

def codes_page(_argument: str | None) -> str:
    """The registry's own table, with what a Markdown page needs escaped."""
    return "\n".join(no_tags(row) for row in codes_table().splitlines())


# --- project files ------------------------------------------------------------------------------------------

def schema_names() -> list[str]:
    """The names `jointreport schema` accepts: every project file with a declared shape."""
    command = cli.get_command(click.Context(cli), "schema")
    return sorted(next(p for p in command.params if p.name == "name").type.choices)


def schema_text(name: str) -> str:
    result = CliRunner().invoke(cli, ["schema", name], catch_exceptions=False)
    if result.exit_code:
        raise PluginError(f"jointreport schema {name} failed: {result.output}")
    return result.output


def schema_page(name: str | None) -> str:
    if name not in schema_names():
        raise PluginError(f"'::: jointreport schema {name}' names no schema of `jointreport schema`")
    rows = ["| key | value | what it is for |", "|---|---|---|"]
    rows += [f"| `{key}` | {kind} | {markdown_safe(text)} |"
             for key, kind, text in schema_keys(json.loads(schema_text(name)))]
    schema = f"schemas/{name}.schema.json"
    return "\n".join(rows) + f"\n\nThe JSON Schema: [{schema}]({schema}) (`jointreport schema {name}`)."


def schema_keys(node: dict, prefix: str = ""):
    """(key path, value, description) for every key a JSON Schema object declares, nested keys after
    their parent: `parts[].title` for a list's items, `agencies.<id>.name` for free keys."""
    required = set(node.get("required", ()))
    for name, field in node.get("properties", {}).items():
        path = f"{prefix}{name}"
        yield path, value_kind(field) + (", required" if name in required else ""), field.get("description", "")
        if "properties" in field:
            yield from schema_keys(field, f"{path}.")
        elif "properties" in field.get("items", {}):
            yield from schema_keys(field["items"], f"{path}[].")
        elif isinstance(field.get("additionalProperties"), dict) and "properties" in field["additionalProperties"]:
            yield from schema_keys(field["additionalProperties"], f"{path}.<id>.")


def value_kind(field: dict) -> str:
    if "enum" in field:
        return " \\| ".join(f"`{choice}`" for choice in field["enum"])
    if "anyOf" in field:
        return "text, or `{language: text}`"
    kind = field.get("type")
    if kind == "string" and field.get("format") == "date":
        return "YYYY-MM-DD"
    if kind in ("string", ["string", "number"]):  # a number is read as the text it was written as
        return "text"
    return {"integer": "number", "boolean": "true/false", "array": "list", "object": "mapping"}.get(kind, "anything")


# --- the command line --------------------------------------------------------------------------------------

def commands_page(_argument: str | None) -> str:
    """Each command as `--help` shows it: what it does, its usage, its options with their defaults."""
    return "\n\n".join(command_section(ctx) for ctx in command_contexts(cli, "jointreport"))


def command_contexts(command: click.Command, name: str, parent: click.Context | None = None):
    """The context of every command and subcommand, in the order `--help` lists them."""
    ctx = click.Context(command, info_name=name, parent=parent)
    yield ctx
    if isinstance(command, click.Group):
        for sub in command.list_commands(ctx):
            yield from command_contexts(command.get_command(ctx, sub), sub, ctx)


def command_section(ctx: click.Context) -> str:
    command, depth = ctx.command, ctx.command_path.count(" ")
    usage = " ".join([ctx.command_path, *command.collect_usage_pieces(ctx)])
    parts = [f"{'#' * max(2, depth + 1)} `{ctx.command_path}`", *help_paragraphs(command.help or ""),
             f"```text\n{usage}\n```"]
    records = [record for param in command.get_params(ctx) if (record := param.get_help_record(ctx))]
    if records:
        parts.append("| option | what it does |\n|---|---|\n" + "\n".join(
            f"| `{flags}` | {markdown_safe(text)} |" for flags, text in records))
    return "\n\n".join(parts)


def help_paragraphs(text: str) -> list[str]:
    """A docstring as click shows it: paragraphs rewrapped, a `\\b` paragraph kept as it is written."""
    paragraphs = []
    for paragraph in inspect.cleandoc(text.split("\f")[0]).split("\n\n"):
        if paragraph.startswith("\b\n"):
            paragraphs.append("```text\n" + paragraph[2:] + "\n```")
        else:
            paragraphs.append(no_tags(" ".join(paragraph.split())))
    return paragraphs


# --- the module map -----------------------------------------------------------------------------------------

def modules_page(_argument: str | None) -> str:
    """Every module of pipeline/ under its phase, face or library, as tests/test_architecture.py places
    it, with the first paragraph of its docstring."""
    phases, faces = architecture_rules()
    groups: dict[str, list[str]] = {f"The {phase} phase": [] for phase in phases}
    groups["Faces (may import any phase)"], groups["Libraries (import no phase)"] = [], []
    for path in sorted((REPO / "pipeline").rglob("*.py")):
        name = module_name(path)
        phase = next((p for p, prefixes in phases.items() if under(name, prefixes)), None)
        group = f"The {phase} phase" if phase else ("Faces (may import any phase)" if under(name, faces)
                                                    else "Libraries (import no phase)")
        groups[group].append(f"| `{name}` | {markdown_safe(summary_of(path))} |")
    return "\n\n".join(f"### {title}\n\n| module | what it is for |\n|---|---|\n" + "\n".join(rows)
                       for title, rows in groups.items() if rows)


def architecture_rules() -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """PHASES and FACES as the architecture test declares them (read, not imported: it is a test)."""
    found = {}
    for node in ast.parse(RULES.read_text(encoding="utf-8")).body:
        target = node.targets[0] if isinstance(node, ast.Assign) else None
        if isinstance(target, ast.Name) and target.id in ("PHASES", "FACES"):
            found[target.id] = ast.literal_eval(node.value)
    if set(found) != {"PHASES", "FACES"}:
        raise PluginError(f"{RULES.name} no longer declares PHASES and FACES as literals")
    return found["PHASES"], tuple(found["FACES"])


def under(module: str, packages) -> bool:
    return any(module == package or module.startswith(package + ".") for package in packages)


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def summary_of(path: Path) -> str:
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return " ".join(docstring.split("\n\n")[0].split())


# --- Markdown -----------------------------------------------------------------------------------------------

def outside_code(text: str, change) -> str:
    return "".join(piece if piece.startswith("`") else change(piece) for piece in re.split(r"(`[^`]*`)", text))


def no_tags(text: str) -> str:
    """`chapters/<id>.md` outside code shown as written, not read as an HTML tag, and a closing
    `{en: …}` not read as attributes."""
    return outside_code(text, lambda piece: piece.replace("<", "&lt;").replace("{", "\\{").replace("}", "\\}"))


def markdown_safe(text: str) -> str:
    """Text for a table cell: no tags, and a `|` kept inside its cell."""
    return outside_code(no_tags(text), lambda piece: piece.replace("|", "\\|"))


GENERATORS = {"codes": codes_page, "schema": schema_page, "commands": commands_page, "modules": modules_page}
