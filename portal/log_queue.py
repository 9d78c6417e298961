"""The console log handler: lines are formatted in the thread that logs and written by a thread of its own.

Under gunicorn's 32 threads per worker, a `StreamHandler` holds its lock across the `write` system call, and that
call lets go of the GIL: the logging thread then waits for the GIL with the lock still held, while every other thread
that logs waits for the lock (docs/benchmarks.md, the ninth pass: 3.5 % of a sign-up's wall time under load was
spent waiting in `Handler.acquire`). Here a request thread formats the line (filters, the request id, redaction,
the traceback: all in its own context) and puts the finished text on a queue; one writer thread per process writes
what has gathered with one `write`.

What it promises:
- Order: lines are written in the order they were queued.
- WARNING and above are on the stream before `emit` returns (a line about a failure must not wait in memory for a
  crash); INFO and below are written within GATHER_SECONDS.
- The writer wakes once for what gathers in GATHER_SECONDS, not once per line: a line queued while it waited for
  the next one woke it, and that wake-up (and the GIL hand-over to it) cost the thread that logged about 100 µs, 7 %
  of a sign-up's CPU in one thread (docs/benchmarks.md, the thirteenth pass). An idle writer never wakes.
- `flush()` (and so `close()`, `setStream()` and `logging.shutdown()` at exit, which gunicorn's workers reach on
  SIGTERM, SIGQUIT and the timeout's SIGABRT) returns once every line queued before it is written.
- After a fork the child has an empty queue and starts its own writer on its first line; the parent's lines are
  the parent's to write.
What it costs: a worker killed with SIGKILL loses the INFO lines of its last moments.

Why not the standard library's QueueHandler + QueueListener: the listener writes and flushes one record per system
call, has no flush that waits, and on Python 3.12+ `dictConfig` configures QueueHandler subclasses in its own way.
"""

from __future__ import annotations

import logging
import os
import queue
import sys
import threading
import weakref
from typing import TextIO

# How long a flush waits for the writer: a hang guard for a stream nobody reads (a full pipe), not a speed bound.
FLUSH_TIMEOUT_SECONDS = 5.0
# How long the writer lets INFO lines gather after the first one before it writes them (a flush cuts it short).
GATHER_SECONDS = 0.05
_STOP = object()


class BackgroundStreamHandler(logging.StreamHandler[TextIO]):
    """A StreamHandler (same `stream`, `setStream`, `terminator`) whose writes happen in a writer thread."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(stream)
        self._use_stderr = stream is None  # sys.stderr as it is when written (tests and gunicorn replace it)
        self._reset()
        _handlers.add(self)

    def _reset(self) -> None:
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._urgent = threading.Event()  # a flush or close waits: stop gathering and write now
        self._writer: threading.Thread | None = None  # started on the first line (in a forked child: its own)
        self._start_lock = threading.Lock()

    def handle(self, record: logging.LogRecord) -> logging.LogRecord | bool:  # type: ignore[override]
        # Handler.handle holds the handler's lock around emit; emit only formats and queues, which needs no lock.
        passed = self.filter(record)
        if isinstance(passed, logging.LogRecord):  # Python 3.12+: a filter may return a replacement record
            record = passed
        if passed:
            self.emit(record)
        return passed

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record) + self.terminator
        except Exception:
            self.handleError(record)
            return
        self._put(line)
        if record.levelno >= logging.WARNING:
            self.flush()

    def flush(self) -> None:
        """Return once every line queued before this call is written (at most FLUSH_TIMEOUT_SECONDS)."""
        if self._writer is None or threading.current_thread() is self._writer:
            return  # nothing queued in this process yet, or the writer itself (it writes in order anyway)
        written = threading.Event()
        self._queue.put(written)
        self._urgent.set()
        written.wait(FLUSH_TIMEOUT_SECONDS)

    def setStream(self, stream: TextIO) -> TextIO | None:
        self.flush()
        self._use_stderr = False
        return super().setStream(stream)

    def close(self) -> None:
        if self._writer is not None:
            self._queue.put(_STOP)
            self._urgent.set()
            self._writer.join(FLUSH_TIMEOUT_SECONDS)
            self._writer = None
        super().close()

    def _put(self, item: object) -> None:
        if self._writer is None:
            self._start_writer()
        self._queue.put(item)

    def _start_writer(self) -> None:
        with self._start_lock:
            if self._writer is not None:
                return
            writer = threading.Thread(target=self._write_forever, name="log-writer", daemon=True)
            writer.start()
            self._writer = writer

    def _write_forever(self) -> None:
        while True:
            batch = [self._queue.get()]  # idle until the first line
            if isinstance(batch[0], str):
                # Lines queued from now on wake nobody; a flush (set after its marker is queued) ends the wait.
                self._urgent.wait(GATHER_SECONDS)
            self._urgent.clear()  # before draining: a marker queued before a later set() is drained now or next time
            while len(batch) < 1000:  # what has gathered meanwhile goes out in the same write
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._write([item for item in batch if isinstance(item, str)])
            for item in batch:
                if isinstance(item, threading.Event):
                    item.set()
            if _STOP in batch:
                return

    def _write(self, lines: list[str]) -> None:
        if not lines:
            return
        stream = sys.stderr if self._use_stderr else self.stream
        try:
            stream.write("".join(lines))
            stream.flush()
        except Exception:
            # As StreamHandler.emit would: logging never raises into the program (Handler.handleError reports it).
            self.handleError(logging.makeLogRecord({"msg": lines[-1].rstrip("\n")}))


_handlers: weakref.WeakSet[BackgroundStreamHandler] = weakref.WeakSet()


def _forget_the_parents_writers() -> None:
    """In a forked child: a queue and lock of its own (the parent's writer thread does not exist here)."""
    for handler in list(_handlers):
        handler._reset()


os.register_at_fork(after_in_child=_forget_the_parents_writers)
