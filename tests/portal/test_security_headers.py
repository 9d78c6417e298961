"""Security headers, cookies, CSRF, HTTPS and error pages as a browser sees them, with production's values set
through the `settings` fixture (tests/portal/test_settings.py checks that production really has these values)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from portal.observability import request_id_from_header
from signup import ratelimits
from tests.helpers import drawn_in_a_forked_child, expect_sign_up, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_like(settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["portal.example.com"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://portal.example.com"]
    return settings


def https_client(**kwargs) -> Client:
    return Client(HTTP_HOST="portal.example.com", **kwargs)


def pages(client, stubber):
    """A sign-up page, a confirmation page, an error page and a 429 page, fetched over HTTPS."""
    get = {"secure": True}
    yield "sign-up", client.get("/signup/", **get)
    expect_sign_up(stubber)
    client.post("/signup/", form_data(), **get)
    yield "confirm", client.get("/signup/confirm/", **get)
    yield "not found", client.get("/no-such-page/", **get)
    yield "rate limited", client.post("/signup/", form_data(), **get)


def test_c5_c6_c7_c8_every_kind_of_page_carries_the_security_headers(production_like, stubber, settings):
    settings.SIGNUP_RATE_LIMIT = "signup:1/h/ip"
    expected_statuses = {"sign-up": 200, "confirm": 200, "not found": 404, "rate limited": 429}
    for name, response in pages(https_client(), stubber):
        assert response.status_code == expected_statuses[name], name
        csp = response["Content-Security-Policy"]
        for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
            assert directive in csp, (name, directive)
        assert "unsafe-inline" not in csp
        assert response["X-Frame-Options"] == "DENY", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Content-Type"] == "text/html; charset=utf-8", name
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains", name
        assert response["X-Request-ID"], name
        if name in ("sign-up", "confirm", "rate limited"):
            assert "no-store" in response["Cache-Control"], name


def test_c3_session_and_csrf_cookies_are_host_prefixed_secure_httponly_and_lax(production_like, stubber):
    client = https_client()
    csrf_cookie = client.get("/signup/", secure=True).cookies["__Host-csrftoken"]
    expect_sign_up(stubber)
    session_cookie = client.post("/signup/", form_data(), secure=True).cookies["__Host-sessionid"]

    for cookie in (csrf_cookie, session_cookie):
        assert cookie["secure"] is True
        assert cookie["samesite"] == "Lax"
        assert cookie["path"] == "/"
        assert cookie["domain"] == ""  # __Host- cookies must not name a domain
    assert session_cookie["httponly"] is True


def test_c9_plain_http_is_redirected_to_https(production_like):
    response = https_client().get("/signup/")
    assert response.status_code == 301
    assert response["Location"] == "https://portal.example.com/signup/"


def test_c9_e2_health_checks_answer_load_balancers_over_http_by_ip_address(production_like):
    client = Client(HTTP_HOST="10.0.3.17:8000")
    for path, body in (("/healthz", b"ok"), ("/readyz", b"ready")):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.content == body


def test_e2_a_foreign_host_header_is_refused(production_like):
    response = Client(HTTP_HOST="evil.example").get("/signup/", secure=True)
    assert response.status_code == 400
    assertNotContains(response, "evil.example", status_code=400)


def test_e2_a_forged_x_forwarded_host_is_ignored(production_like):
    response = https_client().get("/", secure=True, HTTP_X_FORWARDED_HOST="evil.example")
    assert response["Location"] == "/signup/"


def test_e2_a_forged_x_forwarded_proto_on_a_direct_hit_does_not_make_the_request_secure(production_like):
    assert production_like.SECURE_PROXY_SSL_HEADER is None
    response = https_client().get("/signup/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301  # still treated as plain HTTP


def test_e2_the_proxy_header_counts_once_switched_on(production_like):
    production_like.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert https_client().get("/signup/", HTTP_X_FORWARDED_PROTO="https").status_code == 200


def test_c1_a_post_without_a_csrf_token_is_refused_without_echoing_the_reason(production_like, stubber):
    response = https_client(enforce_csrf_checks=True).post("/signup/", form_data(), secure=True)

    assert response.status_code == 403
    assertContains(response, "This request was refused", status_code=403)
    assertContains(response, response["X-Request-ID"], status_code=403)
    assertNotContains(response, "CSRF", status_code=403)
    assertNotContains(response, "Referer", status_code=403)


def test_c1_a_post_from_a_foreign_origin_is_refused(production_like, stubber):
    client = https_client(enforce_csrf_checks=True)
    client.get("/signup/", secure=True)
    token = client.cookies["__Host-csrftoken"].value
    data = {**form_data(), "csrfmiddlewaretoken": token}

    foreign = client.post("/signup/", data, secure=True, HTTP_ORIGIN="https://evil.example")
    assert foreign.status_code == 403

    expect_sign_up(stubber)
    own = client.post("/signup/", data, secure=True, HTTP_ORIGIN="https://portal.example.com")
    assert own.status_code == 302


@pytest.mark.parametrize("path", ["/signup/confirm/resend/"])
@pytest.mark.parametrize("method", ["get", "head", "put", "delete", "trace"])
def test_c2_state_changes_only_by_post(client, stubber, path, method):
    response = getattr(client, method)(path)
    assert response.status_code == 405  # and the Stubber saw no call


def test_c5_the_admin_pages_need_no_inline_script_or_style(admin_client):
    """The admin works under the same CSP: none of its pages carries an inline script, handler or style."""
    for path in (
        "/admin/",
        "/admin/signup/attributefield/",
        "/admin/signup/attributefield/add/",
        "/admin/signup/attributefield/preview/",
        "/admin/auth/user/",
    ):
        response = admin_client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert all("application/json" in tag for tag in scripts), (path, scripts)
        assert not re.search(r"\son[a-z]+=\"", html), path
        assert not re.search(r"\sstyle=\"", html), path
        assert "script-src 'self'" in response["Content-Security-Policy"]


def test_c5_our_pages_need_no_inline_script_or_style(client):
    for path in ("/signup/", "/signup/resume/"):
        html = client.get(path).content.decode()
        assert not re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\s(?:on[a-z]+|style)=\"", html), path


def test_the_request_id_is_returned_and_a_sane_incoming_one_is_kept(client):
    assert client.get("/signup/", HTTP_X_REQUEST_ID="lb-1234.abcd")["X-Request-ID"] == "lb-1234.abcd"
    generated = client.get("/signup/", HTTP_X_REQUEST_ID="bad id\r\nSet-Cookie: x=1")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert re.fullmatch(r"[0-9a-f]{32}", client.get("/signup/")["X-Request-ID"])


def test_forked_workers_never_make_the_same_request_ids():
    # Generated ids come from `random`, which every forked child reseeds: two gunicorn workers forked from one
    # master must not repeat each other's ids.
    def new_id() -> str:
        return request_id_from_header(None)

    first, second = drawn_in_a_forked_child(new_id, 50), drawn_in_a_forked_child(new_id, 50)
    assert len(first) == len(second) == 50
    assert first.isdisjoint(second)


def test_f3_a_404_is_our_generic_page_with_the_request_id(client):
    response = client.get("/signup/<script>nope/", HTTP_X_REQUEST_ID="req-404")
    assert response.status_code == 404
    assertContains(response, "Page not found", status_code=404)
    assertContains(response, "req-404", status_code=404)
    assertNotContains(response, "<script>nope", status_code=404)


def test_b6_rate_limit_configuration_is_reread_when_the_setting_changes(settings):
    settings.SIGNUP_RATE_LIMIT = "off"
    assert ratelimits.configured_rates() == ()


def test_f3_an_unexpected_exception_is_a_generic_500_page_with_the_request_id_and_no_traceback(settings):
    settings.ROOT_URLCONF = "tests.portal.urls_boom"
    client = Client(raise_request_exception=False)

    response = client.get("/boom/", HTTP_X_REQUEST_ID="req-500")

    assert response.status_code == 500
    assertContains(response, "Something went wrong", status_code=500)
    assertContains(response, "req-500", status_code=500)
    for leak in ("Traceback", "RuntimeError", "hunter2", "internal detail"):
        assertNotContains(response, leak, status_code=500)
    assert "default-src 'self'" in response["Content-Security-Policy"]
