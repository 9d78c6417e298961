"""The HTTP transport under the portal's Cognito clients: botocore's prepared requests sent through libcurl (pycurl).

Why not botocore's own urllib3 session: under gunicorn's 32 threads per worker, urllib3 and http.client release and
retake the GIL on every send, status line and header read of a call, and each hand-over to another thread costs a
context switch. libcurl does the whole exchange in one release. Measured on the sign-up (docs/benchmarks.md, "the
seventh pass"): CPU per sign-up 4.76 -> 4.09 ms and 1.21x the sign-ups/s, against the same floor in the same run.

Only the transport changes: botocore still validates, serialises, signs, retries, parses and honours Stubber, and
this module raises botocore's own transport exceptions, so signup.cognito's translation of errors is unchanged.
`DirectSend` goes one step further for the calls that need nothing of botocore's Endpoint layer (unsigned, one
attempt: SignUp and the other public calls): it sends the request botocore built and parses the reply with
botocore's parser, without the request object, the signer's pass, the retry handler and their events around them.
`use_for` keeps botocore's session where libcurl would behave differently: a proxy, a client certificate, gevent
(libcurl's wait would block the whole hub), or COGNITO_HTTP_CLIENT=botocore.
"""

from __future__ import annotations

import io
import os
import sys
import threading
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

import botocore.exceptions
import pycurl
from botocore import parsers
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.httpsession import get_cert_path
from botocore.model import OperationModel
from botocore.session import Session
from botocore.utils import get_environ_proxies

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


