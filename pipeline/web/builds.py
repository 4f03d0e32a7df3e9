"""The editors' build, run in the background: one at a time, in a thread, its phases shown as progress."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..build import REPORT_FORMATS, WRITER_THREADS, Options, build
from ..errors import JointreportError
from ..present import summary

log = logging.getLogger("jointreport.web")


@dataclass
class BuildJob:
    state: str = "idle"  # idle, running, done, failed
    started: str | None = None
    finished: str | None = None
    progress: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    message: str = ""

    def to_json(self) -> dict:
        return {"state": self.state, "started": self.started, "finished": self.finished,
                "progress": self.progress[-50:], "outputs": self.outputs, "summary": self.summary,
                "message": self.message}


class Builder:
    """One build at a time, in a thread, its phase messages collected as progress."""

    def __init__(self, root: Path, as_of: dt.date | None):
        self.root, self.as_of = root, as_of
        self.job = BuildJob()
        self.lock = threading.Lock()

    def start(self) -> bool:
        with self.lock:
            if self.job.state == "running":
                return False
            self.job = BuildJob("running", _now())
        threading.Thread(target=self._run, args=(self.job,), daemon=True, name="jointreport-build").start()
        return True

    def _run(self, job: BuildJob) -> None:
        handler = _Collect(job)
        logger = logging.getLogger("jointreport")
        logger.addHandler(handler)
        if logger.level == logging.NOTSET or logger.level > logging.INFO:
            logger.setLevel(logging.INFO)
        try:
            result = build(self.root, Options(REPORT_FORMATS, force=True, as_of=self.as_of))  # and the web edition
            root = result.project.root
            job.outputs = [p.relative_to(root).as_posix() for p in result.outputs]
            job.summary = summary(result.findings)
            job.state, job.message = "done", "built"
        except JointreportError as exc:
            job.state, job.message = "failed", str(exc)
        except Exception as exc:  # a failed build is reported on the page, not lost in a thread
            log.exception("build failed")
            job.state, job.message = "failed", f"internal error: {type(exc).__name__}: {exc}"
        finally:
            logger.removeHandler(handler)
            job.finished = _now()


class _Collect(logging.Handler):
    """The build thread's phase messages (not those of pages checking meanwhile in other threads)."""

    def __init__(self, job: BuildJob):
        super().__init__(logging.INFO)
        self.job = job
        self.thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        ours = record.thread == self.thread or record.threadName.startswith(WRITER_THREADS)
        if record.name == "jointreport" and ours:
            self.job.progress.append(record.getMessage())


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
