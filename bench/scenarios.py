"""The scenarios after the headline, on the main stack (production when its servers are there):

- cost: CPU per sign-up against the floor with the stand-in answering at once (no waiting at all), wrk -c8;
- latency: sign-up throughput with the stand-in's delay at rising concurrency, until the knee;
- queries: SQL queries and session cookies per request after warm-up (an instrumented instance);
- size: the form page and the sign-up at 5, 20 and 50 configured fields;
- profile: py-spy over the portal's workers during the sign-up at 32 connections and the form page.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from bench.harness import Harness
from bench.load import Request, Summary, interleaved, summarise, warm
from bench.servers import PYTHON, Gunicorn


def scenario_cost(h: Harness, portal: Gunicorn, floor: Gunicorn) -> dict[str, Summary]:
    h.delay(0)
    portal_request, floor_request = h.signup_request(portal), h.signup_request(floor, floor=True)
    variants = [
        ("floor", lambda: h.wrk(floor, "floor", floor_request)),
        ("portal", lambda: h.wrk(portal, "portal", portal_request)),
    ]
    warm(*(run for _, run in variants))
    return interleaved(h.args.rounds, variants, h.log)


def scenario_latency(h: Harness, server: Gunicorn) -> list[Summary]:
    h.delay(h.args.delay_ms)
    request = h.signup_request(server)
    h.wrk(server, "warm-up", request, max(h.args.ladder))  # every thread's first request, stand-in connections
    steps: list[Summary] = []
    for concurrency in h.args.ladder:
        runs = [h.wrk(server, f"c={concurrency}", request, concurrency) for _ in range(h.args.rounds)]
        step = summarise(f"c={concurrency}", runs)
        steps.append(step)
        h.log(f"  c={concurrency}: {step.rps:.0f}/s p50 {step.p50_ms:.0f} ms p99 {step.p99_ms:.0f} ms")
        if len(steps) > 1 and step.rps < steps[-2].rps * 1.05:
            break  # the knee: more concurrency no longer buys throughput
        if step.errors or step.p99_ms > 1000:
            break
    h.delay(0)
    return steps


def scenario_queries(h: Harness) -> dict[str, Any]:
    """Queries and session cookies per request after warm-up, from a separate instrumented instance."""
    server = h.portal(h.main_stack, "queries", DJANGO_SETTINGS_MODULE="bench.settings", GUNICORN_WORKERS="1")
    try:
        h.delay(0)
        for _ in range(5):
            server.fetch("/signup/")
        get_queries, get_cookies = Counter(), Counter()
        for _ in range(20):
            _, headers, _ = server.fetch("/signup/")
            get_queries[headers.get("X-Bench-DB-Queries", "?")] += 1
            for cookie in headers.get_all("Set-Cookie") or []:
                get_cookies[cookie.split("=", 1)[0]] += 1
        cookie, token = server.csrf("/signup/")
        post_queries = Counter()
        for number in range(10):
            body = h.signup_body(token).replace("@N@", f"q{uuid.uuid4().hex[:8]}{number}").encode()
            status, headers, _ = server.fetch("/signup/", cookie=cookie, data=body)
            post_queries[f"{status}:{headers.get('X-Bench-DB-Queries', '?')}"] += 1
        return {"get_queries": dict(get_queries), "get_set_cookie": dict(get_cookies), "post": dict(post_queries)}
    finally:
        server.stop()


def scenario_form_size(h: Harness) -> dict[int, dict[str, Summary]]:
    results = {}
    h.delay(0)
    for count in h.args.field_counts:
        h.configure_fields(count)
        server = h.portal(h.main_stack, f"fields-{count}")
        try:
            post_request = h.signup_request(server)
            variants = [
                ("GET", lambda server=server: h.wrk(server, "GET", Request("GET", "/signup/"))),
                ("POST", lambda server=server, r=post_request: h.wrk(server, "POST", r)),
            ]
            h.log(f" {count} fields")
            warm(*(run for _, run in variants))
            results[count] = interleaved(h.args.rounds, variants, h.log)
        finally:
            server.stop()
    h.configure_fields(1)
    return results


# --- profile ------------------------------------------------------------------------------------------------------


def spy(h: Harness, server: Gunicorn, out: Path, mode: list[str], seconds: int, fmt: str) -> subprocess.Popen[bytes]:
    pyspy = shutil.which("py-spy") or str(Path(PYTHON).parent / "py-spy")
    command = [pyspy, "record", "--pid", str(server.process.pid), "--subprocesses", *mode, "--rate", "250"]
    command += ["--duration", str(seconds), "--format", fmt, "--output", str(out), "--nonblocking"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603


def profile(h: Harness, server: Gunicorn, out: Path) -> None:
    """py-spy over all gunicorn processes during the headline's sign-up (32 connections, the stand-in's delay):
    where CPU goes (--gil: GIL holders only) and where wall time goes (--idle); and the form page's CPU."""
    out.mkdir(parents=True, exist_ok=True)
    post, concurrency = h.signup_request(server), h.args.headline_concurrency
    cases = (
        ("cpu-signup-post", h.args.delay_ms, ["--gil"], post),
        ("wall-signup-post", h.args.delay_ms, ["--idle"], post),
        ("cpu-signup-get", 0, ["--gil"], Request("GET", "/signup/")),
    )
    seconds = max(4, h.args.seconds)
    for name, delay, mode, request in cases:
        h.delay(delay)
        h.wrk(server, name, request, concurrency)  # warm-up, not profiled
        for fmt, suffix in (("raw", "txt"), ("flamegraph", "svg")):
            process = spy(h, server, out / f"{name}.{suffix}", mode, seconds, fmt)
            time.sleep(0.5)
            h.wrk(server, name, request, concurrency)
            process.wait(30)
        h.log(f"  profile {name}: {out / (name + '.svg')}")
        print_profile(out / f"{name}.txt", name)
    h.delay(0)


