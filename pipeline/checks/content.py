"""What a draft holds that the renderers cannot take as it is: the same neutralisation the assembly
applies (`normalise.py`), run here so `check` reports every problem the build will meet."""

from __future__ import annotations

from ..codes import finding
from ..model import ChapterIntro, Draft, Finding
from ..normalise import neutralise
from ..numbering import mark_references


def content_findings(draft: Draft | ChapterIntro) -> list[Finding]:
    """Citations without a bibliography, links to nowhere, pictures that are missing or too large, quotes
    and lists nested too deep: in an agency's draft or an editors' chapter introduction."""
    _, issues = neutralise(mark_references(draft.blocks), draft.pictures.get)
    place = draft.contribution.place if isinstance(draft, Draft) else draft.place
    return [finding(issue.code, place, issue.message, issue.location) for issue in issues]
