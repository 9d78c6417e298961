"""Liveness and readiness for load balancers: /healthz answers while the process runs; /readyz also needs the
database and the cache, and never calls Cognito."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection

pytestmark = pytest.mark.django_db


def broken(*args, **kwargs):
    raise ConnectionError("down")


def test_readyz_is_ready_when_database_and_cache_answer(client, stubber):
    response = client.get("/readyz")  # the Stubber has nothing queued: a Cognito call would fail
    assert (response.status_code, response.content) == (200, b"ready")
    assert "no-store" in response["Cache-Control"]


def test_readyz_is_503_without_the_cache(client, monkeypatch):
    monkeypatch.setattr(cache, "set", broken)
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (503, b"unavailable: cache")
    assert response["Retry-After"]


def test_readyz_is_503_without_the_database(client, monkeypatch):
    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (503, b"unavailable: database")


def test_healthz_needs_neither(client, monkeypatch):
    monkeypatch.setattr(cache, "set", broken)
    monkeypatch.setattr(connection, "cursor", broken)
    assert client.get("/healthz").status_code == 200


def test_health_checks_take_only_get_and_head(client):
    assert client.head("/readyz").status_code == 200
    assert client.post("/readyz").status_code == 405
