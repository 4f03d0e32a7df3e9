"""How `make bench` times a command and weighs its memory: wall time, and the peak of the resident memory
summed over the command's whole process tree (it and every process it starts: pandoc, Typst's child),
sampled with psutil while it runs. Bounds and jointreport are measured by the same function."""

from __future__ import annotations

import contextlib
import math
import re
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

SAMPLE_SECONDS = 0.02  # Typst's memory climbs over seconds: 20 ms misses no peak that matters


# a phase's end in jointreport's progress lines: "[ 4.6s] read: done in 4.4 s", "render: done in 5.9 s (x.pdf)"
PHASE_DONE = re.compile(r"\] (\w+): done in ([\d.]+) s(?: \((.*)\))?$")


@dataclass
class Measured:
    seconds: float
    peak_mb: float  # resident memory summed over the tree, at its largest sample
    phases: dict[str, float] = field(default_factory=dict)  # jointreport's own phases: name → seconds


def phases_of(progress: str) -> dict[str, float]:
    """Where a jointreport command's time went, from its progress lines: each phase's seconds (summed over
    editions; the renders by format, which run side by side)."""
    phases: dict[str, float] = {}
    for line in progress.splitlines():
        done = PHASE_DONE.search(line.strip())
        if done:
            output = Path(done[3] or "")
            name = done[1] + (f" {(output.suffix[1:] or output.name).upper()}" if done[3] else "")
            phases[name] = phases.get(name, 0.0) + float(done[2])
    return phases


class TreeSampler:
    """Samples, in a thread, the resident memory of a process and all its descendants (or the descendants
    only: a bound's thin Python wrapper around the engine is not the engine's memory)."""

    def __init__(self, pid: int, descendants_only: bool = False):
        self.process = psutil.Process(pid)
        self.descendants_only = descendants_only
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        with contextlib.suppress(psutil.Error):
            tree = self.process.children(recursive=True)
            if not self.descendants_only:
                tree.append(self.process)
            total = 0
            for member in tree:
                with contextlib.suppress(psutil.Error):
                    total += member.memory_info().rss
            return total
        return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(SAMPLE_SECONDS)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def measure(command: list[str], cwd: Path | None = None, descendants_only: bool = False,
            own_seconds: bool = False, done: tuple[int, ...] = (0,)) -> Measured:
    """Run `command` to its end: its wall time (or, with `own_seconds`, the seconds it prints as its last
    line of output, for a wrapper that times only the engine's call) and its tree's peak memory. An exit
    status outside `done` stops the bench."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with TreeSampler(process.pid, descendants_only) as sampler:
        out, err = process.communicate()
        seconds = time.perf_counter() - started
    if process.returncode not in done:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise SystemExit(f"benchmark step failed (exit {process.returncode}): {' '.join(command)}\n"
                         + "\n".join(tail))
    if own_seconds:
        seconds = float(out.decode().split()[-1])
    return Measured(seconds, sampler.peak / 2**20, phases_of(err.decode("utf-8", "replace")))


@dataclass
class Figure:
    """One figure of the results: its value in each round, summed up by the median and the spread."""

    label: str
    values: list[float]
    unit: str = "s"
    target: float | None = None
    p95_target: float | None = None  # a second target, on the 95th percentile of the values
    counts: bool = False  # one of the targets `Targets met: N of M` counts

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def spread(self) -> str:
        if len(self.values) < 2:
            return "one round"
        return f"{min(self.values):.2f}–{max(self.values):.2f}"

    @property
    def p95(self) -> float:
        """The nearest-rank 95th percentile: the value 95 % of the values are at or under."""
        ordered = sorted(self.values)
        return ordered[max(0, math.ceil(0.95 * len(ordered) - 1e-9) - 1)]

    @property
    def met(self) -> bool | None:
        if self.target is None and self.p95_target is None:
            return None
        return ((self.target is None or self.median <= self.target)
                and (self.p95_target is None or self.p95 <= self.p95_target))
