"""Drafts saved during `make bench` as an agency would save them: a Word draft and a Markdown draft each
get a changed sentence, in new words each time (so no cache can answer), the Word one written by
python-docx. `watch_latencies` times `jointreport watch` from a save to the PDF replaced."""

from __future__ import annotations

import io
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

import docx

from bench.measure import phases_of

WATCH_START_SECONDS = 900  # the watcher's first build of a 240-section report on a loaded machine
BUILD_SECONDS = 120


class Edits:
    """`count` changed versions of one Word and one Markdown draft of the project, made beforehand (not
    timed); `save(kind)` writes the next one of that kind."""

    def __init__(self, root: Path, count: int):
        drafts = sorted((root / "contributions").rglob("*"))
        self.paths = {kind: next(p for p in drafts if p.suffix == f".{kind}") for kind in ("docx", "md")}
        self.versions = {kind: [self._changed(path, n) for n in range(count)] for kind, path in self.paths.items()}
        self.saved = {"docx": 0, "md": 0}

    @staticmethod
    def _changed(path: Path, n: int) -> bytes:
        sentence = f"A sentence the agency changed, version {n}, with words of its own: saving number {n}."
        if path.suffix == ".md":
            return path.read_bytes() + f"\n{sentence}\n".encode()
        document = docx.Document(path)
        paragraph = next(p for p in document.paragraphs if p.text and not p.style.name.startswith("Heading"))
        paragraph.add_run(" " + sentence)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()

    def save(self, kind: str) -> Path:
        path = self.paths[kind]
        versions = self.versions[kind]
        path.write_bytes(versions[self.saved[kind] % len(versions)])
        self.saved[kind] += 1
        return path


def watch_latencies(root: Path, edits: Edits, saves: int) -> tuple[list[float], list[dict[str, float]]]:
    """`jointreport watch` (PDF, its default interval) kept running: seconds from each save (Word and
    Markdown drafts in turn) to the PDF replaced, found by polling its change time every 5 ms, and each
    save's build's phases (from its progress lines). Saves start once the watcher has reported its first
    build, and each waits for the build before it to be done."""
    pdf = next((root / "build").glob("*.pdf"))
    watcher = subprocess.Popen([sys.executable, "-m", "pipeline", "watch", "--progress", "--project", str(root)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    progress: list[str] = []
    reader = threading.Thread(target=lambda: progress.extend(watcher.stderr), daemon=True)
    reader.start()
    latencies, phases = [], []
    try:
        _reported(watcher, WATCH_START_SECONDS)
        for number in range(saves):
            before, seen = pdf.stat().st_mtime_ns, len(progress)
            started = time.perf_counter()
            edits.save(("docx", "md")[number % 2])
            while pdf.stat().st_mtime_ns == before:
                if time.perf_counter() - started > BUILD_SECONDS:
                    raise SystemExit(f"benchmark step failed: the PDF was not replaced within {BUILD_SECONDS} s")
                time.sleep(0.005)
            latencies.append(time.perf_counter() - started)
            _reported(watcher, BUILD_SECONDS)
            time.sleep(0.3)
            phases.append(phases_of("".join(progress[seen:])))
    finally:
        watcher.terminate()
        watcher.wait(30)
    return latencies, phases


def _reported(process: subprocess.Popen, limit: float) -> None:
    """Wait for the watcher's next line (one per build)."""
    ready, _, _ = select.select([process.stdout], [], [], limit)
    if not ready or not process.stdout.readline():
        raise SystemExit("benchmark step failed: `jointreport watch` did not report its build")
