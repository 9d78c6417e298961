"""portal.redirects: the same 302 as django.shortcuts.redirect(name), with each step's URL worked out once."""

from __future__ import annotations

import pytest
from django.shortcuts import redirect as djangos_redirect
from django.urls import set_script_prefix

from portal import redirects


@pytest.fixture(autouse=True)
def _nothing_remembered():
    redirects._urls.clear()
    yield
    set_script_prefix("/")
    redirects._urls.clear()


@pytest.mark.parametrize("name", ["signup:signup", "signup:confirm", "signup:done", "signup:passkey"])
def test_a_step_redirects_where_djangos_redirect_does(name):
    ours, djangos = redirects.redirect(name), djangos_redirect(name)

    assert (ours.status_code, ours["Location"]) == (djangos.status_code, djangos["Location"])


def test_each_step_is_reversed_once(monkeypatch):
    reversed_names: list[str] = []
    reverse = redirects.reverse
    monkeypatch.setattr(redirects, "reverse", lambda name: reversed_names.append(name) or reverse(name))

    for _ in range(3):
        redirects.redirect("signup:confirm")
        redirects.redirect("signup:done")

    assert reversed_names == ["signup:confirm", "signup:done"]


def test_a_portal_served_under_a_script_prefix_gets_its_prefix():
    assert redirects.redirect("signup:confirm")["Location"] == "/signup/confirm/"
    set_script_prefix("/accounts/")

    assert redirects.redirect("signup:confirm")["Location"] == "/accounts/signup/confirm/"


def test_a_changed_urlconf_forgets_the_urls(settings):
    redirects.redirect("signup:confirm")
    settings.ROOT_URLCONF = "tests.portal.urls_i18n"

    assert redirects._urls == {}
