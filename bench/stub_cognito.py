"""A stand-in Cognito for the benchmark: answers SignUp with a valid JSON 1.1 reply after a configurable delay.

asyncio, so hundreds of requests can wait out the delay at once at little CPU cost. Run it as its own process:
`python -m bench.stub_cognito --port 0 --delay-ms 0`; it prints `READY <port>` once it listens.
Control (plain HTTP, same port): `GET /__delay?ms=100` changes the delay, `GET /__stats` returns the counts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid
from urllib.parse import parse_qs, urlsplit

JSON_CONTENT_TYPE = b"application/x-amz-json-1.1"
TARGET_PREFIX = "AWSCognitoIdentityProviderService."


class Stub:
    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.counts: dict[str, int] = {}

    def answer(self, target: str, body: bytes) -> tuple[int, bytes]:
        operation = target.removeprefix(TARGET_PREFIX)
        self.counts[operation] = self.counts.get(operation, 0) + 1
        if operation != "SignUp":
            return 400, json.dumps({"__type": "UnknownOperationException", "message": operation}).encode()
        try:
            params = json.loads(body or b"{}")
            params["ClientId"], params["Username"], params["Password"]
        except (ValueError, KeyError, TypeError):
            self.counts["invalid"] = self.counts.get("invalid", 0) + 1
            return 400, b'{"__type": "InvalidParameterException", "message": "bad request"}'
        reply = {
            "UserConfirmed": False,
            "UserSub": str(uuid.uuid4()),
            "CodeDeliveryDetails": {"Destination": "b***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"},
        }
        return 200, json.dumps(reply).encode()

    def control(self, path: str) -> bytes:
        url = urlsplit(path)
        if url.path == "/__delay":
            self.delay = float(parse_qs(url.query).get("ms", ["0"])[0]) / 1000
        elif url.path == "/__reset":
            self.counts.clear()
        return json.dumps({"delay_ms": self.delay * 1000, "counts": self.counts}).encode()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request_line = await reader.readline()
                if not request_line:
                    return
                method, path, _ = request_line.decode("latin-1").split(" ", 2)
                headers: dict[str, str] = {}
                while True:
                    line = await reader.readline()
                    if line in (b"\r\n", b"\n", b""):
                        break
                    name, _, value = line.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0") or 0)
                body = await reader.readexactly(length) if length else b""
                if method == "GET":
                    status, payload, content_type = 200, self.control(path), b"application/json"
                else:
                    if self.delay:
                        await asyncio.sleep(self.delay)
                    status, payload = self.answer(headers.get("x-amz-target", ""), body)
                    content_type = JSON_CONTENT_TYPE
                reason = b"OK" if status == 200 else b"Bad Request"
                writer.write(
                    b"HTTP/1.1 %d %s\r\nContent-Type: %s\r\nx-amzn-RequestId: %s\r\nContent-Length: %d\r\n\r\n"
                    % (status, reason, content_type, str(uuid.uuid4()).encode(), len(payload))
                    + payload
                )
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            writer.close()


async def serve(host: str, port: int, delay: float) -> None:
    stub = Stub(delay)
    server = await asyncio.start_server(stub.handle, host, port, backlog=1024)
    print(f"READY {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay-ms", type=float, default=0)
    args = parser.parse_args(argv)
    try:
        asyncio.run(serve(args.host, args.port, args.delay_ms / 1000))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
