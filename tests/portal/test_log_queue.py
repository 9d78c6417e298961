"""portal.log_queue: the console handler formats a line in the thread that logs, and its writer thread writes it, in
order; warnings are written before the call returns; flush and close wait for what is queued; a forked child writes
only its own lines, once."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import pytest

from portal import observability
from portal.log_queue import BackgroundStreamHandler
from tests.helpers import eventually

# A hang guard for a test that would otherwise wait forever on a broken handler; never a speed bound.
HANG_GUARD_SECONDS = 20


class Recorded:
    """A stream that keeps what was written, by which thread, in how many writes; `gate` holds writes back, and
    `entered` tells that a write has begun."""

    def __init__(self) -> None:
        self.text = ""
        self.writers: set[str] = set()
        self.writes = 0
        self.gate, self.entered = threading.Event(), threading.Event()
        self.gate.set()

    def write(self, text: str) -> None:
        self.entered.set()
        assert self.gate.wait(HANG_GUARD_SECONDS)
        self.writers.add(threading.current_thread().name)
        self.writes += 1
        self.text += text

    def flush(self) -> None:
        pass


@pytest.fixture
def stream() -> Recorded:
    return Recorded()


@pytest.fixture
def handler(stream):
    handler = BackgroundStreamHandler(stream)  # type: ignore[arg-type]
    handler.setFormatter(logging.Formatter("%(levelname)s [%(request_id)s] %(message)s"))
    handler.addFilter(observability.RequestIdFilter())
    yield handler
    stream.gate.set()
    handler.close()


def record(message: str, level: int = logging.INFO, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("portal.test", level, __file__, 1, message, None, exc_info)


def test_the_writer_thread_writes_the_line_not_the_thread_that_logs(handler, stream):
    handler.handle(record("hello"))
    handler.flush()

    assert stream.text == "INFO [-] hello\n"
    assert stream.writers == {"log-writer"}


def test_the_line_is_formatted_in_the_context_of_the_thread_that_logs(handler, stream):
    # The request id lives in the request's context; the writer thread's context has none.
    token = observability._request_id.set("req-42")
    try:
        handler.handle(record("in a request"))
    finally:
        observability._request_id.reset(token)
    handler.flush()

    assert stream.text == "INFO [req-42] in a request\n"


def test_a_traceback_is_formatted_by_the_thread_that_logs(handler, stream):
    try:
        raise ValueError("broken")
    except ValueError as error:
        handler.handle(record("failed", logging.ERROR, (type(error), error, error.__traceback__)))

    assert stream.text.startswith("ERROR [-] failed\nTraceback (most recent call last):")
    assert "ValueError: broken\n" in stream.text


def test_lines_are_written_in_the_order_they_were_logged(handler, stream):
    for number in range(300):
        handler.handle(record(f"line {number}"))
    handler.flush()

    assert stream.text.splitlines() == [f"INFO [-] line {number}" for number in range(300)]


def test_lines_logged_from_many_threads_each_arrive_once_and_in_each_threads_order(handler, stream):
    def log(name: str) -> None:
        for number in range(100):
            handler.handle(record(f"{name} {number}"))

    threads = [threading.Thread(target=log, args=(f"t{index}",)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    handler.flush()

    lines = stream.text.splitlines()
    assert len(lines) == 400
    for index in range(4):
        assert [line for line in lines if line.startswith(f"INFO [-] t{index} ")] == [
            f"INFO [-] t{index} {number}" for number in range(100)
        ]


def test_an_info_line_does_not_wait_for_a_stream_that_is_slow_to_write(handler, stream):
    stream.gate.clear()  # every write waits until the test opens the gate
    logging_thread = threading.Thread(target=lambda: [handler.handle(record(f"info {n}")) for n in range(5)])

    logging_thread.start()
    logging_thread.join(HANG_GUARD_SECONDS)

    assert not logging_thread.is_alive()  # all five were queued while the writer was held at its first write
    stream.gate.set()
    handler.flush()
    assert stream.text.splitlines() == [f"INFO [-] info {n}" for n in range(5)]


def test_a_warning_is_written_with_every_line_before_it_when_the_call_returns(handler, stream):
    handler.handle(record("before"))
    handler.handle(record("cognito unreachable", logging.WARNING))

    assert stream.text == "INFO [-] before\nWARNING [-] cognito unreachable\n"


def test_what_has_gathered_goes_out_in_one_write(handler, stream):
    handler.handle(record("first"))
    handler.flush()
    stream.gate.clear()
    stream.entered.clear()
    handler.handle(record("held"))
    assert stream.entered.wait(HANG_GUARD_SECONDS)  # the writer took it alone and waits at the gate
    for number in range(10):
        handler.handle(record(f"gathered {number}"))
    stream.gate.set()
    handler.flush()

    assert stream.writes == 3  # "first", "held", then the ten gathered meanwhile together
    assert stream.text.splitlines()[-1] == "INFO [-] gathered 9"


def test_lines_queued_while_the_first_waits_go_out_with_it_in_one_write(handler, stream, monkeypatch):
    # The gathering window made as long as the hang guard: nothing but the flush can end it.
    monkeypatch.setattr(handler._lines, "max_wait", HANG_GUARD_SECONDS)
    handler.handle(record("first"))
    for number in range(5):
        handler.handle(record(f"gathered {number}"))

    assert stream.writes == 0  # woken by the first line, the writer waits for more instead of writing it alone
    handler.flush()
    assert stream.writes == 1
    assert stream.text.splitlines() == ["INFO [-] first", *(f"INFO [-] gathered {n}" for n in range(5))]


def test_an_info_line_is_written_without_a_flush_once_the_gathering_ends(handler, stream):
    handler.handle(record("on its own"))

    eventually(lambda: stream.text == "INFO [-] on its own\n", "the line was never written")


def test_a_warning_ends_the_gathering_at_once(handler, stream, monkeypatch):
    monkeypatch.setattr(handler._lines, "max_wait", HANG_GUARD_SECONDS)
    handler.handle(record("gathered"))
    handler.handle(record("cognito unreachable", logging.WARNING))  # returns only once both are written

    assert stream.text == "INFO [-] gathered\nWARNING [-] cognito unreachable\n"


def test_close_writes_every_queued_line_before_it_returns(stream):
    handler = BackgroundStreamHandler(stream)  # type: ignore[arg-type]
    for number in range(50):
        handler.handle(record(f"line {number}"))

    handler.close()

    assert len(stream.text.splitlines()) == 50


def test_a_filtered_out_record_is_not_written(handler, stream):
    handler.addFilter(lambda r: "secret" not in r.getMessage())
    handler.handle(record("a secret"))
    handler.handle(record("plain"))
    handler.flush()

    assert stream.text == "INFO [-] plain\n"


def test_a_stream_that_fails_is_reported_and_the_next_lines_still_go_out(handler, stream, monkeypatch):
    reported: list[str] = []
    monkeypatch.setattr(handler, "handleError", lambda r: reported.append(r.getMessage()))
    failing_write = stream.write

    def write(text: str) -> None:
        monkeypatch.setattr(stream, "write", failing_write)  # only the first write fails
        raise OSError("disk full")

    monkeypatch.setattr(stream, "write", write)
    handler.handle(record("lost"))
    handler.flush()
    handler.handle(record("kept"))
    handler.flush()

    assert reported == ["INFO [-] lost"]
    assert stream.text == "INFO [-] kept\n"


def test_set_stream_sends_the_lines_logged_before_it_to_the_old_stream(handler, stream):
    handler.handle(record("old"))
    replacement = Recorded()

    assert handler.setStream(replacement) is stream  # type: ignore[arg-type]
    handler.handle(record("new"))
    handler.flush()

    assert (stream.text, replacement.text) == ("INFO [-] old\n", "INFO [-] new\n")


class AppendToFile:
    """A stream that appends each write to a file (so a forked child's writes land beside the parent's); writes in
    the process `held_in` wait for `gate`."""

    def __init__(self, path: Path, held_in: int) -> None:
        self.path, self.held_in = path, held_in
        self.gate, self.entered = threading.Event(), threading.Event()

    def write(self, text: str) -> None:
        if os.getpid() == self.held_in:
            self.entered.set()
            assert self.gate.wait(HANG_GUARD_SECONDS)
        with self.path.open("a") as file:
            file.write(text)

    def flush(self) -> None:
        pass


def test_a_forked_child_writes_its_own_lines_and_never_the_parents(tmp_path):
    stream = AppendToFile(tmp_path / "log", held_in=os.getpid())
    handler = BackgroundStreamHandler(stream)  # type: ignore[arg-type]
    handler.handle(record("parent first"))
    assert stream.entered.wait(HANG_GUARD_SECONDS)  # the parent's writer took it and waits at the gate
    handler.handle(record("parent queued"))  # still in the parent's queue when the child is forked
    if (pid := os.fork()) == 0:
        handler.handle(record("child"))
        handler.flush()
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    stream.gate.set()
    handler.close()

    assert os.waitstatus_to_exitcode(status) == 0
    assert sorted((tmp_path / "log").read_text().splitlines()) == ["child", "parent first", "parent queued"]


def test_the_configured_console_handler_writes_in_the_background():
    (console,) = [h for h in logging.getLogger().handlers if h.name == "console"]

    assert isinstance(console, BackgroundStreamHandler)
