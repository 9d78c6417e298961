"""The console log handler: lines are formatted in the thread that logs and written by a thread of its own.

Under gunicorn's 32 threads per worker, a `StreamHandler` holds its lock across the `write` system call, and that
call lets go of the GIL: the logging thread then waits for the GIL with the lock still held, while every other thread
that logs waits for the lock (docs/benchmarks.md, the ninth pass: 3.5 % of a sign-up's wall time under load was
spent waiting in `Handler.acquire`). Here a request thread formats the line (filters, the request id, redaction,
the traceback: all in its own context) and hands the finished text to a portal.batch_writer.BatchWriter, whose one
thread per process writes what has gathered with one `write`.

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
import sys
from typing import TextIO

from portal.batch_writer import BatchWriter

# How long a flush waits for the writer: a hang guard for a stream nobody reads (a full pipe), not a speed bound.
FLUSH_TIMEOUT_SECONDS = 5.0
# How long the writer lets INFO lines gather after the first one before it writes them (a flush cuts it short).
GATHER_SECONDS = 0.05


class BackgroundStreamHandler(logging.StreamHandler[TextIO]):
    """A StreamHandler (same `stream`, `setStream`, `terminator`) whose writes happen in a writer thread: a
    portal.batch_writer.BatchWriter of lines, which also gives the order, the flush that waits and the fork rules."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(stream)
        self._use_stderr = stream is None  # sys.stderr as it is when written (tests and gunicorn replace it)
        self._lines: BatchWriter[str] = BatchWriter(
            self._write, name="log-writer", max_rows=1000, max_wait=GATHER_SECONDS
        )

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
        self._lines.add(line)
        if record.levelno >= logging.WARNING:
            self.flush()

    def flush(self) -> None:
        """Return once every line queued before this call is written (at most FLUSH_TIMEOUT_SECONDS)."""
        self._lines.flush(FLUSH_TIMEOUT_SECONDS)

    def setStream(self, stream: TextIO) -> TextIO | None:
        self.flush()
        self._use_stderr = False
        return super().setStream(stream)

    def close(self) -> None:
        self.flush()
        super().close()

    def _write(self, lines: list[str]) -> None:
        stream = sys.stderr if self._use_stderr else self.stream
        try:
            stream.write("".join(lines))
            stream.flush()
        except Exception:
            # As StreamHandler.emit would: logging never raises into the program (Handler.handleError reports it).
            self.handleError(logging.makeLogRecord({"msg": lines[-1].rstrip("\n")}))
