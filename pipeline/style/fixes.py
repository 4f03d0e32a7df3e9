"""The house style's safe fixes written into the assembled report, as the glossary's are (terms.harmonise):
in place, on the build's own copy of a file's blocks, never in the agency's file (`return` offers them there
as tracked changes), each change recorded (build/<slug>.terminology.csv, with the rule's id)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from ..casing import written_like
from ..document import Change
from ..model import Project
from ..textruns import Locator, Run
from ..tree import as_json
from .consistency import decide, fixes, forms_in, key, name_like, set_pattern, texts_in_order
from .engine import Context, Hit, Scan, context_of, rewriting, without_overlaps
from .rules import Style

FORMS = "style-forms"  # a cache entry: one file's uses of the consistency rules' forms


def fix_hits(style: Style, scan: Scan, consistent: dict[str, dict[str, str]]) -> list[Hit]:
    """The rewrites the build makes in one file: the `fix` rules of its language and the report's consistency
    decisions (`consistent`: rule id → form written → form to write), none overlapping another, in reading
    order. `return` offers the same ones to the agency (returns/fixes.py)."""
    if not style.fix:
        return []
    hits = []
    for rule in style.of(scan.language):
        if not rule.fix:
            continue
        if rule.kind == "substitution" or (rule.kind == "capitalization" and rule.case != "sentence"):
            hits += rewriting(rule, scan)
        elif rule.kind == "consistency" and rule.id in consistent:
            hits += _consistent(rule, scan, consistent[rule.id])
    return without_overlaps(hits)


def restyle(style: Style, blocks: list, locate: Locator, path: str, language: str, context: Context,
            consistent: dict[str, dict[str, str]], keep: Callable[[Run, Hit], bool] | None = None) -> list[Change]:
    """Make `fix_hits` in `blocks`, but those `keep` says to leave as written (a fix the agency rejected:
    see returns/answers.py); return every change made, in reading order."""
    if not style.fix:
        return []
    scan = Scan(blocks, language, context)
    by_run: dict[int, list[Hit]] = {}
    for hit in fix_hits(style, scan, consistent):
        if not (keep and keep(hit.run, hit)):
            by_run.setdefault(hit.index, []).append(hit)
    changes = []
    for index in sorted(by_run, reverse=True):  # right to left: earlier runs keep their places
        run, found = scan.runs[index], by_run[index]
        text = run.text
        for hit in reversed(found):
            text = text[:hit.start] + hit.after + text[hit.end:]
        changes += [Change(path, locate(run, hit.before), hit.before, hit.after, hit.rule.id)
                    for hit in reversed(found)]
        run.replace(text)
    return changes[::-1]


def _consistent(rule, scan: Scan, chosen: dict[str, str]) -> list[Hit]:
    """The places one file writes a form the report decided against, with the decided form."""
    by_key = {key(form): (form, after) for form, after in chosen.items()}
    declared = tuple(chosen) + tuple(chosen.values())
    found = []
    for index, run in scan.in_scope(rule):
        for match in set_pattern(tuple(chosen)).finditer(run.text):
            stem = match.group("stem")
            form, after = by_key.get(key(stem), (None, None))
            if (form is None or not scan.free(index, match.start(), match.end())
                    or name_like(stem, form, run.text, match.start())):
                continue
            written = written_like(after, stem, declared, scan.language, run.heading_case)
            found.append(Hit(rule, run, match.start(), match.start() + len(stem), stem, written, index=index))
    return found


def report_decisions(project: Project, drafts: list, intros: dict, context: Context, store=None) -> dict:
    """The consistency fixes of every language the files are in: language → rule id → form → form to write.
    Each file's uses come from `store` (buildcache.Store) when it has them, so an unchanged file's blocks
    are not read."""
    style = project.style
    decided = {}
    languages = {d.contribution.lang for d in drafts} | {lang for _, lang in intros}
    for language in sorted(languages):
        if not any(rule.kind == "consistency" for rule in style.of(language)):
            continue
        gathered = [(text, gathered_forms(style, text, context, store))
                    for text in texts_in_order(project, drafts, intros, language)]
        decided[language] = fixes(decide(style, language, gathered, project.terminology))
    return decided


_MADE: dict[tuple, bytes] = {}  # forms this process gathered: a build's check and its assembly ask for the same
_MADE_AT_MOST = 2000


def gathered_forms(style: Style, text, context: Context, store=None, scan=None) -> dict:
    """`forms_in` of one file, from the cache when it has it, or from this process's own (the check gathers
    them, the assembly of the same build asks again, each with its own cache); `scan`, a function making
    the file's Scan, shares it with the caller's other reading of the file."""
    parts = (text.item.media_dir.name, text.place.path, text.language, style.digest, context.digest)
    cache_key = store.key(FORMS, *parts) if store else ""
    done = store.get_json(cache_key) if store else None
    if done is not None:
        return done
    content = hashlib.sha256(as_json(text.blocks) + (getattr(text.item, "source", None) or "").encode())
    own = (content.hexdigest(), *parts[1:])  # by what the file holds, whatever its cache entry
    made = _MADE.get(own)
    done = json.loads(made) if made is not None else forms_in(
        style, scan() if scan else Scan(text.blocks, text.language, context), text.locate)
    if made is None:
        if len(_MADE) >= _MADE_AT_MOST:
            _MADE.clear()
        _MADE[own] = as_json(done)
    if store:
        store.put_json(cache_key, done)
    return done


@dataclass
class HouseStyle:
    """The house style as the build applies it to each file it adopts: the rules, the project's names,
    and the report's consistency decisions, made once for the whole edition."""

    style: Style
    context: Context
    consistent: dict  # language → rule id → form written → form to write

    def key(self, language: str) -> list:
        """What a file's fixes depend on beyond its own content: a cache key part."""
        return [self.style.digest, self.context.digest, self.consistent.get(language)]

    def apply(self, blocks: list, locate: Locator, path: str, language: str,
              keep: Callable[[Run, Hit], bool] | None = None) -> list[Change]:
        return restyle(self.style, blocks, locate, path, language, self.context, self.consistent.get(language, {}),
                       keep)


def house_style(project: Project, drafts: list, intros: dict, store=None) -> HouseStyle | None:
    """The build's house style for an edition made of `drafts` and `intros`; None when no rule fixes."""
    style = project.style
    if not style or not style.fix or not any(rule.fix for rule in style.rules):
        return None
    context = context_of(project, style)
    return HouseStyle(style, context, report_decisions(project, drafts, intros, context, store))
