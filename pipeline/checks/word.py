"""Word hygiene: what reviewers left in a draft that pandoc would silently accept or drop."""

from __future__ import annotations

from ..codes import finding
from ..model import Draft, Finding


def word_findings(draft: Draft) -> list[Finding]:
    """Unaccepted tracked changes (pandoc would accept them unseen) and reviewer comments (it drops them)."""
    findings = []
    place = draft.contribution.place
    if draft.tracked_changes:
        total = sum(draft.tracked_changes.values())
        findings.append(finding(
            "docx/tracked-changes", place,
            f"{total} unaccepted tracked change{'s' * (total != 1)} by {_by_author(draft.tracked_changes)}; "
            "accept or reject them in Word (Review › Accept/Reject) and send the file again", draft.first_change))
    if draft.comments:
        total = sum(draft.comments.values())
        findings.append(finding(
            "docx/comments", place,
            f"{total} reviewer comment{'s' * (total != 1)} by {_by_author(draft.comments)}; "
            "they are left out of the report: resolve and delete them"))
    return findings


def _by_author(counts: dict[str, int]) -> str:
    return ", ".join(f"{author} ({n})" for author, n in counts.items())
