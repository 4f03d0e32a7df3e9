"""The project's git history, when it has one: when drafts arrived, earlier states, milestone tags.

Every call is one `git` process with a time limit, run in the project folder;
a project that is not a git repository simply has no history.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tarfile
from pathlib import Path

from .errors import JointreportError

TIMEOUT_SECONDS = 60
MAX_ARCHIVE_BYTES = 2_000_000_000


def git(root: Path, *args: str, binary: bool = False) -> subprocess.CompletedProcess | None:
    """Run git in `root`; None when git is missing or too slow."""
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=not binary,
                              timeout=TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None


def commit_dates(root: Path, folder: str = "contributions") -> dict[str, dt.date]:
    """Last commit date of every file under `folder`, from one `git log` run."""
    out = git(root, "log", "--format=@%cs", "--name-only", "--relative", "--", folder)
    if out is None or out.returncode != 0:
        return {}
    dates: dict[str, dt.date] = {}
    current = None
    for line in out.stdout.splitlines():
        if line.startswith("@"):
            current = dt.date.fromisoformat(line[1:])
        elif line and current:
            dates.setdefault(line, current)  # newest commit first
    return dates


def _must(out: subprocess.CompletedProcess | None, what: str) -> subprocess.CompletedProcess:
    if out is None:
        raise JointreportError(f"{what}: git is not installed, or did not answer in time")
    if out.returncode != 0:
        error = out.stderr if isinstance(out.stderr, str) else out.stderr.decode("utf-8", "replace")
        raise JointreportError(f"{what}: {' '.join(error.split()) or 'git failed'}")
    return out


def revision(root: Path, rev: str) -> tuple[str, dt.datetime]:
    """The commit a revision or tag names, and when it was made."""
    out = _must(git(root, "log", "-1", "--format=%H %cI", rev, "--"),
                f"no revision {rev!r} in the project's history (a tag such as a milestone id, or a commit)")
    commit, when = out.stdout.split()
    return commit, dt.datetime.fromisoformat(when)


def checkout_to(root: Path, rev: str, target: Path) -> None:
    """The project's files as they were at `rev`, unpacked into `target` (the working tree is not touched)."""
    prefix = _must(git(root, "rev-parse", "--show-prefix"), "not a git repository").stdout.strip()
    out = _must(git(root, "archive", "--format=tar", f"{rev}:{prefix}", binary=True), f"cannot read {rev!r}")
    if len(out.stdout) > MAX_ARCHIVE_BYTES:
        raise JointreportError(f"the project at {rev!r} is larger than {MAX_ARCHIVE_BYTES // 1_000_000_000} GB")
    with tarfile.open(fileobj=io.BytesIO(out.stdout)) as archive:
        archive.extractall(target, filter="data")  # no links out, no absolute paths


def tag(root: Path, name: str, message: str) -> str:
    """Tag the current commit; refuses when the project has changes that are not committed."""
    _must(git(root, "rev-parse", "--show-prefix"), "not a git repository: `git init` and commit the project first")
    changes = _must(git(root, "status", "--porcelain", "--", "."), "cannot read the project's state").stdout
    if changes.strip():
        first = changes.strip().splitlines()[0][3:]
        raise JointreportError(f"the project has uncommitted changes (e.g. {first}); commit them, then snapshot")
    _must(git(root, "tag", "-a", name, "-m", message), f"cannot tag {name!r}")
    return _must(git(root, "rev-parse", "--short", "HEAD"), "cannot read HEAD").stdout.strip()
