"""How much each may ask, counted with the `limits` library (in memory): per client address, pages a minute
and changing requests a minute, and per agency bytes an hour (sliding window counters); per agency, uploads
an hour (a moving window: its Retry-After is when the oldest upload leaves the hour, where a sliding window's
guess near the hour's turn was seconds), and what its history may hold. Over a limit is a 429 with
`Retry-After`, decided before any work is done."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerHour, RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter, SlidingWindowCounterRateLimiter

from ..model import Project
from . import store


@dataclass
class Over:
    """A quota reached: the refusal's code, its plain message, and when to try again."""

    error: str
    message: str
    retry_after: int


@dataclass
class Quota:
    """Per agency; the defaults carry a deadline day (dozens of uploads and gigabytes an hour)."""

    uploads_per_hour: int = 120
    megabytes_per_hour: int = 2_000
    history_versions: int = 2_000
    history_megabytes: int = 10_000


class Counter:
    def __init__(self, moving: bool = False):
        """`moving`: every hit kept, for an exact Retry-After (for counts, not for bytes)."""
        self.limiter = (MovingWindowRateLimiter if moving else SlidingWindowCounterRateLimiter)(MemoryStorage())

    def hit(self, item: RateLimitItem, key: str, cost: int = 1, peek: bool = False) -> int:
        """0 if allowed (and counted, unless a `peek`), else the seconds until it would be."""
        if (self.limiter.test if peek else self.limiter.hit)(item, key, cost=cost):
            return 0
        reset = self.limiter.get_window_stats(item, key).reset_time
        return max(1, min(item.get_expiry(), math.ceil(reset - time.time())))


class RateLimits:
    """Per client address and minute: `pages` reads, `changes` requests that change something."""

    def __init__(self, pages: int, changes: int):
        self.pages, self.changes = RateLimitItemPerMinute(pages), RateLimitItemPerMinute(changes)
        self.counter = Counter()

    def wait(self, client: str, method: str) -> int:
        """0 if the request may go on, else the seconds to wait."""
        item = self.pages if method in ("GET", "HEAD") else self.changes
        return self.counter.hit(item, f"{method in ('GET', 'HEAD')}:{client}")


class Quotas:
    def __init__(self, quota: Quota):
        self.quota = quota
        self.uploads = RateLimitItemPerHour(quota.uploads_per_hour)
        self.bytes = RateLimitItemPerHour(quota.megabytes_per_hour * 1_000_000)
        self.counter, self.counted = Counter(), Counter(moving=True)  # bytes; uploads

    def over(self, project: Project, agency: str, size: int, peek: bool = False) -> Over | None:
        """The 429 an agency's upload of `size` bytes meets, or None (and it is counted, unless a `peek`: the
        look before an upload is read)."""
        versions, kept = store.history_use(project, agency)
        if versions >= self.quota.history_versions or kept + size > self.quota.history_megabytes * 1_000_000:
            return Over("history-full", "your agency's history of versions is full; ask the report's editors to "
                                        "make room", retry_after=3600)
        wait = self.counted.hit(self.uploads, agency, peek=peek)
        if wait:
            return Over("too-many-uploads", f"your agency has sent {self.quota.uploads_per_hour} drafts in the "
                                            f"last hour; try again in {minutes(wait)}", retry_after=wait)
        wait = self.counter.hit(self.bytes, agency, cost=max(1, size), peek=peek)
        if wait:
            return Over("too-many-bytes", f"your agency has sent {self.quota.megabytes_per_hour} MB in the last "
                                          f"hour; try again in {minutes(wait)}", retry_after=wait)
        return None


def minutes(seconds: int) -> str:
    n = max(1, math.ceil(seconds / 60))
    return f"{n} minute{'s' if n != 1 else ''}"
