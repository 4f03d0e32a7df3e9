"""A flagship-sized report project, generated the same way every time, for `make bench`.

`python bench/generate.py DIR --sections 60` writes a project with 10
agencies, 30 agreed terms, parts → chapters → sections, and one draft per
section (about 2,100 words each: headings, footnotes, a table every few
sections; two in three drafts are Word files, the rest Markdown). The same
number of sections gives the same bytes, so timings compare across runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import zipfile
from pathlib import Path

import docx
import yaml

AGENCIES = {
    "ilo": ("International Labour Organization", "ILO"), "who": ("World Health Organization", "WHO"),
    "unicef": ("United Nations Children's Fund", "UNICEF"), "undp": ("United Nations Development Programme", "UNDP"),
    "unwomen": ("UN Women", "UN Women"), "fao": ("Food and Agriculture Organization", "FAO"),
    "unesco": ("UNESCO", "UNESCO"), "unhabitat": ("UN-Habitat", "UN-Habitat"),
    "wfp": ("World Food Programme", "WFP"), "unfpa": ("United Nations Population Fund", "UNFPA"),
}
WORDS = (  # noqa: SIM905 (the words read as prose)
         "social protection coverage benefits households income security countries workers children older persons "
         "health services financing contributions schemes transfers poverty informal economy employment policy "
         "programmes design delivery registration payments evaluation evidence growth resilience floor guarantees "
         "national dialogue budget fiscal space administration capacity rights women care families rural urban "
         "communities access quality investment returns outcomes monitoring targets expansion").split()
TERM_PAIRS = list(zip(WORDS[0:60:2], WORDS[1:60:2], strict=True))[:30]
WORDS_PER_SECTION = 2100
FIXED_TIME = dt.datetime(2026, 1, 1, 12, 0, 0)


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 24))]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    text = " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))
    if rng.random() < 0.1:  # now and then, a variant the terminology rejects
        a, b = rng.choice(TERM_PAIRS)
        text += f" The {a}{b} matters."
    return text


def terminology(rng: random.Random) -> dict:
    # Each draft uses a few rejected variants (see paragraph()), as real drafts do.
    terms = [{"preferred": f"{a} {b}", "reject": [f"{a}{b}", f"{b}{a}"]} for a, b in TERM_PAIRS]
    return {"terms": terms, "acronyms": {short: name for name, short in AGENCIES.values() if short.isupper()},
            "agreed": {"definition": {"text": "Social protection floors are nationally defined sets of basic social "
                                              "security guarantees."}}}


def write_markdown(path: Path, rng: random.Random, words: int) -> None:
    lines, count, note = ["---", "status: final", "---", ""], 0, 1
    while count < words:
        lines += [f"## {sentence(rng)[:40].rstrip('.')}", ""]
        for _ in range(rng.randint(3, 5)):
            text = paragraph(rng)
            lines += [f"{text}[^{note}]", "", f"[^{note}]: {sentence(rng)}", ""]
            note += 1
            count += len(text.split())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_docx(path: Path, rng: random.Random, words: int, with_table: bool) -> None:
    document, count = docx.Document(), 0
    while count < words:
        document.add_heading(sentence(rng)[:40].rstrip("."), level=2)
        for _ in range(rng.randint(3, 5)):
            text = paragraph(rng)
            document.add_paragraph(text)
            count += len(text.split())
    if with_table:
        table = document.add_table(rows=5, cols=4)
        for row in table.rows:
            for cell in row.cells:
                cell.text = f"{rng.randint(1, 999)}.{rng.randint(0, 9)}"
    document.core_properties.created = document.core_properties.modified = FIXED_TIME
    document.save(path)
    _fix_zip_times(path)
    path.with_suffix(".yaml").write_text("status: final\n", encoding="utf-8")


def _fix_zip_times(path: Path) -> None:
    """python-docx stamps each zip member with the current time: fix it, so equal drafts are equal bytes."""
    with zipfile.ZipFile(path) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6]), data)


def generate(root: Path, sections: int, seed: int = 2011) -> Path:
    rng = random.Random(seed * 1000 + sections)
    ids = list(AGENCIES)
    chapters_per_part, sections_per_chapter = 4, 5
    parts, number = [], 0
    while number < sections:
        chapters = []
        for _ in range(chapters_per_part):
            if number >= sections:
                break
            chapter_sections = []
            for _ in range(min(sections_per_chapter, sections - number)):
                lead = ids[number % len(ids)]
                chapter_sections.append({"id": f"s{number + 1:03d}", "title": sentence(rng)[:60].rstrip("."),
                                         "lead": lead, "words": [1000, 4000]})
                number += 1
            chapters.append({"id": f"c{len(parts) + 1}-{len(chapters) + 1}", "title": sentence(rng)[:50].rstrip("."),
                             "sections": chapter_sections})
        parts.append({"id": f"p{len(parts) + 1}", "title": sentence(rng)[:40].rstrip("."), "chapters": chapters})
    (root / "chapters").mkdir(parents=True, exist_ok=True)
    report = {"title": f"Benchmark report, {sections} sections", "coalition": "Benchmark Coalition",
              "date": dt.date(2026, 6, 30), "agencies": {k: {"name": n, "short": s} for k, (n, s) in AGENCIES.items()}}
    (root / "report.yaml").write_text(yaml.safe_dump(report, sort_keys=False), encoding="utf-8")
    (root / "chapters" / "outline.yaml").write_text(yaml.safe_dump({"parts": parts}, sort_keys=False), encoding="utf-8")
    (root / "terminology.yaml").write_text(yaml.safe_dump(terminology(rng), sort_keys=False), encoding="utf-8")
    for index, section in enumerate(s for p in parts for c in p["chapters"] for s in c["sections"]):
        folder = root / "contributions" / section["lead"]
        folder.mkdir(parents=True, exist_ok=True)
        words = WORDS_PER_SECTION + rng.randint(-200, 200)
        if index % 3 == 2:
            write_markdown(folder / f"{section['id']}.md", rng, words)
        else:
            write_docx(folder / f"{section['id']}.docx", rng, words, with_table=index % 4 == 0)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--sections", type=int, default=60)
    args = parser.parse_args()
    print(generate(args.folder, args.sections))


if __name__ == "__main__":
    main()
