"""Helpers for the load tests: the portal under gunicorn as the benchmark runs it (bench.servers), on a stack."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import servers
from bench.servers import Gunicorn, Stack, Stub


@dataclass(frozen=True)
class RunningPortal:
    server: Gunicorn
    stub: Stub
    fields: list[str]
    env: dict[str, str]  # the server's environment: management commands run with it act on the same database


def default_stack(tmp: Path) -> Stack:
    """The defaults: no CACHE_URL (per-process memory cache), a fresh SQLite file."""
    return Stack("default", f"sqlite:///{tmp / 'db.sqlite3'}")


@contextmanager
def portal_on(stack: Stack, tmp: Path, *, delay_ms: float, **extra_env: str) -> Iterator[RunningPortal]:
    """The stand-in Cognito (answering SignUp after `delay_ms`) and the portal under gunicorn with gunicorn.conf.py
    and the production environment (DJANGO_DEBUG=false, SIGNUP_RATE_LIMIT=off, plain HTTP) on `stack`, migrated
    first, with the sign-up form's e-mail field configured and static files collected; `extra_env` adds to (or
    overrides) that environment."""
    stub = Stub(delay_ms)
    try:
        env = servers.server_env(stub_port=stub.port, stack=stack, tmp=tmp, **extra_env)
        fields = servers.prepare_database(env, 1)
        servers.manage(env, "manage.py", "collectstatic", "--noinput")
        server = Gunicorn(env, tmp / "gunicorn.log")
        try:
            yield RunningPortal(server, stub, fields, env)
        finally:
            server.stop()
    finally:
        stub.stop()


def log_tail(portal: RunningPortal, lines: int = 40) -> str:
    """The end of the server's log, for assertion messages (tracebacks of 500s are there)."""
    return "\n".join(portal.server.log.read_text(errors="replace").splitlines()[-lines:])
