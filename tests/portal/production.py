"""Helpers to run the portal the way production does: a separate process with DJANGO_DEBUG=false and the required
environment (settings are read once per process, so production values can only be observed from outside)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parents[2]
PYTHON = sys.executable

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "test-only-3k9Qv7XwL2pN8rT5yB1mC6dF4gH0jK_sZ-aE9uI7oP3lQ2wR8tY5",
    "DJANGO_ALLOWED_HOSTS": "portal.example.com",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://portal.example.com",
    "COGNITO_USER_POOL_ID": "eu-west-1_AbCdEf123",
    "COGNITO_CLIENT_ID": "3n4b5urk1ft4fl3mg5e62d9ado",
}
_STRIPPED = ("DJANGO_", "COGNITO_", "SIGNUP_", "GUNICORN_", "CACHE_URL", "DATABASE_URL", "AWS_")


def production_env(**overrides: str | None) -> dict[str, str]:
    """The test process's environment without any portal variable, plus production's, plus `overrides`
    (None removes a variable)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(_STRIPPED)}
    env.update(PRODUCTION_ENV)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_manage(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )


def in_django(env: dict[str, str], code: str, *, timeout: float = 60) -> Any:
    """What `code` prints last (JSON), run after django.setup() in a process with `env` and the portal's settings;
    fails the test when that process fails or is still running after `timeout` seconds."""
    script = f"import json, django; django.setup()\n{code}"
    env = {**env, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    result = subprocess.run(
        [PYTHON, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def settings_in(env: dict[str, str], *names: str) -> dict[str, object]:
    """The values of `names` as a process with `env` sees them (after django.setup())."""
    return in_django(
        env,
        "from django.conf import settings\n"
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}, default=str))",
    )
