"""The shape of the code that the brief asks for, checked so it cannot drift: phases that meet only in
build.py (the recipe) and the commands, one module per command, no import circles, finding codes declared
once and documented as declared."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

from pipeline.codes import CODES

from .conftest import REPO

PACKAGE = REPO / "pipeline"
# Each phase of the build and the modules that make it up; everything else in pipeline/ is either a
# shared library (imports no phase) or a face: build.py, the recipe; each command's module of
# pipeline/commands/ and cli.py, the group that gathers them; the web portal; present.py, scaffold.py.
PHASES = {
    "load": ("pipeline.project",),
    "read": ("pipeline.intake",),
    "check": ("pipeline.checks",),
    "gate": ("pipeline.gate",),
    "assemble": ("pipeline.assemble",),
    "render": ("pipeline.render",),
    "proof": ("pipeline.proof",),
}
FACES = ("pipeline.build", "pipeline.cli", "pipeline.commands", "pipeline.present", "pipeline.scaffold",
         "pipeline.__main__", "pipeline.web")  # each with the modules under it
COMMANDS = "pipeline.commands"


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The pipeline modules a file imports (relative imports resolved)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if target.startswith("pipeline"):
                found.add(target)
                # `from . import i18n` names modules, not attributes
                found |= {f"{target}.{alias.name}" for alias in node.names
                          if (PACKAGE.parent / f"{target}.{alias.name}".replace(".", "/")).with_suffix(".py").exists()
                          or (PACKAGE.parent / f"{target}.{alias.name}".replace(".", "/")).is_dir()}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("pipeline")}
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in imports_of(path) if m in modules and m != name} for name, path in modules.items()}


def phase_of(module: str) -> str | None:
    for phase, prefixes in PHASES.items():
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return phase
    return None


def is_face(module: str) -> bool:
    return any(module == face or module.startswith(face + ".") for face in FACES)


def test_no_phase_imports_another_and_libraries_import_no_phase():
    wrong = []
    for module, targets in graph().items():
        if is_face(module):
            continue
        mine = phase_of(module)
        for target in targets:
            theirs = phase_of(target)
            if theirs is not None and theirs != mine:
                wrong.append(f"{module} ({mine or 'library'}) imports {target} ({theirs})")
    assert wrong == []


def test_no_import_circles():
    edges = graph()
    circles = []

    def visit(module, trail):
        for target in sorted(edges[module]):
            if target in trail:
                circles.append(" → ".join(trail[trail.index(target):] + [target]))
            elif target not in done:
                visit(target, trail + [target])
        done.add(module)

    done: set[str] = set()
    for module in sorted(edges):
        if module not in done:
            visit(module, [module])
    # a package's __init__ importing its own submodules is not a circle unless they import it back
    assert circles == []


def test_the_cli_holds_no_build_rule():
    """The CLI reaches the phases only through the commands (and the board's text view)."""
    direct = {t for t in graph()["pipeline.cli"] if phase_of(t) in ("read", "check", "gate", "assemble")}
    assert direct == set()


def test_the_recipe_and_the_phases_know_no_command():
    """Commands import the recipe and the phases, never the other way: build.py, the phases and the
    libraries import no command and not the CLI, and only the web portal and the CLI import a command."""
    wrong = [f"{module} imports {target}" for module, targets in graph().items() for target in targets
             if (target == COMMANDS or target.startswith(COMMANDS + ".") or target == "pipeline.cli")
             and not module.startswith((COMMANDS, "pipeline.cli", "pipeline.web", "pipeline.__main__"))]
    assert wrong == []


def test_one_module_per_command():
    """Each command of `jointreport` is defined in its own module of pipeline/commands/, named after it
    (`snapshot` tags the milestones `diff` compares, beside it; `return`, a Python keyword, is in return_.py),
    and build.py holds none."""
    from pipeline.cli import cli

    homes = {name: command.callback.__module__ for name, command in cli.commands.items()}
    modules = {"snapshot": "diff", "return": "return_"}
    expected = {name: f"{COMMANDS}.{modules.get(name, name)}" for name in cli.commands}
    assert homes == expected
    assert {"build", "check", "watch", "status", "remind", "comments", "diff", "statement", "serve", "init",
            "tokens", "templates", "terms", "schema", "snapshot", "return", "translate",
            "registers"} == set(cli.commands)


def test_every_code_used_is_declared_and_every_declared_code_is_used():
    made, mentioned = set(), set()
    for path in PACKAGE.rglob("*.py"):
        if path.name == "codes.py":  # the declarations themselves
            continue
        text = path.read_text(encoding="utf-8")
        made |= set(re.findall(r"""finding\(\s*["']([a-z0-9]+/[a-z-]+)["']""", text))  # a11y/…
        mentioned |= set(re.findall(r"""["']([a-z0-9]+/[a-z-]+)["']""", text))
    assert made - set(CODES) == set()
    assert set(CODES) - mentioned == set()


def test_the_readme_holds_no_copy_of_the_code_table_or_the_keys():
    """The codes and the project files' keys are documented by pages generated from the code; a copy in
    the README goes stale (one once listed eight codes twice and contradicted the registry)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.lstrip().startswith("|")]
    assert [code for code in CODES if any(f"`{code}`" in row for row in rows)] == []
    assert [row for row in rows if row.replace(" ", "").startswith("|key|value|")] == []


def test_the_generated_codes_page_lists_every_code_of_the_registry_exactly():
    """The finding-codes page, as the documentation's hook writes it: each code of the registry once, in
    the registry's order, with its severity (and when it changes) and its meaning."""
    page = docs_hook().on_page_markdown((REPO / "docs" / "findings.md").read_text(encoding="utf-8"), None, {}, [])
    rows = [[cell.strip() for cell in line.strip("|").split(" | ")] for line in page.splitlines()
            if line.startswith("| `")]
    assert [row[0] for row in rows] == [f"`{code}`" for code in CODES]
    for (_, severity, meaning), code in zip(rows, CODES.values(), strict=True):
        assert severity == (f"{code.severity} ({code.note})" if code.note else code.severity)
        assert meaning.replace("&lt;", "<").replace("\\{", "{").replace("\\}", "}") == code.meaning


def docs_hook():
    """docs/hooks/generated.py, the MkDocs hook that writes the generated parts of the documentation."""
    spec = importlib.util.spec_from_file_location("docs_hook", REPO / "docs" / "hooks" / "generated.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FINDING_CODE = re.compile(r"\b[a-z0-9]+/[a-z0-9-]+\b")


def asserted_strings(tree: ast.Module) -> set[str]:
    """The string literals a test file's assertions rest on: inside an `assert`, in the value given to a
    name an `assert` reads (`expected = [...]`, a module constant), or in a `parametrize` table."""
    asserts = [node for node in ast.walk(tree) if isinstance(node, ast.Assert)]
    read = {node.id for statement in asserts for node in ast.walk(statement) if isinstance(node, ast.Name)}
    sources: list[ast.AST] = list(asserts)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in read for t in node.targets):
            sources.append(node.value)
        elif isinstance(node, ast.FunctionDef):
            sources += [d for d in node.decorator_list if "parametrize" in ast.unparse(d)]
    return {node.value for source in sources for node in ast.walk(source)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def test_every_code_of_the_registry_is_asserted_by_some_test():
    """A finding code no test asserts can silently stop being produced (three once were): each must be named
    where some test file's assertions rest (see `asserted_strings`; that they pass is that test's business).
    A code only appended to an expectation (`expected.append(...)`, as under `if not shutil.which(...)`)
    does not count: the condition may never hold where the tests run."""
    asserted = set()
    for path in sorted((REPO / "tests").glob("*.py")):
        if path.name != Path(__file__).name:
            for text in asserted_strings(ast.parse(path.read_text(encoding="utf-8"))):
                asserted |= set(FINDING_CODE.findall(text))
    assert [code for code in CODES if code not in asserted] == []
