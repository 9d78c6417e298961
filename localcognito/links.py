"""Confirmation links: what Cognito e-mails instead of a code when the pool confirms with a link.

Cognito serves the link on the pool's domain; the emulator serves it on its own HTTP server, at the same path.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from werkzeug.wrappers import Response

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

CONFIRM_PATH = "/confirmUser"

_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title></head>
<body><main><h1>{title}</h1><p>{message}</p></main></body>
</html>
"""


def base_url(environ: WSGIEnvironment) -> str:
    """The emulator's own origin, as the request that is being served reached it."""
    host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME', '127.0.0.1')}:{environ.get('SERVER_PORT', '')}"
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}"


def confirmation_link(base: str, client_id: str, username: str, code: str) -> str:
    query = urlencode({"client_id": client_id, "user_name": username, "confirmation_code": code})
    return f"{base}{CONFIRM_PATH}?{query}"


def page(title: str, message: str, status: int = 200) -> Response:
    body = _PAGE.format(title=escape(title), message=escape(message))
    return Response(body, status=status, content_type="text/html; charset=utf-8")


def confirmed_page() -> Response:
    return page("Registration confirmed", "Your registration has been confirmed.")


def error_page(message: str) -> Response:
    return page("Confirmation failed", message, status=400)
