"""Production settings (DJANGO_DEBUG=false), observed from a separate process: secure by default.

Rows of the security checklist: C3 cookies, C4 HSTS, C5 CSP, C6 framing, C7 headers, C9 HTTPS redirect,
E2 proxy headers, F4 secret key and the deploy checks.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.portal.production import production_env, run_manage, settings_in

SECURITY_SETTINGS = (
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "USE_X_FORWARDED_HOST",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
    "STORAGES",
)


@pytest.fixture(scope="module")
def production():
    return settings_in(production_env(), *SECURITY_SETTINGS)


def test_f4_deploy_checks_pass_at_warning_level_under_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_f4_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", env=production_env(DJANGO_SECRET_KEY=None))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_f4_production_has_no_allowed_host_unless_told(production):
    assert production["DEBUG"] is False
    assert production["ALLOWED_HOSTS"] == ["portal.example.com"]
    assert settings_in(production_env(DJANGO_ALLOWED_HOSTS=None), "ALLOWED_HOSTS")["ALLOWED_HOSTS"] == []


def test_c1_csrf_trusted_origins_come_from_the_environment(production):
    assert production["CSRF_TRUSTED_ORIGINS"] == ["https://portal.example.com"]


def test_c3_production_cookies_are_secure_host_prefixed_httponly_and_same_site(production):
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_c4_hsts_for_a_year_including_subdomains(production):
    assert production["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True


def test_c9_https_redirect_is_on_by_default_and_can_be_handed_to_the_load_balancer(production):
    assert production["SECURE_SSL_REDIRECT"] is True
    env = production_env(DJANGO_SECURE_SSL_REDIRECT="false")
    assert settings_in(env, "SECURE_SSL_REDIRECT")["SECURE_SSL_REDIRECT"] is False
    # Off on purpose (the ALB redirects): W008 is silenced with a reason, and the deploy checks still pass.
    assert run_manage("check", "--deploy", "--fail-level", "WARNING", env=env).returncode == 0


def test_e2_proxy_headers_are_trusted_only_when_switched_on(production):
    assert production["SECURE_PROXY_SSL_HEADER"] is None
    assert production["USE_X_FORWARDED_HOST"] is False
    trusted = settings_in(production_env(DJANGO_TRUST_X_FORWARDED_PROTO="true"), "SECURE_PROXY_SSL_HEADER")
    assert trusted["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_c6_c7_referrer_policy_coop_nosniff_and_no_framing(production):
    assert production["SECURE_REFERRER_POLICY"] == "same-origin"
    assert production["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert production["X_FRAME_OPTIONS"] == "DENY"


def test_c5_csp_allows_scripts_from_self_and_cognitos_risk_script_origin_only(production):
    directives = production["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives == {
        "default-src": ["'self'"],
        "script-src": ["'self'", "https://amazon-cognito-assets.eu-west-1.amazoncognito.com"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
    assert "unsafe-inline" not in str(directives)


def test_c5_without_risk_data_scripts_come_from_self_only():
    env = production_env(COGNITO_USER_CONTEXT_DATA="false")
    assert settings_in(env, "CONTENT_SECURITY_POLICY")["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["script-src"] == [
        "'self'"
    ]


def test_c5_an_overridden_risk_script_url_allows_that_origin_only():
    env = production_env(COGNITO_CONTEXT_DATA_SCRIPT_URL="https://assets.example.net:8443/js/risk.js?v=1")
    script_src = settings_in(env, "CONTENT_SECURITY_POLICY")["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["script-src"]
    assert script_src == ["'self'", "https://assets.example.net:8443"]


def test_production_serves_compressed_hashed_static_files(production):
    assert production["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.mark.parametrize(
    "value",
    ["signup:20/m", "signup:x/m/ip", "login:20/m/ip", "signup:20/w/ip", "signup:20/m/email", "signup:0/m/ip"],
)
def test_b6_a_malformed_rate_limit_stops_the_start_up_naming_the_variable(value):
    result = run_manage("check", env=production_env(SIGNUP_RATE_LIMIT=value))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SIGNUP_RATE_LIMIT" in result.stderr


def test_f2_an_unknown_log_format_stops_the_start_up():
    result = run_manage("check", env=production_env(DJANGO_LOG_FORMAT="xml"))
    assert result.returncode != 0
    assert "DJANGO_LOG_FORMAT" in result.stderr


def test_d1_the_cognito_connection_pool_is_at_least_as_large_as_the_gunicorn_threads():
    env = production_env(GUNICORN_THREADS="32")
    assert settings_in(env, "COGNITO_MAX_POOL_CONNECTIONS")["COGNITO_MAX_POOL_CONNECTIONS"] == 32


def test_every_variable_the_settings_read_is_listed_in_env_example():
    """.env.example is the operator's list of every variable (DESIGN.md); a new setting must appear there."""
    root = Path(__file__).resolve().parents[2]
    read = re.compile(r'(?:env(?:\.\w+)?|environ\.get|_int|_choice)\(\s*"([A-Z][A-Z0-9_]+)"')
    names = {
        name
        for source in ("portal/settings.py", "gunicorn.conf.py")
        for name in read.findall((root / source).read_text())
    }
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (root / ".env.example").read_text(), flags=re.M))
    assert len(names) > 40
    assert sorted(names - listed) == []
