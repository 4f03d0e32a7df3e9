"""Every finding code, declared once with its default severity and what it means, as Vale declares rules.

Codes are an interface (editors filter on them, CI scripts count them): add
new ones, never rename. A project may set a code's severity, or turn it off,
in report.yaml (`findings: {terms/acronym-unknown: off}`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .model import SEVERITIES, Finding, Place

OFF = "off"


@dataclass(frozen=True)
class Code:
    code: str
    severity: str
    meaning: str
    note: str = ""  # when the severity changes on its own, e.g. at a final stage
    stops_build: bool = True  # an error the build itself copes with (it prints the text as typed) does not


CODES: dict[str, Code] = {c.code: c for c in (
    Code("outline/unknown-section", "error", "the file name is not a section id of the outline"),
    Code("outline/unassigned-agency", "error",
         "the agency is neither lead nor contributor of that section (draft left out)"),
    Code("outline/missing-section", "error", "a required section has no draft"),
    Code("outline/duplicate-contribution", "error", "one agency sent two files for one section"),
    Code("outline/unknown-agency", "error", "a folder under `contributions/` is not an agency of `report.yaml`"),
    Code("outline/over-budget", "warning",
         "the section's words (all agencies together) are above `words: [min, max]`"),
    Code("outline/under-budget", "warning",
         "the section's words (all agencies together) are below `words: [min, max]`"),
    Code("docx/tracked-changes", "error",
         "unaccepted tracked changes, with count, authors and where the first one is"),
    Code("docx/comments", "warning", "reviewer comments, with count and authors"),
    Code("input/unreadable", "error",
         "a draft, chapter introduction or statement that cannot be read: corrupt, renamed, legacy `.doc`, "
         "not a draft format, too large, a zip bomb, not UTF-8, a symbolic link"),
    Code("input/bad-metadata", "error", "front matter or sidecar with a wrong value, with file:line:col"),
    Code("terms/rejected", "warning", "a rejected variant of an agreed term, with the preferred form to write"),
    Code("terms/acronym-first-use", "warning",
         "an acronym's first use in a chapter is not \"expansion (ACRONYM)\""),
    Code("terms/acronym-unknown", "info",
         "an all-capitals word that is neither in the glossary nor an agency's short name"),
    Code("agreed/unknown-block", "error", "`{{agreed:ID}}` names no agreed block"),
    Code("agreed/drift", "warning",
         "a paraphrase of agreed language, with a word-level diff (`[-removed-] {+added+}`)"),
    Code("timeline/overdue", "error",
         "a required section is past due for a milestone whose status it has not reached"),
    Code("timeline/due-soon", "info", "a required section falls due within `due_soon_days` (default 14)"),
    Code("lang/missing-translation", "warning",
         "a draft, chapter introduction or statement has no translation in one of the `languages`; "
         "that edition uses the source text", note="error at a final `--stage`"),
    Code("lang/structure-mismatch", "warning",
         "a translation's headings, tables, figures, footnotes or agreed blocks do not add up to its source's"),
    Code("lang/stale-translation", "warning",
         "the source changed after the translation was made (by `version`, else by date)"),
    Code("statement/pending-signatory", "info", "an organisation has not yet endorsed the statement (it is left off)"),
    Code("statement/declined-signatory", "info", "an organisation declined the statement (it is left off)"),
    Code("statement/unendorsed-mention", "warning",
         "the statement's text names an organisation that has not endorsed it"),
    Code("statement/unreadable", "error", "a statement's front matter or template is broken"),
    # issue 13: review rounds
    Code("review/unanswered-comment", "warning",
         "a reviewer's comment has no response in the comment–response matrix given with `--responses`",
         note="error at a final `--stage`"),
    Code("review/orphan-response", "info", "the matrix answers a comment that is no longer in any draft"),
    Code("review/unreadable-responses", "error",
         "the `--responses` file cannot be read (not CSV or XLSX, no id column)"),
    # issue 10: Word drafts as agencies really send them
    Code("docx/content-lost", "warning",
         "more than 2 % of a Word draft's words did not reach the report: how many, and near which paragraphs"),
    Code("docx/text-box", "info",
         "text boxes or shapes holding text: their text was placed as paragraphs after the one they sit in"),
    Code("docx/linked-image", "warning",
         "a picture linked to a file on the sender's computer instead of embedded: the report cannot show it"),
    Code("docx/unsupported-image", "warning",
         "an EMF/WMF picture that could not be converted to PNG (LibreOffice not found): the PDF cannot show it"),
    Code("docx/off-style-heading", "info",
         "a paragraph made a heading by bold or large direct formatting: taken as a heading of that level"),
    Code("docx/macro", "info", "a macro-enabled file (`.docm`, `.dotm`, a `vbaProject` part): read without its macros"),
    Code("docx/encrypted", "error", "a password-protected Word file: nobody can read it without the password"),
    Code("docx/strict-ooxml", "warning",
         "a Word file saved as Strict Open XML: read after renaming its vocabularies to ordinary Word's; check it"),
    Code("render/missing-glyph", "warning",
         "characters that no font of the PDF can show (they would print as empty boxes)"),
    # issue 11
    Code("input/too-large", "error",
         "a draft holds more than one draft may (1 MB of text, some 170,000 words, or 10 MB of Word/ODT "
         "body XML): refused before conversion, so it cannot exhaust time or memory"),
    Code("input/too-complex", "error",
         "a draft nested too deep, or that pandoc cannot convert within its time and memory budget"),
    Code("input/citation", "info",
         "`@name` or `[@key]` is read as a citation; the project has no references at all, so it is printed as "
         "typed"),
    Code("input/dangling-link", "warning",
         "a link to an anchor or bookmark the draft does not have, or with no address: the text is kept, "
         "unlinked"),
    Code("input/missing-image", "warning",
         "a picture whose file is not in the draft (a path on the author's machine, overlong or unknown): "
         "its description is shown instead"),
    Code("input/image-too-large", "warning",
         "a picture too large to typeset (over 40 megapixels or 30 MB): its description is shown instead"),
    Code("input/deep-nesting", "warning",
         "quotes or lists nested more than 10 deep: the deeper ones are printed at level 10 (Typst cannot nest "
         "deeper)"),
    Code("render/failed-draft", "error",
         "a renderer failed on this draft: the rest of the report is built, this draft as plain text"),
    # issue 12
    Code("cite/unknown-key", "error",
         "a citation whose key no reference file of the project, of an agency or of a Word draft has: "
         "printed as typed (the build does not fail)", stops_build=False),
    Code("cite/duplicate-entry", "info",
         "the same work in two reference files (same DOI, else title, year and first author): merged, "
         "the first kept"),
    Code("cite/incomplete-entry", "warning", "a reference without a year or a title"),
    # issue 21: real drafts
    Code("cite/unidentified", "error",
         "a citation field of a Word draft (Zotero, Mendeley, EndNote, Word's own) whose work cannot be identified "
         "(no data, data that cannot be read, a source the file does not have): printed as its text, listed "
         "nowhere", stops_build=False),
    Code("docx/reference-list", "info",
         "a citation manager's own list of references in a Word draft (Zotero, Mendeley, EndNote, Word's "
         "bibliography): left out, the report's References list replaces it"),
    Code("docx/smartart", "info", "a SmartArt graphic: its text placed as a list after the paragraph it sits in"),
    Code("docx/embedded-object", "warning",
         "an embedded object (an Excel workbook, a Word or PowerPoint file…): the report shows the picture Word "
         "saved of it, not its data"),
    Code("docx/table-of-contents", "info",
         "the draft's own table of contents: left out, the report makes its own"),
    Code("input/outside-agency", "warning",
         "a file under `contributions/` that is in no agency's folder, or in a sub-folder of one that is no "
         "`registers/` or `<section>/` pictures folder: not read"),
    # issue 21: the proof of the PDF's pages (`pipeline/proof.py`), found where the draft's text was typeset
    Code("layout/outside-page", "error",
         "text or a picture of the draft runs off the PDF's page (a long word or number that cannot break, a "
         "picture larger than the page), with the page"),
    Code("layout/in-margin", "error",
         "text of the draft stands in the PDF's margin, outside the text column (a long word or address that "
         "cannot break), with the page"),
    Code("layout/overprint", "error", "lines of the draft's text are printed over one another in the PDF, with "
         "the page"),
    Code("layout/table-overflow", "error",
         "a table of the draft is taller than a page and runs over the page's foot instead of breaking, with the "
         "page"),
    Code("layout/narrow-column", "error",
         "a table column of the draft is narrower than one of its words: the word is cut or runs into the next "
         "column, with the page and the word"),
    Code("layout/picture-outside", "error",
         "a picture of the draft stands outside the PDF's text column (larger than the column or the page), "
         "with the page"),
    # issue 12 numbering
    Code("xref/unknown-target", "warning",
         "`@fig:x`, `@tbl:x` or `@sec:x` names no captioned figure, table or heading of the report: printed as "
         "\"Figure ??\""),
    Code("outline/missing-matter", "warning",
         "a piece of the outline's front or back matter has no text yet (chapters/<id>.md, or `agreed:`)"),
    Code("outline/duplicate-title", "info",
         "a draft opens with a heading that repeats its section's title: the report prints the title once"),
    # issue 23: accessible editions
    Code("a11y/missing-alt-text", "warning",
         "a picture without a description (alt text): the report says it has none, so a screen reader user "
         "learns nothing from it; describe it in the draft (Word: right-click › View Alt Text)"),
    Code("a11y/low-contrast", "warning",
         "a text colour of the project's own template is too light against its background for WCAG AA "
         "(4.5:1 for body text, 3:1 for large text)"),
    Code("a11y/no-document-date", "info",
         "report.yaml's `pdf_standards` names a PDF/A level but it gives no `date`: PDF/A needs the document's "
         "date, so the PDFs declare PDF/UA only"),
    # issue 27: fixes returned to agencies as tracked changes
    Code("return/not-supported", "info",
         "`return` makes no annotated copy of this draft (Markdown, OpenDocument, Strict Open XML, unreadable): "
         "`check` lists its fixes instead"),
    Code("return/not-tracked", "warning",
         "a fix `return` could not write as a tracked change at its place (inside another reviewer's change, "
         "across a field or picture): the returned file has a comment with the fix instead"),
    # issue 26: translation hand-off and return
    Code("translate/unreadable", "error",
         "a returned translation that is not an XLIFF 2 or Word file jointreport exported, or whose source "
         "version is no longer in translations/: nothing is written"),
    Code("translate/missing-unit", "error",
         "a unit (paragraph, heading, caption, footnote, table cell) of the source is missing from the returned "
         "file: nothing is written"),
    Code("translate/unknown-unit", "error", "the returned file has a unit the exported source did not have"),
    Code("translate/untranslated", "error", "a unit came back without a translation: nothing is written"),
    Code("translate/placeholder", "error",
         "a footnote call, citation, cross-reference or formatting placeholder of a unit was removed, repeated "
         "or made up: nothing is written"),
    Code("translate/same-as-source", "warning", "a unit's translation is the same as its source text"),
    Code("translate/source-changed", "info",
         "the source changed since the file was exported: the translation is imported as made, and `check` "
         "reports the units that changed since (`lang/stale-translation`)"),
    Code("translate/agreed-term", "warning",
         "a unit's source uses an agreed term of terminology.yaml whose agreed translation (its `translations`) "
         "the unit's translation lacks: imported all the same (a warning, never a refusal); check the wording"),
    Code("translate/lost-citation", "error",
         "a citation or cross-reference of the source would not survive into the written translation (the "
         "file, read back as a draft, lacks it): nothing is written"),
    # issue 28: shared registers (a row with an error is left out of its annex; the build goes on)
    Code("registers/unknown-register", "error",
         "a sheet under `contributions/<agency>/registers/` is named after no register of report.yaml",
         stops_build=False),
    Code("registers/not-contributor", "error",
         "an agency sent a sheet for a register whose `contributors` do not name it (sheet left out)",
         stops_build=False),
    Code("registers/two-sheets", "error", "an agency has two sheets (.xlsx and .csv) for one register: one is read",
         stops_build=False),
    Code("registers/unknown-column", "warning",
         "a column of a register sheet that the register does not declare, or declared twice: not printed"),
    Code("registers/missing-column", "error",
         "a register sheet has no column for a required column of the register: its rows are left out",
         stops_build=False),
    Code("registers/missing-value", "error", "a row leaves a required cell empty (row left out)", stops_build=False),
    Code("registers/unknown-country", "error",
         "a cell names no country jointreport knows (ISO 3166, the UN's names, the usual variants; row left out)",
         stops_build=False),
    Code("registers/country-variant", "warning",
         "a country written otherwise than the UN's short form in the report's languages ('Vietnam'): printed "
         "under the UN's name ('Viet Nam')"),
    Code("registers/unknown-agency", "error", "a cell names no agency of report.yaml (row left out)",
         stops_build=False),
    Code("registers/other-agency", "error",
         "an agency's sheet claims a row for another agency, which keeps its own rows (row left out)",
         stops_build=False),
    Code("registers/bad-year", "error", "a year column holds something that is not a year (row left out)",
         stops_build=False),
    Code("registers/bad-url", "error", "a link column holds something that is not an http(s) address (row left out)",
         stops_build=False),
    Code("registers/unknown-value", "error", "a cell of a fixed-list column holds none of its values (row left out)",
         stops_build=False),
    Code("registers/bad-date", "warning",
         "a row's review date is not a date: the row counts as reviewed when its sheet arrived"),
    Code("registers/duplicate-row", "warning",
         "the same row in two agencies' sheets (or twice in one): printed once, for every agency that lists it"),
    Code("registers/stale-rows", "warning",
         "rows of an agency's sheet last reviewed longer ago than the register's `review_months` (default 6)"),
    # issue 30: the house style (style packs: the UN Editorial Manual's, the project's own in styles/); each
    # finding names its rule (`rule`), whose level (report.yaml's `style: rules:`) is the finding's severity
    Code("style/substitution", "info",
         "a word, spelling, number or date the house style writes otherwise ('5%' → '5 per cent', 'organisation' "
         "→ 'organization'), with what to write; the build writes it where the rule's fix is safe"),
    Code("style/existence", "info",
         "something the house style does not write at all (an acronym with full stops or in the possessive)"),
    Code("style/occurrence", "info",
         "something written more or fewer times than the house style allows (an acronym spelled out but used "
         "once or twice)"),
    Code("style/capitalization", "info",
         "a heading in title case where the house style wants sentence case, or a word that takes no capital"),
    Code("style/consistency", "info",
         "a term written two ways across the report ('health care', 'healthcare'; 'Vietnam', 'Viet Nam'): one "
         "finding listing the places, with the form to write (the glossary's, the style's, or the majority's); "
         "the build writes it"),
    Code("style/conditional", "info",
         "something used before what must come first (an acronym used before it is spelled out)"),
    # issue 24: the publication's imprint and the agencies' names per language
    Code("lang/agency-name-missing", "info",
         "report.yaml gives an agency no name in one of the `languages`: that edition prints its source-language "
         "name and short name (add `names: {fr: {name: …, short: …, article: …}}`)"),
)}


def finding(code: str, place: Place, message: str, location: str | None = None,
            severity: str | None = None) -> Finding:
    """The one way findings are made: the code must be declared above, and brings its severity."""
    declared = CODES[code]
    return Finding(code, severity or declared.severity, place.path, message, section=place.section,
                   agency=place.agency, location=location)


def with_severities(findings: list[Finding], overrides: dict[str, str]) -> list[Finding]:
    """Apply a project's `findings:` settings: another severity for a code, or `off` to drop it."""
    result = []
    for item in findings:
        wanted = overrides.get(item.code)
        if wanted == OFF:
            continue
        result.append(replace(item, severity=wanted) if wanted in SEVERITIES else item)
    return result


def codes_table() -> str:
    """The documentation site's table of finding codes (docs/hooks/generated.py), generated from the registry so
    the two cannot drift."""
    rows = ["| code | severity | what it means |", "|---|---|---|"]
    for code in CODES.values():
        severity = f"{code.severity} ({code.note})" if code.note else code.severity
        rows.append(f"| `{code.code}` | {severity} | {code.meaning} |")
    return "\n".join(rows)


def stops_build(finding: Finding) -> bool:
    """An error the build refuses to go on with (unless forced); some errors it copes with and reports."""
    return finding.severity == "error" and CODES[finding.code].stops_build
