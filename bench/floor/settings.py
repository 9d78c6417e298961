"""The floor's settings: DESIGN.md's floor to the letter, nothing else.

Three middleware (SecurityMiddleware, SessionMiddleware with signed-cookie sessions, CsrfViewMiddleware), no
database, no cache, no admin. Everything that both the portal and the floor must configure is read from the same
environment variables with the same defaults as portal/settings.py (secret key, hosts, the HTTPS and cookie
switches, the Cognito client's settings), so the two processes differ only in DJANGO_SETTINGS_MODULE.
"""

from __future__ import annotations

import re
from pathlib import Path

import environ

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="floor-insecure-local-only") if DEBUG else env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS: list[str] = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
ROOT_URLCONF = "bench.floor.urls"
WSGI_APPLICATION = "portal.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"context_processors": []},
    }
]
DATABASES: dict[str, dict[str, str]] = {}
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=60 * 60 * 24)
LANGUAGE_CODE = "en"
USE_TZ = True

# The same HTTPS and cookie switches as the portal, so SecurityMiddleware and the cookies do the same work.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
_secure_cookies = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _secure_cookies
SESSION_COOKIE_NAME = "__Host-sessionid" if _secure_cookies else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if _secure_cookies else "csrftoken"
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"

# The Cognito client: the portal's variables and defaults (portal/settings.py).
COGNITO_USER_POOL_ID = env("COGNITO_USER_POOL_ID", default="")
_pool_region = re.match(r"^([a-z]{2}(?:-[a-z]+)+-\d+)_", COGNITO_USER_POOL_ID)
COGNITO_REGION = env("COGNITO_REGION", default=_pool_region.group(1) if _pool_region else "us-east-1")
COGNITO_CLIENT_ID = env("COGNITO_CLIENT_ID", default="")
COGNITO_CLIENT_SECRET = env("COGNITO_CLIENT_SECRET", default="")
COGNITO_CONNECT_TIMEOUT = env.float("COGNITO_CONNECT_TIMEOUT", default=2.0)
COGNITO_READ_TIMEOUT = env.float("COGNITO_READ_TIMEOUT", default=5.0)
COGNITO_MAX_POOL_CONNECTIONS = env.int("COGNITO_MAX_POOL_CONNECTIONS", default=max(10, env.int("GUNICORN_THREADS", 32)))
