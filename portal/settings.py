"""The portal's one settings module: every value comes from the environment through one `env` object.

Local defaults are safe for a developer's machine; values whose default would be unsafe in production
(the secret key) have no default once DJANGO_DEBUG is false. See `.env.example` for every variable.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import re
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from portal.timeouts import with_postgres_timeouts, with_redis_timeouts
from signup import captcha

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    # The OS environment wins over the file (django-environ does not overwrite set variables).
    env.read_env(BASE_DIR / ".env")

# GENERAL
DEBUG = env.bool("DJANGO_DEBUG", default=True)
if DEBUG:
    SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-local-development-only-key-not-for-production")
else:
    SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "portal.admin_site.PortalAdminConfig",  # Django's admin, with a throttled login
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "signup",
]

MIDDLEWARE = [
    # First: a request id for every log line, and health checks answered before host validation and the HTTPS
    # redirect (load balancers probe targets by IP address over plain HTTP).
    "portal.observability.RequestIdMiddleware",
    "portal.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.csp.CSPMiddleware",  # django-csp's, with the policy built once
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Saves sessions on a 503 too, and never mistakes a session store outage for an empty session.
    "portal.sessions.SessionMiddleware",
    # A backing service that fails (session store, database, cache) becomes a 503 page, not a 500.
    "portal.outage.OutageMiddleware",
    "portal.locale.LocaleMiddleware",  # Django's, without the language-prefixed URLs the portal does not have
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, which reads the body: no multipart on the portal's forms, our own 400 for bodies Django refuses.
    "portal.form_bodies.FormBodyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.messages.MessageMiddleware",  # Django's, with the storage made on first use
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project templates come first, so a deployment can override any page by shadowing its path.
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "signup.context_processors.portal",
            ],
        },
    },
]

# DATABASE AND CACHE
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Many gunicorn threads write sessions at once: WAL lets readers and a writer work together, IMMEDIATE takes the
    # write lock at BEGIN (a deferred transaction that upgrades fails at once with "database is locked"), and the
    # busy timeout makes writers queue instead of failing. synchronous=NORMAL is safe with WAL (no corruption; the
    # last commits can be lost on a power cut, which a sign-up session can afford).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("DJANGO_SQLITE_BUSY_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A silent database costs a request seconds, not the system's TCP minutes (portal/timeouts.py).
    DATABASES["default"]["OPTIONS"] = with_postgres_timeouts(DATABASES["default"].get("OPTIONS") or {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://portal")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Reuses its redis-py client and counts in one round trip (see portal/cache.py).
    CACHES["default"]["BACKEND"] = "portal.cache.RedisCache"
    # A silent Redis costs a request seconds, never a hung worker (portal/timeouts.py).
    CACHES["default"]["OPTIONS"] = with_redis_timeouts(CACHES["default"].get("OPTIONS") or {})
elif CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache":
    # Room for the insight counters' hourly buckets (signup.insights, about a hundred keys a day for 32 days) beside
    # the rate limits: at Django's default of 300 entries they would evict each other.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 50_000)
# With a shared cache (Redis) sessions live there, so any instance serves any user; with the default
# per-process memory cache they live in the database only (a per-process copy would go stale across workers).
SESSION_ENGINE = "portal.cache_sessions" if env("CACHE_URL", default="") else "portal.db_sessions"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=60 * 60 * 24)

# The largest request body the portal's forms take (the browser's risk data is the largest field, at most 128 KiB);
# portal.form_bodies refuses larger ones before reading them, multipart included.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", default=512 * 1024)

# PASSWORDS: enforced before SignUp so most InvalidPasswordException never happen. The policy is the user pool's
# (DescribeUserPool); these settings apply only where the pool cannot be read (no IAM credentials).
SIGNUP_PASSWORD_MIN_LENGTH = env.int("SIGNUP_PASSWORD_MIN_LENGTH", default=8)
SIGNUP_PASSWORD_REQUIRE_UPPERCASE = env.bool("SIGNUP_PASSWORD_REQUIRE_UPPERCASE", default=False)
SIGNUP_PASSWORD_REQUIRE_LOWERCASE = env.bool("SIGNUP_PASSWORD_REQUIRE_LOWERCASE", default=False)
SIGNUP_PASSWORD_REQUIRE_NUMBERS = env.bool("SIGNUP_PASSWORD_REQUIRE_NUMBERS", default=False)
SIGNUP_PASSWORD_REQUIRE_SYMBOLS = env.bool("SIGNUP_PASSWORD_REQUIRE_SYMBOLS", default=False)
# Ask for the password twice (off by default: the show-password button is the better check).
SIGNUP_CONFIRM_PASSWORD = env.bool("SIGNUP_CONFIRM_PASSWORD", default=False)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "signup.validators.CognitoPasswordPolicyValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# INTERNATIONALISATION
LANGUAGE_CODE = "en"
# Each language is named in itself, as the language switcher shows it.
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
    ("it", "Italiano"),
    ("nl", "Nederlands"),
    ("pt-br", "Português (Brasil)"),
    ("pl", "Polski"),
    ("ja", "日本語"),
    ("zh-hans", "简体中文"),
    ("ko", "한국어"),
    ("ar", "العربية"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# STATIC FILES (whitenoise serves them with hashed names in production)
STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# CLIENT IP: how many proxies in front of the portal append to X-Forwarded-For (0 = trust none).
DJANGO_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
if env.bool("DJANGO_TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = False  # the Host header is checked against ALLOWED_HOSTS; X-Forwarded-Host is never trusted

# SECURITY HEADERS AND COOKIES (https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/)
# Production (DJANGO_DEBUG=false) is HTTPS-only by default; local development runs on plain HTTP.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
_secure_cookies = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _secure_cookies
# __Host- cookies: Secure, path /, no Domain, so no sibling subdomain can set or shadow them.
SESSION_COOKIE_NAME = "__Host-sessionid" if _secure_cookies else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if _secure_cookies else "csrftoken"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"

SILENCED_SYSTEM_CHECKS: list[str] = []
if not SECURE_SSL_REDIRECT and not DEBUG:
    # W008: the operator turned the redirect off because the load balancer redirects HTTP to HTTPS.
    SILENCED_SYSTEM_CHECKS.append("security.W008")
if not SECURE_HSTS_PRELOAD:
    # W021: preloading is a one-way commitment for the whole domain; HSTS itself is on. Opt in explicitly.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# COGNITO
# Without a user pool id the portal runs against the embedded local Cognito (see localcognito/), which fills
# in the pool, client and endpoint when the run command starts it. Product code only ever reads these settings.
COGNITO_USER_POOL_ID = env("COGNITO_USER_POOL_ID", default="")
COGNITO_LOCAL = not COGNITO_USER_POOL_ID
_pool_region = re.match(r"^([a-z]{2}(?:-[a-z]+)+-\d+)_", COGNITO_USER_POOL_ID)
COGNITO_REGION = env("COGNITO_REGION", default=_pool_region.group(1) if _pool_region else "us-east-1")
COGNITO_CLIENT_ID = env("COGNITO_CLIENT_ID", default="")
COGNITO_CLIENT_SECRET = env("COGNITO_CLIENT_SECRET", default="")
COGNITO_CONNECT_TIMEOUT = env.float("COGNITO_CONNECT_TIMEOUT", default=2.0)
COGNITO_READ_TIMEOUT = env.float("COGNITO_READ_TIMEOUT", default=5.0)
# Reads a page makes on its way (the pool's password policy, refreshed every few minutes): shorter, one attempt.
COGNITO_PAGE_CONNECT_TIMEOUT = env.float("COGNITO_PAGE_CONNECT_TIMEOUT", default=1.0)
COGNITO_PAGE_READ_TIMEOUT = env.float("COGNITO_PAGE_READ_TIMEOUT", default=2.0)
# At least as many pooled connections as threads per worker, so no request waits for a connection.
COGNITO_MAX_POOL_CONNECTIONS = env.int("COGNITO_MAX_POOL_CONNECTIONS", default=max(10, env.int("GUNICORN_THREADS", 32)))
# Circuit breaker: after this many consecutive "unavailable" outcomes, fail fast for this many seconds (0 = off).
COGNITO_BREAKER_FAILURES = env.int("COGNITO_BREAKER_FAILURES", default=5)
COGNITO_BREAKER_RESET_SECONDS = env.float("COGNITO_BREAKER_RESET_SECONDS", default=30.0)
COGNITO_USER_CONTEXT_DATA = env.bool("COGNITO_USER_CONTEXT_DATA", default=not COGNITO_LOCAL)
COGNITO_CONTEXT_DATA_SCRIPT_URL = env(
    "COGNITO_CONTEXT_DATA_SCRIPT_URL",
    default=f"https://amazon-cognito-assets.{COGNITO_REGION}.amazoncognito.com/amazon-cognito-advanced-security-data.min.js",
)
COGNITO_ANALYTICS_ENDPOINT_ID = env("COGNITO_ANALYTICS_ENDPOINT_ID", default="")

# CONTENT SECURITY POLICY (django-csp 4): our own files only, plus Cognito's risk script when it is collected.
# No 'unsafe-inline' anywhere: the pages carry no inline scripts, event handlers or style attributes.
_script_src = [SELF]
if COGNITO_USER_CONTEXT_DATA:
    _script_url = urlsplit(COGNITO_CONTEXT_DATA_SCRIPT_URL)
    _script_src.append(f"{_script_url.scheme}://{_script_url.netloc}")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": _script_src,
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# SIGN-UP JOURNEY


def _choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = env(name, default=default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


# How the Cognito clients speak HTTP: "curl" sends botocore's requests through libcurl (signup/curl_http.py: one
# GIL release per call instead of one per socket read, about a seventh of a sign-up's CPU under gunicorn's threads);
# "botocore" keeps botocore's own urllib3 session. Proxies, client certificates and gevent always use botocore's.
COGNITO_HTTP_CLIENT = _choice("COGNITO_HTTP_CLIENT", ("curl", "botocore"), "curl")

SIGNUP_RESEND_COOLDOWN = env.int("SIGNUP_RESEND_COOLDOWN", default=30)
# The same code-step page whether the username was new or already existed (for email-as-username pools).
SIGNUP_UNIFORM_OUTCOME = env.bool("SIGNUP_UNIFORM_OUTCOME", default=False)
SIGNUP_RATE_LIMIT = env("SIGNUP_RATE_LIMIT", default="")
# IPv6 clients are counted per network of this prefix length (one customer usually holds a whole /64).
SIGNUP_RATE_LIMIT_IPV6_PREFIX = env.int("SIGNUP_RATE_LIMIT_IPV6_PREFIX", default=64)
# A global cap on codes sent by text message, e.g. 200/h (empty: none).
SIGNUP_SMS_LIMIT = env("SIGNUP_SMS_LIMIT", default="")
# Region (e.g. GB) for phone numbers typed without +country code; a field's own region wins. Empty: "+" required.
SIGNUP_PHONE_DEFAULT_REGION = env("SIGNUP_PHONE_DEFAULT_REGION", default="")
# required: a password as today; optional: may be left empty; none: passwordless (no Password control or member).
SIGNUP_PASSWORD = _choice("SIGNUP_PASSWORD", ("required", "optional", "none"), "required")
# auto: code or link, as the pool's VerificationMessageTemplate.DefaultEmailOption says; or forced.
SIGNUP_CONFIRMATION = _choice("SIGNUP_CONFIRMATION", ("auto", "code", "link"), "auto")
SIGNUP_PASSKEYS = _choice("SIGNUP_PASSKEYS", ("off", "offer"), "off")
# Sign in with the confirmation's Session (needed for the passkey step, so implied by SIGNUP_PASSKEYS=offer).
SIGNUP_SIGN_IN_AFTER_CONFIRM = env.bool("SIGNUP_SIGN_IN_AFTER_CONFIRM", default=False) or SIGNUP_PASSKEYS == "offer"
# Where "Continue" may go (absolute URLs; a `next` must match one, or the app client's CallbackURLs).
SIGNUP_RETURN_URLS = env.list("SIGNUP_RETURN_URLS", default=[])
SIGNUP_DEFAULT_RETURN_URL = env("SIGNUP_DEFAULT_RETURN_URL", default="")
SIGNUP_APP_NAME = env("SIGNUP_APP_NAME", default="")

# Insight (docs/insights.md): sign-up records are kept this many days (manage.py purgesignups removes older ones).
SIGNUP_RECORD_RETENTION_DAYS = env.int("SIGNUP_RECORD_RETENTION_DAYS", default=400)
# /metrics answers only with a bearer token and/or from these networks (comma-separated CIDRs); neither: 404.
SIGNUP_METRICS_TOKEN = env("SIGNUP_METRICS_TOKEN", default="")
SIGNUP_METRICS_ALLOW = env.list("SIGNUP_METRICS_ALLOW", default=[])
for _network in SIGNUP_METRICS_ALLOW:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"SIGNUP_METRICS_ALLOW: {_network!r} is not a network such as 10.0.0.0/8.") from None

# LOOK AND BRANDING (signup/branding.py; refused by `manage.py check` and at start-up when they fail WCAG AA)
# Logo and favicon: a path on this origin (/static/…) or a static file name (brand/logo.svg).
SIGNUP_BRAND_LOGO_URL = env("SIGNUP_BRAND_LOGO_URL", default="")
SIGNUP_BRAND_FAVICON_URL = env("SIGNUP_BRAND_FAVICON_URL", default="")
# Hex colours: primary fills buttons (white text) and colours links; accent marks the card and the step indicator.
SIGNUP_BRAND_PRIMARY_COLOR = env("SIGNUP_BRAND_PRIMARY_COLOR", default="")
SIGNUP_BRAND_ACCENT_COLOR = env("SIGNUP_BRAND_ACCENT_COLOR", default="")
# Footer links (absolute URLs or paths); each is shown only when set.
SIGNUP_TERMS_URL = env("SIGNUP_TERMS_URL", default="")
SIGNUP_PRIVACY_URL = env("SIGNUP_PRIVACY_URL", default="")
SIGNUP_SUPPORT_URL = env("SIGNUP_SUPPORT_URL", default="")

# CAPTCHA (signup/captcha.py): a provider's widget on the sign-up and resume forms, its token checked with the
# provider's siteverify before any rate limit or Cognito call. The secret key never reaches the browser or a log.
SIGNUP_CAPTCHA = _choice("SIGNUP_CAPTCHA", ("off", *captcha.PROVIDERS), "off")
SIGNUP_CAPTCHA_SITE_KEY = env("SIGNUP_CAPTCHA_SITE_KEY", default="")
SIGNUP_CAPTCHA_SECRET_KEY = env("SIGNUP_CAPTCHA_SECRET_KEY", default="")
# Empty: the provider's documented URLs. Overridable like boto3's endpoint (tests point them at loopback stand-ins).
SIGNUP_CAPTCHA_VERIFY_URL = env("SIGNUP_CAPTCHA_VERIFY_URL", default="")
SIGNUP_CAPTCHA_SCRIPT_URL = env("SIGNUP_CAPTCHA_SCRIPT_URL", default="")
SIGNUP_CAPTCHA_TIMEOUT = env.float("SIGNUP_CAPTCHA_TIMEOUT", default=3.0)
# When siteverify cannot be asked: closed refuses the sign-up with a 503, open lets it through (logged).
SIGNUP_CAPTCHA_FAIL = _choice("SIGNUP_CAPTCHA_FAIL", ("closed", "open"), "closed")
if SIGNUP_CAPTCHA != "off":
    if not (SIGNUP_CAPTCHA_SITE_KEY and SIGNUP_CAPTCHA_SECRET_KEY):
        raise ImproperlyConfigured(
            f"SIGNUP_CAPTCHA={SIGNUP_CAPTCHA} needs SIGNUP_CAPTCHA_SITE_KEY and SIGNUP_CAPTCHA_SECRET_KEY."
        )
    for _name, _url in (
        ("SIGNUP_CAPTCHA_VERIFY_URL", SIGNUP_CAPTCHA_VERIFY_URL),
        ("SIGNUP_CAPTCHA_SCRIPT_URL", SIGNUP_CAPTCHA_SCRIPT_URL),
    ):
        if _url and urlsplit(_url).scheme not in ("http", "https"):
            raise ImproperlyConfigured(f"{_name} must be an http(s) URL.")
    if SIGNUP_CAPTCHA_TIMEOUT <= 0:
        raise ImproperlyConfigured("SIGNUP_CAPTCHA_TIMEOUT must be a positive number of seconds.")
    # Exactly the provider's sources, and only while the CAPTCHA is on; still no 'unsafe-inline'.
    CONTENT_SECURITY_POLICY["DIRECTIVES"] = captcha.csp_directives(
        CONTENT_SECURITY_POLICY["DIRECTIVES"], SIGNUP_CAPTCHA, script_url=SIGNUP_CAPTCHA_SCRIPT_URL
    )


def _public_origin() -> str:
    hosts = [host for host in ALLOWED_HOSTS if host not in ("*", "") and not host.startswith(".")]
    if DEBUG and (not hosts or hosts[0] in ("127.0.0.1", "localhost", "[::1]")):
        return "http://localhost:8000"  # browsers treat localhost as secure; an IP address is no WebAuthn RP id
    return f"https://{hosts[0]}" if hosts else ""


# The portal's public origin for WebAuthn (https, or http://localhost:PORT in development).
SIGNUP_PUBLIC_ORIGIN = env("SIGNUP_PUBLIC_ORIGIN", default="") or _public_origin()

# The embedded local Cognito (development and tests): only when no pool is configured and moto is installed (the
# `local` extra). COGNITO_LOCAL_EMULATOR=off keeps it out, e.g. for an image build that runs collectstatic.
COGNITO_LOCAL_EMULATOR = _choice("COGNITO_LOCAL_EMULATOR", ("auto", "on", "off"), "auto")
COGNITO_LOCAL_EMULATOR_INSTALLED = importlib.util.find_spec("moto") is not None
if COGNITO_LOCAL and COGNITO_LOCAL_EMULATOR != "off":
    if COGNITO_LOCAL_EMULATOR_INSTALLED:
        INSTALLED_APPS.insert(INSTALLED_APPS.index("django.contrib.staticfiles"), "localcognito")
    elif COGNITO_LOCAL_EMULATOR == "on":
        raise ImproperlyConfigured(
            "COGNITO_LOCAL_EMULATOR=on needs moto: install the portal with its local extra (pip install -e '.[local]')."
        )

# LOGGING: botocore prints request parameters (the password) at DEBUG, so its loggers stay at WARNING.
# Every line carries the request id; emails and phone numbers are masked (portal.observability). Lines are
# formatted where they are logged and written by a thread of their own (portal.log_queue), WARNING and up at once.
DJANGO_LOG_FORMAT = env("DJANGO_LOG_FORMAT", default="plain")
if DJANGO_LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT must be 'plain' or 'json', not {DJANGO_LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "portal.observability.RequestIdFilter"},
        "redact": {"()": "portal.observability.RedactFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "portal.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "portal.log_queue.BackgroundStreamHandler",
            "formatter": DJANGO_LOG_FORMAT,
            "filters": ["request_id", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {name: {"level": "WARNING"} for name in ("botocore", "boto3", "urllib3", "s3transfer")},
}
