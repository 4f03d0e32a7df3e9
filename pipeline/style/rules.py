"""House-style rules as data, as Vale keeps them: each rule a small typed check with an id, a level, a
message and the section of the manual it comes from, grouped in packs (one YAML file per pack and
language). jointreport ships the UN Editorial Manual's pack (packs/un.<lang>.yaml); a project adds its own
in styles/ and chooses packs and levels in report.yaml (`style:`).

Kinds, as Vale names them: substitution (write Y, not X: fixed in the build where `fix` says it is
safe), existence (X is not written at all), occurrence (X more or fewer times than allowed in a
sentence, paragraph or file), capitalization (a heading or word not in the case it should be),
consistency (one term written several ways across the report), conditional (X needs Y before it: an
acronym spelled out before it is used).
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..model import SEVERITIES
from ..schema import Field, Validator, mark_of

PACKS_DIR = Path(__file__).resolve().parent / "packs"
KINDS = ("substitution", "existence", "occurrence", "capitalization", "consistency", "conditional")
PLACES = ("body", "notes", "headings", "tables")  # where in a draft a rule looks (quotations never)
CASES = ("sentence", "lower")
UNITS = ("sentence", "paragraph", "file")
MISSING = ("ignore", "report")
OFF = "off"

RULE = Field("map", help="One style rule.", fields={
    "id": Field("str", required=True, help="The rule's name, unique in its pack: its id is <pack>.<id>."),
    "kind": Field("str", required=True, choices=KINDS, help="What kind of check it is (as Vale names them)."),
    "level": Field("str", default="info", choices=SEVERITIES, help="The severity of its findings."),
    "message": Field("str", required=True,
                     help="What a finding says; {match} is the text found, {fix} what to write, {name} the "
                          "pattern's group `name`, {count} a count ({times}: once, twice, 3 times), {reason} why "
                          "a form was chosen."),
    "section": Field("str", default="", help="The manual's section the rule comes from, cited in each finding."),
    "language": Field("str", help="The language of the drafts it applies to (default: the pack's)."),
    "scope": Field("list", items=Field("str", required=True, choices=PLACES),
                   help="Where it looks: body, notes (footnotes), headings, tables (default: body and notes)."),
    "pattern": Field("str", help="A regular expression (Python syntax) for what the rule looks for."),
    "replace": Field("str", help="substitution: what a match becomes (\\g<name> for its groups)."),
    "patterns": Field("list", items=Field("map", fields={
        "pattern": Field("str", required=True, help="A regular expression."),
        "replace": Field("str", default="", help="What its match becomes."),
    }), help="substitution: several pattern/replace pairs."),
    "swap": Field("dict", values=Field("str", required=True),
                  help="substitution: words and what each becomes ({percent: per cent}), case kept."),
    "ignorecase": Field("bool", default=False, help="The pattern matches in any case."),
    "fix": Field("bool", default=False,
                 help="substitution, capitalization, consistency: the build writes the fix (safe fixes only)."),
    "unless_preceded_by": Field("str", help="A regular expression: a match the text before it ends with "
                                            "this is not reported (write it to end with $)."),
    "unless_followed_by": Field("str", help="A regular expression: a match the text after it starts with "
                                            "this is not reported (write it to start with ^)."),
    "unless_sentence_has": Field("str", help="A regular expression: a match in a sentence holding this is "
                                             "not reported."),
    "exceptions": Field("list", items=Field("str", required=True), help="Matches that are never reported."),
    "skip_capitalized": Field("bool", default=False,
                              help="A match with a capital inside a sentence is taken for part of a name."),
    "case": Field("str", choices=CASES, help="capitalization: sentence (headings) or lower; substitution: "
                                             "lower writes the replacement in lower case."),
    "min": Field("int", default=0, help="occurrence: fewer matches than this is a finding."),
    "max": Field("int", default=0, help="occurrence: more matches than this is a finding."),
    "per": Field("str", default="paragraph", choices=UNITS, help="occurrence: what matches are counted in."),
    "when": Field("str", help="occurrence: count only the names (group `name`) for which this pattern, "
                              "{name} in it standing for the name, also matches."),
    "second": Field("str", help="conditional: what must come before a match of `pattern` ({name} in it "
                                "standing for the match's group `name`)."),
    "missing": Field("str", default="report", choices=MISSING,
                     help="conditional: report a match whose `second` never comes, or ignore it."),
    "sets": Field("list", items=Field("any", required=True),
                  help="consistency: the forms one term is written in ([health care, healthcare]), or "
                       "{forms: [...], prefer: the form to write whatever the majority}."),
    "compounds": Field("bool", default=False,
                       help="consistency: also a word written closed and hyphenated (co-operation, cooperation)."),
})
PACK = Field("map", required=True, help="A style pack: rules for the drafts of one language.", fields={
    "pack": Field("str", help="The pack's name, the first part of its rules' ids (default: the file's name)."),
    "language": Field("str", help="The language of the drafts it applies to (default: the report's)."),
    "source": Field("str", default="", help="Where the rules come from (a manual), cited in each finding."),
    "keep": Field("list", items=Field("str", required=True),
                  help="Names no rule of the pack may change (Organisation for Economic Co-operation and "
                       "Development)."),
    "rules": Field("list", required=True, items=RULE, help="The pack's rules."),
})


@dataclass(frozen=True)
class ConsistentSet:
    forms: tuple[str, ...]
    prefer: str = ""  # the form written whatever the majority writes ("Viet Nam"), or "" for the majority's


@dataclass(frozen=True)
class Rule:
    id: str  # "UN.PerCent": the pack's name, a dot, the rule's name
    kind: str
    level: str
    message: str
    source: str  # the manual and its section, as a finding cites it
    language: str
    scope: tuple[str, ...] = ("body", "notes")
    fix: bool = False
    patterns: tuple[tuple[str, str], ...] = ()  # (regular expression, replacement or "")
    swap: tuple[tuple[str, str], ...] = ()  # (word, replacement), compared in lower case
    ignorecase: bool = False
    unless_preceded_by: str = ""
    unless_followed_by: str = ""
    unless_sentence_has: str = ""
    exceptions: tuple[str, ...] = ()
    skip_capitalized: bool = False
    case: str = ""
    min: int = 0
    max: int = 0
    per: str = "paragraph"
    when: str = ""
    second: str = ""
    missing: str = "report"
    sets: tuple[ConsistentSet, ...] = ()
    compounds: bool = False

    @functools.cached_property
    def compiled(self) -> tuple[tuple[re.Pattern, str | None], ...]:
        """Each pattern with its replacement (None: the swap table's, or none). A swap table alone is
        matched as whole words."""
        flags = re.I if self.ignorecase else 0
        found = [(re.compile(pattern, flags), replacement or None) for pattern, replacement in self.patterns]
        if self.swap and not found:
            words = sorted((word for word, _ in self.swap), key=len, reverse=True)
            found = [(re.compile(r"(?<![\w\-‐‑])(?:%s)(?![\w\-‐‑])" % "|".join(map(re.escape, words)), re.I), None)]
        return tuple(found)

    @functools.cached_property
    def swaps(self) -> dict[str, str]:
        return {word.lower(): after for word, after in self.swap}

    @functools.cached_property
    def guards(self) -> tuple[re.Pattern | None, re.Pattern | None, re.Pattern | None]:
        """The exceptions' patterns: before the match, after it, and in its sentence."""
        return tuple(re.compile(text) if text else None
                     for text in (self.unless_preceded_by, self.unless_followed_by, self.unless_sentence_has))

    def template(self, text: str, name: str) -> re.Pattern:
        """`when` or `second` for one name, compiled."""
        return _compiled(text.replace("{name}", re.escape(name)), re.I if self.ignorecase else 0)


@functools.lru_cache(maxsize=1024)
def _compiled(text: str, flags: int) -> re.Pattern:
    return re.compile(text, flags)


@dataclass(frozen=True)
class Style:
    """The rules a project's drafts are held to, by language, with the levels report.yaml sets."""

    rules: tuple[Rule, ...] = ()
    fix: bool = True  # the build writes the rules' safe fixes
    keep: tuple[str, ...] = ()  # names no rule changes

    def of(self, language: str) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.language == language)

    @functools.cached_property
    def digest(self) -> str:
        """What work made with these rules depends on: a cache key part."""
        return hashlib.sha256(repr((self.rules, self.fix, self.keep)).encode()).hexdigest()[:16]


