"""Values and Stubber expectations the test modules share (fixtures live in conftest.py).

Plain functions and constants: test modules import these, never each other.
"""

from __future__ import annotations

import copy
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from botocore.stub import ANY, Stubber

POOL_ID = "us-east-1_TestPool1"
CLIENT_ID = "3n4b5urk1ft4fl3mg5e62d9ado"
CLIENT_SECRET = "1a2b3c4d5e6f7g8h9i0jklmnopqrstuvwxyz1234567890abcdef"

PASSWORD = "s3cret-Passphrase!"
SIGN_UP_RESPONSE = {
    "UserConfirmed": False,
    "UserSub": "5c1b6f3e-1111-4222-8333-944445555666",
    "CodeDeliveryDetails": {"Destination": "a***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"},
}


def closed_port() -> int:
    """A loopback port nothing listens on (it was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unique_username() -> str:
    """A username no earlier test has used, for emulators that keep their users for the whole session."""
    return f"user-{uuid.uuid4().hex[:10]}"


EMBEDDED_PASSWORD = "Correct-Horse-9"  # meets the embedded local Cognito's default password policy


def embedded_sign_up(client: Any, username: str, **extra: str | None) -> Any:
    """`username` signs up over HTTP with `username@example.com` (and `extra` fields; None leaves one out)."""
    data = {"username": username, "password": EMBEDDED_PASSWORD, "email": f"{username}@example.com", **extra}
    return client.post("/signup/", {key: value for key, value in data.items() if value is not None})


def embedded_user_status(admin_cognito: Any, pool: Any, username: str) -> str:
    """The UserStatus the embedded local Cognito holds for `username` (UNCONFIRMED, CONFIRMED...)."""
    return str(admin_cognito.admin_get_user(UserPoolId=pool.user_pool_id, Username=username)["UserStatus"])


def embedded_user_attribute(admin_cognito: Any, pool: Any, username: str, name: str) -> str | None:
    """One attribute of `username` as the embedded local Cognito holds it."""
    user = admin_cognito.admin_get_user(UserPoolId=pool.user_pool_id, Username=username)
    return next((a["Value"] for a in user["UserAttributes"] if a["Name"] == name), None)


def configure_fields(*fields: dict[str, Any]) -> None:
    """The form asks for exactly `fields` (AttributeField values), in this order."""
    from signup.models import AttributeField  # needs Django set up: imported when called, not when collected

    AttributeField.objects.all().delete()
    for position, values in enumerate(fields):
        AttributeField.objects.create(**{"position": position, **values})


def restore_default_email_field() -> None:
    """Transactional tests flush the database, data migrations included: put the default email field back."""
    from signup.models import AttributeField  # needs Django set up: imported when called, not when collected

    AttributeField.objects.get_or_create(
        attribute_name="email",
        defaults={"label": "Email address", "input_type": "email", "required": True, "position": 10},
    )


def form_data(**overrides: str) -> dict[str, str]:
    """What alice posts to the sign-up form, with `overrides`."""
    return {"username": "alice", "password": PASSWORD, "email": "alice@example.com", **overrides}


def expect_sign_up(stubber: Stubber, response: dict[str, Any] | None = None, **params: Any) -> None:
    """Queue the SignUp that `form_data()` makes from 127.0.0.1; `params` replace expected request parameters."""
    stubber.add_response(
        "sign_up",
        response or SIGN_UP_RESPONSE,
        expected_params={
            "ClientId": CLIENT_ID,
            "SecretHash": ANY,
            "Username": "alice",
            "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}],
            "UserContextData": {"IpAddress": "127.0.0.1"},
            **params,
        },
    )


# --- CAPTCHA: a loopback stand-in for a provider's siteverify and widget script -----------------------------------

CAPTCHA_SITE_KEY = "1x00000000000000000000AA"
CAPTCHA_SECRET_KEY = "0x4AAAAAAAstand-in-secret-never-logged"
CAPTCHA_TOKEN = "XXXX.DUMMY.TOKEN.never-logged"
SITEVERIFY_PASSED = b'{"success": true, "error-codes": [], "hostname": "localhost"}'
SITEVERIFY_REFUSED = b'{"success": false, "error-codes": ["invalid-input-response"]}'

# Stands in for a provider's api.js: each widget container in a form gets the hidden field the real widget adds,
# holding a token that names the site key (the real script's iframe and challenge are the provider's business).
STAND_IN_WIDGET_SCRIPT = b"""
(function () {
  var fields = {"cf-turnstile": "cf-turnstile-response", "h-captcha": "h-captcha-response",
                "g-recaptcha": "g-recaptcha-response"};
  Object.keys(fields).forEach(function (name) {
    Array.prototype.forEach.call(document.getElementsByClassName(name), function (box) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = fields[name];
      input.value = "stand-in-token:" + box.getAttribute("data-sitekey");
      box.appendChild(input);
      box.setAttribute("data-stand-in", "solved");
    });
  });
})();
"""


@dataclass
class SiteverifyReply:
    """What the stand-in answers: `hold` answers only once the test is over (past any client timeout)."""

    status: int = 200
    body: bytes = SITEVERIFY_PASSED
    content_type: str = "application/json"
    hold: bool = False


class SiteverifyStandIn:
    """POST /siteverify answers with `reply` and records each request's form fields; GET /widget.js serves
    STAND_IN_WIDGET_SCRIPT. Use it as a context manager."""

    def __init__(self) -> None:
        self.reply = SiteverifyReply()
        self.requests: list[dict[str, str]] = []
        self.released = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _siteverify_handler(self))
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.url = f"{self.origin}/siteverify"
        self.script_url = f"{self.origin}/widget.js"

    def __enter__(self) -> SiteverifyStandIn:
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


def _siteverify_handler(stand_in: SiteverifyStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            stand_in.requests.append({"path": self.path, **dict(parse_qsl(body.decode()))})
            reply = stand_in.reply
            if reply.hold:
                stand_in.released.wait(10)
            self._answer(reply.status, reply.content_type, reply.body)

        def do_GET(self) -> None:
            if self.path.split("?")[0] == "/widget.js":
                self._answer(200, "application/javascript", STAND_IN_WIDGET_SCRIPT)
            else:
                self._answer(404, "text/plain", b"not here")

        def _answer(self, status: int, content_type: str, body: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the portal stopped waiting, as it should

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def captcha_on(
    settings: Any, stand_in: SiteverifyStandIn, *, provider: str = "turnstile", fail: str = "closed"
) -> None:
    """SIGNUP_CAPTCHA on with the stand-in's siteverify and widget script, and the Content-Security-Policy the
    settings module builds at start-up for that configuration."""
    from signup import captcha

    settings.SIGNUP_CAPTCHA = provider
    settings.SIGNUP_CAPTCHA_SITE_KEY = CAPTCHA_SITE_KEY
    settings.SIGNUP_CAPTCHA_SECRET_KEY = CAPTCHA_SECRET_KEY
    settings.SIGNUP_CAPTCHA_VERIFY_URL = stand_in.url
    settings.SIGNUP_CAPTCHA_SCRIPT_URL = stand_in.script_url
    settings.SIGNUP_CAPTCHA_TIMEOUT = 5.0
    settings.SIGNUP_CAPTCHA_FAIL = fail
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"] = captcha.csp_directives(policy["DIRECTIVES"], provider, script_url=stand_in.script_url)
    settings.CONTENT_SECURITY_POLICY = policy


EMAIL_DELIVERY = {"Destination": "a***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
SMS_DELIVERY = {"Destination": "+*******0123", "DeliveryMedium": "SMS", "AttributeName": "phone_number"}


def expect_confirm(stubber: Stubber, code: str = "123456") -> None:
    """Queue the ConfirmSignUp alice's browser makes from 127.0.0.1 with `code`."""
    stubber.add_response(
        "confirm_sign_up",
        {},
        expected_params={
            "ClientId": CLIENT_ID,
            "SecretHash": ANY,
            "Username": "alice",
            "ConfirmationCode": code,
            "ForceAliasCreation": False,
            "UserContextData": {"IpAddress": "127.0.0.1"},
        },
    )


