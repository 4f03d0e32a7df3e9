"""`python bench/isolation.py`: one draft Typst cannot take, in a generated report of 40 and of 400 sections.

For each size it generates the project twice (bench/generate.py), plants in the second a picture only Typst
finds broken (a sound PNG header, its data not) in one Markdown draft halfway through, and times a cold
`build --force` of each. The broken build must name that draft (render/failed-draft), print the others
and take under twice the clean build's time (issue 21: the renderer puts Typst's error down to the draft
whose text holds the line it names, one render more, whatever the size). It also times the proof of the
clean build's PDF, read afresh (its cache bypassed), and writes bench/isolation.md.
"""

from __future__ import annotations

import argparse
import os
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.generate import generate  # noqa: E402

TARGET = 2.0  # the broken build's time over the clean build's


def broken_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", b"not a deflate stream") + chunk(b"IEND", b""))


def plant(root: Path) -> str:
    """The broken picture in the Markdown draft halfway through the report; its path."""
    drafts = sorted((root / "contributions").rglob("*.md"))
    draft = drafts[len(drafts) // 2]
    (draft.parent / "chart.png").write_bytes(broken_png())
    draft.write_text(draft.read_text(encoding="utf-8") + "\n![A chart of coverage](chart.png)\n", encoding="utf-8")
    return draft.relative_to(root).as_posix()


def cold_build(root: Path) -> tuple[float, str, int]:
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "pipeline", "build", "--force", "-q", "--project", str(root)],
                         capture_output=True, text=True, check=False)
    return time.perf_counter() - started, run.stderr, run.returncode


def proof_seconds(root: Path) -> tuple[float, int]:
    """The proof of the project's PDF, read afresh: seconds and pages."""
    from pipeline.proof import Proofing, _read
    from pipeline.tracing import Layout, layout_file

    pdf = next((root / "build").glob("*.pdf"))
    layout = Layout.from_json(layout_file(root / "build", pdf).read_text(encoding="utf-8"))
    started = time.perf_counter()
    _read(pdf.read_bytes(), Proofing(layout, {}, False))
    import pypdfium2

    return time.perf_counter() - started, len(pypdfium2.PdfDocument(str(pdf)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, nargs="+", default=[40, 400])
    args = parser.parse_args()
    lines = ["# One Typst-breaking draft, isolated", "",
             "| sections | clean build s | with the broken draft s | ratio | target | named | proof s (pages) |",
             "|---|---|---|---|---|---|---|"]
    notes = []
    with tempfile.TemporaryDirectory(prefix="bench-isolation-") as scratch:
        for sections in args.sections:
            clean = generate(Path(scratch) / f"clean-{sections}", sections)
            broken = generate(Path(scratch) / f"broken-{sections}", sections)
            culprit = plant(broken)
            clean_s, _, _ = cold_build(clean)
            broken_s, stderr, code = cold_build(broken)
            named = [line for line in stderr.splitlines() if line.split()[:2] == ["error", "render/failed-draft"]]
            ok = code == 1 and len(named) == 1 and culprit in stderr
            proofed = sum(line.split()[1:2] == ["layout/overprint"] for line in stderr.splitlines())
            proof_s, pages = proof_seconds(clean)
            lines.append(f"| {sections} | {clean_s:.1f} | {broken_s:.1f} | {broken_s / clean_s:.2f} | ≤ {TARGET} | "
                         f"{'yes' if ok else 'NO'} | {proof_s:.2f} ({pages}) |")
            notes += [f"{sections} sections: {proofed} overprint findings besides"] if proofed else []
            print(lines[-1] if ok else lines[-1] + "\n" + stderr[-2000:], flush=True)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    lines += ["", f"{os.cpu_count()} cores, load average {load} at the end.", *notes]
    (HERE / "isolation.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
