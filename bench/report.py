"""The tables after the headline (scenarios 1 to 4) and the error count the exit status follows."""

from __future__ import annotations

import argparse
import os
from typing import Any

from bench.headline import Headline
from bench.load import Summary

p = print


def row(name: str, s: Summary) -> str:
    return f"| {name} | {s.rps:.0f} | {s.p50_ms:.1f} | {s.p99_ms:.1f} | {s.errors} | {s.cpu_ms_per_request:.2f} |"


def print_cost(cost: dict[str, Summary]) -> None:
    floor, portal = cost["floor"], cost["portal"]
    p("\n### 1. Server cost per sign-up vs the floor (stand-in answers at once)")
    p("| | req/s | p50 ms | p99 ms | errors | CPU ms/request |")
    p("|---|---:|---:|---:|---:|---:|")
    p(row("floor POST /signup/ (bench/floor)", floor))
    p(row("portal POST /signup/", portal))
    cpu = portal.cpu_ms_per_request / floor.cpu_ms_per_request
    p(f"| **portal/floor** | {portal.rps / floor.rps:.2f} | | | | **{cpu:.2f}** |")


def print_latency(latency: list[Summary], args: argparse.Namespace) -> None:
    p(f"\n### 2. Sign-up throughput, stand-in delay {args.delay_ms:.0f} ms")
    p("| concurrency | sign-ups/s | p50 ms | p99 ms | errors | CPU ms/request |")
    p("|---:|---:|---:|---:|---:|---:|")
    for s in latency:
        p(row(str(s.concurrency), s))


def print_queries(queries: dict[str, Any]) -> None:
    p("\n### 3. Database queries per request after warm-up (main stack)")
    p(
        f"GET /signup/ (queries: requests): {queries['get_queries']}; Set-Cookie on GET: "
        f"{queries['get_set_cookie'] or 'none'}; POST status:queries: {queries['post']}"
    )


def print_sizes(sizes: dict[int, dict[str, Summary]]) -> None:
    p("\n### 4. Cost vs form size (configured attribute fields)")
    p("| fields | GET req/s | GET CPU ms | POST req/s | POST CPU ms | POST p99 ms | errors |")
    p("|---:|---:|---:|---:|---:|---:|---:|")
    for count, pair in sizes.items():
        g, s = pair["GET"], pair["POST"]
        p(
            f"| {count} | {g.rps:.0f} | {g.cpu_ms_per_request:.2f} | {s.rps:.0f} | {s.cpu_ms_per_request:.2f} | "
            f"{s.p99_ms:.1f} | {g.errors + s.errors} |"
        )


def print_report(results: dict[str, Any], args: argparse.Namespace) -> None:
    p("\n## Scenarios" + (" (smoke run: too short for figures)" if args.smoke else ""))
    p(f"{results['gunicorn']}; stacks {results['stacks']}; medians of {args.rounds} run(s) of {args.seconds} s")
    start, end = (" / ".join(f"{x:.2f}" for x in results[key]) for key in ("load", "load_end"))
    p(f"load average (1 / 5 / 15 min) at start: {start}; at end: {end}; {os.cpu_count()} cores")
    if "cost" in results:
        print_cost(results["cost"])
    if "latency" in results:
        print_latency(results["latency"], args)
    if "queries" in results:
        print_queries(results["queries"])
    if "form_size" in results:
        print_sizes(results["form_size"])
    p(f"\nstand-in Cognito counted: {results['stub']['counts']}")


def count_errors(results: dict[str, Any]) -> int:
    errors = 0
    headline: Headline | None = results.get("headline")
    if headline:
        errors += headline.errors()
    if compare := results.get("compare"):
        errors += compare.errors()
    errors += sum(s.errors for s in results.get("cost", {}).values())
    errors += sum(s.errors for s in results.get("latency", []))
    errors += sum(s.errors for pair in results.get("form_size", {}).values() for s in pair.values())
    return errors
