"""`make bench`: time the example's cold build, warm rebuild and warm check in a scratch copy."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import copy_example, jointreport  # noqa: E402


def timed(label: str, *args: str) -> None:
    started = time.perf_counter()
    run = jointreport(*args)
    print(f"{label:<28} {time.perf_counter() - started:6.2f} s  (exit {run.code})")


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = str(copy_example(Path(scratch) / "example"))
        timed("build, cold cache", "build", "--force", "-q", "--project", root)
        timed("build, warm cache", "build", "--force", "-q", "--project", root)
        timed("check, warm cache", "check", "--project", root)
        timed("check --format json, warm", "check", "--format", "json", "--project", root)
        timed("status", "status", "--as-of", "2011-04-20", "--project", root)
        terminology_only(Path(root))


def terminology_only(root: Path, repeat: int = 5) -> None:
    """The terminology, acronym and agreed-language checks alone, drafts already converted."""
    from pipeline.build import check
    from pipeline.checks.wording import check_wording

    checked = check(root)
    started = time.perf_counter()
    for _ in range(repeat):
        check_wording(checked.project, checked.drafts, checked.sources.intros)
    print(f"{'terminology checks, warm':<28} {(time.perf_counter() - started) / repeat:6.2f} s")


if __name__ == "__main__":
    main()
