"""One thread, no server: the sign-up's CPU with and without one of its parts, paired (`python -m bench.one_thread`).

The WSGI application is called in this process, one request at a time, against the stand-in Cognito
(bench.stub_cognito) answering at once, on the production stack (--database-url and --cache-url) or the default one
(SQLite in a temporary folder). Every round signs up --per-round people with each variant in turn, the order
alternating between rounds, and times the thread's own CPU (time.thread_time: the log writer thread, the stand-in
and the databases are not counted, nor, on PostgreSQL, the record's batch writer thread: there `--without record`
measures what the request itself spends on the record). It prints each variant's median CPU per sign-up and, for
each part left out, the median of the per-round ratios "as shipped / without it": how much of a sign-up that part
costs.

Under gunicorn the same parts cost more (each GIL hand-over is a context switch), so this is not a headline figure;
it is the one a noisy shared box moves least, which makes it the way to tell whether a change saves CPU at all
(docs/benchmarks.md, the tenth pass).

Parts that can be left out (--without):
  direct-send   public Cognito calls through botocore's Endpoint layer (signup.cognito.DirectSend unregistered)
  record        no sign-up record written (signup.records)
  log-line      the sign-up's log line not logged (the signup.services logger off)
  cache-writes  the request's one Redis round trip (session and held writes) answered without Redis (production
                stack only; the session is then lost, which the next sign-up does not need)

--floor measures the floor (bench/floor, the same stack's environment) instead, with no parts left out: the
portal's one-thread figure over the floor's is the part of the headline's CPU ratio that is plain Python work.
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import re
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from bench import servers


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--without", default=",".join(PARTS), help=f"parts to leave out, one at a time, of {PARTS}")
    parser.add_argument("--rounds", type=int, default=10, help="paired rounds; figures are their medians")
    parser.add_argument("--per-round", type=int, default=300, help="sign-ups per variant and round")
    parser.add_argument("--warm-up", type=int, default=100, help="sign-ups per variant before the first round")
    parser.add_argument("--database-url", default="", help="the production stack's PostgreSQL (with --cache-url)")
    parser.add_argument("--cache-url", default="", help="the production stack's Redis")
    parser.add_argument("--floor", action="store_true", help="measure the floor instead (no parts left out)")
    args = parser.parse_args(argv)
    if args.floor:
        args.without = ""
    args.without = [part for part in args.without.split(",") if part]
    if unknown := set(args.without) - set(PARTS):
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    return args


class Portal:
    """The portal's WSGI application in this process, with one browser's cookies and CSRF token."""

    def __init__(self, application: Callable[..., Any]) -> None:
        self._application = application
        self._numbers = itertools.count()
        status, headers, body = self.call("GET", "/signup/")
        if not status.startswith("200"):
            raise RuntimeError(f"GET /signup/ answered {status}")
        self._cookie = "; ".join(value.split(";")[0] for name, value in headers if name.lower() == "set-cookie")
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if found is None:
            raise RuntimeError("no CSRF token on the form")
        self._token = found.group(1).decode()

    def call(self, method: str, path: str, body: bytes = b"", cookie: str = "") -> tuple[str, list[Any], bytes]:
        answer: dict[str, Any] = {}

        def start_response(status: str, headers: list[Any], exc_info: Any = None) -> None:
            answer.update(status=status, headers=headers)

        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1:8000",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_COOKIE": cookie,
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        response = self._application(environ, start_response)
        data = b"".join(response)
        response.close()  # as a WSGI server does: request_finished, and the work held until then
        return answer["status"], answer["headers"], data

    def sign_up(self) -> None:
        name = f"one{next(self._numbers)}x{time.monotonic_ns()}"
        form = {"csrfmiddlewaretoken": self._token, "username": name, "password": servers.PASSWORD}
        form["email"] = f"{name}@example.com"
        status, _, body = self.call("POST", "/signup/", urllib.parse.urlencode(form).encode(), self._cookie)
        if not status.startswith("302"):
            raise RuntimeError(f"a sign-up answered {status}: {body[:300]!r}")


@contextmanager
def _without_direct_send() -> Iterator[None]:
    from signup import cognito  # here: Django is set up by then

    cognito.public_client().meta.events.unregister("before-call", unique_id="portal-direct-send")
    try:
        yield
    finally:
        cognito.reset_clients()  # the next client has its direct send again


@contextmanager
def _without_record() -> Iterator[None]:
    from signup import records

    real = records.signup_record_create
    records.signup_record_create = lambda **_: None
    try:
        yield
    finally:
        records.signup_record_create = real


@contextmanager
def _without_log_line() -> Iterator[None]:
    import logging

    services = logging.getLogger("signup.services")
    services.disabled = True
    try:
        yield
    finally:
        services.disabled = False


@contextmanager
def _without_cache_writes() -> Iterator[None]:
    from portal.cache import RedisCache

    real = RedisCache.write_many
    RedisCache.write_many = lambda self, writes: [True] * len(writes)  # type: ignore[method-assign]
    try:
        yield
    finally:
        RedisCache.write_many = real  # type: ignore[method-assign]


_LEFT_OUT: dict[str, Callable[[], AbstractContextManager[None]]] = {
    "direct-send": _without_direct_send,
    "record": _without_record,
    "log-line": _without_log_line,
    "cache-writes": _without_cache_writes,
}
PARTS = tuple(_LEFT_OUT)


def variant(name: str) -> AbstractContextManager[None]:
    """The portal as shipped, or without one part while the block runs."""
    return nullcontext() if name == "as shipped" else _LEFT_OUT[name]()


def measure(portal: Portal, names: list[str], args: argparse.Namespace) -> dict[str, list[float]]:
    """Microseconds of this thread's CPU per sign-up, one figure per variant and round."""
    for name in names:
        with variant(name):
            for _ in range(args.warm_up):
                portal.sign_up()
    figures: dict[str, list[float]] = {name: [] for name in names}
    for round_number in range(args.rounds):
        for name in names if round_number % 2 == 0 else names[::-1]:
            with variant(name):
                portal.sign_up()  # outside the timing: a variant's first call may build a client
                started = time.thread_time()
                for _ in range(args.per_round):
                    portal.sign_up()
                figures[name].append((time.thread_time() - started) / args.per_round * 1e6)
    return figures


