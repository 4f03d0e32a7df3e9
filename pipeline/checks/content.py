"""What a draft holds that the renderers cannot take as it is: the same neutralisation the assembly
applies (`normalise.py`), run here so `check` reports every problem the build will meet."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from ..codes import finding
from ..inputs import ChapterIntro, Draft
from ..model import Finding
from ..normalise import neutralise

if TYPE_CHECKING:
    from ..buildcache import Store


def content_findings(draft: Draft | ChapterIntro, bibliography=None) -> list[Finding]:
    """Citations the bibliography does not know (any citation when the project has no references), links
    to nowhere, pictures that are missing or too large, quotes and lists nested too deep: in an agency's
    draft or an editors' chapter introduction. `bibliography`: the project's merged references. Without
    one, a draft's issues were measured when it was read (and cached with it). Cross-references
    (`@fig:x`) are not citations: `mark_references` set them apart when the draft was converted."""
    if isinstance(draft, Draft) and (bibliography is None or not bibliography.entries):
        return [finding(issue.code, draft.contribution.place, issue.message, issue.location) for issue in draft.issues]
    cites = None
    if bibliography is not None:
        cites = (bibliography.resolver(draft.contribution.relpath, draft.contribution.agency)
                 if isinstance(draft, Draft) else bibliography.resolver(draft.relpath, None))
    _, issues = neutralise(draft.blocks, draft.pictures.get, cites)
    place = draft.contribution.place if isinstance(draft, Draft) else draft.place
    return [finding(issue.code, place, issue.message, issue.location) for issue in issues]


def drafts_content_findings(drafts: list[Draft], bibliography=None, memo: Store | None = None) -> list[Finding]:
    """`content_findings` of each draft. With a `memo`, a draft checked before against the same
    bibliography keys, in the same place, is not walked again (without a bibliography, its issues were
    measured on reading)."""
    if memo is None or bibliography is None or not bibliography.entries:
        return [f for draft in drafts for f in content_findings(draft, bibliography)]
    keys = hashlib.sha256(json.dumps(sorted(map(list, bibliography.keys.items()))).encode()).hexdigest()
    findings = []
    for draft in drafts:
        contribution = draft.contribution
        key = memo.key("content", draft.media_dir.name, contribution.relpath, contribution.agency, keys)
        done = memo.get_json(key)
        if done is None:
            found = content_findings(draft, bibliography)
            memo.put_json(key, [f.to_json() for f in found])
        else:
            found = [Finding(**f) for f in done]
        findings += found
    return findings
