"""portal.no_cache: the same headers as Django's never_cache, written without merging."""

from __future__ import annotations

import time

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.views.decorators.cache import never_cache as djangos_never_cache

from portal.no_cache import never_cache


def _page(request):
    return HttpResponse("page")


def _page_with_its_own_caching(request):
    response = HttpResponse("page")
    response["Cache-Control"] = "public, max-age=600"
    return response


def test_a_page_gets_exactly_the_headers_djangos_never_cache_gives_it(monkeypatch):
    monkeypatch.setattr(time, "time", lambda: 1_764_673_200.25)  # one clock for both: no second ticks in between
    request = RequestFactory().get("/signup/")

    ours, djangos = never_cache(_page)(request), djangos_never_cache(_page)(request)

    assert (
        ours["Cache-Control"] == djangos["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    )
    assert ours["Expires"] == djangos["Expires"] == "Tue, 02 Dec 2025 11:00:00 GMT"


def test_a_page_with_its_own_cache_control_is_merged_as_django_merges_it():
    request = RequestFactory().get("/signup/")

    ours = never_cache(_page_with_its_own_caching)(request)
    djangos = djangos_never_cache(_page_with_its_own_caching)(request)

    assert ours["Cache-Control"] == djangos["Cache-Control"]


@pytest.mark.django_db
def test_the_portals_pages_are_never_cached(client):
    response = client.get("/signup/")

    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert response.has_header("Expires")
