"""The benchmark's state: its options, scratch directory, stand-in Cognito, stacks and servers."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import urllib.parse
from pathlib import Path

from bench import servers
from bench.load import Request, Run, wrk_run
from bench.servers import FLOOR_SETTINGS, PASSWORD, WORKER_CLASSES, Gunicorn, Stack, Stub


class Harness:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="portal-bench-"))
        self.stub: Stub | None = None
        self.fields: list[str] = ["email"]
        self.stacks: dict[str, Stack] = {}
        if args.database_url and args.cache_url:
            self.stacks["production"] = Stack("production", args.database_url, args.cache_url)
        self.stacks["default"] = Stack("default", f"sqlite:///{self.tmp / 'default.sqlite3'}")

    @property
    def main_stack(self) -> Stack:
        """Where the scenarios other than the headline run: production when it is there."""
        return self.stacks.get("production") or self.stacks["default"]

    def start(self) -> None:
        self.stub = Stub()
        for stack in self.stacks.values():
            self.log(f"preparing the {stack.name} stack ({stack.database_url.split(':', 1)[0]})")
            self.fields = servers.prepare_database(self.env(stack), 1)
        servers.manage(self.env(self.main_stack), "manage.py", "collectstatic", "--noinput", "--clear")

    def env(self, stack: Stack, **extra: str) -> dict[str, str]:
        assert self.stub is not None
        worker_class, _ = WORKER_CLASSES[self.args.worker_class]
        tuning = {"GUNICORN_WORKER_CLASS": worker_class}
        for name, value in (("GUNICORN_WORKERS", self.args.workers), ("GUNICORN_THREADS", self.args.threads)):
            if value:
                tuning[name] = str(value)
        return servers.server_env(stub_port=self.stub.port, stack=stack, tmp=self.tmp, **tuning, **extra)

    def portal(self, stack: Stack, name: str, **extra: str) -> Gunicorn:
        _, app = WORKER_CLASSES[self.args.worker_class]
        return Gunicorn(self.env(stack, **extra), self.tmp / f"gunicorn-{name}.log", app=app)

    def floor(self, stack: Stack, name: str) -> Gunicorn:
        """The floor with the very environment the portal of `stack` gets, but its own settings module."""
        _, app = WORKER_CLASSES[self.args.worker_class]
        env = self.env(stack, DJANGO_SETTINGS_MODULE=FLOOR_SETTINGS)
        return Gunicorn(env, self.tmp / f"gunicorn-{name}.log", app=app, ready="/page/")

    def configure_fields(self, count: int) -> None:
        self.fields = servers.manage(self.env(self.main_stack), "-m", "bench.fields", str(count)).split()

    def delay(self, ms: float) -> None:
        assert self.stub is not None
        self.stub.delay(ms)

    def signup_body(self, token: str, *, floor: bool = False) -> str:
        values = {"csrfmiddlewaretoken": token, "username": "@N@", "password": PASSWORD}
        for name in ["email"] if floor else self.fields:
            values[name] = "@N@@example.com" if name == "email" else "value"
        return urllib.parse.urlencode(values, safe="@")

    def signup_request(self, server: Gunicorn, *, floor: bool = False) -> Request:
        cookie, token = server.csrf("/signup/")
        return Request("POST", "/signup/", cookie, self.signup_body(token, floor=floor), expect=302)

    def wrk(self, server: Gunicorn, label: str, request: Request, concurrency: int | None = None) -> Run:
        concurrency = concurrency or self.args.concurrency
        return wrk_run(server, label, request, concurrency=concurrency, seconds=self.args.seconds)

    def close(self) -> None:
        if self.stub:
            self.stub.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    @staticmethod
    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)
