"""portal.batch_writer: items go out in batches, written by one thread per process: a full batch at once, a partial
one after its wait or on flush; a failing batch does not stop the next; a forked child starts empty."""

from __future__ import annotations

import logging
import threading

import pytest

from portal.batch_writer import BatchWriter
from tests.helpers import drawn_in_a_forked_child, eventually

# A hang guard for a test that would otherwise wait forever on a broken writer; never a speed bound.
HANG_GUARD_SECONDS = 20
LONG = 3600.0  # a batch's wait no test sits through


class Written:
    """The batches written, by which thread; `gate` holds writes back and `entered` tells that one has begun."""

    def __init__(self, fail_first: int = 0) -> None:
        self.batches: list[list[str]] = []
        self.threads: set[str] = set()
        self.fail_first = fail_first
        self.gate, self.entered = threading.Event(), threading.Event()
        self.gate.set()

    def __call__(self, batch: list[str]) -> None:
        self.entered.set()
        assert self.gate.wait(HANG_GUARD_SECONDS)
        self.threads.add(threading.current_thread().name)
        if self.fail_first:
            self.fail_first -= 1
            raise RuntimeError("the database went away")
        self.batches.append(batch)


def test_a_full_batch_is_written_at_once_in_one_write_by_the_writers_thread():
    written = Written()
    writer = BatchWriter(written, name="test-writer", max_rows=3, max_wait=LONG)

    for item in "abc":
        writer.add(item)

    eventually(lambda: written.batches == [["a", "b", "c"]], "a full batch was not written", seconds=HANG_GUARD_SECONDS)
    assert written.threads == {"test-writer"}


def test_a_partial_batch_is_written_once_its_wait_is_over_without_a_flush():
    written = Written()
    writer = BatchWriter(written, name="test-writer", max_rows=100, max_wait=0.01)

    writer.add("a")

    eventually(lambda: written.batches == [["a"]], "a partial batch was never written", seconds=HANG_GUARD_SECONDS)


def test_flush_writes_what_is_waiting_without_waiting_for_the_batch_to_fill():
    written = Written()
    writer = BatchWriter(written, name="test-writer", max_rows=100, max_wait=LONG)
    writer.add("a")
    writer.add("b")

    assert writer.flush(timeout=HANG_GUARD_SECONDS) is True

    assert written.batches == [["a", "b"]]
    assert writer.pending() == 0


def test_flush_with_nothing_added_returns_at_once_and_starts_no_thread():
    writer = BatchWriter(Written(), name="test-writer-idle", max_rows=100, max_wait=LONG)

    assert writer.flush(timeout=HANG_GUARD_SECONDS) is True
    assert "test-writer-idle" not in {thread.name for thread in threading.enumerate()}


def test_flush_waits_for_the_batch_being_written_and_says_when_it_could_not():
    written = Written()
    written.gate.clear()
    writer = BatchWriter(written, name="test-writer", max_rows=1, max_wait=LONG)
    writer.add("a")
    assert written.entered.wait(HANG_GUARD_SECONDS)

    assert writer.flush(timeout=0.01) is False  # the write is held: still pending, whatever the machine's speed
    assert writer.pending() == 1
    written.gate.set()
    assert writer.flush(timeout=HANG_GUARD_SECONDS) is True
    assert written.batches == [["a"]]


def test_a_batch_whose_write_fails_is_logged_and_the_next_is_still_written(caplog):
    written = Written(fail_first=1)
    writer = BatchWriter(written, name="test-writer", max_rows=100, max_wait=LONG)

    with caplog.at_level(logging.ERROR, logger="portal.batch_writer"):
        writer.add("lost")
        assert writer.flush(timeout=HANG_GUARD_SECONDS) is True
        writer.add("kept")
        assert writer.flush(timeout=HANG_GUARD_SECONDS) is True

    assert written.batches == [["kept"]]
    assert caplog.messages == ["batch_writer.failed name=test-writer items=1"]


def test_a_forked_child_starts_with_nothing_waiting_and_writes_with_its_own_thread():
    written = Written()
    written.gate.clear()  # the parent's thread is in the middle of a write, holding an item, when the fork happens
    writer = BatchWriter(written, name="test-writer", max_rows=1, max_wait=LONG)
    writer.add("parent's")
    assert written.entered.wait(HANG_GUARD_SECONDS)

    def in_the_child() -> str:
        written.gate = threading.Event()  # the parent's is held shut
        written.gate.set()
        waiting_at_start = writer.pending()
        writer.add("child's")
        flushed = writer.flush(timeout=HANG_GUARD_SECONDS)
        return f"{waiting_at_start}:{flushed}:{written.batches}".replace(" ", "")

    try:
        assert drawn_in_a_forked_child(in_the_child, 1) == {'0:True:[["child\'s"]]'}
    finally:
        written.gate.set()
    assert writer.flush(timeout=HANG_GUARD_SECONDS) is True
    assert written.batches == [["parent's"]]


@pytest.mark.parametrize("max_rows", [1, 64])
def test_every_item_added_from_many_threads_is_written_once(max_rows):
    written = Written()
    writer = BatchWriter(written, name="test-writer", max_rows=max_rows, max_wait=0.001)
    threads = [threading.Thread(target=lambda n=n: [writer.add(f"{n}-{i}") for i in range(50)]) for n in range(8)]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(HANG_GUARD_SECONDS)
    assert writer.flush(timeout=HANG_GUARD_SECONDS) is True

    items = [item for batch in written.batches for item in batch]
    assert sorted(items) == sorted(f"{n}-{i}" for n in range(8) for i in range(50))
    assert all(len(batch) <= max_rows for batch in written.batches)


def test_a_flush_from_the_writers_own_thread_does_not_wait_for_itself():
    answers: list[bool] = []

    def write(batch: list[str]) -> None:
        answers.append(writer.flush(timeout=HANG_GUARD_SECONDS))  # e.g. a write that logs a warning

    writer = BatchWriter(write, name="test-writer", max_rows=1, max_wait=LONG)
    writer.add("a")

    assert writer.flush(timeout=HANG_GUARD_SECONDS)
    assert answers == [True]  # nothing else waiting; waiting for itself would have timed out and said False
