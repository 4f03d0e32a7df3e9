"""What goes to a translator for one section: which units to translate (those that changed since the
last accepted translation, or all of them for a first one), which come pre-filled from the memory, and
the package's files — XLIFF 2, the clean Word file, the TBX glossary, the TMX memory and a README.

One package per section (per agency's draft of it): a section is what is translated, returned and
checked in as one file, so a package never waits for another agency's text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .memory import Memory
from .records import EDITORS, Record, Registry
from .units import Unit, assign_ids, plain, units_of
from .xliff import Package


@dataclass
class Plan:
    """One section's package: its units with their stable ids, what the memory fills, what to say."""

    package: Package
    units: list[Unit]
    prefilled: dict[str, list] = field(default_factory=dict)  # unit id → the memory's exact translation
    notes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # unit id → (category, text)
    stale: list[Unit] = field(default_factory=list)  # units changed since the accepted translation

    @property
    def to_translate(self) -> list[Unit]:
        return [u for u in self.units if u.id not in self.prefilled]

    @property
    def name(self) -> str:
        """The package's name: agency.section, or chapters.<id> for an editors' text."""
        owner = "chapters" if self.package.agency == EDITORS else self.package.agency
        return f"{owner}.{self.package.section}"

    def known(self) -> list[list[str]]:
        return [[u.id, u.hash] for u in self.units]


def plan(package: Package, blocks: list, registry: Registry, record: Record | None, memory: Memory,
         needed: bool) -> Plan | None:
    """The package of one source draft, or None when its translation is up to date. `record` is its
    accepted translation's (paragraph-level staleness); without one, `needed` says whether the section
    has no translation or one older than its source."""
    units = units_of(blocks)
    assign_ids(units, registry.known())
    result = Plan(package, units)
    if record is not None:
        before = dict(record.known())
        result.stale = [u for u in units if before.get(u.id) != u.hash]
        if not result.stale:
            return None
    elif not needed:
        return None
    stale = {u.id for u in result.stale}
    for number, unit in enumerate(units, 1):
        notes = [("location", f"{unit.kind}, unit {number} of {len(units)} in {package.source}")]
        match = memory.exact(unit.content)
        if match is not None:
            result.prefilled[unit.id] = match
            notes.append(("memory", "exact match from the project's translation memory: check it, change it "
                                    "only if it is wrong"))
        elif unit.id in stale:
            previous = memory.previous(package.source, unit.id)
            if previous is not None:
                notes.append(("previous", f"translated before the source changed: {plain(previous)}"))
        result.notes[unit.id] = notes
    return result


README = """Translation package: {source} into {lang}
{rule}

What to translate
  {name}.{lang}.xlf   XLIFF 2.0, for a CAT tool (Trados, memoQ, OmegaT, Phrase…), or
  {name}.{lang}.docx  the same text as a Word file, for translators who work in Word.
  Use one of the two and send back only that one file.

  {total} units (headings, paragraphs, list items, captions, table cells, footnotes);
  {todo} to translate; {filled} already translated, pre-filled from the project's translation memory
  (exact matches only). In the XLIFF they are marked state="final", subState="jr:memory"; in the Word file
  they are in the "Translation Memory" character style. Check them; change them only if they are wrong.
{stale}
What to leave as it is
  - In the XLIFF: every <ph> and <pc> code (citations, cross-references, footnote calls, formatting). Move
    them where the sentence needs them; do not delete or copy them.
  - In the Word file: the tokens written ⟦1 …⟧ (citations, cross-references, code), the footnotes (translate
    their text, keep the call), and the bookmarks (Insert › Bookmark shows them, named jr_…). Do not add or
    delete paragraphs, table rows or cells, and leave Track Changes off.

Also in this package
  glossary.{lang}.tbx  the coalition's agreed terms, acronyms and agreed texts (terminology.yaml).
  memory.{lang}.tmx    the project's translation memory for {lang}.

The returned file is checked against the source as exported: a unit missing or left untranslated, a code or
footnote removed, is sent back with a list naming the units.
"""


def readme(plan_: Plan) -> bytes:
    package = plan_.package
    stale = ""
    if plan_.stale:
        stale = (f"\n  The source changed since its last translation: {len(plan_.stale)} units changed or are new; "
                 "where the memory has their earlier translation, a note gives it for reference.\n")
    title = f"Translation package: {package.source} into {package.lang}"
    return README.format(source=package.source, lang=package.lang, rule="=" * len(title), name=plan_.name,
                         total=len(plan_.units), todo=len(plan_.to_translate),
                         filled=len(plan_.prefilled), stale=stale).encode("utf-8")

