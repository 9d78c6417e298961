"""The portal as production runs it: `collectstatic`, then gunicorn with gunicorn.conf.py (threaded workers,
settings from the environment) and DJANGO_DEBUG=false, over real HTTP on a free loopback port."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.portal.production import BASE_DIR, PYTHON, production_env, run_manage

HOST = "portal.example.com"
CLIENT_SECRET = "prodcheck7secret0value1abcdefghijklmnopqrstuvwxyz23456"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_running(tmp, port, env):
    """Migrate, collect static files, start gunicorn with gunicorn.conf.py; yield it; stop it."""
    for command in (("migrate", "--noinput"), ("collectstatic", "--noinput")):
        result = run_manage(*command, env=env, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
    log = (tmp / "gunicorn.log").open("w+")
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "portal.wsgi:application"], cwd=BASE_DIR, env=env, stdout=log, stderr=log
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"gunicorn did not start:\n{log.read()}")
            time.sleep(0.1)
    yield {"port": port, "tmp": tmp, "log": log, "process": process}
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    log.close()


def gunicorn_env(tmp, port, **extra):
    """Production settings on a fresh SQLite file in `tmp`, gunicorn bound to `port`, plus `extra`."""
    return production_env(
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        DJANGO_TRUST_X_FORWARDED_PROTO="true",
        COGNITO_CLIENT_SECRET=CLIENT_SECRET,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_THREADS="2",
        HOME=str(tmp),  # where gunicorn 27 would put its control socket
        **extra,
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("production")
    port = free_port()
    env = gunicorn_env(tmp, port, DJANGO_LOG_FORMAT="json", GUNICORN_WORKERS="1")
    yield from gunicorn_running(tmp, port, env)


def fetch(server, path, *, host=HOST, https=True, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=10)
    request_headers = {"Host": host, **({"X-Forwarded-Proto": "https"} if https else {}), **(headers or {})}
    connection.request("GET", path, headers=request_headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def test_the_sign_up_page_is_served_with_production_headers(server):
    response, body = fetch(server, "/signup/", headers={"X-Request-ID": "prod-check-1"})

    assert response.status == 200
    assert response.getheader("Strict-Transport-Security") == "max-age=31536000; includeSubDomains"
    assert "frame-ancestors 'none'" in response.getheader("Content-Security-Policy")
    assert response.getheader("X-Request-ID") == "prod-check-1"
    cookie = response.getheader("Set-Cookie")
    assert cookie.startswith("__Host-csrftoken=")
    assert "Secure" in cookie
    assert b'<label for="id_username">Username</label>' in body


def test_c9_plain_http_is_redirected(server):
    response, _ = fetch(server, "/signup/", https=False)
    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/signup/"


def test_static_files_are_hashed_compressed_and_cached_for_a_long_time(server):
    _, page = fetch(server, "/signup/")
    css = re.search(rb'href="(/static/signup/portal\.[0-9a-f]{12}\.css)"', page)
    assert css, "the page links the hashed file name"

    response, _ = fetch(server, css.group(1).decode(), headers={"Accept-Encoding": "gzip"})

    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    cache_control = response.getheader("Cache-Control")
    assert "immutable" in cache_control
    assert int(re.search(r"max-age=(\d+)", cache_control).group(1)) >= 365 * 24 * 3600


def test_health_checks_answer_a_load_balancer_probing_by_ip_over_http(server):
    for path, expected in (("/healthz", b"ok"), ("/readyz", b"ready")):
        response, body = fetch(server, path, host="10.0.3.17", https=False)
        assert (response.status, body) == (200, expected), path


def server_log_once_it_has(server, text: str) -> str:
    """The server's log once `text` is in it (gunicorn writes the access line after the answer has gone)."""
    deadline = time.monotonic() + 30
    while text not in (log := Path(server["log"].name).read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return log


def test_threaded_workers_an_access_log_with_request_ids_and_no_control_socket(server):
    fetch(server, "/signup/", headers={"X-Request-ID": "access-log-check"})
    log = server_log_once_it_has(server, "request_id=access-log-check")
    assert "Using worker: gthread" in log
    assert "request_id=access-log-check" in log
    assert "Control socket" not in log
    assert not (server["tmp"] / ".gunicorn").exists()


def test_the_access_log_has_the_path_but_never_the_query_string(server):
    fetch(server, "/signup/resume/?username=jane.doe@example.com&next=https://a.example", headers={"X-Request-ID": "q"})
    log = server_log_once_it_has(server, "request_id=q")

    assert '"GET /signup/resume/ HTTP/1.1" 200' in log
    assert "jane.doe" not in log
    assert "a.example" not in log


def test_d6_the_client_secret_is_in_no_page_and_no_static_file(server):
    for path in ("/signup/", "/signup/resume/", "/no-such-page/"):
        _, body = fetch(server, path)
        assert CLIENT_SECRET.encode() not in body, path
    static_files = [path for path in (server["tmp"] / "static").rglob("*") if path.is_file()]
    assert static_files
    for path in static_files:
        assert CLIENT_SECRET.encode() not in path.read_bytes(), path


def test_f2_with_the_json_log_format_the_portals_lines_are_json_with_the_request_id(server):
    fetch(server, "/no-such-page/", headers={"X-Request-ID": "json-log-check"})  # Django logs the 404
    lines = server_log_once_it_has(server, '"request_id": "json-log-check"').splitlines()
    entries = [json.loads(line) for line in lines if line.startswith("{")]
    (entry,) = [entry for entry in entries if entry["request_id"] == "json-log-check"]
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "django.request"
    assert entry["message"] == "Not Found: /no-such-page/"


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    """gunicorn with two workers and /metrics behind a token."""
    tmp = tmp_path_factory.mktemp("metrics")
    port = free_port()
    env = gunicorn_env(
        tmp,
        port,
        GUNICORN_WORKERS="2",
        SIGNUP_METRICS_TOKEN="two-workers-token",
        PROMETHEUS_MULTIPROC_DIR=str(tmp / "metrics"),
    )
    yield from gunicorn_running(tmp, port, env)


def test_metrics_sum_the_forms_shown_by_every_worker(two_workers):
    for _ in range(12):  # a new connection each time: the workers take turns as they accept
        response, _body = fetch(two_workers, "/signup/", headers={"Connection": "close"})
        assert response.status == 200

    response, body = fetch(two_workers, "/metrics", headers={"Authorization": "Bearer two-workers-token"})

    assert response.status == 200
    assert "signup_forms_shown_total 12.0" in body.decode()
    assert any(name.startswith("counter_") for name in os.listdir(two_workers["tmp"] / "metrics"))
