"""HTTP/1.1 exchanges through libcurl (pycurl), one handle per thread: the transport under the Cognito clients.

Why not botocore's own urllib3 session: under gunicorn's 32 threads per worker, urllib3 and http.client release and
retake the GIL on every send, status line and header read of a call, and each hand-over to another thread costs a
context switch. libcurl does the whole exchange in one release. Measured on the sign-up (docs/benchmarks.md, "the
seventh pass"): CPU per sign-up 4.76 -> 4.09 ms and 1.21x the sign-ups/s, against the same floor in the same run.

This module knows nothing of botocore: signup.cognito, the only module that imports the SDK, hands it botocore's
prepared requests as plain values and turns its replies and failures into botocore's.
"""

from __future__ import annotations

import io
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pycurl

# CURLE_WEIRD_SERVER_REPLY (8): an answer that is not HTTP; pycurl only has its old name, E_FTP_WEIRD_SERVER_REPLY.
_WEIRD_SERVER_REPLY = pycurl.E_FTP_WEIRD_SERVER_REPLY
_NOT_CONNECTED = frozenset({pycurl.E_COULDNT_RESOLVE_HOST, pycurl.E_COULDNT_CONNECT, pycurl.E_COULDNT_RESOLVE_PROXY})
_TLS = frozenset(
    {
        pycurl.E_SSL_CONNECT_ERROR,
        pycurl.E_PEER_FAILED_VERIFICATION,
        pycurl.E_SSL_CERTPROBLEM,
        pycurl.E_SSL_CIPHER,
        pycurl.E_SSL_CACERT_BADFILE,
        pycurl.E_SSL_ENGINE_NOTFOUND,
        pycurl.E_SSL_ENGINE_SETFAILED,
        pycurl.E_USE_SSL_FAILED,
    }
)
_CLOSED = frozenset(
    {
        pycurl.E_GOT_NOTHING,
        pycurl.E_SEND_ERROR,
        pycurl.E_RECV_ERROR,
        pycurl.E_PARTIAL_FILE,
        _WEIRD_SERVER_REPLY,
        pycurl.E_SEND_FAIL_REWIND,
    }
)


class CurlFailure(Exception):
    """An exchange that got no HTTP answer. `kind`: not_connected, connect_timeout, read_timeout, tls, closed or
    other; `cause` is libcurl's own error."""

    def __init__(self, kind: str, cause: pycurl.error) -> None:
        super().__init__(kind, cause)
        self.kind = kind
        self.cause = cause


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]  # names lower-cased; repeated ones joined with ", "
    body: bytes


