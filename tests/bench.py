"""The example's timings (cold build, warm rebuild, warm check, status) in a scratch copy, and the portal's
report cards; `make bench` (bench/run.py) writes them into bench/results.md, `python tests/bench.py`
prints them."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import contextlib

from bench.measure import Figure
from tests.conftest import copy_example, jointreport


def timed(label: str, *args: str) -> Figure:
    started = time.perf_counter()
    run = jointreport(*args)
    if run.code not in (0, 1):
        raise SystemExit(f"{label}: exit {run.code}")
    return Figure(f"example: {label}", [time.perf_counter() - started])


def measure_example() -> list[Figure]:
    with tempfile.TemporaryDirectory() as scratch:
        root = str(copy_example(Path(scratch) / "example"))
        return [timed("build, cold cache", "build", "--force", "-q", "--project", root),
                timed("build, warm cache", "build", "--force", "-q", "--project", root),
                timed("check, warm cache", "check", "--project", root),
                timed("check --format json, warm", "check", "--format", "json", "--project", root),
                timed("status", "status", "--as-of", "2011-04-20", "--project", root),
                terminology_only(Path(root)), *report_card(Path(root))]


def main() -> None:
    for figure in measure_example():
        target = "" if figure.met is None else f"  target {'met' if figure.met else 'MISSED'}"
        print(f"{figure.label:<48} median {figure.median:8.2f} {figure.unit}  p95 {figure.p95:8.2f}  "
              f"({len(figure.values)} runs){target}")


def terminology_only(root: Path, repeat: int = 5) -> Figure:
    """The terminology, acronym and agreed-language checks alone, drafts already converted."""
    from pipeline.checks.wording import check_wording
    from pipeline.commands.check import check

    checked = check(root, with_drafts=True)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        check_wording(checked.project, checked.drafts, checked.sources.intros)
        times.append(time.perf_counter() - started)
    return Figure("example: terminology checks, warm", times)


CARD_TARGET = 1.0  # seconds, p95: a new 5,000-word draft's report card (test_web checks only what it says)
AT_ONCE, AT_ONCE_TARGET, BUDGET_MB = 20, 10.0, 1500  # 20 new drafts sent at once: each card within 10 s, memory


def report_card(root: Path, runs: int = 20) -> list[Figure]:
    """The portal's report card for a new 5,000-word Word draft, through HTTP on a real uvicorn: each run
    sends different text, so each is converted afresh (the content-hash cache cannot help); then the same
    draft sent again, which the cache answers. The p95 of the new drafts is held against CARD_TARGET."""
    import httpx

    from pipeline.web.app import Settings
    from pipeline.web.tokens import TokenStore
    from tests.docxfactory import make_docx
    from tests.webserver import serving

    secret = TokenStore(root).issue("agency", "helpage")[1]
    sentence = ("Social pensions extend the social protection floor to older people in rural areas, and "
                "disabled people gain from them too; coverage rose with GDP in country {}. ")
    drafts = [make_docx(root / "build" / f"bench-{run}.docx",
                        [sentence.format(f"{run}-{n}") * 2 for n in range(93)],
                        headings={0: (1, "Social pensions"), 46: (2, "Coverage")}).read_bytes()
              for run in range(runs)]

    def send(data: bytes) -> float:
        started = time.perf_counter()
        response = httpx.post(f"{server.url}/api/drafts", headers={"Authorization": f"Bearer {secret}"},
                              data={"section": "social-pensions"}, files={"file": ("draft.docx", data)}, timeout=60)
        assert response.status_code == 201, response.text
        return time.perf_counter() - started

    with serving(Settings(root)) as server:
        cold = sorted(send(data) for data in drafts)
        warm = sorted(send(drafts[0]) for _ in range(runs))
    at_once = [make_docx(root / "build" / f"bench-at-once-{run}.docx",
                         [sentence.format(f"at-once-{run}-{n}") * 2 for n in range(93)]).read_bytes()
               for run in range(AT_ONCE)]
    words = len(" ".join(sentence.format("x") * 2 for _ in range(93)).split())
    return [Figure(f"portal: report card, new {words}-word draft", cold, p95_target=CARD_TARGET),
            Figure(f"portal: report card, same {words}-word draft again", warm),
            *cards_at_once(root, at_once, secret)]


def cards_at_once(root: Path, drafts: list[bytes], secret: str) -> list[Figure]:
    """AT_ONCE different drafts sent at the same moment to `jointreport serve` (a child process, its memory
    and its children's sampled): the slowest card against AT_ONCE_TARGET, the peak against the budget."""
    import tempfile
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import httpx
    import psutil

    from tests.webserver import serve_command

    peak, stop = [0], threading.Event()

    def send(data: bytes) -> float:
        started = time.perf_counter()
        response = httpx.post(f"{server.url}/api/drafts", headers={"Authorization": f"Bearer {secret}"},
                              data={"section": "social-pensions"}, files={"file": ("draft.docx", data)}, timeout=120)
        assert response.status_code == 201, response.text
        return time.perf_counter() - started

    def sample(process: psutil.Process) -> None:
        while not stop.is_set():
            with contextlib.suppress(psutil.Error):
                peak[0] = max(peak[0], process.memory_info().rss + sum(c.memory_info().rss
                                                                        for c in process.children(True)))
            time.sleep(0.05)

    with tempfile.NamedTemporaryFile(suffix=".log") as log, serve_command(
            root, "--memory", str(BUDGET_MB), "--page-rate", "100000", log=Path(log.name)) as server:
        sampler = threading.Thread(target=sample, args=(psutil.Process(server.process.pid),))
        sampler.start()
        with ThreadPoolExecutor(len(drafts)) as pool:
            times = sorted(pool.map(send, drafts))
        stop.set()
        sampler.join()
    return [Figure(f"portal: {len(drafts)} report cards at once, slowest", [times[-1]], target=AT_ONCE_TARGET),
            Figure(f"portal: {len(drafts)} report cards at once, server memory peak", [peak[0] / 1e6], "MB",
                   target=BUDGET_MB)]


if __name__ == "__main__":
    main()
