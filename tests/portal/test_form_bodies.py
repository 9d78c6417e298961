"""Bodies the portal's forms refuse: a multipart body larger than the limit is refused by its Content-Length before
a byte is read, file parts under the limit are skipped, and a body Django cannot take gets the portal's own page even
with DEBUG on (never Django's technical page, which would show the password and the CSRF token)."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from tests.helpers import PASSWORD

pytestmark = pytest.mark.django_db

BOUNDARY = "portal-test-boundary"
TEN_MEGABYTES = 10 * 1024 * 1024
CSRF_VALUE = "csrf-value-never-shown-0123456789abcdef"


class CountingStream(io.RawIOBase):
    """A request body of `size` bytes (a multipart file part) that counts what was read and fails past `allowed`."""

    def __init__(self, size: int, allowed: int) -> None:
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="username"\r\n\r\nalice\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="avatar"; filename="big.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        self.body = head + b"x" * (size - len(head))
        self.allowed = allowed
        self.consumed = 0

    def read(self, size: int = -1) -> bytes:
        size = len(self.body) - self.consumed if size is None or size < 0 else size
        if self.consumed + size > self.allowed:
            raise AssertionError(f"the body was read past {self.allowed} bytes")
        chunk = self.body[self.consumed : self.consumed + size]
        self.consumed += len(chunk)
        return chunk

    def readline(self, size: int = -1) -> bytes:  # type: ignore[override]
        return self.read(size if size and size > 0 else 64 * 1024)


def multipart(*parts: tuple[str, str, bytes | None]) -> bytes:
    """A multipart/form-data body of (name, value, file content or None) parts."""
    lines: list[bytes] = []
    for name, value, content in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{value}"' if content is not None else "")
        lines += [f"--{BOUNDARY}".encode(), f"Content-Disposition: {disposition}".encode(), b""]
        lines.append(content if content is not None else value.encode())
    return b"\r\n".join([*lines, f"--{BOUNDARY}--".encode(), b""])


def test_a_ten_megabyte_multipart_file_part_is_refused_with_413_before_its_body_is_read(client):
    stream = CountingStream(TEN_MEGABYTES, allowed=0)

    response = client.generic(
        "POST",
        "/signup/",
        b"",
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(TEN_MEGABYTES),
        **{"wsgi.input": stream},
    )

    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert stream.consumed == 0


def test_a_file_part_under_the_limit_is_skipped_unread_and_the_form_fields_still_arrive(client, stubber):
    body = multipart(("username", "alice", None), ("avatar", "a.bin", b"\x00" * 1024))

    response = client.generic("POST", "/signup/", body, content_type=f"multipart/form-data; boundary={BOUNDARY}")

    assert response.wsgi_request.FILES == {}
    assert response.wsgi_request.POST["username"] == "alice"


@pytest.fixture
def debug_client(settings) -> Client:
    """A browser against a portal running with DEBUG on, whose CSRF check would pass (the refusal comes first)."""
    settings.DEBUG = True
    return Client(raise_request_exception=False)


def assert_portal_page_without_the_body(response, status: int) -> None:
    page = response.content.decode()
    assert response.status_code == status
    assert PASSWORD not in page
    assert CSRF_VALUE not in page
    assert "Traceback" not in page
    assert "DJANGO_SETTINGS_MODULE" not in page


def test_too_many_fields_with_debug_on_get_the_portals_400_page_without_the_password(debug_client, settings):
    fields = {f"f{number}": "x" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    data = {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": CSRF_VALUE, **fields}

    response = debug_client.post("/signup/", data)

    assert_portal_page_without_the_body(response, 400)
    assert "TooManyFieldsSent" not in response.content.decode()


def test_an_oversized_body_with_debug_on_gets_the_portals_413_page_without_the_password(debug_client, settings):
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    data = {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": CSRF_VALUE, "padding": padding}

    response = debug_client.post("/signup/", data)

    assert_portal_page_without_the_body(response, 413)
    assert "RequestDataTooBig" not in response.content.decode()
