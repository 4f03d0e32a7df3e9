"""One returned copy: an agency's own Word file with the build's fixes as tracked changes (author
"Editors", the day given, a comment each saying why) and the other findings it must act on as comments."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DraftError
from ..model import Finding
from ..wordml import WordPackage
from .fixes import Fix, Proposal
from .package import CommentsPart, highest_id, write_package
from .placing import locate, overlaps, place, stories
from .wordedit import Mark, Revisions, comment_on_paragraph, mark_paragraph

# The check's findings a returned file shows as changes, not comments; and those about nothing in the file
# itself (its own reviewers' comments are there already; a translation or a deadline is not in its text).
AS_CHANGES = {"terms/rejected": "term", "terms/acronym-first-use": "acronym", "agreed/drift": "agreed",
              "style/substitution": "style", "style/capitalization": "style", "style/consistency": "style"}
NOT_COMMENTED = {"docx/comments", "lang/missing-translation", "timeline/overdue", "timeline/due-soon"}
NOT_FOUND = "its words are not in the Word file as pandoc read them (a field, a text box or a symbol among them)"


@dataclass
class Returned:
    """One draft's returned copy: where it was written, the fixes tracked, the comments added."""

    draft: str
    path: Path | None
    tracked: list[Fix] = field(default_factory=list)
    comments: int = 0
    lost: list[tuple[Fix, str]] = field(default_factory=list)  # fixes that are comments only, and why
    findings: list[Finding] = field(default_factory=list)


def notes_for(findings: list[Finding], relpath: str) -> list[Finding]:
    """The file's findings the agency must act on (errors and warnings)."""
    return [f for f in findings if f.path == relpath and f.severity in ("error", "warning")
            and f.code not in NOT_COMMENTED]


def annotate(data: bytes, proposals: list[Proposal], notes: list[Finding], date: str) -> tuple[Returned, bytes]:
    """The Word file with the proposals as tracked changes and the notes as comments; the fixes that
    could only be comments are in `findings` as (fix, why)."""
    package = WordPackage(data)
    if package.strict:
        raise DraftError("saved as Strict Open XML, which jointreport reads but does not write; "
                         "save it as an ordinary Word document")
    body, footnotes = stories(package)
    found = locate(proposals, body, footnotes)
    marks: dict[int, list[Mark]] = {}  # id(paragraph) → its marks
    fixes: dict[int, Fix] = {}  # id(mark) → its fix
    lost: list[tuple[Fix, str]] = []
    for proposal in proposals:
        mark = place(proposal, found[(proposal.runs[0].paragraph, proposal.runs[0].in_note)])
        if mark is None:
            lost.append((proposal.fix, NOT_FOUND))
        elif not overlaps(mark, marks.get(id(mark.paragraph), [])):
            marks.setdefault(id(mark.paragraph), []).append(mark)
            fixes[id(mark)] = proposal.fix
    revisions = Revisions(date, highest_id(package, package.text_parts() + package.related("comments")) + 1)
    comments = CommentsPart(package)
    returned = Returned("", None)
    for mine in marks.values():
        unplaced = {id(m): why for m, why in mark_paragraph(mine, revisions, comments)}
        returned.tracked += [fixes[id(m)] for m in mine if id(m) not in unplaced]
        lost += [(fixes[id(m)], unplaced[id(m)]) for m in mine if id(m) in unplaced]
    made = {(f.kind, f.location) for f in returned.tracked}
    for note in notes:
        if note.code == "terms/rejected" or (AS_CHANGES.get(note.code), note.location) in made:
            continue  # a fix: tracked, or commented on with its reason below
        where = body.at(note.location)
        if where is not None:
            comment_on_paragraph(where, f"{note.message} ({note.code})", revisions, comments)
    for fix, why in lost:
        if why == NOT_FOUND and (where := body.at(fix.location)) is not None:
            comment_on_paragraph(where, f"{fix.reason} Not marked as a tracked change: {why}. (fix {fix.id})",
                                 revisions, comments)
    returned.comments, returned.lost = comments.added, lost
    return returned, write_package(package, data, body.parts + footnotes.parts, comments)
