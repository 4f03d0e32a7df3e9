"""What a draft holds that the renderers cannot take as it is: the same neutralisation the assembly
applies (`normalise.py`), run here so `check` reports every problem the build will meet."""

from __future__ import annotations

import copy

from ..codes import finding
from ..model import ChapterIntro, Draft, Finding
from ..normalise import neutralise


def content_findings(draft: Draft | ChapterIntro) -> list[Finding]:
    """Citations without a bibliography, links to nowhere, pictures that are missing or too large, quotes
    and lists nested too deep: in an agency's draft (measured when it was read, and cached with it) or an
    editors' chapter introduction."""
    if isinstance(draft, Draft):
        issues, place = draft.issues, draft.contribution.place
    else:
        issues, place = neutralise(copy.deepcopy(draft.blocks), draft.pictures.get)[1], draft.place
    return [finding(issue.code, place, issue.message, issue.location) for issue in issues]
