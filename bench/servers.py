"""The processes a benchmark (or a load test) runs: the stand-in Cognito, and the portal or the floor under gunicorn
with gunicorn.conf.py and the production environment. Shared by bench.run and tests/load."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PASSWORD = "Bench-pass-2026!x"
POOL_ID = "us-east-1_BenchPool1"
CLIENT_ID = "benchclient0000000000000000"
CLIENT_SECRET = "benchclientsecretnotarealone0123456789abcdefghij"
PORTAL_SETTINGS = "portal.settings"
FLOOR_SETTINGS = "bench.floor.settings"
WSGI_APP = "portal.wsgi:application"  # honours DJANGO_SETTINGS_MODULE, so it serves the floor too
# portal/asgi.py does not exist: Django's own factory with the same settings module is what it would contain.
ASGI_APP = "django.core.asgi:get_asgi_application()"
# --worker-class name -> (GUNICORN_WORKER_CLASS, application)
WORKER_CLASSES = {
    "gthread": ("gthread", WSGI_APP),
    "gevent": ("gevent", WSGI_APP),
    "uvicorn": ("uvicorn.workers.UvicornWorker", ASGI_APP),
}
# Variables of the portal a developer's shell may have set; the servers get only what the harness sets.
_STRIPPED = ("DJANGO_", "COGNITO_", "SIGNUP_", "GUNICORN_", "CACHE_URL", "DATABASE_URL", "AWS_")


@dataclass(frozen=True)
class Stack:
    """What the portal runs on: `production` (PostgreSQL + Redis) or `default` (SQLite, no CACHE_URL)."""

    name: str
    database_url: str
    cache_url: str = ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float = 30.0, process: subprocess.Popen[Any] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback only
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline or (process is not None and process.poll() is not None):
                raise
            time.sleep(0.1)


def process_tree_cpu_seconds(root_pid: int) -> float:
    """utime + stime of a process and its live children (the gunicorn master and its workers)."""
    pids = [root_pid]
    children = Path(f"/proc/{root_pid}/task/{root_pid}/children")
    if children.exists():
        pids += [int(pid) for pid in children.read_text().split()]
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / CLOCK_TICKS


def load_average() -> tuple[float, float, float]:
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return float(one), float(five), float(fifteen)


def server_env(*, stub_port: int, stack: Stack, tmp: Path, **extra: str) -> dict[str, str]:
    """The production environment (DJANGO_DEBUG=false, fake Cognito values, the stand-in as endpoint) for `stack`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(_STRIPPED)}
    env.update(
        DJANGO_SETTINGS_MODULE=PORTAL_SETTINGS,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-secret-key-" + "k3yXq9vT2mW8pL5nR7sB4cF6hJ1dG0zA" * 2,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        SIGNUP_RATE_LIMIT="off",
        COGNITO_USER_POOL_ID=POOL_ID,
        COGNITO_REGION="us-east-1",
        COGNITO_CLIENT_ID=CLIENT_ID,
        COGNITO_CLIENT_SECRET=CLIENT_SECRET,
        AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER=f"http://127.0.0.1:{stub_port}",
        AWS_EC2_METADATA_DISABLED="true",  # no credentials here: fail fast instead of asking EC2 metadata
        DATABASE_URL=stack.database_url,
        PYTHONDONTWRITEBYTECODE="1",
        HOME=str(tmp),  # where gunicorn 27 would put a control socket (gunicorn.conf.py disables it)
    )
    if stack.cache_url:
        env["CACHE_URL"] = stack.cache_url
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 180, cwd: Path = ROOT) -> str:
    """`python ARGS` in the repository (or `cwd`, another checkout) with `env` (e.g. `manage.py migrate`); raises
    with the output on failure."""
    result = subprocess.run(  # noqa: S603
        [PYTHON, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=timeout
    )
    if result.returncode:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare_database(env: dict[str, str], fields: int = 1) -> list[str]:
    """Migrate, then configure `fields` attribute fields (email + custom:fNN); returns the field names."""
    manage(env, "manage.py", "migrate", "--noinput")
    return manage(env, "-m", "bench.fields", str(fields)).split()


class Stub:
    """The stand-in Cognito (bench.stub_cognito) in its own process."""

    def __init__(self, delay_ms: float = 0) -> None:
        command = [PYTHON, "-m", "bench.stub_cognito", "--port", "0", "--delay-ms", str(delay_ms)]
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)  # noqa: S603
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line.startswith("READY "):
            self.stop()
            raise RuntimeError(f"stand-in Cognito did not start: {line!r}")
        self.port = int(line.split()[1])

    def control(self, path: str) -> dict[str, Any]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as response:
            return json.loads(response.read())

    def delay(self, ms: float) -> None:
        self.control(f"/__delay?ms={ms}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(5)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Gunicorn:
    """gunicorn with gunicorn.conf.py on a free loopback port; `env` decides the settings module and worker class,
    `root` the checkout it serves (its code and its gunicorn.conf.py)."""

    def __init__(
        self, env: dict[str, str], log: Path, *, app: str = WSGI_APP, ready: str = "/healthz", root: Path = ROOT
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        command = [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--no-control-socket", app]
        with log.open("w") as out:
            self.process = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            wait_http(f"{self.url}{ready}", process=self.process)
        except Exception:
            self.stop()
            sys.stderr.write(log.read_text()[-3000:])
            raise

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def cpu_seconds(self) -> float:
        return process_tree_cpu_seconds(self.process.pid)

    def fetch(self, path: str, *, cookie: str = "", data: bytes | None = None) -> tuple[int, Any, str]:
        headers = {"Cookie": cookie} if cookie else {}
        request = urllib.request.Request(f"{self.url}{path}", data=data, headers=headers)  # noqa: S310 - loopback
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=10) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode(errors="replace")

    def csrf(self, path: str) -> tuple[str, str]:
        """One CSRF cookie/token pair, fetched once and reused by every request of a wrk run."""
        status, headers, body = self.fetch(path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        cookies = [header.split(";", 1)[0] for header in headers.get_all("Set-Cookie") or []]
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if not match:
            raise RuntimeError(f"no CSRF token on {path}")
        return "; ".join(cookies), match.group(1)