def report(figures: dict[str, list[float]]) -> str:
    shipped = figures["as shipped"]
    lines = ["| variant | median µs per sign-up | min | as shipped / this (median of rounds) |", "|---|---:|---:|---:|"]
    for name, values in figures.items():
        paired = statistics.median(a / b for a, b in zip(shipped, values, strict=True))
        label = name if name == "as shipped" else f"without {name}"
        lines.append(f"| {label} | {statistics.median(values):.0f} | {min(values):.0f} | {paired:.3f} |")
    return "\n".join(lines)


def start(args: argparse.Namespace, stub: servers.Stub, tmp: Path) -> Callable[..., Any]:
    """Migrate and configure a stack like the benchmark's, then set Django up in this process on it."""
    if args.database_url and args.cache_url:
        stack = servers.Stack("production", args.database_url, args.cache_url)
    else:
        stack = servers.Stack("default", f"sqlite:///{tmp}/one_thread.sqlite3")
    env = servers.server_env(stub_port=stub.port, stack=stack, tmp=tmp)
    servers.prepare_database(env, 1)
    servers.manage(env, "manage.py", "collectstatic", "--noinput", "--clear")
    os.environ.clear()
    os.environ.update(env)
    if args.floor:
        os.environ["DJANGO_SETTINGS_MODULE"] = servers.FLOOR_SETTINGS
    from portal.wsgi import application

    return application


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stub = servers.Stub(0)
    try:
        with tempfile.TemporaryDirectory() as folder:
            portal = Portal(start(args, stub, Path(folder)))
            figures = measure(portal, ["as shipped", *args.without], args)
        what = "the floor" if args.floor else "the portal"
        print(f"{what}, one thread, {args.rounds} rounds x {args.per_round} sign-ups, load {servers.load_average()}")
        print(report(figures))
    finally:
        stub.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
