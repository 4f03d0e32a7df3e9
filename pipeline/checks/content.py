"""What a draft holds that the renderers cannot take as it is: the same neutralisation the assembly
applies (`normalise.py`), run here so `check` reports every problem the build will meet."""

from __future__ import annotations

import copy

from ..codes import finding
from ..model import Draft, Finding
from ..normalise import neutralise


def content_findings(draft: Draft) -> list[Finding]:
    """Citations without a bibliography, links to nowhere, pictures that are missing or too large."""
    _, issues = neutralise(copy.deepcopy(draft.blocks), draft.pictures.get)
    return [finding(issue.code, draft.contribution.place, issue.message, issue.location) for issue in issues]
