"""`make bench`: jointreport against the engines' own bounds on generated flagship-size projects, plus the
example's timings and the portal's report cards (tests/bench.py); every figure is written by this script
into bench/results.md and into the marked block of docs/performance.md — no figure there is typed by hand.

The projects (bench/generate.py: 60 and 240 sections by default) are measured in interleaved rounds (each
round does every step of every size, so the machine's load hits all alike): a cold `build --force`, a
rebuild with nothing changed, with one Word draft changed, with one Markdown draft changed, a warm
`check`, the HTML edition after one draft changed, the bounds B1, B2, B3 (bench/bounds.py) and
`jointreport watch`: from a draft saved (Word and Markdown in turn) to the PDF replaced. Memory is the
peak of the whole process tree, sampled (bench/measure.py). Each figure is the median of its rounds,
with its spread (lowest–highest); a ratio is taken in each round, then its median.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from bench import bounds  # noqa: E402
from bench.generate import generate  # noqa: E402
from bench.measure import Figure, measure  # noqa: E402
from bench.results import write_results  # noqa: E402
from bench.saving import Edits, watch_latencies  # noqa: E402

TARGET_SECTIONS = 60  # the size the issue states its targets for, but for the two figures of the largest
SAVES_PER_ROUND = 6  # saves in `watch` each round, Word and Markdown in turn


def jointreport(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", *args]


def measured(command: list[str]):
    """A jointreport command timed: exit 1 (the check's errors, the proof's findings: the outputs are
    written all the same) is a finished run."""
    return measure(command, done=(0, 1))


def one_round(root: Path, edits: Edits, scratch: Path, merged: Path, full: bool) -> dict[str, tuple]:
    """Every step on one project, in a fixed order: name → (seconds, peak MB, jointreport's phases' seconds).
    `full`: all of them, else
    what the larger size is measured for (the cold build, the bounds, `watch`)."""
    build = jointreport("build", "--force", "--project", str(root))  # its progress says where the time goes
    shutil.rmtree(root / "build", ignore_errors=True)
    taken = {"cold build": measured(build)}
    if full:
        taken["nothing changed"] = measured(build)
        edits.save("docx")
        taken["one Word draft changed"] = measured(build)
        edits.save("md")
        taken["one Markdown draft changed"] = measured(build)
        taken["check, after a build"] = measured(jointreport("check", "--project", str(root)))
        taken["warm check"] = measured(jointreport("check", "--project", str(root)))
        html = jointreport("build", "--force", "--format", "html", "--project", str(root))
        taken["HTML edition, first build"] = measured(html)
        edits.save("docx")
        taken["HTML edition, one draft changed"] = measured(html)
    taken["B1"] = bounds.b1(root, merged, scratch)
    taken["B2 pandoc"], taken["B2 Typst"] = bounds.b2(root, merged, scratch)
    taken["B3"] = bounds.b3(root, scratch)
    return {name: (m.seconds, m.peak_mb, m.phases) for name, m in taken.items()}


def stated_size(sections: list[int]) -> int:
    """The size the targets are stated for: TARGET_SECTIONS, or the smallest measured without it."""
    return TARGET_SECTIONS if TARGET_SECTIONS in sections else min(sections)


def figures(sizes: dict[int, list[dict]], saves: dict[int, list[float]]) -> list[Figure]:
    """The issue's nine figures with their targets, then every measured step for reference."""
    small, large, stated = min(sizes), max(sizes), stated_size(list(sizes))
    at = sizes[stated]

    def per_round(rounds: list[dict], value) -> list[float]:
        return [value({k: v[0] for k, v in r.items()}, {k: v[1] for k, v in r.items()}) for r in rounds]

    def b12(s: dict) -> float:
        return s["B1"] + s["B2 pandoc"] + s["B2 Typst"]

    def target(label: str, values: list[float], unit: str, limit: float, p95: float | None = None) -> Figure:
        return Figure(label, values, unit, limit, p95_target=p95, counts=True)

    rows = [
        target("cold DOCX+PDF / (B1+B2+B3)", per_round(at, lambda s, m: s["cold build"] / (b12(s) + s["B3"])),
               "×", 1.1),
        target("nothing changed / cold", per_round(at, lambda s, m: s["nothing changed"] / s["cold build"]), "×",
               0.03),
        target("one Word draft changed / (B1+B2)", per_round(at, lambda s, m: s["one Word draft changed"] / b12(s)),
               "×", 0.6),
        target("warm `check`", per_round(at, lambda s, m: s["warm check"]), "s", 0.2),
        target("`watch`: save → PDF replaced", saves[stated], "s", 0.5, 0.8),
        target(f"`watch` at {large} sections", saves[large], "s", 1.0),
        target(f"cold at {large} / cold at {small}", [big["cold build"][0] / little["cold build"][0] for big, little
                                                      in zip(sizes[large], sizes[small], strict=True)], "×", 4.0),
        target("whole-tree peak memory / Typst's own", per_round(at, lambda s, m: m["cold build"] / m["B2 Typst"]),
               "×", 1.1),
        target("HTML edition, one draft changed", per_round(at, lambda s, m: s["HTML edition, one draft changed"]),
               "s", 0.3),
        Figure("one Markdown draft changed / (B1+B2)",
               per_round(at, lambda s, m: s["one Markdown draft changed"] / b12(s)), "×"),
    ]
    for sections, rounds in sizes.items():
        if sections != stated:
            rows.append(Figure(f"whole-tree peak memory / Typst's own, {sections} sections",
                               per_round(rounds, lambda s, m: m["cold build"] / m["B2 Typst"]), "×"))
        for step in rounds[0]:
            rows.append(Figure(f"{step}, {sections} sections", [r[step][0] for r in rounds]))
            rows.append(Figure(f"{step}, {sections} sections, peak memory", [r[step][1] for r in rounds], "MB"))
    return rows


