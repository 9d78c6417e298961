"""wrk runs and their figures: one run against one gunicorn, medians over rounds, interleaved variants."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.servers import Gunicorn

LUA = Path(__file__).resolve().parent / "lua" / "request.lua"


@dataclass(frozen=True)
class Request:
    """What wrk sends: every "@N@" in `body` becomes a unique id per request."""

    method: str
    path: str
    cookie: str = ""
    body: str = ""
    expect: int = 200


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
    statuses: dict[str, int]
    socket_errors: int
    cpu_ms_per_request: float
    expect: int = 200

    @property
    def http_5xx(self) -> int:
        return sum(count for status, count in self.statuses.items() if status.startswith("5"))

    @property
    def other_statuses(self) -> int:
        """Responses that are neither the expected status nor a 5xx."""
        return sum(c for s, c in self.statuses.items() if s != str(self.expect) and not s.startswith("5"))

    @property
    def errors(self) -> int:
        return self.http_5xx + self.other_statuses + self.socket_errors


@dataclass
class Summary:
    """The median of several runs of the same thing (errors are summed)."""

    label: str
    concurrency: int
    rps: float
    p50_ms: float
    p99_ms: float
    cpu_ms_per_request: float
    http_5xx: int
    other_statuses: int
    socket_errors: int
    runs: list[Run] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return self.http_5xx + self.other_statuses + self.socket_errors


def summarise(label: str, runs: list[Run]) -> Summary:
    return Summary(
        label=label,
        concurrency=runs[0].concurrency,
        rps=statistics.median(r.rps for r in runs),
        p50_ms=statistics.median(r.p50_ms for r in runs),
        p99_ms=statistics.median(r.p99_ms for r in runs),
        cpu_ms_per_request=statistics.median(r.cpu_ms_per_request for r in runs),
        http_5xx=sum(r.http_5xx for r in runs),
        other_statuses=sum(r.other_statuses for r in runs),
        socket_errors=sum(r.socket_errors for r in runs),
        runs=runs,
    )


def wrk_binary() -> str:
    return shutil.which("wrk") or sys.exit("wrk is not installed (Debian package wrk; scripts/bench installs it)")


def wrk_run(server: Gunicorn, label: str, request: Request, *, concurrency: int, seconds: float) -> Run:
    """One wrk run; CPU time of the gunicorn processes (master + workers) is read from /proc around it."""
    env = {
        **os.environ,
        "BENCH_METHOD": request.method,
        "BENCH_PATH": request.path,
        "BENCH_COOKIE": request.cookie,
        "BENCH_BODY": request.body,
        "BENCH_PREFIX": f"b{uuid.uuid4().hex[:10]}",
    }
    command = [wrk_binary(), f"-t{min(2, concurrency)}", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "5s"]
    command += ["-s", str(LUA), server.url]
    cpu_before = server.cpu_seconds()
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    cpu = server.cpu_seconds() - cpu_before
    line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if result.returncode or line is None:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stdout}\n{result.stderr}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    completed, duration = data["requests"], data["duration_us"] / 1e6
    return Run(
        label=label,
        concurrency=concurrency,
        requests=completed,
        seconds=duration,
        rps=completed / duration,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        statuses={str(k): int(v) for k, v in data["statuses"].items()},
        socket_errors=data["socket_errors"] + data["timeouts"],
        cpu_ms_per_request=1000 * cpu / completed if completed else float("nan"),
        expect=request.expect,
    )


Variant = tuple[str, Callable[[], Run]]


def interleaved(rounds: int, variants: list[Variant], log: Callable[[str], None]) -> dict[str, Summary]:
    """Run each variant once per round, the order reversed every other round so drift hits all sides alike."""
    runs: dict[str, list[Run]] = {label: [] for label, _ in variants}
    for number in range(rounds):
        order = variants if number % 2 == 0 else list(reversed(variants))
        for label, run in order:
            result = run()
            runs[label].append(result)
            log(
                f"  {label}: {result.rps:.0f} req/s, p99 {result.p99_ms:.0f} ms, {result.cpu_ms_per_request:.2f} ms CPU"
            )
    return {label: summarise(label, items) for label, items in runs.items()}


def warm(*runs: Callable[[], Run]) -> None:
    """One unrecorded run of each: fills caches, connection pools and lazily created clients."""
    for run in runs:
        run()