def expect_resend(stubber: Stubber, delivery: dict[str, str] | None = None) -> None:
    """Queue the ResendConfirmationCode alice's browser makes from 127.0.0.1; the new code goes to `delivery`."""
    stubber.add_response(
        "resend_confirmation_code",
        {"CodeDeliveryDetails": delivery or EMAIL_DELIVERY},
        expected_params={
            "ClientId": CLIENT_ID,
            "SecretHash": ANY,
            "Username": "alice",
            "UserContextData": {"IpAddress": "127.0.0.1"},
        },
    )


class _ContinueLinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] | None = None
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and values.get("id") == "continue-link":
            self.found, self._inside = {**values, "text": ""}, True

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside and self.found is not None:
            self.found["text"] += data


def continue_link(content: bytes | str) -> dict[str, str] | None:
    """The page's "Continue" link as a browser reads it: its attributes (href unescaped) and its text, or None."""
    parser = _ContinueLinkParser()
    parser.feed(content.decode() if isinstance(content, bytes) else content)
    return parser.found


def inline_formset_data(prefix: str, *rows: dict[str, str], initial: int = 0) -> dict[str, str]:
    """What the admin's change form posts for one inline: the management form and each row's inputs, as a browser
    sends them (the admin refuses a change form whose inline lacks its management form)."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def finishes_in_a_child(work: Callable[[], Any], *, seconds: float) -> Any:
    """Run `work` in a forked copy of this test process and return what it returns; fail the test when it has not
    finished within `seconds` (the child is then killed). For work that, gone wrong, never yields the GIL (a
    backtracking regular expression), which no thread in this process could survive."""
    import multiprocessing

    receiver, sender = multiprocessing.get_context("fork").Pipe(duplex=False)

    def child() -> None:
        try:
            sender.send(("ok", work()))
        except BaseException as error:  # report it: the parent fails with it
            sender.send(("error", repr(error)))

    process = multiprocessing.get_context("fork").Process(target=child, daemon=True)
    process.start()
    try:
        if not receiver.poll(seconds):
            raise AssertionError(f"still working after {seconds} s")
        kind, value = receiver.recv()
    finally:
        process.kill()
        process.join()
    assert kind == "ok", value
    return value


def eventually(condition: Callable[[], bool], what: str, *, seconds: float = 20) -> None:
    """Wait for something another thread or process does in its own time; fail with `what` after `seconds` (a bound
    on a hang, not on speed)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def drawn_in_a_forked_child(draw: Callable[[], str], times: int) -> set[str]:
    """`times` values of `draw()` made in a forked child (as a gunicorn worker is forked from its master)."""
    read, write = os.pipe()
    if (pid := os.fork()) == 0:
        os.write(write, " ".join(draw() for _ in range(times)).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        drawn = set(pipe.read().split())
    os.waitpid(pid, 0)
    return drawn
