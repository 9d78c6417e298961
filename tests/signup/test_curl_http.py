"""The Cognito clients' libcurl transport (signup.curl_http, under signup.cognito's botocore adapter), against raw
loopback servers: it sends what botocore built, keeps a connection per thread, verifies TLS like botocore, and every
failure turns into the same portal error as with botocore's own urllib3 session (each fault runs on both
transports)."""

from __future__ import annotations

import datetime
import ipaddress
import json
import socket
import ssl
import sys
import threading
import types
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import botocore.endpoint
import botocore.exceptions
import pytest
from botocore.httpsession import URLLib3Session
from botocore.stub import Stubber
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from signup import cognito, errors
from tests.helpers import CLIENT_ID, PASSWORD, closed_port

SIGN_UP_REPLY = json.dumps(
    {
        "UserConfirmed": False,
        "UserSub": "5d7e2f8a-0000-4000-8000-000000000001",
        "CodeDeliveryDetails": {"Destination": "a***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"},
    }
).encode()


def http_reply(status: str = "200 OK", body: bytes = SIGN_UP_REPLY, headers: tuple[str, ...] = ()) -> bytes:
    head = [f"HTTP/1.1 {status}", "Content-Type: application/x-amz-json-1.1", f"Content-Length: {len(body)}"]
    head += ["x-amzn-RequestId: 11111111-2222-3333-4444-555555555555", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


class RawServer:
    """A loopback server that reads each HTTP request whole, records it, and lets `behaviour` answer it (or not)."""

    def __init__(self, behaviour: Callable[[socket.socket], bool], tls: ssl.SSLContext | None = None) -> None:
        self.behaviour = behaviour
        self.requests: list[bytes] = []
        self.connections = 0
        self._tls = tls
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._stopped = threading.Event()
        self._open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"{'https' if self._tls else 'http'}://127.0.0.1:{self._listener.getsockname()[1]}"

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            self._open.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            if self._tls:
                conn = self._tls.wrap_socket(conn, server_side=True)
                self._open.append(conn)
            while (request := _read_request(conn)) and self._record(request) and self.behaviour(conn):
                pass
        except (OSError, ssl.SSLError):
            pass
        finally:
            conn.close()

    def _record(self, request: bytes) -> bool:
        self.requests.append(request)
        return True

    def stop(self) -> None:
        self._stopped.set()
        self._listener.close()
        for conn in self._open:
            conn.close()


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return b""
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")), 0
    )
    while len(body) < length:
        body += conn.recv(65536)
    return head + b"\r\n\r\n" + body


def answer(reply: bytes) -> Callable[[socket.socket], bool]:
    def behaviour(conn: socket.socket) -> bool:
        conn.sendall(reply)
        return True

    return behaviour


def never_answer(conn: socket.socket) -> bool:
    conn.recv(1)  # until the client gives up and closes
    return False


def close_at_once(conn: socket.socket) -> bool:
    return False


def not_http(conn: socket.socket) -> bool:
    conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
    return False


@pytest.fixture(params=["curl", "botocore"])
def transport(request, cognito_settings) -> str:
    cognito_settings.COGNITO_HTTP_CLIENT = request.param
    cognito_settings.COGNITO_CONNECT_TIMEOUT = 1.0
    cognito_settings.COGNITO_READ_TIMEOUT = 0.5
    return request.param


@pytest.fixture
def serve(monkeypatch) -> Iterator[Callable[..., RawServer]]:
    servers: list[RawServer] = []

    def start(behaviour: Callable[[socket.socket], bool], tls: ssl.SSLContext | None = None) -> RawServer:
        server = RawServer(behaviour, tls)
        servers.append(server)
        monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", server.url)
        cognito.reset_clients()
        return server

    yield start
    for server in servers:
        server.stop()


def sign_up() -> cognito.SignUpResult:
    request = cognito.SignUpRequest(username="alice", password=PASSWORD, user_attributes=(("email", "a@example.com"),))
    return cognito.sign_up(request, cognito.RequestContext(ip_address="203.0.113.9"))