def where_the_time_goes(sizes: dict[int, list[dict]], watched: dict[int, list[tuple]]) -> list[str]:
    """A table of each jointreport step's phases (median seconds over the rounds, or over `watch`'s saves,
    from their progress lines): the profile behind each figure. The two renders run side by side, the
    check beside the assembly and, in a forced build, the render."""
    samples: dict[str, list[tuple[float, dict[str, float]]]] = {}
    for n, rounds in sizes.items():
        for taken in rounds:
            for step, (seconds, _, phases) in taken.items():
                if phases:
                    samples.setdefault(f"{step}, {n} sections", []).append((seconds, phases))
    for n, saves in watched.items():
        samples[f"`watch`, a save, {n} sections"] = saves
    names = list(dict.fromkeys(name for runs in samples.values() for _, phases in runs for name in phases))

    def median(values: list[float]) -> str:
        return f"{statistics.median(values):.2f}" if values else ""

    lines = ["| step | wall | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
    for label, runs in samples.items():
        cells = [median([phases[name] for _, phases in runs if name in phases]) for name in names]
        lines.append(f"| {label} | {median([seconds for seconds, _ in runs])} | " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, nargs="+", default=[60, 240])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-example", action="store_true", help="skip the example's and the portal's timings")
    args = parser.parse_args()
    load_before = os.getloadavg()
    example = []
    if not args.no_example:
        from tests.bench import measure_example

        example = measure_example()
    sizes: dict[int, list[dict]] = {n: [] for n in args.sections}
    loads: list[float] = []  # the 1-minute load average as each round of each size starts
    saves: dict[int, list[float]] = {n: [] for n in args.sections}
    watched: dict[int, list[tuple]] = {n: [] for n in args.sections}  # each save: (seconds, its phases)
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch_name:
        scratch = Path(scratch_name)
        projects = {}
        for n in args.sections:
            root = generate(scratch / f"report-{n}", n)
            (scratch / f"bounds-{n}").mkdir()
            projects[n] = (root, Edits(root, args.rounds * (SAVES_PER_ROUND + 3)),
                           bounds.merged_json(root, scratch / f"bounds-{n}"))
        for number in range(args.rounds):
            for n, (root, edits, merged) in projects.items():
                loads.append(os.getloadavg()[0])
                print(f"  round {number + 1} of {args.rounds}: {n} sections (load {loads[-1]:.2f})", flush=True)
                sizes[n].append(one_round(root, edits, scratch / f"bounds-{n}", merged,
                                          n == stated_size(args.sections)))
                latencies, phases = watch_latencies(root, edits, SAVES_PER_ROUND)
                saves[n] += latencies
                watched[n] += list(zip(latencies, phases, strict=True))
    text = write_results(figures(sizes, saves) + example, args, load_before, loads, where_the_time_goes(sizes, watched))
    print(text)


if __name__ == "__main__":
    main()
