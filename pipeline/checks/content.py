"""What a draft holds that the renderers cannot take as it is: the same neutralisation the assembly
applies (`normalise.py`), run here so `check` reports every problem the build will meet."""

from __future__ import annotations

from ..codes import finding
from ..model import ChapterIntro, Draft, Finding
from ..normalise import neutralise


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
