"""`make bench` at flagship scale: jointreport against the engines' own bounds, on generated projects.

For each size (60 and 240 sections by default) it generates the project
(bench/generate.py), then times, in interleaved rounds so machine load hits
all alike:
  B1  the merged Markdown of all drafts → DOCX by pandoc alone
  B2  the same Markdown → Typst by pandoc, then the PDF by Typst alone
  B3  every draft → pandoc JSON, two processes at a time
and jointreport's cold `build --force`, a rebuild with nothing changed, a
rebuild after one draft changed, a warm `check` (each with its peak memory),
and how long `jointreport watch` takes to replace the PDF after a draft is
saved. It prints each ratio next to its target and writes bench/results.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import os
import platform
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from bench.generate import generate  # noqa: E402

MEASURE = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
           "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode; "
           "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)")
TYPST = ("import sys, typst; open(sys.argv[2], 'wb').write(typst.compile(sys.argv[1], root=sys.argv[3], "
         "font_paths=[sys.argv[4]], ignore_system_fonts=True))")
# (figure, bound it is compared with, target ratio) — issue 15's targets at 60 sections
TARGETS = [
    ("cold build", "B1+B2+B3", 1.2),
    ("nothing changed", "cold build", 0.03),
    ("one draft changed", "B1+B2", 0.85),
]
WARM_CHECK_TARGET_S = 0.3
MEMORY_TARGET = 1.1
WATCH_TARGET_S = 1.0
GROWTH_TARGET = 4.2  # cold build, 240 / 60 sections
TARGET_SECTIONS = 60  # the size issue 15 states its targets for
WATCH_EDITS = 5


def measured(*command: str, cwd: Path | None = None) -> tuple[float, float]:
    """(seconds, peak MB) of one command and everything it starts."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, cwd=cwd,
                         check=True)
    seconds, kilobytes, code = out.stdout.split()
    if code != "0":
        raise SystemExit(f"benchmark step failed (exit {code}): {' '.join(command)}")
    return float(seconds), int(kilobytes) / 1024


def jointreport(*args: str) -> tuple[str, ...]:
    return (sys.executable, "-m", "pipeline", *args)


def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def font_dir() -> str:
    import font_roboto

    return str(Path(font_roboto.__file__).parent / "files")


def drafts_of(root: Path) -> list[Path]:
    return sorted(p for p in (root / "contributions").rglob("*") if p.suffix in (".docx", ".md"))


def merged_markdown(root: Path, scratch: Path) -> Path:
    """All drafts as one Markdown file, the input of the bounds B1 and B2 (made once, not timed)."""
    pandoc = pandoc_path()
    parts = [subprocess.run([pandoc, str(p), "-t", "markdown"], capture_output=True, check=True).stdout
             for p in drafts_of(root)]
    merged = scratch / "merged.md"
    merged.write_bytes(b"\n\n".join(parts))
    return merged


def bound_b3(root: Path, scratch: Path) -> tuple[float, float]:
    """Every draft → JSON with two pandoc processes at a time; peak is the largest single process."""
    pandoc = pandoc_path()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        peaks = list(pool.map(lambda p: measured(pandoc, str(p), "-t", "json", "-o",
                                                 str(scratch / f"{p.stem}.json"))[1], drafts_of(root)))
    return time.perf_counter() - started, max(peaks)


def rounds(root: Path, sections: int, repeat: int) -> dict[str, list[tuple[float, float]]]:
    pandoc = pandoc_path()
    results: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-bounds-") as scratch_name:
        scratch = Path(scratch_name)
        merged = merged_markdown(root, scratch)
        one = next(p for p in drafts_of(root) if p.suffix == ".md")
        original = one.read_bytes()
        for round_number in range(repeat):
            print(f"  {sections} sections, round {round_number + 1} of {repeat}", flush=True)
            shutil.rmtree(root / "build", ignore_errors=True)
            steps = {
                "cold build": lambda: measured(*jointreport("build", "--force", "-q", "--project", str(root))),
                "nothing changed": lambda: measured(*jointreport("build", "--force", "-q", "--project", str(root))),
                "one draft changed": lambda: (one.write_bytes(original + f"\nEdit {time.time()}.\n".encode()),
                                              measured(*jointreport("build", "--force", "-q", "--project",
                                                                    str(root))))[1],
                "check, drafts cached": lambda: measured(*jointreport("check", "--project", str(root))),
                "warm check": lambda: measured(*jointreport("check", "--project", str(root))),
                "watch, one draft saved": lambda: watch_latency(root, one),
                "B1": lambda: measured(pandoc, str(merged), "-o", str(scratch / "b1.docx")),
                "B2": lambda: _b2(pandoc, merged, scratch),
                "B3": lambda: bound_b3(root, scratch),
            }
            for name, step in steps.items():
                results.setdefault(name, []).append(step())
        one.write_bytes(original)
    return results


def _b2(pandoc: str, merged: Path, scratch: Path) -> tuple[float, float]:
    """Markdown → Typst by pandoc, then Typst → PDF (peak: Typst's own)."""
    seconds_a, peak_a = measured(pandoc, str(merged), "-s", "-t", "typst", "-o", str(scratch / "b2.typ"))
    seconds_b, peak_b = measured(sys.executable, "-c", TYPST, str(scratch / "b2.typ"), str(scratch / "b2.pdf"),
                                 str(scratch), font_dir())
    return seconds_a + seconds_b, max(peak_a, peak_b)


