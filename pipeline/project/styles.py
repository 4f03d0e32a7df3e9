"""report.yaml's `style:` and the project's styles/ folder: the house-style packs a report is held to (the
built-in UN pack, the project's own), and the level of each rule."""

from __future__ import annotations

import difflib
from pathlib import Path

from ..model import SEVERITIES
from ..schema import Field, Validator, mark_of
from ..style.rules import OFF, Pack, Style, builtin_packs, read_pack, select
from ..yamlfile import YamlError, read_yaml

STYLES_DIR = "styles"
DEFAULT_PACKS = ("UN",)
STYLE = Field("map", default={}, help="The house style drafts are checked against, and fixed to in the build.",
              fields={
    "packs": Field("list", items=Field("str", required=True),
                   help="The style packs to apply: UN (built in: the UN Editorial Manual, in en, fr and es) and "
                        "the project's own, from styles/*.yaml (default: UN and every pack in styles/; [] for none)."),
    "rules": Field("dict", default={}, values=Field("str", required=True, choices=(*SEVERITIES, OFF)),
                   help="A rule's level by its id, or off: {UN.NumbersInWords: off}; one language only with "
                        "@: {UN.PerCent@es: off}."),
    "fix": Field("bool", default=True,
                 help="false: the build leaves the text as written; the rules' fixes are findings only."),
})


def build_style(root: Path, raw_report, settings: dict, language: str, validator: Validator,
                problems: list[str]) -> Style:
    """The selected packs with their levels; a wrong setting or pack file is reported at file:line:col."""
    builtin = builtin_packs()
    packs = {name: list(found) for name, found in builtin.items()}
    own = _project_packs(root, language, problems)
    for pack in own:
        if pack.name in builtin:
            problems.append(f"{STYLES_DIR}/: a pack is named {pack.name!r}, as a built-in one: give it another name")
            continue
        packs.setdefault(pack.name, []).append(pack)
    chosen = settings.get("packs")
    if chosen is None:
        chosen = list(DEFAULT_PACKS) + sorted({pack.name for pack in own} - set(DEFAULT_PACKS))
    for name in chosen:
        if name not in packs:
            validator.error(mark_of(raw_report, "style", "packs"), "style.packs",
                            f"no pack {name!r} (built in: {', '.join(builtin_packs())}; the project's: "
                            f"{', '.join(sorted({p.name for p in own})) or f'none in {STYLES_DIR}/'})")
    levels = settings.get("rules") or {}
    known = {rule.id for name in chosen for pack in packs.get(name, []) for rule in pack.rules}
    with_language = {f"{rule.id}@{rule.language}" for name in chosen for pack in packs.get(name, [])
                     for rule in pack.rules}
    for ident in levels:
        if ident not in known and ident not in with_language:
            close = difflib.get_close_matches(ident, sorted(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            validator.error(mark_of(raw_report, "style", "rules", ident), f"style.rules.{ident}",
                            f"no rule {ident!r} in the chosen packs{hint}")
    return select(packs, [name for name in chosen if name in packs], levels, settings.get("fix", True) is not False)


def _project_packs(root: Path, language: str, problems: list[str]) -> list[Pack]:
    """Every pack file in styles/ (*.yaml), read and checked; a pack of several files shares their name."""
    folder = root / STYLES_DIR
    if not folder.is_dir():
        return []
    packs = []
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".yaml", ".yml") or not path.is_file():
            continue
        label = f"{STYLES_DIR}/{path.name}"
        validator = Validator(label)
        try:
            raw = read_yaml(path, label)
        except YamlError as exc:
            problems.append(str(exc))
            continue
        pack = read_pack(raw, label, validator, path.stem, language)
        problems += validator.errors
        if pack is not None and not validator.errors:
            packs.append(pack)
    return packs
