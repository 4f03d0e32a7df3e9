"""Report cards are made in one line, by a fixed number of workers, within one memory budget for the whole
server (its own memory and its children's: pandoc, LibreOffice).

A draft waits its turn in order; it starts when a worker is free and the server's resident memory, with
what the running cards and this one are expected to take, stays within the budget. When nothing else
runs it starts anyway, so a valid draft is never refused because others were converting: it only waits.
A waiting upload can be asked its place; its card is kept an hour after it is made.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import psutil

KEPT_SECONDS = 3600
# What one card costs beyond the server's resting memory: a 20 MB Word draft (mostly a picture) took 295 MB
# (python-docx, lxml, pandoc and its extracted media), 3.8 s on one core; with room to spare.
CARD_BASE_BYTES, CARD_BYTES_PER_BYTE = 150_000_000, 8


def server_memory() -> int:
    """Resident memory of this process and all its children, in bytes."""
    me = psutil.Process()
    total = me.memory_info().rss
    for child in me.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.Error:  # it ended while we counted
            continue
    return total


def expected_cost(size: int) -> int:
    return CARD_BASE_BYTES + CARD_BYTES_PER_BYTE * size


@dataclass
class Job:
    """One upload on its way to its card."""

    owner: str  # the id of the token that sent it: only its sender may ask about it
    size: int
    id: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    state: str = "waiting"  # waiting, converting, done
    result: Any = None
    error: BaseException | None = None
    finished: float = 0.0
    task: asyncio.Task | None = None


class Conversions:
    def __init__(self, workers: int, budget: int, memory: Callable[[], int] = server_memory):
        self.workers, self.budget, self.memory = workers, budget, memory
        self.executor = ThreadPoolExecutor(workers, thread_name_prefix="jointreport-card")
        self.waiting: deque[Job] = deque()
        self.running: list[Job] = []
        self.jobs: dict[str, Job] = {}
        self.changed: asyncio.Condition | None = None
        self.peak = 0  # the highest memory seen when a card started, for the editors and `make bench`

    def place(self, job: Job) -> int:
        """1 for the next to start, 0 once it is being converted or done."""
        try:
            return self.waiting.index(job) + 1
        except ValueError:
            return 0

    def find(self, job_id: str, owner: str) -> Job | None:
        job = self.jobs.get(job_id)
        return job if job and job.owner == owner else None

    def submit(self, owner: str, size: int, work: Callable[[], Any]) -> Job:
        """Queue `work` (run in a worker thread); the job's task ends when its card is made."""
        self.forget_old()
        if self.changed is None:
            self.changed = asyncio.Condition()
        job = Job(owner, size)
        self.jobs[job.id] = job
        self.waiting.append(job)
        job.task = asyncio.get_running_loop().create_task(self.run(job, work))
        return job

    def may_start(self, job: Job) -> bool:
        if not self.waiting or self.waiting[0] is not job or len(self.running) >= self.workers:
            return False
        if not self.running:
            return True
        used = self.memory()
        self.peak = max(self.peak, used)
        return used + sum(expected_cost(r.size) for r in self.running) + expected_cost(job.size) <= self.budget

    async def run(self, job: Job, work: Callable[[], Any]) -> None:
        async with self.changed:
            await self.changed.wait_for(lambda: self.may_start(job))
            self.waiting.popleft()
            self.running.append(job)
            job.state = "converting"
            self.changed.notify_all()
        try:
            job.result = await asyncio.get_running_loop().run_in_executor(self.executor, work)
        except Exception as exc:  # handed to whoever waits for the card, who answers it
            job.error = exc
        finally:
            job.state, job.finished = "done", time.monotonic()
            async with self.changed:
                self.running.remove(job)
                self.changed.notify_all()

    async def wait(self, job: Job, seconds: float | None) -> bool:
        """Wait up to `seconds` (None: until done) for the card; whether it is done."""
        try:
            await asyncio.wait_for(asyncio.shield(job.task), seconds)
        except asyncio.TimeoutError:
            return False
        return True

    def forget_old(self) -> None:
        now = time.monotonic()
        for job_id in [i for i, j in self.jobs.items() if j.state == "done" and now - j.finished > KEPT_SECONDS]:
            del self.jobs[job_id]
