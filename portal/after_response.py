"""Work that can wait until the person has the response: run when the server closes it, in the request's thread.

A sign-up's record INSERT was a database round trip in the middle of the request. Under a worker's 32 threads each
round trip lets go of the GIL and then waits to take it back, and the person waited for that too (docs/benchmarks.md,
the eighth pass). Work held with `later` runs when Django's `request_finished` fires, that is when the WSGI server
closes the response after sending all of it (the test client closes it too). It still runs in the worker, on the
same thread, before that thread takes another request: the CPU is the same, only the person's wait is shorter.

A worker killed between sending a response and closing it loses the held work. That is the same loss the callers
already accept from a database that does not answer. Outside a request (commands, the shell, a service called
directly), `later` runs the work at once. Held work runs in the request's context, so its log lines keep the
request id. An exception in it is logged and does not stop the rest of the held work.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable

from django.core.signals import request_finished, request_started

logger = logging.getLogger(__name__)

_held: contextvars.ContextVar[list[tuple[contextvars.Context, Callable[[], None]]] | None] = contextvars.ContextVar(
    "after_response", default=None
)


def later(work: Callable[[], None]) -> None:
    """Run `work` once the response is closed, or now outside a request."""
    held = _held.get()
    if held is None:
        work()
        return
    held.append((contextvars.copy_context(), work))


def _hold(**_: object) -> None:
    _held.set([])


def _run_held(**_: object) -> None:
    held = _held.get()
    _held.set(None)
    for context, work in held or ():
        try:
            context.run(work)
        except Exception:  # the response is sent: nobody is left to show an error to
            logger.exception("after_response.failed work=%s", getattr(work, "__qualname__", repr(work)))


request_started.connect(_hold, dispatch_uid="portal-after-response-hold")
# Connected at import, after Django's own receivers (close_old_connections among them): held work that opens a
# database connection leaves it for the next request's check, which closes it if it is obsolete.
request_finished.connect(_run_held, dispatch_uid="portal-after-response-run")
