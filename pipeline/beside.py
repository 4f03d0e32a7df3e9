"""Work done in a forked child while the parent goes on: a build checks its drafts beside their assembly
(and, when forced, their render).

The check and the assembly read the same drafts and neither needs the other, and each is pure Python on
one core: one after the other, they left the machine's second core idle. The child's only results are its
return value, pickled back, and what it writes to content-addressed caches of its own; where forking is
not safe (other threads alive: the portal, a `watch` holding Typst; no `fork` on this system) or the
child dies, the work is done in the parent, where any error it raises is raised as if it had never been
forked.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    """Forking copies only the thread that forks: safe while that is the only thread alive."""
    return hasattr(os, "fork") and threading.active_count() == 1


class Beside(Generic[T]):
    """`work()` started in a child now; `result()` waits for it. Used as a context, a child whose result
    was never asked for (the parent failed meanwhile) is stopped on the way out."""

    def __init__(self, work: Callable[[], T]):
        self.work = work
        self.child: int | None = None
        if not can_fork():
            return
        sys.stdout.flush()
        sys.stderr.flush()
        reader, writer = os.pipe()
        child = os.fork()
        if child == 0:
            os.close(reader)
            _run_in_child(work, writer)
        os.close(writer)
        self.child, self.reader = child, reader

    def __enter__(self) -> Beside[T]:
        return self

    def __exit__(self, *exc) -> None:
        if self.child is not None:
            os.kill(self.child, signal.SIGKILL)
            os.close(self.reader)
            os.waitpid(self.child, 0)
            self.child = None

    def result(self) -> T:
        if self.child is None:
            return self.work()
        with os.fdopen(self.reader, "rb") as answer:
            data = answer.read()
        os.waitpid(self.child, 0)
        self.child = None
        try:
            done, value = pickle.loads(data)
        except Exception:  # the child was killed (out of memory, a signal): nothing came back
            done = False
        return value if done else self.work()


def _run_in_child(work: Callable[[], object], writer: int) -> None:
    """Never returns: the child's answer goes down the pipe, then it ends without running the parent's
    exit handlers or flushing the parent's buffers a second time."""
    try:
        logging.disable(logging.CRITICAL)  # the parent tells the progress
        try:
            data = pickle.dumps((True, work()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # the parent does the work again and raises it there
            data = pickle.dumps((False, None))
        with os.fdopen(writer, "wb") as answer:
            answer.write(data)
    finally:
        os._exit(0)