class CurlClient:
    """One libcurl handle per thread, each keeping its connection open between calls, so every request thread
    reuses its connection to Cognito (as urllib3's pool did) without a lock. The whole exchange is bounded by connect
    + read timeout: a server that trickles bytes cannot hold a thread longer, which urllib3's per-read timeout
    allowed. `verify`: False, a CA bundle's path, or True for libcurl's default bundle."""

    def __init__(self, *, connect_timeout: float, read_timeout: float, verify: str | bool) -> None:
        self._connect_ms = _ms(connect_timeout)
        self._read_ms = _ms(read_timeout)
        self._verify = verify
        self._local = threading.local()

    def exchange(
        self, method: str, url: str, headers: Mapping[str, Any], body: bytes, *, read_timeout: float | None = None
    ) -> Reply:
        """One request; `read_timeout` overrides the client's for this call."""
        handle = self._handle()
        chunks: list[bytes] = []
        header_lines: list[bytes] = []
        read_ms = _ms(read_timeout) if read_timeout else self._read_ms
        handle.setopt(pycurl.URL, url)
        handle.setopt(pycurl.TIMEOUT_MS, self._connect_ms + read_ms)
        handle.setopt(pycurl.POST, 1)
        handle.setopt(pycurl.CUSTOMREQUEST, None if method == "POST" else method)
        handle.setopt(pycurl.POSTFIELDSIZE, len(body))
        # The body comes from a read callback with no way to rewind it, on purpose: libcurl resends a request whose
        # reused connection died before any answer, and a second SignUp can register the person twice. Without a
        # rewind that resend fails (CURLE_SEND_FAIL_REWIND) and the call ends as "connection closed", as urllib3's
        # does. A kept connection idle for a second or more is checked before reuse and replaced if dead.
        handle.setopt(pycurl.READFUNCTION, io.BytesIO(body).read)
        # "Expect:" and "Accept:" with no value: no 100-continue round trip, no header the caller did not ask for.
        handle.setopt(pycurl.HTTPHEADER, [*_header_lines(headers), "Expect:", "Accept:"])
        handle.setopt(pycurl.WRITEFUNCTION, chunks.append)
        handle.setopt(pycurl.HEADERFUNCTION, header_lines.append)
        try:
            handle.perform()
        except pycurl.error as exc:
            raise _failure(exc, handle) from None
        return Reply(int(handle.getinfo(pycurl.RESPONSE_CODE)), _headers(header_lines), b"".join(chunks))

    def close(self) -> None:
        handle = getattr(self._local, "handle", None)
        if handle is not None:
            handle.close()
            self._local.handle = None

    def _handle(self) -> Any:
        handle = getattr(self._local, "handle", None)
        if handle is None:
            handle = self._local.handle = self._new_handle()
        return handle

    def _new_handle(self) -> Any:
        handle = pycurl.Curl()
        # NOSIGNAL: libcurl must not use SIGALRM for timeouts in a threaded process.
        handle.setopt(pycurl.NOSIGNAL, 1)
        handle.setopt(pycurl.HTTP_VERSION, pycurl.CURL_HTTP_VERSION_1_1)
        # Callers refuse proxies before they get here; an empty PROXY stops libcurl reading *_proxy variables itself.
        handle.setopt(pycurl.PROXY, "")
        handle.setopt(pycurl.FOLLOWLOCATION, 0)
        handle.setopt(pycurl.CONNECTTIMEOUT_MS, self._connect_ms)
        if self._verify is False:
            handle.setopt(pycurl.SSL_VERIFYPEER, 0)
            handle.setopt(pycurl.SSL_VERIFYHOST, 0)
        elif isinstance(self._verify, str):
            handle.setopt(pycurl.CAINFO, self._verify)
        return handle


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def _header_lines(headers: Mapping[str, Any]) -> list[str]:
    lines = []
    for name, value in headers.items():
        text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
        lines.append(f"{name}: {text}")
    return lines


def _headers(lines: list[bytes]) -> dict[str, str]:
    """The last response's headers (a 1xx answer has its own block), repeated names joined as urllib3 does."""
    headers: dict[str, str] = {}
    for raw in lines:
        line = raw.decode("latin-1").rstrip("\r\n")
        if line.startswith("HTTP/"):
            headers = {}
        elif ":" in line:
            name, value = line.split(":", 1)
            key = name.strip().lower()
            headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    return headers


def _failure(exc: pycurl.error, handle: Any) -> CurlFailure:
    code = exc.args[0] if exc.args else -1
    if code in _NOT_CONNECTED:
        return CurlFailure("not_connected", exc)
    if code == pycurl.E_OPERATION_TIMEDOUT:
        connected = handle.getinfo(pycurl.CONNECT_TIME) > 0
        return CurlFailure("read_timeout" if connected else "connect_timeout", exc)
    if code in _TLS:
        return CurlFailure("tls", exc)
    if code in _CLOSED:
        return CurlFailure("closed", exc)
    return CurlFailure("other", exc)


def gevent_patched() -> bool:
    """Whether gevent patched the socket module: libcurl's wait would then block every greenlet of the worker."""
    monkey = sys.modules.get("gevent.monkey")
    return bool(monkey and monkey.is_module_patched("socket"))
