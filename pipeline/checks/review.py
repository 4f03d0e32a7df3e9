"""A review round: every reviewer comment answered in the comment–response matrix, and nothing answered twice."""

from __future__ import annotations

from ..codes import finding
from ..inputs import Draft, Responses
from ..model import Finding, Place


def review_findings(drafts: list[Draft], responses: Responses) -> list[Finding]:
    """review/unanswered-comment for each comment without a response or action; review/orphan-response for
    each answer whose comment is gone (resolved and deleted, or reworded)."""
    findings, known = [], set()
    for draft in drafts:
        for comment in draft.threads:
            known.add(comment.id)
            response, action = responses.answers.get(comment.id, ("", ""))
            if not (response or action):
                words = " ".join(comment.text.split()[:8]) + ("…" if len(comment.text.split()) > 8 else "")
                findings.append(finding("review/unanswered-comment", draft.contribution.place,
                                        f"{comment.id} by {comment.author}: \"{words}\" has no response in "
                                        f"{responses.label}; answer it there", comment.location))
    for ident in sorted(set(responses.answers) - known):
        findings.append(finding("review/orphan-response", Place(responses.label),
                                f"{ident} answers a comment no draft has any more (resolved, or reworded)"))
    return findings
