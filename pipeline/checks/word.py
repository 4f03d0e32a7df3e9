"""Word hygiene: what reviewers left in a draft that pandoc would silently accept or drop, and the Word
features that intake measured (lost words, text boxes, linked or legacy pictures, hand-made headings,
macros), each with the fix an agency can apply."""

from __future__ import annotations

from ..codes import finding
from ..inputs import Draft, Spot
from ..model import Finding

MAX_PLACES = 3  # places named in one message; the rest are counted


def word_findings(draft: Draft) -> list[Finding]:
    """Unaccepted tracked changes (pandoc would accept them unseen) and reviewer comments (it drops them)."""
    findings = []
    place = draft.contribution.place
    if draft.tracked_changes:
        total = sum(draft.tracked_changes.values())
        findings.append(finding(
            "docx/tracked-changes", place,
            f"{total} unaccepted tracked change{'s' * (total != 1)} by {_by_author(draft.tracked_changes)}; "
            f"accept or reject them in {_review_menu(draft)} and send the file again", draft.first_change))
    if draft.comments:
        total = sum(draft.comments.values())
        findings.append(finding(
            "docx/comments", place,
            f"{total} reviewer comment{'s' * (total != 1)} by {_by_author(draft.comments)}; "
            "they are left out of the report: resolve and delete them"))
    return findings + audit_findings(draft)


def audit_findings(draft: Draft) -> list[Finding]:
    """What intake measured inside a Word draft, as findings."""
    audit = draft.audit
    if audit is None:
        return []
    place = draft.contribution.place
    findings = []
    if audit.lost_words:
        where = _places(audit.lost) if audit.lost else "scattered through the text"
        share = 100 * audit.lost_words / max(1, audit.words_in)
        findings.append(finding(
            "docx/content-lost", place,
            f"{audit.lost_words} of its {audit.words_in} words ({share:.0f} %) did not reach the report, {where}: "
            "that text sits in something the converter cannot read (a shape, a frame, an embedded object, an "
            "unusual field); paste it into the body as ordinary paragraphs and send the file again",
            audit.lost[0].location if audit.lost else None))
    if audit.text_boxes:
        n, words = len(audit.text_boxes), sum(s.words for s in audit.text_boxes)
        findings.append(finding(
            "docx/text-box", place,
            f"{n} text box{'es' * (n != 1)} or shape{'s' * (n != 1)} ({words} words) {_places(audit.text_boxes)}: "
            "their text was placed as paragraphs after the paragraph each sits in; check the order, or move the "
            "text into the body yourself", audit.text_boxes[0].location))
    for spot in audit.linked_images:
        findings.append(finding(
            "docx/linked-image", place,
            f"a picture is linked to {spot.detail or 'a file outside the document'} instead of being in the file, "
            "so the report cannot show it: in Word choose File › Info › Edit Links to Files › Save picture in "
            "document (or insert it again without 'Link to File') and send the file again", spot.location))
    if audit.unsupported_images:
        n = len(audit.unsupported_images)
        names = ", ".join(s.detail.rsplit("/", 1)[-1] for s in audit.unsupported_images)
        findings.append(finding(
            "docx/unsupported-image", place,
            f"{n} picture{'s' * (n != 1)} in EMF/WMF format ({names}) "
            f"{_places(audit.unsupported_images)} could not be converted (LibreOffice is not installed): the DOCX "
            "keeps them, the PDF shows a note instead; save each as PNG (right-click › Save as Picture) and "
            "insert that", audit.unsupported_images[0].location))
    if audit.off_style_headings:
        n = len(audit.off_style_headings)
        findings.append(finding(
            "docx/off-style-heading", place,
            f"{n} paragraph{'s' * (n != 1)} formatted by hand as heading{'s' * (n != 1)} (bold or large text) "
            f"{_places(audit.off_style_headings)} {'were' if n != 1 else 'was'} taken as heading"
            f"{'s' * (n != 1)}; apply Word's Heading 1–3 styles so the contents list them as meant",
            audit.off_style_headings[0].location))
    findings += citation_findings(draft) + object_findings(draft)
    if audit.strict:
        findings.append(finding(
            "docx/strict-ooxml", place,
            "saved as Strict Open XML, which few tools read; it was read after translating it to ordinary Word "
            "XML: check its text in the report, and next time use File › Save As › 'Word Document (*.docx)'"))
    if audit.macros:
        findings.append(finding(
            "docx/macro", place,
            "the file carries macros; it was read without them (they never run); save it as a plain .docx next time"))
    return findings


def citation_findings(draft: Draft) -> list[Finding]:
    """Citations whose work the draft's fields do not identify, and the citation manager's own list."""
    audit, place = draft.audit, draft.contribution.place
    findings = [finding(
        "cite/unidentified", place,
        f"a citation ({spot.detail}) {spot.location} does not say which work it cites (its data is missing or "
        "cannot be read): it is printed as its text and listed nowhere; insert the citation again with "
        f"{spot.detail.removesuffix(' own')} citations", spot.location) for spot in audit.unidentified_citations]
    return findings + _left_out("docx/reference-list", place, "list of references", "words", audit.reference_lists,
                                "the report lists every cited work in its References")


def object_findings(draft: Draft) -> list[Finding]:
    """SmartArt made a list, embedded objects shown as their picture, the draft's own contents left out."""
    audit, place = draft.audit, draft.contribution.place
    findings = []
    if audit.smartart:
        n, words = len(audit.smartart), sum(s.words for s in audit.smartart)
        findings.append(finding(
            "docx/smartart", place,
            f"{n} SmartArt graphic{'s' * (n != 1)} ({words} words) {_places(audit.smartart)}: "
            f"{'its' if n == 1 else 'their'} text is printed as a list after the paragraph, without the graphic's "
            "shapes; if the shapes matter, "
            "save the graphic as a picture (right-click › Save as Picture) and insert it with a description",
            audit.smartart[0].location))
    for spot in audit.embedded_objects:
        kept = ("the report shows the picture Word saved of it, as it looked when last edited"
                if spot.words else "Word saved no picture of it, so the report shows nothing of it")
        findings.append(finding(
            "docx/embedded-object", place,
            f"an embedded {spot.detail} {spot.location}: {kept}; its data and other pages or sheets are not in "
            "the report: paste a table as a Word table, or insert a chart as a picture with a description",
            spot.location))
    return findings + _left_out("docx/table-of-contents", place, "table of contents", "lines", audit.contents,
                                "the report makes its own from the headings")


def _left_out(code: str, place, what: str, unit: str, spots: list[Spot], instead: str) -> list[Finding]:
    """A part of the draft the report makes its own of (contents, references), left out: how much, where."""
    if not spots:
        return []
    return [finding(code, place, f"the draft's own {what} ({sum(s.words for s in spots)} {unit}, {_places(spots)}) "
                    f"was left out: {instead}", spots[0].location)]


def _places(spots: list[Spot]) -> str:
    named = ", ".join(s.location for s in spots[:MAX_PLACES])
    more = len(spots) - MAX_PLACES
    return f"near {named}" + (f" and {more} more place{'s' * (more != 1)}" if more > 0 else "")


def _review_menu(draft: Draft) -> str:
    if draft.contribution.format == "odt":
        return "LibreOffice (Edit › Track Changes › Manage)"
    return "Word (Review › Accept/Reject)"


def _by_author(counts: dict[str, int]) -> str:
    return ", ".join(f"{author} ({n})" for author, n in counts.items())