def read_profile(path: Path) -> tuple[int, Counter[str], Counter[str]]:
    """Samples in requests, inclusive and self counts per frame (threads serving a request only)."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        in_request = any("WSGIHandler.__call__" in f or "ASGIHandler" in f for f in frames)
        if not count.isdigit() or not in_request:
            continue  # a thread that is not serving a request (waiting for work, the arbiter, ...)
        total += int(count)
        own[frames[-1]] += int(count)
        for frame in set(frames):
            inclusive[frame] += int(count)
    return total, inclusive, own


def package(frame: str) -> str:
    """ "name (django/template/base.py:172)" -> "django/template"; the stdlib by module ("socket", "logging")."""
    path = frame.rpartition("(")[2].split(":", 1)[0]
    parts = path.split("/")
    if parts[0] in ("django", "signup", "portal", "bench") and len(parts) > 2:
        return "/".join(parts[:2])
    return parts[0].removesuffix(".py") if parts[0] else frame


def print_profile(path: Path, name: str) -> None:
    if not path.exists():
        print(f"(no profile for {name}: py-spy failed; it needs ptrace rights)")
        return
    total, inclusive, own = read_profile(path)
    share = lambda count: f"{100 * count / max(total, 1):5.1f}%"  # noqa: E731
    print(f"\nProfile {name}: {total} samples in requests")
    print("Product code, inclusive (a call with its callees):")
    product = [(f, c) for f, c in inclusive.most_common() if "(signup/" in f or "(portal/" in f]
    for frame, count in product[:20]:
        print(f"  {share(count)}  {frame}")
    by_package: Counter[str] = Counter()
    for frame, count in own.items():
        by_package[package(frame)] += count
    print("Self time by package:")
    for name_, count in by_package.most_common(12):
        print(f"  {share(count)}  {name_}")
    print("Self time by function (py-spy top's Own column):")
    for frame, count in own.most_common(12):
        print(f"  {share(count)}  {frame}")
