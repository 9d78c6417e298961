"""cognito-local (npm, by jagregory) as a second, independent Cognito emulator for the integration journey.

It is installed next to this file by `scripts/test` (`npm ci` from the committed package-lock.json) and started on
a free loopback port in its own temporary working directory, where it keeps its state (`.cognito/`). Unlike moto it
generates and checks real confirmation codes; unlike Cognito it does not mask destinations, answers an unknown user
with NotAuthorizedException and has no ResendConfirmationCode (see the shared emulators reference).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

PACKAGE_DIR = Path(__file__).resolve().parent
START_SCRIPT = PACKAGE_DIR / "node_modules" / "cognito-local" / "lib" / "bin" / "start.js"
MINIMUM_NODE = (20, 19)
VERSION = "5.3.0"
# The built-in default makes every pool an email-username pool; the portal's pools take free-form usernames.
CONFIG = {"UserPoolDefaults": {"UsernameAttributes": []}}
# Required by .ci/run: there, a missing cognito-local is a failure, not a skip.
REQUIRED_ENV = "COGNITO_LOCAL_REQUIRED"

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_LISTENING = re.compile(r"Cognito Local running on (https?://[^\s]+)")


class Unavailable(Exception):
    """cognito-local cannot run here; the message says why."""


def unavailable_reason() -> str | None:
    """Why cognito-local cannot run on this machine, or None when it can."""
    node = shutil.which("node")
    if node is None:
        return "node is not installed (cognito-local needs Node >= 20.19); scripts/test installs the package with npm"
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    match = re.match(r"v(\d+)\.(\d+)", version)
    if match is None or (int(match.group(1)), int(match.group(2))) < MINIMUM_NODE:
        return f"node {version or '(unknown version)'} is too old: cognito-local {VERSION} needs Node >= 20.19"
    if not START_SCRIPT.is_file():
        return f"cognito-local is not installed: run `npm ci --prefix {PACKAGE_DIR}` (scripts/test does)"
    return None


@dataclass(frozen=True)
class CognitoLocalPool:
    user_pool_id: str
    client_id: str
    client_secret: str
    endpoint_url: str
    region: str = "us-east-1"


class CognitoLocal:
    """One cognito-local process on 127.0.0.1, on a port the OS picks, with its state in `workdir`."""

    def __init__(self, workdir: Path, *, startup_timeout: float = 20.0) -> None:
        self.workdir = workdir
        self.startup_timeout = startup_timeout
        self.endpoint_url = ""
        self._process: subprocess.Popen[bytes] | None = None
        self._output: list[str] = []
        self._output_lock = threading.Lock()
        self._listening = threading.Event()

    def start(self) -> str:
        reason = unavailable_reason()
        if reason:
            raise Unavailable(reason)
        (self.workdir / ".cognito").mkdir(parents=True, exist_ok=True)
        (self.workdir / ".cognito" / "config.json").write_text(json.dumps(CONFIG))
        env = {
            **os.environ,
            # PORT=0: the OS picks a free port, which cognito-local then prints; no race with other test runs.
            "HOST": "127.0.0.1",
            "PORT": "0",
            "NODE_NO_WARNINGS": "1",
        }
        env.pop("CODE", None)  # random codes, so a "wrong" code is really wrong
        self._process = subprocess.Popen(
            [shutil.which("node") or "node", str(START_SCRIPT)],
            cwd=self.workdir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        threading.Thread(
            target=self._read_output, args=(self._process,), name="cognito-local-output", daemon=True
        ).start()
        if not self._listening.wait(self.startup_timeout):
            self.stop()
            raise Unavailable(f"cognito-local did not start within {self.startup_timeout:.0f} s:\n{self.output()}")
        self._wait_healthy()
        return self.endpoint_url

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)  # its own session: only the process we started
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)

    def output(self) -> str:
        with self._output_lock:
            return "".join(self._output)

    def _read_output(self, process: subprocess.Popen[bytes]) -> None:
        if process.stdout is None:
            return
        for raw in process.stdout:
            line = _ANSI.sub("", raw.decode("utf-8", "replace"))
            with self._output_lock:
                self._output.append(line)
            if not self._listening.is_set() and (match := _LISTENING.search(line)):
                self.endpoint_url = match.group(1)
                self._listening.set()

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.endpoint_url}/health", timeout=2) as response:
                    if json.loads(response.read()).get("ok") is True:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise Unavailable(f"cognito-local never answered GET /health:\n{self.output()}")
            time.sleep(0.1)

    # Test helpers ----------------------------------------------------------------------------------------------

    def admin_client(self) -> Any:
        return boto3.client(
            "cognito-idp",
            region_name="us-east-1",
            endpoint_url=self.endpoint_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
        )

    def provision(self, name: str = "portal-tests") -> CognitoLocalPool:
        """A pool that sends codes to the email address, and an app client with a secret, like the portal's."""
        admin = self.admin_client()
        pool = admin.create_user_pool(
            PoolName=name,
            AutoVerifiedAttributes=["email"],
            Policies={
                "PasswordPolicy": {
                    "MinimumLength": 8,
                    "RequireUppercase": False,
                    "RequireLowercase": False,
                    "RequireNumbers": False,
                    "RequireSymbols": False,
                }
            },
        )["UserPool"]
        client = admin.create_user_pool_client(UserPoolId=pool["Id"], ClientName=name, GenerateSecret=True)
        return CognitoLocalPool(
            user_pool_id=pool["Id"],
            client_id=client["UserPoolClient"]["ClientId"],
            client_secret=client["UserPoolClient"]["ClientSecret"],
            endpoint_url=self.endpoint_url,
        )

    def latest_code(self, user_pool_id: str, username: str, *, timeout: float = 3.0) -> str | None:
        """The code cognito-local stored for `username` (its db file keeps it in plaintext), or None."""
        path = self.workdir / ".cognito" / "db" / f"{user_pool_id}.json"
        deadline = time.monotonic() + timeout
        while True:
            try:
                users = json.loads(path.read_text()).get("Users", {})
            except (OSError, ValueError):
                users = {}
            code = users.get(username, {}).get("ConfirmationCode")
            if code or time.monotonic() > deadline:
                return code
            time.sleep(0.05)
