"""House style: each file held to the style packs' rules of its language, and each term the report writes
two ways across its files reported once, with the places."""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from ..codes import finding
from ..inputs import Draft
from ..model import Finding, Project
from ..style.consistency import Decision, Text, decide, texts_in_order
from ..style.engine import Context, Hit, Scan, context_of, file_hits
from ..style.fixes import gathered_forms
from ..style.rules import Style

if TYPE_CHECKING:
    from ..buildcache import Store

CODES = {"substitution": "style/substitution", "existence": "style/existence", "occurrence": "style/occurrence",
         "capitalization": "style/capitalization", "consistency": "style/consistency",
         "conditional": "style/conditional"}


def style_findings(project: Project, drafts: list[Draft], intros: dict, memo: Store | None = None) -> list[Finding]:
    """Every file of every language against its language's rules, in reading order, then the terms each
    language's files write in more than one way. With a `memo`, a file checked before with the same rules
    is not read again."""
    style = project.style
    if not style or not style.rules:
        return []
    context = context_of(project, style)
    languages = sorted({d.contribution.lang for d in drafts} | {lang for _, lang in intros})
    found = []
    for language in languages:
        if not style.of(language):
            continue
        gathered = []
        for text in texts_in_order(project, drafts, intros, language):
            scan = functools.cache(functools.partial(Scan, text.blocks, text.language, context))  # read once
            found += _file_findings(style, text, context, memo, scan)
            gathered.append((text, gathered_forms(style, text, context, memo, scan)))
        found += [_consistency_finding(d, context) for d in decide(style, language, gathered, project.terminology)]
    return found


def loose_style_findings(project: Project, draft: Draft) -> list[Finding]:
    """A draft not yet in the project (`terms --check`), alone, in the project's language."""
    style = project.style
    if not style or not style.rules:
        return []
    context = context_of(project, style)
    text = Text(draft, draft.contribution.place, project.language, draft.contribution.relpath)
    gathered = [(text, gathered_forms(style, text, context))]
    return _file_findings(style, text, context) + [
        _consistency_finding(d, context) for d in decide(style, project.language, gathered, project.terminology)]


def _file_findings(style: Style, text: Text, context: Context, memo: Store | None = None,
                   scan=None) -> list[Finding]:
    key = memo.key("style", text.item.media_dir.name, text.place, text.language, style.digest,
                   context.digest) if memo else ""
    done = memo.get_json(key) if memo else None
    if done is not None:
        return [Finding(**item) for item in done]
    locate = text.locate
    found = [_finding(hit, text, locate(hit.run, _phrase(hit.before)))
             for hit in file_hits(style, scan() if scan else Scan(text.blocks, text.language, context))]
    if memo:
        memo.put_json(key, [f.to_json() for f in found])
    return found


def _phrase(text: str) -> str:
    """Enough of a finding's text for the locator to find its line."""
    return " ".join(text.split()[:6])


def _finding(hit: Hit, text: Text, location: str) -> Finding:
    made = finding(CODES[hit.rule.kind], text.place, hit.message(), location, severity=hit.rule.level)
    return replace(made, rule=hit.rule.id)


def _consistency_finding(decision: Decision, context: Context) -> Finding:
    """One finding for a term written several ways: at the first place written otherwise than decided."""
    rule, first = decision.rule, decision.others[0]
    location = first.locations[0] if first.locations else _first_place(first.text, first.form, context)
    told = rule.message.format(match=first.form, fix=decision.form, name=first.form, count=first.count,
                               reason=decision.reason)
    how = "two ways" if len({use.form for use in decision.uses}) > 1 else "otherwise than the house style"
    message = f"written {how} across the report: {decision.listing()}: {told}"
    made = finding(CODES[rule.kind], first.text.place, f"{message} ({rule.source})" if rule.source else message,
                   location, severity=rule.level)
    return replace(made, rule=rule.id)


def _first_place(text: Text, word: str, context: Context) -> str | None:
    """Where a file first writes a word (a closed compound, whose places are counted, not kept)."""
    pattern = re.compile(r"(?<![\w\-‐‑])%s(?![\w\-‐‑])" % re.escape(word))
    for run in Scan(text.blocks, text.language, context).runs:
        if pattern.search(run.text):
            return text.locate(run, word)
    return None