def portal_error_of(call: Callable[[], object]) -> str:
    with pytest.raises(errors.PortalError) as caught:
        call()
    return caught.value.code


def headers_of(request: bytes) -> dict[str, str]:
    lines = request.partition(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")[1:]
    return {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}


# --- Which session a client gets ----------------------------------------------------------------------------------


def test_every_client_kind_sends_through_libcurl_by_default(cognito_settings):
    for client in (cognito.public_client(), cognito.admin_client(), cognito.page_client()):
        assert isinstance(client._endpoint.http_session, cognito.CurlHTTPSession)


def test_cognito_http_client_botocore_keeps_botocores_own_session(cognito_settings):
    cognito_settings.COGNITO_HTTP_CLIENT = "botocore"
    assert isinstance(cognito.public_client()._endpoint.http_session, URLLib3Session)


def test_a_proxy_in_the_environment_keeps_botocores_session(cognito_settings, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "https://cognito-idp.example.test")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.test:3128")
    cognito.reset_clients()
    assert isinstance(cognito.public_client()._endpoint.http_session, URLLib3Session)


def test_gevents_patched_sockets_keep_botocores_session(cognito_settings, monkeypatch):
    # libcurl's wait is not cooperative: under gevent it would stop every greenlet of the worker.
    monkey = types.SimpleNamespace(is_module_patched=lambda name: name == "socket")
    monkeypatch.setitem(sys.modules, "gevent.monkey", monkey)
    assert isinstance(cognito.public_client()._endpoint.http_session, URLLib3Session)


# --- What reaches Cognito, and what comes back ---------------------------------------------------------------------


def test_a_sign_up_sends_botocores_request_and_reads_the_reply(cognito_settings, serve):
    server = serve(answer(http_reply()))
    result = sign_up()
    assert result.user_sub == "5d7e2f8a-0000-4000-8000-000000000001"
    assert result.delivery == cognito.CodeDelivery("a***@e***", "EMAIL", "email")
    request = server.requests[0]
    assert request.startswith(b"POST / HTTP/1.1\r\n")
    headers = headers_of(request)
    assert headers["x-amz-target"] == "AWSCognitoIdentityProviderService.SignUp"
    assert headers["content-type"] == "application/x-amz-json-1.1"
    assert headers["user-agent"].startswith("Boto3/")
    assert "expect" not in headers  # no 100-continue round trip
    assert "accept" not in headers
    body = json.loads(request.partition(b"\r\n\r\n")[2])
    assert (body["ClientId"], body["Username"], body["Password"]) == (CLIENT_ID, "alice", PASSWORD)
    assert body["UserContextData"] == {"IpAddress": "203.0.113.9"}
    assert int(headers["content-length"]) == len(request.partition(b"\r\n\r\n")[2])


def test_every_call_has_an_invocation_id_of_its_own_drawn_without_a_system_call(transport, serve, monkeypatch):
    # botocore draws the id with uuid.uuid4() (os.urandom: a system call that lets go of the GIL) unless the call's
    # context already has one; the portal's handler puts one there first.
    monkeypatch.setattr(uuid, "uuid4", lambda: pytest.fail("uuid.uuid4() was called"))
    server = serve(answer(http_reply()))

    sign_up()
    sign_up()

    ids = [headers_of(request)["amz-sdk-invocation-id"] for request in server.requests]
    assert [uuid.UUID(value).version for value in ids] == [4, 4]
    assert ids[0] != ids[1]


def test_the_reply_headers_reach_botocores_response_metadata(cognito_settings, serve):
    serve(answer(http_reply(headers=("Set-Cookie: a=1", "Set-Cookie: b=2"))))
    metadata = cognito.public_client().sign_up(ClientId=CLIENT_ID, Username="alice", Password=PASSWORD)[
        "ResponseMetadata"
    ]
    assert metadata["RequestId"] == "11111111-2222-3333-4444-555555555555"
    assert metadata["HTTPStatusCode"] == 200
    assert metadata["HTTPHeaders"]["set-cookie"] == "a=1, b=2"


def test_a_thread_keeps_one_connection_between_calls(cognito_settings, serve):
    server = serve(answer(http_reply()))
    for _ in range(3):
        sign_up()
    assert (len(server.requests), server.connections) == (3, 1)


def test_each_thread_has_its_own_connection(cognito_settings, serve):
    server = serve(answer(http_reply()))
    sign_up()
    worker = threading.Thread(target=sign_up)
    worker.start()
    worker.join()
    assert (len(server.requests), server.connections) == (2, 2)


# --- Unsigned one-attempt calls: sent without botocore's Endpoint layer (DirectSend) ---------------------------------


def without_direct_send(client):
    client.meta.events.unregister("before-call", unique_id="portal-direct-send")
    return client


def endpoint_requests(monkeypatch) -> list[str]:
    """The operations that went through botocore's Endpoint (its request object and signer)."""
    seen: list[str] = []
    real = botocore.endpoint.Endpoint.create_request

    def spy(self, params, operation_model=None):
        seen.append(operation_model.name if operation_model else "")
        return real(self, params, operation_model)

    monkeypatch.setattr(botocore.endpoint.Endpoint, "create_request", spy)
    return seen


def test_public_calls_skip_botocores_endpoint_layer(cognito_settings, serve, monkeypatch):
    through_endpoint = endpoint_requests(monkeypatch)
    server = serve(answer(http_reply()))
    sign_up()
    assert len(server.requests) == 1
    assert through_endpoint == []


def test_the_direct_send_is_the_request_botocores_endpoint_sends(cognito_settings, serve):
    server = serve(answer(http_reply()))
    sign_up()
    cognito.reset_clients()
    cognito._clients["public"] = without_direct_send(cognito._new_client("public"))
    sign_up()

    def without_invocation_id(request: bytes) -> list[bytes]:
        return [line for line in request.split(b"\r\n") if not line.startswith(b"amz-sdk-invocation-id:")]

    direct, through_endpoint = server.requests
    assert without_invocation_id(direct) == without_invocation_id(through_endpoint)  # same headers, same order
    assert b"amz-sdk-request: attempt=1; max=1\r\n" in direct


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(http_reply(headers=("Set-Cookie: a=1",)), id="a sign-up"),
        pytest.param(
            http_reply(
                "400 Bad Request",
                json.dumps({"__type": "InvalidPasswordException", "message": "Password not long enough"}).encode(),
            ),
            id="Cognito's error",
        ),
    ],
)
def test_the_direct_send_parses_a_reply_as_botocore_does(cognito_settings, serve, reply):
    serve(answer(reply))

    def outcome(client) -> dict:
        try:
            return client.sign_up(ClientId=CLIENT_ID, Username="alice", Password=PASSWORD)
        except botocore.exceptions.ClientError as exc:
            return {"error": type(exc).__name__, **exc.response}

    direct = outcome(cognito.public_client())
    assert direct == outcome(without_direct_send(cognito._new_client("public")))
    assert direct["ResponseMetadata"]["RetryAttempts"] == 0


