"""Items written by one background thread per process, many at a time, a bounded while after they were added.

The sign-up record's INSERT was one statement and one commit per sign-up, run by the request's thread once the
response was sent (portal.after_response). Under 32 threads per worker each round trip and commit also cost two GIL
hand-overs; written by one thread, many rows a statement, the sign-up's CPU fell by 11 % and its p99 by 7 %
(docs/benchmarks.md, the twelfth pass).

An added item is written at most `max_wait` seconds later (sooner when `max_rows` are waiting or on `flush()`), in
batches of at most `max_rows`, by a daemon thread started on first use in each process. A forked child (a gunicorn
worker) starts with nothing waiting and its own thread. What is waiting is written when the process exits normally
(atexit, and gunicorn's worker_exit hook calls `flush()`); a process killed outright (SIGKILL, the OOM killer) loses
up to `max_wait` seconds of items. `write` gets a list and handles its own failures; an exception it lets out is
logged, and the thread goes on.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

logger = logging.getLogger(__name__)

Item = TypeVar("Item")


class BatchWriter(Generic[Item]):
    def __init__(self, write: Callable[[list[Item]], None], *, name: str, max_rows: int, max_wait: float) -> None:
        self._write = write
        self.name = name
        self.max_rows = max_rows
        self.max_wait = max_wait
        self._start_empty()
        os.register_at_fork(after_in_child=self._start_empty)
        atexit.register(self.flush)

    def _start_empty(self) -> None:
        # After a fork the parent's lock may be held and its thread does not exist here: start again, empty.
        self._condition = threading.Condition()
        self._waiting: list[Item] = []
        self._writing = 0  # batches taken by the thread and not written yet
        self._now = False  # a flush() asked for the waiting items without waiting for the batch to fill
        self._thread: threading.Thread | None = None

    def add(self, item: Item) -> None:
        with self._condition:
            self._waiting.append(item)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()
            if len(self._waiting) in (1, self.max_rows):  # the thread waits for a first item, then for a full batch
                self._condition.notify_all()

    def flush(self, timeout: float = 5.0) -> bool:
        """Have the thread write what is waiting now; whether it all was written within `timeout` seconds. Called by
        the thread itself (its `write` logging, say), it does not wait for itself."""
        with self._condition:
            if threading.current_thread() is self._thread:
                self._now = bool(self._waiting)
                return not self._waiting
            self._now = bool(self._waiting)
            self._condition.notify_all()
            return self._condition.wait_for(lambda: not self._waiting and not self._writing, timeout=timeout)

    def pending(self) -> int:
        with self._condition:
            return len(self._waiting) + self._writing

    def _run(self) -> None:
        while True:
            batch = self._next_batch()
            try:
                self._write(batch)
            except Exception:  # the thread must outlive any one batch
                logger.exception("batch_writer.failed name=%s items=%d", self.name, len(batch))
            finally:
                with self._condition:
                    self._writing -= 1
                    self._condition.notify_all()

    def _next_batch(self) -> list[Item]:
        with self._condition:
            self._condition.wait_for(lambda: self._waiting)
            self._condition.wait_for(lambda: self._now or len(self._waiting) >= self.max_rows, timeout=self.max_wait)
            batch, self._waiting = self._waiting[: self.max_rows], self._waiting[self.max_rows :]
            self._now = self._now and bool(self._waiting)  # a flush waits for all that was there, batch after batch
            self._writing += 1
            return batch
