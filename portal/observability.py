"""Request ids and log hygiene: every log line carries the request's id, emails and phone numbers are masked,
line breaks are escaped, and `DJANGO_LOG_FORMAT=json` writes one JSON object per line.

The request id comes from a sane `X-Request-ID` header (a load balancer or an upstream proxy may set one) or is
generated, and is returned in the response's `X-Request-ID` header and shown on error pages.
"""

from __future__ import annotations

import contextvars
import json
import logging
import random
import re
from collections.abc import Callable
from datetime import UTC, datetime

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponseBase

# The logging HOWTO's "Optimization": no formatter here uses a record's source file, line, function, thread or
# process (plain and JSON alike, see settings.LOGGING), so records skip finding them: the stack walk for the caller
# was most of the cost of a log line.
logging._srcfile = None
logging.logThreads = False
logging.logProcesses = False
logging.logMultiprocessing = False

REQUEST_ID_HEADER = "X-Request-ID"
# Read from META: `request.headers` builds a dict of every header, a few per cent of a cached form page.
_REQUEST_ID_META = "HTTP_" + REQUEST_ID_HEADER.upper().replace("-", "_")
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}\Z")

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def current_request_id() -> str:
    """The id of the request this thread is serving, or "-" outside a request."""
    return _request_id.get()


def request_id_from_header(value: str | None) -> str:
    """Keep an incoming id only if it is short and plain (it ends up in logs and headers); else make a new one."""
    if value and _SANE_REQUEST_ID.match(value):
        return value
    # A correlation id must be unique, not secret (an incoming one is trusted as it is): `random`'s generator is
    # reseeded in every forked worker, and unlike uuid4's os.urandom it makes no system call, whose release of the GIL
    # costs a thread hand-over on every request under load (docs/benchmarks.md, the seventh pass).
    return f"{random.getrandbits(128):032x}"


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = request_id_from_header(request.META.get(_REQUEST_ID_META))
        request.request_id = request_id  # type: ignore[attr-defined]
        # Not reset on the way out: Django logs 4xx/5xx responses ("Not Found: …") after the middleware chain
        # returns. request_finished clears it once the response is closed.
        _request_id.set(request_id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


def _forget_request_id(**_: object) -> None:
    _request_id.set("-")


request_finished.connect(_forget_request_id, dispatch_uid="portal-request-id")


class RequestIdFilter(logging.Filter):
    """Adds `record.request_id` to every record, so formatters can always use it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"\+\d[\d ().-]{6,18}\d")


def redact(text: str) -> str:
    """Mask email addresses and phone numbers (E.164-like, as Cognito stores them); escape line breaks.

    Each pattern runs only on text holding the character it cannot match without: most lines have neither, and
    the two searches were 1 % of a sign-up's CPU (docs/benchmarks.md, the twelfth pass)."""
    if "@" in text:
        text = EMAIL.sub("[email]", text)
    if "+" in text:
        text = PHONE.sub("[phone]", text)
    return text.replace("\r", "\\r").replace("\n", "\\n")


class RedactFilter(logging.Filter):
    """No PII in logs: emails and phone numbers are masked in the rendered message, which becomes the record's
    message (so every formatter sees the masked text). Line breaks are escaped so a value cannot forge a line."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = str(record.msg)
        masked = redact(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id (+ exception)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", current_request_id()),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