def test_a_stubber_still_answers_the_public_calls(cognito_settings, serve):
    # The Stubber's before-call.*.* handler is deeper than the direct send's before-call, so it answers first.
    server = serve(answer(http_reply()))
    with Stubber(cognito.public_client()) as stub:
        stub.add_response(
            "sign_up",
            {"UserSub": "stubbed-sub", "UserConfirmed": False},
            {"ClientId": CLIENT_ID, "Username": "alice", "Password": PASSWORD},
        )
        reply = cognito.public_client().sign_up(ClientId=CLIENT_ID, Username="alice", Password=PASSWORD)
        stub.assert_no_pending_responses()
    assert reply["UserSub"] == "stubbed-sub"
    assert server.requests == []


def test_signed_calls_still_go_through_botocores_endpoint_and_are_signed(cognito_settings, serve, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    through_endpoint = endpoint_requests(monkeypatch)
    pool = json.dumps({"UserPool": {"Id": "us-east-1_TestPool1"}}).encode()
    server = serve(answer(http_reply(body=pool)))
    cognito.describe_user_pool(client=cognito.page_client())  # one attempt, like the public client, but signed
    assert through_endpoint == ["DescribeUserPool"]
    assert headers_of(server.requests[0])["authorization"].startswith("AWS4-HMAC-SHA256 ")


def test_only_one_attempt_clients_send_directly(cognito_settings):
    def direct_send_of(client) -> list:
        return [
            handler
            for handler in client.meta.events._emitter._handlers.prefix_search("before-call.x.y")
            if isinstance(handler, cognito.DirectSend)
        ]

    assert len(direct_send_of(cognito.public_client())) == 1
    assert direct_send_of(cognito.admin_client()) == []  # three attempts: botocore's retry handler decides


# --- Failures: the same portal error on both transports -------------------------------------------------------------


def test_a_refused_connection_is_unreachable(transport, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", f"http://127.0.0.1:{closed_port()}")
    cognito.reset_clients()
    assert portal_error_of(sign_up) == "cognito_unreachable"


@pytest.mark.parametrize(
    ("behaviour", "code"),
    [
        pytest.param(never_answer, "cognito_timeout", id="no answer within the read timeout"),
        pytest.param(close_at_once, "cognito_bad_response", id="closed without an answer"),
        pytest.param(not_http, "cognito_bad_response", id="an answer that is not HTTP"),
        pytest.param(answer(http_reply(body=b'{"UserSub": ')), "cognito_bad_response", id="a truncated JSON body"),
        pytest.param(
            answer(http_reply("400 Bad Request", json.dumps({"__type": "UsernameExistsException"}).encode())),
            "username_exists",
            id="Cognito's own error",
        ),
    ],
)
def test_a_failing_endpoint_gives_the_same_portal_error_on_both_transports(transport, serve, behaviour, code):
    server = serve(behaviour)
    assert portal_error_of(sign_up) == code
    assert len(server.requests) == 1  # SignUp is not idempotent: never sent twice


def answer_once_then_drop() -> Callable[[socket.socket], bool]:
    answered: list[bool] = []

    def behaviour(conn: socket.socket) -> bool:
        if answered:
            return False  # read the second request on the kept connection, then close it without an answer
        answered.append(True)
        conn.sendall(http_reply())
        return True

    return behaviour


def test_a_kept_connection_dropped_during_a_call_never_sends_the_call_twice(transport, serve):
    # libcurl would resend on a fresh connection by itself; Cognito may have registered the first one.
    server = serve(answer_once_then_drop())
    sign_up()
    assert portal_error_of(sign_up) == "cognito_bad_response"
    assert (len(server.requests), server.connections) == (2, 1)


def test_throttling_keeps_cognitos_retry_after_on_both_transports(transport, serve):
    throttled = json.dumps({"__type": "TooManyRequestsException", "message": "Rate exceeded"}).encode()
    serve(answer(http_reply("400 Bad Request", throttled, headers=("Retry-After: 7",))))
    with pytest.raises(errors.PortalError) as caught:
        sign_up()
    assert caught.value.code == "too_many_requests"
    assert caught.value.retry_after == 7


# --- TLS ------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1: the CA bundle that trusts the test server and nothing else."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


@pytest.fixture
def tls_context(certificate) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


def test_tls_trusts_the_ca_bundle_botocore_is_given(transport, serve, tls_context, certificate, monkeypatch):
    monkeypatch.setenv("AWS_CA_BUNDLE", str(certificate[0]))
    serve(answer(http_reply()), tls=tls_context)
    assert sign_up().user_sub == "5d7e2f8a-0000-4000-8000-000000000001"


def test_tls_refuses_a_certificate_outside_the_bundle(transport, serve, tls_context, monkeypatch):
    monkeypatch.delenv("AWS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    server = serve(answer(http_reply()), tls=tls_context)
    assert portal_error_of(sign_up) == "cognito_bad_response"
    assert server.requests == []  # nothing was sent to an endpoint it could not verify