@dataclass
class Pack:
    name: str
    rules: list[Rule] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)


def read_pack(raw, label: str, validator: Validator, default_name: str, default_language: str,
              shipped: bool = False) -> Pack | None:
    """One pack file's data as rules; every problem is reported with file:line:col, a wrong rule left out.
    A pack jointreport `shipped` (its tests use every rule) is not compiled here, on every start."""
    data = validator.check(raw, PACK)
    if not data or data.get("rules") is None:
        return None
    name = data.get("pack") or default_name
    if not re.fullmatch(r"[A-Za-z][\w-]*", name):
        validator.error(mark_of(raw, "pack"), "pack", f"{name!r}: a pack's name is letters, digits, - and _")
        return None
    language = data.get("language") or default_language
    source = data.get("source") or ""
    pack = Pack(name, keep=list(data.get("keep") or []))
    seen = set()
    for index, entry in enumerate(data["rules"]):
        at = (raw, "rules", index)
        rule = _rule(entry, name, language, source, validator, at, shipped)
        if rule is None:
            continue
        if (rule.id, rule.language) in seen:
            validator.error(mark_of(*at), f"rules[{index}].id", f"{rule.id} is defined twice")
            continue
        seen.add((rule.id, rule.language))
        pack.rules.append(rule)
    return pack


