"""The results of `make bench`, written where people read them: bench/results.md whole, and the table in
docs/performance.md between its markers (the rest of that page is prose without figures)."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

from bench.measure import Figure

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.md"
PERFORMANCE = HERE.parent / "docs" / "performance.md"
BEGIN, END = "<!-- bench:results (written by bench/run.py; do not edit) -->", "<!-- /bench:results -->"
QUIET_LOAD = 1.5


def _number(value: float, unit: str) -> str:
    return f"{value:.0f} MB" if unit == "MB" else f"{value:.3f}{' s' if unit == 's' else ''}"


def table(rows: list[Figure]) -> list[str]:
    lines = ["| figure | median | p95 | spread (low–high) | target | met? |", "|---|---|---|---|---|---|"]
    for row in rows:
        target = "" if row.target is None else f"≤ {_number(row.target, row.unit)}"
        if row.p95_target is not None:
            target = (f"{target} / p95 " if target else "p95 ") + f"≤ {_number(row.p95_target, row.unit)}"
        met = {None: "", True: "yes", False: "**no**"}[row.met]
        p95 = _number(row.p95, row.unit) if len(row.values) >= 5 and row.unit != "MB" else ""
        lines.append(f"| {row.label} | {_number(row.median, row.unit)} | {p95} | {row.spread} | {target} | {met} |")
    return lines


def versions() -> str:
    from pipeline.pandoc import pandoc_version

    return (f"jointreport {importlib.metadata.version('jointreport')} (commit {_commit()}), pandoc "
            f"{pandoc_version()}, typst (PyPI) {importlib.metadata.version('typst')}")


def _commit() -> str:
    """The commit measured: this checkout's, or BENCH_COMMIT for a copy of one (a bench run from a copy is
    not disturbed by edits to the checkout meanwhile)."""
    if os.environ.get("BENCH_COMMIT"):
        return os.environ["BENCH_COMMIT"]
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "pipeline"], capture_output=True, text=True,
                           cwd=HERE.parent).stdout.strip()
    return (out.stdout.strip() or "unknown") + (", with uncommitted changes to pipeline/" if dirty else "")


def write_results(rows: list[Figure], args, load_before: tuple[float, ...], loads: list[float],
                  phases: list[str]) -> str:
    """Write bench/results.md and docs/performance.md's table; return what to print. `phases`: the table of
    where each step's time went."""
    counted = [row for row in rows if row.counts]
    load_after = os.getloadavg()
    started, ended = " ".join(f"{x:.2f}" for x in load_before), " ".join(f"{x:.2f}" for x in load_after)
    loaded = max(load_before[0], load_after[0], *loads) > QUIET_LOAD
    head = [f"Run of {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}: {platform.machine()}, {os.cpu_count()} "
            f"cores, Python {platform.python_version()}; {versions()}.",
            f"Load average (1, 5, 15 min) {started} at the start and {ended} at the end"
            + (f" — **above {QUIET_LOAD}: other work was running; the figures are slower than on a quiet "
               "machine**." if loaded else ".")
            + (f" As each round began: {' '.join(f'{x:.1f}' for x in loads)}." if loads else ""),
            f"`{' '.join(['python bench/run.py', *sys.argv[1:]])}`: {args.rounds} interleaved rounds of "
            f"{', '.join(map(str, args.sections))} sections (bench/generate.py).", ""]
    verdict = f"Targets met: {sum(bool(r.met) for r in counted)} of {len(counted)}."
    main_rows = counted + [r for r in rows if r not in counted and r.met is not None]
    others = [r for r in rows if r.met is None]
    text = "\n".join(["# Benchmark results", "", *head, *table(main_rows), "", verdict, "",
                      "## Where the time goes", "",
                      "Median seconds of each phase, from jointreport's progress lines (`watch --progress` for "
                      "a save). Phases overlap: the check runs beside the assembly, and in a forced build beside "
                      "the render too (its column is the time until its findings were taken); the PDF and DOCX "
                      "renders run side by side.", "", *phases, "",
                      "## Every step", "", *table(others), ""])
    RESULTS.write_text(text, encoding="utf-8")
    page = PERFORMANCE.read_text(encoding="utf-8")
    block = "\n".join([BEGIN, *head, *table(main_rows), "", verdict, END])
    PERFORMANCE.write_text(re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, page, flags=re.S),
                           encoding="utf-8")
    return "\n".join([*head, *table(main_rows), "", verdict])