def watch_latency(root: Path, draft: Path) -> tuple[float, float]:
    """`jointreport watch` (PDF, its default interval) kept running: from a draft saved to the PDF replaced,
    the median of a few saves, each timed by polling the PDF's change time every 10 ms. The saves start once
    the watcher says its first build is done (it typesets the PDF then, so Typst is warm for the first save);
    peak memory is not measured here."""
    pdf = next((root / "build").glob("*.pdf"))
    original = draft.read_bytes()
    watcher = subprocess.Popen([*jointreport("watch", "--project", str(root))], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        if not _first_line(watcher, 300):
            raise SystemExit("benchmark step failed: `jointreport watch` did not report its first build")
        latencies = []
        for edit in range(WATCH_EDITS):
            before = pdf.stat().st_mtime_ns
            started = time.perf_counter()
            draft.write_bytes(original + f"\nA sentence saved while watching ({edit}, {time.time()}).\n".encode())
            _changed(pdf, before, 120)
            latencies.append(time.perf_counter() - started)
            time.sleep(1)
    finally:
        watcher.terminate()
        watcher.wait(30)
        draft.write_bytes(original)
    return statistics.median(latencies), 0.0


def _first_line(process: subprocess.Popen, limit: float) -> str:
    ready, _, _ = select.select([process.stdout], [], [], limit)
    return process.stdout.readline() if ready else ""


def _changed(path: Path, since: int, limit: float) -> None:
    deadline = time.perf_counter() + limit
    while path.stat().st_mtime_ns <= since:
        if time.perf_counter() > deadline:
            raise SystemExit(f"benchmark step failed: {path.name} was not rebuilt within {limit:.0f} s")
        time.sleep(0.01)


def summarise(results: dict[str, list[tuple[float, float]]]) -> dict[str, tuple[float, float]]:
    return {name: (statistics.median(s for s, _ in runs), max(m for _, m in runs)) for name, runs in results.items()}


def versions() -> str:
    out = subprocess.run([*jointreport("--version")], capture_output=True, text=True, check=False).stdout.strip()
    pandoc = subprocess.run([pandoc_path(), "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    return f"{out or 'jointreport'}; {pandoc}; typst (PyPI) {importlib.metadata.version('typst')}"


def report(sizes: dict[int, dict[str, tuple[float, float]]], load_before: tuple[float, ...]) -> str:
    """Every figure, and each ratio against its target: the targets are stated for TARGET_SECTIONS (peak
    memory and the growth to the largest size for every size); other sizes show their ratios for reference."""
    load = " ".join(f"{x:.2f}" for x in load_before), " ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [f"# Benchmark results ({dt.date.today().isoformat()})", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
             f"load average {load[0]} at the start and {load[1]} at the end.", "", f"Versions: {versions()}.", ""]
    verdicts = []

    def row(label: str, value: float, target: float | None, unit: str = "") -> str:
        if target is None:
            return f"| {label} | {value:.2f}{unit} | (stated for {TARGET_SECTIONS} sections) | |"
        verdicts.append(value <= target)
        return f"| {label} | {value:.2f}{unit} | ≤ {target}{unit} | {'yes' if value <= target else 'no'} |"

    for sections, figures in sizes.items():
        stated = sections == TARGET_SECTIONS
        bounds = {"B1+B2+B3": sum(figures[b][0] for b in ("B1", "B2", "B3")),
                  "B1+B2": figures["B1"][0] + figures["B2"][0]}
        lines += [f"## {sections} sections", "", "| figure | seconds | peak MB |", "|---|---|---|"]
        lines += [f"| {name} | {s:.2f} | {m:.0f} |" for name, (s, m) in figures.items()]
        lines += ["", "| ratio | measured | target | met |", "|---|---|---|---|"]
        for figure, bound, target in TARGETS:
            value = figures[figure][0] / (bounds.get(bound) or figures[bound][0])
            lines.append(row(f"{figure} / {bound}", value, target if stated else None))
        lines.append(row("warm check (nothing changed)", figures["warm check"][0],
                         WARM_CHECK_TARGET_S if stated else None, " s"))
        lines.append(row("watch: draft saved → PDF updated", figures["watch, one draft saved"][0],
                         WATCH_TARGET_S if stated else None, " s"))
        lines.append(row("peak memory / Typst's own", figures["cold build"][1] / figures["B2"][1], MEMORY_TARGET))
        lines.append("")
    if len(sizes) > 1:
        small, large = sorted(sizes)[:2]
        growth = sizes[large]["cold build"][0] / sizes[small]["cold build"][0]
        lines += ["| ratio | measured | target | met |", "|---|---|---|---|",
                  row(f"cold build, {large} / {small} sections", growth, GROWTH_TARGET), ""]
    lines.append(f"Targets met: {sum(verdicts)} of {len(verdicts)}.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, nargs="+", default=[60, 240])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    sizes = {}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        for sections in args.sections:
            root = generate(Path(scratch) / f"report-{sections}", sections)
            sizes[sections] = summarise(rounds(root, sections, args.rounds))
    text = report(sizes, load_before)
    (HERE / "results.md").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
