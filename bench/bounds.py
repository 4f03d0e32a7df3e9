"""The engines' own bounds that `make bench` holds jointreport against, doing like work:

  B1  the drafts merged along the outline (pandoc JSON) → DOCX by pandoc alone, with the build's reference.docx
  B2  the same → Typst by pandoc, then the PDF by Typst alone — compiled by the build's own `typeset`
      (pipeline/render/pdf.py): its template report.typ, whatever that says (line breaking, fonts,
      running heads), its fonts, its PDF standards, the inputs the build gives the template
  B3  every draft → pandoc JSON, two pandoc processes at a time, as the build reads them

Each runs under pandoc's safety arguments as the build's runs do. The merged document is made once per
project and not timed. `python -m bench.bounds typeset ROOT BODY OUT` is B2's Typst step: it prints the
seconds `typeset` took (its own start and imports are not Typst's work).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from bench.measure import Measured, measure
from pipeline import i18n
from pipeline.imprint import imprint_blocks
from pipeline.pandoc import HEAP_MB, pandoc_path, safety_args
from pipeline.project import load_project
from pipeline.render.bookpages import imprint_text
from pipeline.render.pdf import LINEBREAKS, TEMPLATE, typeset

REPO = Path(__file__).resolve().parent.parent


def drafts_of(root: Path) -> list[Path]:
    return sorted(p for p in (root / "contributions").rglob("*") if p.suffix in (".docx", ".md"))


def pandoc(*args: str) -> list[str]:
    return [pandoc_path(), *safety_args(HEAP_MB), *args]


def merged_json(root: Path, scratch: Path) -> Path:
    """All drafts as one pandoc document along the outline, as the build assembles them: a heading for each
    part (level 1), chapter (2) and section (3), each section's draft under it with its headings moved
    below (the bounds' input). Like work: the template opens parts and chapters on pages of their own."""
    outline = yaml.safe_load((root / "chapters" / "outline.yaml").read_text(encoding="utf-8"))
    drafts = {path.stem: path for path in drafts_of(root)}
    blocks = []
    for part in outline["parts"]:
        blocks.append(_heading(1, part["title"]))
        for chapter in part["chapters"]:
            blocks.append(_heading(2, chapter["title"]))
            for section in chapter["sections"]:
                blocks.append(_heading(3, section["title"]))
                if section["id"] in drafts:
                    blocks += _below_a_section(_read(drafts[section["id"]]))
    version = json.loads(subprocess.run(pandoc("-f", "markdown", "-t", "json"), input=b"", capture_output=True,
                                        check=True).stdout)["pandoc-api-version"]
    merged = scratch / "merged.json"
    merged.write_text(json.dumps({"pandoc-api-version": version, "meta": {}, "blocks": blocks}), encoding="utf-8")
    return merged


def _read(path: Path) -> list:
    reader = "docx" if path.suffix == ".docx" else "markdown"
    return json.loads(subprocess.run(pandoc("-f", reader, "-t", "json", str(path)), capture_output=True,
                                     check=True).stdout)["blocks"]


def _heading(level: int, title: str) -> dict:
    return {"t": "Header", "c": [level, ["", [], []], [{"t": "Str", "c": title}]]}


def _below_a_section(blocks: list) -> list:
    """A draft's headings moved so its highest is level 4, as the build moves them."""
    levels = [block["c"][0] for block in blocks if block["t"] == "Header"]
    shift = 4 - min(levels) if levels else 0
    for block in blocks:
        if block["t"] == "Header":
            block["c"][0] = min(6, block["c"][0] + shift)
    return blocks


def typst_inputs(root: Path) -> dict[str, str]:
    """What the build's PDF renderer passes its template for this project (a report without logos, with the
    imprint every report has, final, as bench/generate.py makes them; the report's line breaking, not a
    preview's): the test holds it to the build's own."""
    project = load_project(root)
    lang = project.language
    return {"title": project.title, "subtitle": project.subtitle, "coalition": project.coalition,
            "edition": project.edition, "lang": lang, "draft_mark": "", "toc_title": i18n.text(lang, "contents"),
            "date": i18n.long_date(project.date, lang) if project.date else "",
            "agencies": " · ".join(a.short for a in project.agencies.values()), "coalition_logo_alt": project.coalition,
            "coalition_logo": "", "agency_logos": "", "agency_logo_alts": "",
            "copyright": imprint_text(imprint_blocks(project)[0]["c"][1]),
            "agency_names": "\n".join(a.name for a in project.agencies.values()), "linebreaks": LINEBREAKS}


def typeset_body(root: Path, body: Path, out: Path) -> float:
    """B2's Typst step: `body` compiled into `out` by the build's own `typeset` (template, fonts,
    standards); the seconds it took."""
    project = load_project(root)
    started = time.perf_counter()
    typeset(project, TEMPLATE, body.read_bytes(), {}, typst_inputs(root), out)
    return time.perf_counter() - started


def b1(root: Path, merged: Path, scratch: Path) -> Measured:
    from pipeline.render.wordstyles import complete_reference

    reference = complete_reference(load_project(root))
    return measure(pandoc("-f", "json", "-t", "docx", f"--reference-doc={reference}", str(merged),
                          "-o", str(scratch / "b1.docx")))


def b2(root: Path, merged: Path, scratch: Path) -> tuple[Measured, Measured]:
    """(pandoc writing the Typst, Typst typesetting it): B2 is their sum; the second is Typst's own."""
    body = scratch / "b2-body.typ"
    writing = measure(pandoc("-f", "json", "-t", "typst", str(merged), "-o", str(body)))
    typesetting = measure([sys.executable, "-m", "bench.bounds", "typeset", str(root), str(body),
                           str(scratch / "b2.pdf")], cwd=REPO, descendants_only=True, own_seconds=True)
    return writing, typesetting


def b3(root: Path, scratch: Path) -> Measured:
    """Every draft → JSON, two pandoc processes at a time (the build's reading); peak: the larger pair."""
    started = time.perf_counter()

    def read(path: Path) -> Measured:
        reader = "docx" if path.suffix == ".docx" else "markdown"
        return measure(pandoc("-f", reader, "-t", "json", f"--extract-media={scratch / 'media'}", str(path),
                              "-o", str(scratch / f"{path.stem}.json")))

    with ThreadPoolExecutor(max_workers=2) as pool:
        peaks = sorted(m.peak_mb for m in pool.map(read, drafts_of(root)))
    return Measured(time.perf_counter() - started, sum(peaks[-2:]))


if __name__ == "__main__" and sys.argv[1:2] == ["typeset"]:
    print(typeset_body(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])))
