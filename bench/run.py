"""The portal's benchmark: `scripts/bench` (or `python -m bench.run` with the services already running).

It starts, on loopback, a stand-in Cognito (bench.stub_cognito), the portal under gunicorn with the production
configuration (gunicorn.conf.py, DJANGO_DEBUG=false, rate limits off) and the floor (bench/floor: DESIGN.md's
floor, its own settings module, the same gunicorn.conf.py and environment), drives them with wrk and prints:

0. the headline: portal/floor ratios at 32 concurrent sign-ups with the stand-in answering in 100 ms, on the
   production stack (PostgreSQL + Redis) and the default stack (SQLite, no CACHE_URL); the form page against a
   bare CSRF page; whole journeys (500s, lost journeys); default stack against production stack;
1. server cost per sign-up vs the floor with the stand-in answering at once;
2. sign-up throughput with the stand-in's delay, at rising concurrency, until the knee;
3. database queries and session cookies per request after warm-up;
4. cost vs form size (5, 20 and 50 configured fields);
and with --compare REV, the portal as of git revision REV beside this checkout's and the floor (bench.compare).

The machine is shared and noisy: portal and floor are measured in the same run, interleaved (the order alternates
each round), every figure is the median of --rounds runs, and server cost is given as CPU time per request, read
from /proc for the gunicorn processes only (wrk, the stand-in and the databases run in their own processes).
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import sys
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

from bench import report, scenarios
from bench.compare import print_comparison, run_compare
from bench.harness import Harness
from bench.headline import print_headline, run_headline
from bench.servers import ROOT, WORKER_CLASSES, load_average

SCENARIOS = "headline,cost,latency,queries,size"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add = parser.add_argument
    add("--smoke", action="store_true", help="a second or so per run, both stacks; checks it all works")
    add("--rounds", type=int, default=3, help="interleaved rounds; every figure is their median")
    add("--seconds", type=int, default=5, help="length of one wrk run")
    add("--concurrency", type=int, default=8, help="wrk connections for scenarios 1 and 4")
    add("--headline-concurrency", type=int, default=32, help="connections for the headline")
    add("--journeys", type=int, default=320, help="journeys per stack in the headline's lost-journey check")
    add("--ladder", default="8,16,24,32,48,64", help="concurrency steps for scenario 2")
    add("--delay-ms", type=float, default=100, help="the stand-in's SignUp delay for the headline and scenario 2")
    add("--fields", default="5,20,50", help="form sizes for scenario 4")
    add("--only", default=SCENARIOS, help=f"scenarios to run, of {SCENARIOS} (none: only --profile)")
    add("--worker-class", choices=sorted(WORKER_CLASSES), default="gthread", help="for portal and floor alike")
    add("--workers", type=int, default=0, help="GUNICORN_WORKERS (default: gunicorn.conf.py's)")
    add("--threads", type=int, default=0, help="GUNICORN_THREADS (default: gunicorn.conf.py's)")
    add("--profile", type=Path, help="also profile the portal with py-spy, writing flame graphs here")
    add("--compare", metavar="REV", help="also serve the portal as of git revision REV beside this one (before/after)")
    add("--json", type=Path, help="write every run's figures here")
    add("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""), help="production stack's PostgreSQL")
    add("--cache-url", default=os.environ.get("BENCH_CACHE_URL", ""), help="production stack's Redis")
    args = parser.parse_args(argv)
    if args.smoke:
        args.rounds, args.seconds, args.ladder, args.journeys, args.fields = 1, 1, "16,32", 64, "5"
    args.ladder = [int(x) for x in args.ladder.split(",")]
    args.field_counts = [int(x) for x in args.fields.split(",")]
    args.only = set(args.only.split(",")) - {"none"}
    if unknown := args.only - set(SCENARIOS.split(",")):
        parser.error(f"unknown scenario(s) {', '.join(sorted(unknown))}; choose from {SCENARIOS} or none")
    return args


def describe(h: Harness) -> str:
    """The gunicorn settings the servers get: gunicorn.conf.py evaluated with their environment."""
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(h.env(h.main_stack))
        conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    concurrency = f"{conf['threads']} threads"
    if conf["worker_class"] != "gthread":
        concurrency = f"worker_connections {conf.get('worker_connections', 'default')}"
    return f"gunicorn {h.args.worker_class} ({conf['worker_class']}), {conf['workers']} workers x {concurrency}"


def run_main_scenarios(h: Harness, results: dict[str, Any]) -> None:
    """Scenarios 1 and 2 (and the profile) on one portal and one floor of the main stack."""
    portal = h.portal(h.main_stack, "main-portal")
    floor = h.floor(h.main_stack, "main-floor")
    try:
        if "cost" in h.args.only:
            h.log("1. cost per sign-up vs floor (stand-in answers at once)")
            results["cost"] = scenarios.scenario_cost(h, portal, floor)
        if "latency" in h.args.only:
            h.log(f"2. throughput with a {h.args.delay_ms:.0f} ms stand-in")
            results["latency"] = scenarios.scenario_latency(h, portal)
        if h.args.profile:
            scenarios.profile(h, portal, h.args.profile)
    finally:
        portal.stop()
        floor.stop()


def run_all(h: Harness) -> dict[str, Any]:
    results: dict[str, Any] = {"load": load_average(), "gunicorn": describe(h)}
    results["stacks"] = {name: stack.database_url.split(":", 1)[0] for name, stack in h.stacks.items()}
    if "production" not in h.stacks:
        h.log("bench: no BENCH_DATABASE_URL/BENCH_CACHE_URL: the production stack is left out")
    if "headline" in h.args.only:
        results["headline"] = run_headline(h)
    if h.args.compare:
        results["compare"] = run_compare(h)
    if h.args.only & {"cost", "latency"} or h.args.profile:
        run_main_scenarios(h, results)
    if "queries" in h.args.only:
        h.log("3. queries per request")
        results["queries"] = scenarios.scenario_queries(h)
    if "size" in h.args.only:
        h.log("4. cost vs form size")
        results["form_size"] = scenarios.scenario_form_size(h)
    assert h.stub is not None
    results["stub"] = h.stub.control("/__stats")
    results["load_end"] = load_average()
    return results


def to_json(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return str(value)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    h = Harness(args)
    try:
        h.start()
        results = run_all(h)
    finally:
        h.close()
    if "headline" in results:
        print_headline(results["headline"], h, results["gunicorn"])
    if "compare" in results:
        print_comparison(results["compare"])
    report.print_report(results, args)
    if args.json:
        args.json.write_text(json.dumps(results, default=to_json, indent=2))
    errors = report.count_errors(results)
    if errors:
        print(f"\n{errors} failure(s): unexpected statuses, socket errors, HTTP 500s or lost journeys")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
