"""The operator's brand from settings alone: WCAG AA refusals naming the ratio, same-origin logos, the stylesheet
and favicon views, and what reaches the page."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from signup import branding
from signup.checks import branding_settings_check, refuse_failing_branding


def error_ids(settings) -> list[str]:
    return [error.id for error in branding_settings_check()]


def test_contrast_matches_the_wcag_reference_values():
    assert branding.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert branding.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_a_dark_enough_brand_colour_passes_in_both_themes(settings):
    settings.SIGNUP_BRAND_PRIMARY_COLOR = "#0b6e4f"
    settings.SIGNUP_BRAND_ACCENT_COLOR = "#c2185b"

    assert branding_settings_check() == []
    assert branding.contrast(branding.dark_text_tint("#0b6e4f"), branding.DARK_BACKGROUND) >= 4.5


def test_a_light_brand_colour_is_refused_with_its_ratio(settings):
    settings.SIGNUP_BRAND_PRIMARY_COLOR = "#7fb2ff"

    messages = [error.msg for error in branding_settings_check()]

    assert messages
    assert all(message.startswith("SIGNUP_BRAND_PRIMARY_COLOR #7fb2ff") for message in messages)
    assert "contrast ratio of 2.16:1" in messages[0]
    assert "4.5:1" in messages[0]


def test_a_colour_that_is_not_hex_is_refused(settings):
    settings.SIGNUP_BRAND_ACCENT_COLOR = "blue"

    assert error_ids(settings) == ["signup.E020"]


def test_manage_py_check_refuses_a_failing_colour(settings):
    settings.SIGNUP_BRAND_ACCENT_COLOR = "#ffcc00"

    with pytest.raises(SystemCheckError, match="SIGNUP_BRAND_ACCENT_COLOR #ffcc00"):
        call_command("check")


def test_start_up_refuses_a_failing_colour(settings):
    settings.SIGNUP_BRAND_PRIMARY_COLOR = "#eeeeee"

    with pytest.raises(SystemCheckError, match=r"signup\.E021"):
        refuse_failing_branding()


@pytest.mark.parametrize("url", ["https://cdn.example.com/logo.png", "//cdn.example.com/logo.png"])
def test_a_logo_from_another_origin_is_refused(settings, url):
    settings.SIGNUP_BRAND_LOGO_URL = url

    assert error_ids(settings) == ["signup.E022"]


@pytest.mark.parametrize("url", ["/static/brand/logo.svg", "brand/logo.svg"])
def test_a_logo_on_this_origin_or_a_static_file_is_accepted(settings, url):
    settings.SIGNUP_BRAND_LOGO_URL = url
    settings.SIGNUP_BRAND_FAVICON_URL = url

    assert error_ids(settings) == []


def test_footer_links_must_be_web_addresses(settings):
    settings.SIGNUP_TERMS_URL = "javascript:alert(1)"
    settings.SIGNUP_SUPPORT_URL = "mailto:help@example.com"

    assert error_ids(settings) == ["signup.E023"]


@pytest.mark.django_db
def test_the_brand_colours_reach_the_page_only_through_a_stylesheet(client, settings):
    settings.SIGNUP_BRAND_PRIMARY_COLOR = "#0B6E4F"

    page = client.get("/signup/").content.decode()
    href = re.search(r'<link rel="stylesheet" href="(/brand\.css\?v=\w+)">', page).group(1)
    css = client.get(href)

    assert "#0b6e4f" not in page.lower()
    assert " style=" not in page
    assert css["Content-Type"].startswith("text/css")
    assert "--portal-accent: #0b6e4f;" in css.content.decode()
    assert "prefers-color-scheme: dark" in css.content.decode()
    assert "max-age=86400" in css["Cache-Control"]


@pytest.mark.django_db
def test_without_brand_colours_no_brand_stylesheet_is_linked(client):
    assert b"brand.css" not in client.get("/signup/").content


@pytest.mark.django_db
def test_the_logo_is_shown_with_the_app_name_as_its_text(client, settings):
    settings.SIGNUP_APP_NAME = "Acme"
    settings.SIGNUP_BRAND_LOGO_URL = "/static/brand/acme.svg"

    page = client.get("/signup/").content.decode()

    assert '<img class="brand__logo" src="/static/brand/acme.svg" alt="Acme">' in page


@pytest.mark.django_db
def test_the_footer_shows_only_the_links_that_are_set(client, settings):
    settings.SIGNUP_PRIVACY_URL = "https://example.com/privacy"

    page = client.get("/signup/").content.decode()

    assert '<a href="https://example.com/privacy">Privacy</a>' in page
    assert "Terms" not in page


@pytest.mark.django_db
def test_favicon_ico_answers_with_the_shipped_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"].endswith("signup/favicon.svg")
    assert finders.find("signup/favicon.svg")


@pytest.mark.django_db
def test_favicon_ico_answers_with_the_brand_icon_when_set(client, settings):
    settings.SIGNUP_BRAND_FAVICON_URL = "/static/brand/icon.png"

    assert client.get("/favicon.ico")["Location"] == "/static/brand/icon.png"
    assert '<link rel="icon" href="/static/brand/icon.png">' in client.get("/signup/").content.decode()
