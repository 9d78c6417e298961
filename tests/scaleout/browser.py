"""A small cookie-keeping HTTP client for the scale-out tests: a browser that may reach any instance."""

from __future__ import annotations

import html.parser
import http.cookies
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message


@dataclass(frozen=True)
class Response:
    status: int
    headers: Message
    body: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def form_defaults(self, form_id: str) -> dict[str, str]:
        """What a browser would submit from the form with this id if nobody changed anything."""
        parser = _FormParser(form_id)
        parser.feed(self.body)
        assert parser.found, f"no form #{form_id} in the page (status {self.status})"
        return parser.values

    def csrf_token(self) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.body)
        assert match, f"no CSRF token in the page (status {self.status})"
        return match.group(1)


class _FormParser(html.parser.HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.found = self.inside = False
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
            self.found = self.found or self.inside
        if not self.inside or (not (name := attributes.get("name")) and tag != "option"):
            return
        if tag == "input":
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self.values[name] = attributes.get("value", "on")
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.values[name] = attributes.get("value", "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and (self._select not in self.values or "selected" in attributes):
            self.values[self._select] = attributes.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Browser:
    """A cookie-keeping HTTP client that, like a browser behind a load balancer, may reach any instance.

    Cookies are kept by name only (not by host or port): every instance is the same site. Secure flags are ignored
    because the tests speak plain HTTP on loopback.
    """

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        self._opener = urllib.request.build_opener(_NoRedirects)

    def request(self, url: str, fields: dict[str, str] | None = None) -> Response:
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        request = urllib.request.Request(url, data=data, headers=headers)
        try:
            with self._opener.open(request, timeout=20) as raw:
                response = Response(raw.status, raw.headers, raw.read().decode())
        except urllib.error.HTTPError as error:
            response = Response(error.code, error.headers, error.read().decode(errors="replace"))
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, url: str) -> Response:
        return self.request(url)

    def post(self, url: str, fields: dict[str, str]) -> Response:
        return self.request(url, fields)
