"""Two gunicorn instances of the portal on one PostgreSQL and one Redis, as an operator runs them behind a load
balancer. The servers come from TEST_DATABASE_URL / TEST_CACHE_URL (scripts/test starts throwaway ones); without
them these tests are skipped, and fail when SCALEOUT_REQUIRED=1 (set by .ci/run) or CI=true.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
CACHE_URL = os.environ.get("TEST_CACHE_URL", "")


def _require_servers() -> None:
    if DATABASE_URL.startswith(("postgres://", "postgresql://")) and CACHE_URL.startswith("redis://"):
        return
    reason = (
        "the scale-out tests need a PostgreSQL server (TEST_DATABASE_URL=postgres://...) and a Redis server "
        "(TEST_CACHE_URL=redis://...); scripts/test starts throwaway ones when run as root"
    )
    if os.environ.get("SCALEOUT_REQUIRED") == "1" or os.environ.get("CI", "").lower() in ("1", "true"):
        pytest.fail(f"CI must provide the servers: {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Instance:
    """One portal instance: gunicorn with the production configuration (gunicorn.conf.py) on its own port."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"gunicorn-{name}.log"
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--no-control-socket"]
        self.process = subprocess.Popen(
            [*command, "portal.wsgi:application"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"},
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"instance {name} did not start:\n{self.log.read_text()[-3000:]}") from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Deployment:
    """Shared servers, the Cognito user pool and the environment every instance of one deployment gets."""

    env: dict[str, str]
    user_pool_id: str
    log_dir: Path
    superuser: tuple[str, str]

    def start(self, name: str, **overrides: str) -> Instance:
        return Instance(name, {**self.env, **overrides}, self.log_dir)

    def manage(self, *args: str, **extra_env: str) -> None:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **extra_env},
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr[-3000:]}"


def _fresh_database() -> tuple[str, str]:
    import psycopg

    name = f"portal_scaleout_{secrets.token_hex(4)}"
    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = urllib.parse.urlsplit(DATABASE_URL)
    return name, urllib.parse.urlunsplit(url._replace(path=f"/{name}"))


def _drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def deployment(local_cognito_server, tmp_path_factory) -> Iterator[Deployment]:
    """A fresh PostgreSQL database (migrated, with a superuser), its own Redis database and Cognito user pool."""
    _require_servers()
    import redis

    database_name, database_url = _fresh_database()
    redis_db = secrets.randbelow(15) + 1
    cache_url = urllib.parse.urlunsplit(urllib.parse.urlsplit(CACHE_URL)._replace(path=f"/{redis_db}"))
    pool = local_cognito_server.provision(attributes=["email", "custom:company"], name=f"scaleout-{database_name}")
    superuser = ("operator", secrets.token_urlsafe(12))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "COGNITO_", "SIGNUP_", "GUNICORN_"))},
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),  # one key for every instance of the deployment
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "COGNITO_USER_POOL_ID": pool.user_pool_id,
        "COGNITO_REGION": pool.region,
        "COGNITO_CLIENT_ID": pool.client_id,
        "COGNITO_CLIENT_SECRET": pool.client_secret,
        "COGNITO_USER_CONTEXT_DATA": "false",
        "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": pool.endpoint_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "SIGNUP_RATE_LIMIT": "off",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "4",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    result = Deployment(env, pool.user_pool_id, tmp_path_factory.mktemp("scaleout"), superuser)
    try:
        result.manage("migrate", "--noinput")
        result.manage("collectstatic", "--noinput")
        result.manage(
            "createsuperuser",
            "--noinput",
            "--email=operator@example.com",
            DJANGO_SUPERUSER_USERNAME=superuser[0],
            DJANGO_SUPERUSER_PASSWORD=superuser[1],
        )
        yield result
    finally:
        _drop_database(database_name)
        redis.Redis.from_url(cache_url).flushdb()


@pytest.fixture(scope="module")
def instances(deployment) -> Iterator[tuple[Instance, Instance]]:
    first = deployment.start("a")
    try:
        second = deployment.start("b")
    except Exception:
        first.stop()
        raise
    yield first, second
    first.stop()
    second.stop()