def _rule(entry: dict, pack: str, language: str, source: str, validator: Validator, at: tuple,
          shipped: bool = False) -> Rule | None:
    keypath = f"rules[{at[2]}]"
    problems = len(validator.errors)

    def wrong(key: str, message: str) -> None:
        validator.error(mark_of(*at, key), f"{keypath}.{key}" if key else keypath, message)

    if not entry or not entry.get("id") or not entry.get("kind") or not entry.get("message"):
        return None
    kind = entry["kind"]
    patterns = [(entry["pattern"], entry.get("replace") or "")] if entry.get("pattern") else []
    patterns += [(p["pattern"], p.get("replace") or "") for p in entry.get("patterns") or [] if p and p["pattern"]]
    swap = tuple((str(k), v) for k, v in (entry.get("swap") or {}).items())
    for key in ("pattern", "unless_preceded_by", "unless_followed_by", "unless_sentence_has", "when", "second"):
        if entry.get(key) and not shipped:
            _check_regex(entry[key].replace("{name}", "NAME"), key, wrong)
    for index, (pattern, _) in enumerate(patterns if entry.get("patterns") and not shipped else []):
        _check_regex(pattern, f"patterns[{index}].pattern", wrong)
    needs = {"substitution": bool(patterns or swap), "existence": bool(patterns), "occurrence": bool(patterns),
             "capitalization": bool(patterns) or entry.get("case") == "sentence",
             "consistency": bool(entry.get("sets")) or bool(entry.get("compounds")),
             "conditional": bool(patterns) and bool(entry.get("second"))}
    if not needs[kind]:
        wrong("", {"substitution": "needs a pattern with replace, patterns, or a swap table",
                   "consistency": "needs sets of forms, or compounds: true",
                   "conditional": "needs a pattern and a second",
                   "capitalization": "needs a pattern, or case: sentence"}.get(kind, "needs a pattern"))
    if kind == "occurrence" and not (entry.get("min") or entry.get("max")):
        wrong("", "needs min or max")
    sets = _sets(entry.get("sets") or [], wrong)
    try:
        entry["message"].format(match="", fix="", name="", count=0, times="", reason="")
    except (KeyError, IndexError, ValueError) as exc:
        wrong("message", f"cannot be filled in ({exc}): use {{match}}, {{fix}}, {{name}}, {{count}}, {{times}}, "
                         "{{reason}}")
    if len(validator.errors) > problems:
        return None
    cited = "; ".join(part for part in (source, entry.get("section") or "") if part)
    return Rule(f"{pack}.{entry['id']}", kind, entry["level"], entry["message"], cited,
                entry.get("language") or language, tuple(entry.get("scope") or ("body", "notes")),
                bool(entry["fix"]), tuple(patterns), swap, bool(entry["ignorecase"]),
                entry.get("unless_preceded_by") or "", entry.get("unless_followed_by") or "",
                entry.get("unless_sentence_has") or "", tuple(entry.get("exceptions") or ()),
                bool(entry["skip_capitalized"]), entry.get("case") or "", entry["min"] or 0, entry["max"] or 0,
                entry["per"], entry.get("when") or "", entry.get("second") or "", entry["missing"], sets,
                bool(entry["compounds"]))


def _check_regex(text: str, key: str, wrong) -> None:
    try:
        re.compile(text)
    except re.error as exc:
        wrong(key, f"not a regular expression: {exc}")


def _sets(raw: list, wrong) -> tuple[ConsistentSet, ...]:
    sets = []
    for index, item in enumerate(raw):
        forms, prefer = (item.get("forms"), item.get("prefer") or "") if isinstance(item, dict) else (item, "")
        if not isinstance(forms, list) or len(forms) < 2 or not all(isinstance(f, str) and f for f in forms):
            wrong(f"sets[{index}]", "should be a list of two or more forms, or {forms: [...], prefer: ...}")
            continue
        if prefer and prefer not in forms:
            wrong(f"sets[{index}]", f"prefer: {prefer!r} is not one of its forms")
            continue
        sets.append(ConsistentSet(tuple(forms), prefer))
    return tuple(sets)


@functools.cache
def builtin_packs() -> dict[str, list[Pack]]:
    """The packs jointreport ships, by name: one Pack per language file (packs/<name>.<lang>.yaml)."""
    from ..yamlfile import read_yaml

    packs: dict[str, list[Pack]] = {}
    for path in sorted(PACKS_DIR.glob("*.yaml")):
        validator = Validator(f"jointreport's {path.name}")
        pack = read_pack(read_yaml(path, validator.label), validator.label, validator, path.stem.split(".")[0],
                         path.stem.split(".")[-1], shipped=True)
        if validator.errors or pack is None:
            raise RuntimeError("; ".join(validator.errors) or f"{path.name}: no rules")
        packs.setdefault(pack.name, []).append(pack)
    return packs


def select(packs: dict[str, list[Pack]], chosen: list[str], levels: dict[str, str], fix: bool) -> Style:
    """The style made of the `chosen` packs, each rule at the level `levels` gives its id (or its id and
    language, "UN.PerCent@es"), rules set to off left out."""
    rules, keep = [], []
    for name in chosen:
        for pack in packs.get(name, []):
            keep += pack.keep
            for rule in pack.rules:
                level = levels.get(f"{rule.id}@{rule.language}") or levels.get(rule.id) or rule.level
                if level != OFF:
                    rules.append(replace(rule, level=level))
    return Style(tuple(rules), fix, tuple(dict.fromkeys(keep)))
