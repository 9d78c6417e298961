"""The portal's benchmark: `scripts/bench` (or `python -m bench.run` with the services already running).

It starts, on loopback, a stand-in Cognito (bench.stub_cognito) and the portal under gunicorn with the production
configuration (gunicorn.conf.py, DJANGO_DEBUG=false, rate limits off), drives it with wrk and prints four tables:

1. server cost per sign-up vs the floor (bench/signup/: CSRF-checked POST + one direct boto3 sign_up);
2. sign-up throughput with Cognito answering after 100 ms, at rising concurrency, until the knee;
3. the form page vs a bare template page, plus database queries per request after warm-up;
4. cost vs form size (5, 20 and 50 configured fields).

The machine is shared and noisy: portal and floor are measured in the same run, interleaved (the order alternates
each round), every figure is the median of --rounds runs, and server cost is also given as CPU time per request,
read from /proc for the gunicorn processes only (wrk and the stand-in run in their own processes).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "lua" / "request.lua"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PASSWORD = "Bench-pass-2026!x"
POOL_ID = "us-east-1_BenchPool1"
CLIENT_ID = "benchclient0000000000000000"
CLIENT_SECRET = "benchclientsecretnotarealone0123456789abcdefghij"


@dataclass
class Run:
    """One wrk run against one gunicorn."""

    label: str
    concurrency: int
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    statuses: dict[str, int]
    cpu_ms_per_request: float


@dataclass
class Summary:
    """The median of several runs of the same thing."""

    label: str
    concurrency: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_ms_per_request: float
    runs: list[Run] = field(default_factory=list)


def summarise(label: str, runs: list[Run]) -> Summary:
    return Summary(
        label=label,
        concurrency=runs[0].concurrency,
        rps=statistics.median(r.rps for r in runs),
        p50_ms=statistics.median(r.p50_ms for r in runs),
        p99_ms=statistics.median(r.p99_ms for r in runs),
        errors=sum(r.errors for r in runs),
        cpu_ms_per_request=statistics.median(r.cpu_ms_per_request for r in runs),
        runs=runs,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback only
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def process_tree_cpu_seconds(root_pid: int) -> float:
    """utime + stime of a process and its live children (the gunicorn master and its workers)."""
    pids = [root_pid]
    children = Path(f"/proc/{root_pid}/task/{root_pid}/children")
    if children.exists():
        pids += [int(pid) for pid in children.read_text().split()]
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / CLOCK_TICKS


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Gunicorn:
    def __init__(self, harness: Harness, env: dict[str, str], name: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = harness.tmp / f"gunicorn-{name}.log"
        env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        command = [harness.python, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--no-control-socket"]
        command += ["portal.wsgi:application"]
        self.process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT
        )
        try:
            wait_http(f"{self.url}/healthz")
        except Exception:
            self.stop()
            sys.stderr.write(self.log.read_text()[-3000:])
            raise

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def cpu_seconds(self) -> float:
        return process_tree_cpu_seconds(self.process.pid)

    def fetch(self, path: str, *, cookie: str = "", data: bytes | None = None) -> tuple[int, Any, str]:
        headers = {"Cookie": cookie} if cookie else {}
        request = urllib.request.Request(f"{self.url}{path}", data=data, headers=headers)  # noqa: S310 - loopback
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=10) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode(errors="replace")

    def csrf(self, path: str) -> tuple[str, str]:
        """One CSRF cookie/token pair, fetched once and reused by every request of a run."""
        status, headers, body = self.fetch(path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        cookies = [header.split(";", 1)[0] for header in headers.get_all("Set-Cookie") or []]
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if not match:
            raise RuntimeError(f"no CSRF token on {path}")
        return "; ".join(cookies), match.group(1)


class Harness:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.python = sys.executable
        self.tmp = Path(tempfile.mkdtemp(prefix="portal-bench-"))
        self.stub: subprocess.Popen[str] | None = None
        self.stub_port = 0
        self.wrk = shutil.which("wrk") or sys.exit(
            "wrk is not installed (Debian package wrk; scripts/bench installs it)"
        )
        self.fields: list[str] = ["email"]

    # --- processes ------------------------------------------------------------------------------------------------

    def start_stub(self) -> None:
        self.stub = subprocess.Popen(  # noqa: S603
            [self.python, "-m", "bench.stub_cognito", "--port", "0"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.stub.stdout.readline() if self.stub.stdout else ""
        if not line.startswith("READY "):
            raise RuntimeError(f"stand-in Cognito did not start: {line!r}")
        self.stub_port = int(line.split()[1])

    def stub_control(self, path: str) -> dict[str, Any]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.stub_port}{path}", timeout=5) as response:
            return json.loads(response.read())

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "bench-" + uuid.uuid4().hex * 2,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback
            "SIGNUP_RATE_LIMIT": "off",
            "COGNITO_USER_POOL_ID": POOL_ID,
            "COGNITO_REGION": "us-east-1",
            "COGNITO_CLIENT_ID": CLIENT_ID,
            "COGNITO_CLIENT_SECRET": CLIENT_SECRET,
            "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": f"http://127.0.0.1:{self.stub_port}",
            "DATABASE_URL": self.args.database_url or f"sqlite:///{self.tmp / 'bench.sqlite3'}",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        if self.args.cache_url:
            env["CACHE_URL"] = self.args.cache_url
        else:
            env.pop("CACHE_URL", None)
        for name, value in (("GUNICORN_WORKERS", self.args.workers), ("GUNICORN_THREADS", self.args.threads)):
            if value:
                env[name] = str(value)
        env.update(extra)
        return env

    def manage(self, *command: str) -> str:
        result = subprocess.run(  # noqa: S603
            [self.python, *command], cwd=ROOT, env=self.env(), capture_output=True, text=True, check=False
        )
        if result.returncode:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def prepare(self) -> None:
        self.manage("manage.py", "migrate", "--noinput")
        self.manage("manage.py", "collectstatic", "--noinput", "--clear")
        self.configure_fields(1)

    def configure_fields(self, count: int) -> None:
        self.fields = self.manage("-m", "bench.fields", str(count)).split()

    def gunicorn(self, name: str, **extra: str) -> Gunicorn:
        return Gunicorn(self, self.env(**extra), name)

    def close(self) -> None:
        if self.stub and self.stub.poll() is None:
            self.stub.terminate()
            self.stub.wait(5)
        shutil.rmtree(self.tmp, ignore_errors=True)

    @staticmethod
    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    @staticmethod
    def warm(*runs: Any) -> None:
        """One unrecorded run of each: fills caches, connection pools and lazily created clients."""
        for run in runs:
            run()

    # --- load -----------------------------------------------------------------------------------------------------

    def signup_body(self, token: str, *, floor: bool = False) -> str:
        values = {"csrfmiddlewaretoken": token, "username": "@N@", "password": PASSWORD}
        for name in self.fields if not floor else ["email"]:
            values[name] = "@N@@example.com" if name == "email" else "value"
        return urllib.parse.urlencode(values, safe="@")

    def wrk_run(
        self,
        server: Gunicorn,
        label: str,
        *,
        method: str,
        path: str,
        concurrency: int,
        seconds: float,
        cookie: str = "",
        body: str = "",
        expect: int = 200,
    ) -> Run:
        env = {
            **os.environ,
            "BENCH_METHOD": method,
            "BENCH_PATH": path,
            "BENCH_COOKIE": cookie,
            "BENCH_BODY": body,
            "BENCH_PREFIX": f"b{uuid.uuid4().hex[:10]}",
        }
        command = [self.wrk, f"-t{min(2, concurrency)}", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "5s"]
        command += ["-s", str(LUA), server.url]
        cpu_before = server.cpu_seconds()
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        cpu = server.cpu_seconds() - cpu_before
        line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
        if result.returncode or line is None:
            raise RuntimeError(f"wrk failed ({result.returncode}): {result.stdout}\n{result.stderr}")
        data = json.loads(line.removeprefix("BENCH_JSON "))
        statuses = {str(k): int(v) for k, v in data["statuses"].items()}
        completed = data["requests"]
        unexpected = sum(count for status, count in statuses.items() if status != str(expect))
        return Run(
            label=label,
            concurrency=concurrency,
            requests=completed,
            seconds=data["duration_us"] / 1e6,
            rps=completed / (data["duration_us"] / 1e6),
            p50_ms=data["p50_us"] / 1000,
            p99_ms=data["p99_us"] / 1000,
            errors=unexpected + data["socket_errors"] + data["timeouts"],
            statuses=statuses,
            cpu_ms_per_request=1000 * cpu / completed if completed else float("nan"),
        )


# --- scenarios ----------------------------------------------------------------------------------------------------


def interleaved(harness: Harness, rounds: int, variants: list[tuple[str, Any]]) -> dict[str, Summary]:
    """Run each variant once per round, alternating the order every round so drift hits both sides alike."""
    runs: dict[str, list[Run]] = {label: [] for label, _ in variants}
    for number in range(rounds):
        order = variants if number % 2 == 0 else list(reversed(variants))
        for label, run in order:
            runs[label].append(run())
            harness.log(f"  {label}: {runs[label][-1].rps:.0f} req/s, {runs[label][-1].cpu_ms_per_request:.2f} ms CPU")
    return {label: summarise(label, items) for label, items in runs.items()}


def scenario_cost(harness: Harness, server: Gunicorn) -> dict[str, Summary]:
    args = harness.args
    harness.stub_control("/__delay?ms=0")
    cookie, token = server.csrf("/signup/")
    floor_cookie, floor_token = server.csrf("/bench/page/")
    common = {"method": "POST", "concurrency": args.concurrency, "seconds": args.seconds, "expect": 302}
    portal = lambda: harness.wrk_run(  # noqa: E731
        server, "portal", path="/signup/", cookie=cookie, body=harness.signup_body(token), **common
    )
    floor = lambda: harness.wrk_run(  # noqa: E731
        server,
        "floor",
        path="/bench/signup/",
        cookie=floor_cookie,
        body=harness.signup_body(floor_token, floor=True),
        **common,
    )
    harness.warm(portal, floor)
    return interleaved(harness, args.rounds, [("floor", floor), ("portal", portal)])


def scenario_latency(harness: Harness, server: Gunicorn) -> list[Summary]:
    args = harness.args
    harness.stub_control(f"/__delay?ms={args.delay_ms}")
    cookie, token = server.csrf("/signup/")
    body = harness.signup_body(token)
    steps: list[Summary] = []
    harness.wrk_run(  # warm-up, not recorded: every thread's first request, connections to the stand-in
        server,
        "warm-up",
        method="POST",
        path="/signup/",
        cookie=cookie,
        body=body,
        concurrency=max(args.ladder),
        seconds=2,
        expect=302,
    )
    for concurrency in args.ladder:
        runs = []
        for _ in range(args.rounds):
            runs.append(
                harness.wrk_run(
                    server,
                    f"c={concurrency}",
                    method="POST",
                    path="/signup/",
                    cookie=cookie,
                    body=body,
                    concurrency=concurrency,
                    seconds=args.seconds,
                    expect=302,
                )
            )
        steps.append(summarise(f"c={concurrency}", runs))
        step = steps[-1]
        harness.log(f"  c={concurrency}: {step.rps:.0f}/s p50 {step.p50_ms:.0f} ms p99 {step.p99_ms:.0f} ms")
        if len(steps) > 1 and step.rps < steps[-2].rps * 1.05:
            break  # the knee: more concurrency no longer buys throughput
        if step.errors or step.p99_ms > 1000:
            break
    harness.stub_control("/__delay?ms=0")
    return steps


def scenario_page(harness: Harness, server: Gunicorn) -> dict[str, Summary]:
    args = harness.args
    common = {"method": "GET", "concurrency": args.concurrency, "seconds": args.seconds}
    portal = lambda: harness.wrk_run(server, "portal", path="/signup/", **common)  # noqa: E731
    floor = lambda: harness.wrk_run(server, "floor", path="/bench/page/", **common)  # noqa: E731
    harness.warm(portal, floor)
    return interleaved(harness, args.rounds, [("floor", floor), ("portal", portal)])


def scenario_queries(harness: Harness) -> dict[str, Any]:
    """Queries and session cookies per request after warm-up, from a separate instrumented instance."""
    server = harness.gunicorn("queries", BENCH_COUNT_QUERIES="true", GUNICORN_WORKERS="1")
    try:
        harness.stub_control("/__delay?ms=0")
        for _ in range(5):
            server.fetch("/signup/")
        get_queries, get_cookies = Counter(), Counter()
        for _ in range(20):
            status, headers, _ = server.fetch("/signup/")
            get_queries[headers.get("X-Bench-DB-Queries", "?")] += 1
            for cookie in headers.get_all("Set-Cookie") or []:
                get_cookies[cookie.split("=", 1)[0]] += 1
        cookie, token = server.csrf("/signup/")
        post_queries = Counter()
        for number in range(10):
            body = harness.signup_body(token).replace("@N@", f"q{uuid.uuid4().hex[:8]}{number}").encode()
            status, headers, _ = server.fetch("/signup/", cookie=cookie, data=body)
            post_queries[f"{status}:{headers.get('X-Bench-DB-Queries', '?')}"] += 1
        return {"get_queries": dict(get_queries), "get_set_cookie": dict(get_cookies), "post": dict(post_queries)}
    finally:
        server.stop()


def scenario_form_size(harness: Harness) -> dict[int, dict[str, Summary]]:
    args = harness.args
    results = {}
    for count in args.field_counts:
        harness.configure_fields(count)
        server = harness.gunicorn(f"fields-{count}")
        try:
            harness.stub_control("/__delay?ms=0")
            cookie, token = server.csrf("/signup/")
            body = harness.signup_body(token)
            get = lambda server=server: harness.wrk_run(  # noqa: E731
                server, "GET", method="GET", path="/signup/", concurrency=args.concurrency, seconds=args.seconds
            )
            post = lambda server=server, cookie=cookie, body=body: harness.wrk_run(  # noqa: E731
                server,
                "POST",
                method="POST",
                path="/signup/",
                cookie=cookie,
                body=body,
                concurrency=args.concurrency,
                seconds=args.seconds,
                expect=302,
            )
            harness.log(f" {count} fields")
            harness.warm(get, post)
            results[count] = interleaved(harness, args.rounds, [("GET", get), ("POST", post)])
        finally:
            server.stop()
    harness.configure_fields(1)
    return results


def profile(harness: Harness, server: Gunicorn, out: Path) -> None:
    """py-spy over all gunicorn processes: where CPU goes (GIL holders only) for a sign-up and the form page with
    the stand-in answering at once, and where wall time goes for a sign-up with the stand-in's delay."""
    pyspy = shutil.which("py-spy") or str(Path(harness.python).parent / "py-spy")
    out.mkdir(parents=True, exist_ok=True)
    cookie, token = server.csrf("/signup/")
    post = {"method": "POST", "path": "/signup/", "cookie": cookie, "body": harness.signup_body(token), "expect": 302}
    cases = (
        ("cpu-signup-post", 0, ["--gil"], harness.args.concurrency, post),
        ("cpu-signup-get", 0, ["--gil"], harness.args.concurrency, {"method": "GET", "path": "/signup/"}),
        ("wall-signup-post-delay", harness.args.delay_ms, ["--idle"], harness.args.ladder[0], post),
    )
    for name, delay, mode, concurrency, kwargs in cases:
        harness.stub_control(f"/__delay?ms={delay}")
        seconds = max(4, harness.args.seconds)
        harness.wrk_run(server, name, concurrency=concurrency, seconds=2, **kwargs)  # warm-up, not profiled
        for fmt, suffix in (("raw", "txt"), ("flamegraph", "svg")):
            spy = subprocess.Popen(  # noqa: S603
                [
                    pyspy,
                    "record",
                    "--pid",
                    str(server.process.pid),
                    "--subprocesses",
                    *mode,
                    "--rate",
                    "250",
                    "--duration",
                    str(seconds),
                    "--format",
                    fmt,
                    "--output",
                    str(out / f"{name}.{suffix}"),
                    "--nonblocking",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(0.5)
            harness.wrk_run(server, name, concurrency=concurrency, seconds=seconds, **kwargs)
            spy.wait(30)
        harness.log(f"  profile {name}: {out / (name + '.svg')}")
        print_profile(out / f"{name}.txt", name)
    harness.stub_control("/__delay?ms=0")


def print_profile(path: Path, name: str) -> None:
    """Inclusive share of samples per function (busy threads only), for the functions that matter."""
    if not path.exists():
        print(f"(no profile for {name}: py-spy failed; it needs ptrace rights)")
        return
    inclusive: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not count.isdigit() or not any("WSGIHandler.__call__" in frame for frame in frames):
            continue  # a thread that is not serving a request (waiting for work, the arbiter, ...)
        total += int(count)
        for frame in set(frames):
            inclusive[frame] += int(count)
    print(f"\nProfile {name}: {total} samples in requests (on CPU or waiting); inclusive share")
    interesting = [
        (f, c)
        for f, c in inclusive.most_common()
        if any(k in f for k in ("signup/", "django/", "botocore/", "redis/", "bench/"))
    ]
    for frame, count in interesting[:25]:
        print(f"  {100 * count / max(total, 1):5.1f}%  {frame}")


# --- output -------------------------------------------------------------------------------------------------------


def print_report(results: dict[str, Any], args: argparse.Namespace) -> None:
    p = print
    p("\n## Results" + (" (smoke run: too short for figures)" if args.smoke else ""))
    p(f"gunicorn: {results['gunicorn']}; medians of {args.rounds} run(s) of {args.seconds}s; wrk -c{args.concurrency}")
    p(
        f"machine load average (1 min) at start / end: {results['load'][0]:.1f} / {os.getloadavg()[0]:.1f}"
        f" on {os.cpu_count()} cores"
    )
    cost = results.get("cost")
    if cost:
        floor, portal = cost["floor"], cost["portal"]
        p("\n### 1. Server cost per sign-up vs the floor (stand-in answers at once)")
        p("| | req/s | p50 ms | p99 ms | errors | CPU ms/request |")
        p("|---|---:|---:|---:|---:|---:|")
        for name, s in (("floor (CSRF POST + boto3 sign_up)", floor), ("portal POST /signup/", portal)):
            p(f"| {name} | {s.rps:.0f} | {s.p50_ms:.1f} | {s.p99_ms:.1f} | {s.errors} | {s.cpu_ms_per_request:.2f} |")
        p(
            f"| **ratio portal/floor** | {floor.rps / portal.rps:.2f} (floor req/s ÷ portal) | | | | "
            f"**{portal.cpu_ms_per_request / floor.cpu_ms_per_request:.2f}** |"
        )
    latency = results.get("latency")
    if latency:
        p(f"\n### 2. Sign-up throughput, stand-in delay {args.delay_ms:.0f} ms")
        p("| concurrency | sign-ups/s | p50 ms | p99 ms | errors | CPU ms/request |")
        p("|---:|---:|---:|---:|---:|---:|")
        for s in latency:
            figures = f"{s.rps:.0f} | {s.p50_ms:.1f} | {s.p99_ms:.1f} | {s.errors} | {s.cpu_ms_per_request:.2f}"
            p(f"| {s.concurrency} | {figures} |")
        good = [s for s in latency if s.p99_ms < 150 and not s.errors]
        if good:
            best = max(good, key=lambda s: s.rps)
            p(f"Best with p99 < 150 ms and no errors: {best.rps:.0f} sign-ups/s at c={best.concurrency}")
    page = results.get("page")
    if page:
        floor, portal = page["floor"], page["portal"]
        p("\n### 3. Form page vs a bare template page")
        p("| | req/s | p50 ms | p99 ms | errors | CPU ms/request |")
        p("|---|---:|---:|---:|---:|---:|")
        for name, s in (("bare template page", floor), ("GET /signup/", portal)):
            p(f"| {name} | {s.rps:.0f} | {s.p50_ms:.1f} | {s.p99_ms:.1f} | {s.errors} | {s.cpu_ms_per_request:.2f} |")
        p(
            f"| **portal/floor** | **{portal.rps / floor.rps:.2f}x** | | | | "
            f"{portal.cpu_ms_per_request / floor.cpu_ms_per_request:.2f}x |"
        )
    queries = results.get("queries")
    if queries:
        p(
            f"DB queries per GET /signup/ after warm-up (count: requests): {queries['get_queries']}; "
            f"Set-Cookie on GET: {queries['get_set_cookie'] or 'none'}; POST status:queries: {queries['post']}"
        )
    sizes = results.get("form_size")
    if sizes:
        p("\n### 4. Cost vs form size (configured attribute fields)")
        p("| fields | GET req/s | GET CPU ms | POST req/s | POST CPU ms | POST p99 ms | errors |")
        p("|---:|---:|---:|---:|---:|---:|---:|")
        for count, pair in sizes.items():
            g, s = pair["GET"], pair["POST"]
            p(
                f"| {count} | {g.rps:.0f} | {g.cpu_ms_per_request:.2f} | {s.rps:.0f} | {s.cpu_ms_per_request:.2f} | "
                f"{s.p99_ms:.1f} | {g.errors + s.errors} |"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="a few seconds per scenario; checks it all runs")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=8, help="wrk connections for scenarios 1, 3, 4")
    parser.add_argument("--ladder", default="8,16,24,32,48,64", help="concurrency steps for scenario 2")
    parser.add_argument("--delay-ms", type=float, default=100)
    parser.add_argument("--fields", default="5,20,50", help="form sizes for scenario 4")
    parser.add_argument("--only", default="cost,latency,page,queries,size", help="scenarios to run")
    parser.add_argument("--workers", type=int, default=0, help="GUNICORN_WORKERS (default: gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, default=0, help="GUNICORN_THREADS (default: gunicorn.conf.py's)")
    parser.add_argument("--profile", type=Path, help="also profile with py-spy, writing flame graphs here")
    parser.add_argument("--json", type=Path, help="write every run's figures here")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--cache-url", default=os.environ.get("BENCH_CACHE_URL", ""))
    args = parser.parse_args(argv)
    if args.smoke:
        args.rounds, args.seconds, args.ladder = 1, 1, "16,32"
    args.ladder = [int(x) for x in args.ladder.split(",")]
    args.field_counts = [int(x) for x in args.fields.split(",")]
    only = set(args.only.split(","))

    harness = Harness(args)
    results: dict[str, Any] = {"load": os.getloadavg()}
    try:
        harness.start_stub()
        harness.prepare()
        env = harness.env()
        results["gunicorn"] = (
            f"{env.get('GUNICORN_WORKERS', 'conf')} workers x {env.get('GUNICORN_THREADS', 'conf')} threads (gthread), "
            f"database {env['DATABASE_URL'].split(':', 1)[0]}, cache {env.get('CACHE_URL', 'locmem').split(':', 1)[0]}"
        )
        server = harness.gunicorn("main")
        try:
            if "cost" in only:
                harness.log("1. cost per sign-up vs floor")
                results["cost"] = scenario_cost(harness, server)
            if "page" in only:
                harness.log("3. form page vs bare page")
                results["page"] = scenario_page(harness, server)
            if "latency" in only:
                harness.log(f"2. throughput with a {args.delay_ms:.0f} ms stand-in")
                results["latency"] = scenario_latency(harness, server)
            if args.profile:
                profile(harness, server, args.profile)
        finally:
            server.stop()
        if "queries" in only:
            harness.log("3b. queries per request")
            results["queries"] = scenario_queries(harness)
        if "size" in only:
            harness.log("4. cost vs form size")
            results["form_size"] = scenario_form_size(harness)
        stats = harness.stub_control("/__stats")
        results["stub"] = stats
    finally:
        harness.close()

    print_report(results, args)
    print(f"\nstand-in Cognito counted: {results['stub']['counts']}")
    if args.json:
        args.json.write_text(json.dumps(results, default=lambda o: asdict(o), indent=2))
    errors = sum(
        s.errors
        for value in results.values()
        for s in (value.values() if isinstance(value, dict) else value if isinstance(value, list) else [])
        if isinstance(s, Summary)
    )
    errors += sum(s.errors for pair in results.get("form_size", {}).values() for s in pair.values())
    if errors:
        print(f"\n{errors} request(s) failed (unexpected status or socket error)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