class _Body:
    """The already-read body, in the shape botocore reads a raw response (`stream()`, `read()`)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, *_: Any, **__: Any) -> Iterator[bytes]:
        yield self._data

    def read(self, *_: Any, **__: Any) -> bytes:
        return self._data


class CurlHTTPSession:
    """botocore's HTTP session interface (`send`, `close`) on one libcurl handle per thread.

    A handle keeps its own connection open between calls, so each request thread reuses its connection to Cognito
    (as urllib3's pool did) without a lock. The whole exchange is bounded by connect + read timeout: a server that
    trickles bytes cannot hold a thread longer, which urllib3's per-read timeout allowed.
    """

    def __init__(self, *, connect_timeout: float, read_timeout: float, verify: str | bool) -> None:
        self._connect_ms = max(1, round(connect_timeout * 1000))
        self._read_ms = max(1, round(read_timeout * 1000))
        self._verify = verify
        self._local = threading.local()

    def send(self, request: AWSPreparedRequest) -> AWSResponse:
        handle = self._handle()
        chunks: list[bytes] = []
        header_lines: list[bytes] = []
        self._prepare(handle, request, chunks, header_lines)
        try:
            handle.perform()
        except pycurl.error as exc:
            raise _botocore_error(exc, handle, request) from None
        status = int(handle.getinfo(pycurl.RESPONSE_CODE))
        return AWSResponse(request.url, status, _headers(header_lines), _Body(b"".join(chunks)))

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
        # use_for already refused proxies; an empty PROXY stops libcurl reading *_proxy variables on its own.
        handle.setopt(pycurl.PROXY, "")
        handle.setopt(pycurl.FOLLOWLOCATION, 0)
        handle.setopt(pycurl.CONNECTTIMEOUT_MS, self._connect_ms)
        if self._verify is False:
            handle.setopt(pycurl.SSL_VERIFYPEER, 0)
            handle.setopt(pycurl.SSL_VERIFYHOST, 0)
        elif isinstance(self._verify, str):
            handle.setopt(pycurl.CAINFO, self._verify)
        return handle

    def _prepare(self, handle: Any, request: AWSPreparedRequest, chunks: list[bytes], lines: list[bytes]) -> None:
        body = request.body or b""
        if hasattr(body, "read"):
            body = body.read()
        if isinstance(body, str):
            body = body.encode("utf-8")
        handle.setopt(pycurl.URL, request.url)
        handle.setopt(pycurl.TIMEOUT_MS, self._connect_ms + self._read_ms_for(request))
        handle.setopt(pycurl.POST, 1)
        handle.setopt(pycurl.CUSTOMREQUEST, None if request.method == "POST" else request.method)
        handle.setopt(pycurl.POSTFIELDSIZE, len(body))
        # The body comes from a read callback with no way to rewind it, on purpose: libcurl resends a request whose
        # reused connection died before any answer, and a second SignUp can register the person twice. Without a
        # rewind that resend fails (CURLE_SEND_FAIL_REWIND) and the call ends as "connection closed", as urllib3's
        # does. A kept connection idle for a second or more is checked before reuse and replaced if dead.
        handle.setopt(pycurl.READFUNCTION, io.BytesIO(body).read)
        # "Expect:" and "Accept:" with no value: no 100-continue round trip, no header botocore did not ask for.
        handle.setopt(pycurl.HTTPHEADER, [*_header_lines(request), "Expect:", "Accept:"])
        handle.setopt(pycurl.WRITEFUNCTION, chunks.append)
        handle.setopt(pycurl.HEADERFUNCTION, lines.append)

    def _read_ms_for(self, request: AWSPreparedRequest) -> int:
        # botocore's per-request override (request context), which its own session honours too.
        override = (getattr(request, "context", None) or {}).get("read_timeout")
        return max(1, round(override * 1000)) if override else self._read_ms


def _header_lines(request: AWSPreparedRequest) -> list[str]:
    lines = []
    for name, value in request.headers.items():
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


def _botocore_error(exc: pycurl.error, handle: Any, request: AWSPreparedRequest) -> Exception:
    """botocore's exception for what libcurl reported, the one its urllib3 session raises for the same failure."""
    code = exc.args[0] if exc.args else -1
    url = request.url
    if code in _NOT_CONNECTED:
        return botocore.exceptions.EndpointConnectionError(endpoint_url=url, error=exc)
    if code == pycurl.E_OPERATION_TIMEDOUT:
        connected = handle.getinfo(pycurl.CONNECT_TIME) > 0
        timeout = botocore.exceptions.ReadTimeoutError if connected else botocore.exceptions.ConnectTimeoutError
        return timeout(endpoint_url=url, error=exc)
    if code in _TLS:
        return botocore.exceptions.SSLError(endpoint_url=url, error=exc)
    if code in _CLOSED:
        return botocore.exceptions.ConnectionClosedError(endpoint_url=url, error=exc, request=request)
    return botocore.exceptions.HTTPClientError(error=exc)


def _gevent_patched() -> bool:
    monkey = sys.modules.get("gevent.monkey")
    return bool(monkey and monkey.is_module_patched("socket"))


def _verify(session: Session) -> str | bool:
    """The CA bundle botocore's own session would verify against: AWS_CA_BUNDLE / ca_bundle, REQUESTS_CA_BUNDLE, or
    certifi's."""
    return get_cert_path(session.get_config_variable("ca_bundle") or os.environ.get("REQUESTS_CA_BUNDLE", True))


def use_for(client: Any, session: Session, *, connect_timeout: float, read_timeout: float) -> bool:
    """Put a CurlHTTPSession under `client` (made by `session`) unless it needs what only botocore's session does.

    True when it did. A proxy, a client certificate or gevent's patched sockets keep botocore's urllib3 session.
    """
    endpoint = getattr(client, "_endpoint", None)
    config = client.meta.config
    if endpoint is None or not hasattr(endpoint, "http_session") or _gevent_patched():
        return False
    if config.proxies or config.client_cert or get_environ_proxies(client.meta.endpoint_url):
        return False
    endpoint.http_session = http_session = CurlHTTPSession(
        connect_timeout=connect_timeout, read_timeout=read_timeout, verify=_verify(session)
    )
    if _one_standard_attempt(config.retries or {}):
        # Last of all before-call handlers: a Stubber (registered on before-call.*.*, deeper) answers first.
        client.meta.events.register_last("before-call", DirectSend(http_session), unique_id="portal-direct-send")
    return True


def _one_standard_attempt(retries: Mapping[str, Any]) -> bool:
    return retries.get("mode") == "standard" and retries.get("total_max_attempts") == 1


# --- Calls sent without botocore's Endpoint layer ------------------------------------------------------------------


class DirectSend:
    """A `before-call` handler that sends an unsigned call of a one-attempt client itself, and answers for botocore.

    For such a call botocore's Endpoint layer adds two headers and otherwise only costs CPU: it builds a request
    object, runs the signer (which signs nothing), rebuilds the User-Agent it already built, and asks the retry
    handler, which never retries at one attempt. That is 5-10 % of a sign-up's CPU in one thread
    (docs/benchmarks.md, the tenth pass). What botocore sends is unchanged: it still validates, serialises and
    resolves the endpoint before this handler, the request has the same headers, in the same order, and the reply is
    parsed by botocore's own parser, modelled error fields and response metadata included, so `_make_api_call` raises
    the same ClientError. Signed calls (and anything streamed) decline, and botocore sends them as before.

    Not seen on this path: handlers an application registers on request-created, before-send, response-received
    or needs-retry for these calls (the portal registers none); COGNITO_HTTP_CLIENT=botocore keeps them all.
    """

    def __init__(self, http_session: CurlHTTPSession) -> None:
        self._http_session = http_session

    def __call__(
        self, *, model: OperationModel, params: dict[str, Any], context: dict[str, Any], **_: Any
    ) -> tuple[AWSResponse, dict[str, Any]] | None:
        if not _sent_as_is(model):
            return None
        response = self._http_session.send(_prepared(params, context))
        return response, _parsed(response, model)


def _sent_as_is(model: OperationModel) -> bool:
    unsigned = model.auth_type == "none" or model.auth == ["smithy.api#noAuth"]
    return unsigned and not (model.has_streaming_input or model.has_streaming_output or model.has_event_stream_output)


def _prepared(params: Mapping[str, Any], context: dict[str, Any]) -> AWSPreparedRequest:
    """The request botocore's Endpoint would send: its request-created handlers add the retry headers (the signer
    and the User-Agent rebuild change nothing for an unsigned call), and prepare() the length of the body."""
    retries = context.setdefault("retries", {})
    retries.update(attempt=1, max=1)
    if "invocation-id" not in retries:  # signup.cognito puts one there first
        retries["invocation-id"] = str(uuid.uuid4())
    body = params["body"]
    if isinstance(body, str):
        body = body.encode("utf-8")
    headers = dict(params["headers"])
    headers["amz-sdk-invocation-id"] = retries["invocation-id"]
    headers["amz-sdk-request"] = "attempt=1; max=1"
    headers.setdefault("Content-Length", str(len(body)))
    # As Endpoint.prepare_request: header values go out as UTF-8.
    encoded = {name: value.encode("utf-8") if isinstance(value, str) else value for name, value in headers.items()}
    return AWSPreparedRequest(params["method"], params["url"], encoded, body, False, context)


def _parsed(response: AWSResponse, model: OperationModel) -> dict[str, Any]:
    """The reply as botocore's Endpoint parses it (endpoint.convert_to_response_dict, _add_modeled_error_fields),
    with the metadata its standard retry handler adds at the last attempt."""
    response_dict = {
        "headers": response.headers,
        "status_code": response.status_code,
        "body": response.content,
        "context": {"operation_name": model.name},
    }
    parser = parsers.create_parser(model.service_model.resolved_protocol)
    parsed: dict[str, Any] = parser.parse(response_dict, model.output_shape)
    if response.status_code >= 300 and (error_shape := _modelled_error(model, parsed)) is not None:
        parsed.update(parser.parse(response_dict, error_shape))
    if (metadata := parsed.get("ResponseMetadata")) is not None:
        metadata.update(MaxAttemptsReached=True, RetryAttempts=0)
    return parsed


def _modelled_error(model: OperationModel, parsed: Mapping[str, Any]) -> Any:
    """The service's shape for the error's code, if it models one (its members are parsed into the reply too)."""
    code = parsed.get("Error", {}).get("Code")
    return None if code is None else model.service_model.shape_for_error_code(code)
