"""Whole sign-up journeys from fresh clients: do registered users reach the code step?

Each journey is a new client (its own connection and cookie jar): `GET /signup/` for the CSRF cookie and token,
`POST /signup/` with a unique username, then `GET /signup/confirm/` with the cookies it was given. A journey whose
POST answered 302 but whose confirm page is not the code form (`id="confirm-form"`; a lost session redirects to
/signup/) is *lost*. Used by the benchmark (`bench.run`) and the load test (tests/load).
"""

from __future__ import annotations

import contextlib
import http.client
import re
import threading
import urllib.parse
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from bench.servers import PASSWORD

CONFIRM_FORM = 'id="confirm-form"'
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Outcome:
    """One journey: the status of each step (0 = a socket error or timeout) and whether it reached the code form."""

    get: int = 0
    post: int = 0
    confirm: int = 0
    reached_code_form: bool = False
    error: str = ""

    @property
    def server_errors(self) -> int:
        return sum(1 for status in (self.get, self.post, self.confirm) if status >= 500)

    @property
    def lost(self) -> bool:
        return self.post == 302 and not self.reached_code_form


@dataclass
class Journeys:
    """What N journeys did, in counts."""

    total: int = 0
    signed_up: int = 0  # POST answered 302
    reached_code_form: int = 0
    lost: int = 0  # signed up but did not reach the code form
    http_500s: int = 0  # responses >= 500 over all steps
    failed: int = 0  # a step that was neither what a journey expects nor a 5xx (incl. socket errors)
    statuses: dict[str, int] = field(default_factory=dict)  # "GET/POST/confirm" statuses: journeys
    errors: list[str] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.total += 1
        self.signed_up += outcome.post == 302
        self.reached_code_form += outcome.reached_code_form
        self.lost += outcome.lost
        self.http_500s += outcome.server_errors
        self.failed += not outcome.reached_code_form and not outcome.lost and not outcome.server_errors
        key = f"{outcome.get}/{outcome.post}/{outcome.confirm}"
        self.statuses[key] = self.statuses.get(key, 0) + 1
        if outcome.error and len(self.errors) < 5:
            self.errors.append(outcome.error)

    def merge(self, other: Journeys) -> None:
        for name in ("total", "signed_up", "reached_code_form", "lost", "http_500s", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, count in other.statuses.items():
            self.statuses[key] = self.statuses.get(key, 0) + count
        self.errors += other.errors[: max(0, 5 - len(self.errors))]


class Client:
    """A fresh browser-like client: one keep-alive connection and a cookie jar."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.connection = http.client.HTTPConnection(host, port, timeout=timeout)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode(errors="replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers.get("Location", ""), text

    def close(self) -> None:
        self.connection.close()


def signup_body(token: str, username: str, fields: list[str]) -> str:
    values = {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
    for name in fields:
        values[name] = f"{username}@example.com" if name == "email" else "value"
    return urllib.parse.urlencode(values)


def journey(
    url: str, username: str, fields: list[str], timeout: float = 30.0, before_post: Callable[[], None] | None = None
) -> Outcome:
    """One journey from a fresh client; never raises (a socket error is recorded as status 0). `before_post` runs
    between the form page and the sign-up whatever the page answered (e.g. a barrier that starts all POSTs at once)."""
    parts = urllib.parse.urlsplit(url)
    client, outcome = Client(parts.hostname or "127.0.0.1", parts.port or 80, timeout), Outcome()
    try:
        try:
            outcome.get, _, page = client.request("GET", "/signup/")
        finally:
            if before_post:
                before_post()
        token = TOKEN.search(page)
        if outcome.get != 200 or not token:
            return outcome
        outcome.post, _, _ = client.request("POST", "/signup/", signup_body(token.group(1), username, fields))
        if outcome.post != 302:
            return outcome
        outcome.confirm, _, page = client.request("GET", "/signup/confirm/")
        outcome.reached_code_form = outcome.confirm == 200 and CONFIRM_FORM in page
    except (OSError, http.client.HTTPException) as error:
        outcome.error = f"{type(error).__name__}: {error}"
    finally:
        client.close()
    return outcome


def _barrier(parties: int, timeout: float) -> Callable[[], None]:
    barrier = threading.Barrier(parties)

    def wait() -> None:
        # A party that timed out breaks the barrier: go on rather than hang (the POSTs are then not simultaneous).
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout)

    return wait


def run_journeys(
    url: str,
    count: int,
    *,
    concurrency: int = 32,
    fields: list[str] | None = None,
    together: bool = False,
    timeout: float = 30.0,
) -> Journeys:
    """`count` journeys with unique usernames, `concurrency` at a time (threads). With `together` (and count equal
    to concurrency), every client first loads the form, then all POST at the same moment."""
    prefix = f"j{uuid.uuid4().hex[:10]}"
    names = [f"{prefix}-{number}" for number in range(count)]
    before_post = _barrier(count, timeout) if together and count == concurrency else None
    result = Journeys()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for outcome in pool.map(lambda name: journey(url, name, fields or ["email"], timeout, before_post), names):
            result.add(outcome)
    return result
