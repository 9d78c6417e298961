"""The headline: the portal against the floor at 32 concurrent sign-ups with the stand-in answering in 100 ms, on
the production stack (PostgreSQL + Redis) and on the default stack (SQLite, no CACHE_URL), all four servers
measured in one interleaved sequence; then the form page against a bare CSRF page; then whole journeys."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass

from bench.harness import Harness
from bench.journeys import Journeys, run_journeys
from bench.load import Request, Summary, Variant, interleaved, warm, wrk_run
from bench.servers import Gunicorn, load_average

PAGE_PORTAL, PAGE_FLOOR, PAGE_FLOOR_FORM = "GET /signup/", "floor GET /page/", "floor GET /signup/"


@dataclass
class Pair:
    portal: Gunicorn
    floor: Gunicorn


@dataclass
class Headline:
    concurrency: int
    delay_ms: float
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    signup: dict[str, dict[str, Summary]]  # stack -> "portal"/"floor" -> figures
    page: dict[str, dict[str, Summary]]  # stack -> PAGE_* -> figures
    journeys: dict[str, Journeys]

    def errors(self) -> int:
        summaries = [s for side in (*self.signup.values(), *self.page.values()) for s in side.values()]
        wrk = sum(s.errors for s in summaries)
        return wrk + sum(j.http_500s + j.lost + j.failed for j in self.journeys.values())


def variant(h: Harness, label: str, server: Gunicorn, request: Request, concurrency: int) -> Variant:
    seconds = h.args.seconds
    return label, lambda: wrk_run(server, label, request, concurrency=concurrency, seconds=seconds)


def warm_up(h: Harness, variants: list[Variant]) -> None:
    """An unrecorded short run of each variant (first requests create clients, connections and caches)."""
    seconds, h.args.seconds = h.args.seconds, min(2, h.args.seconds)
    try:
        warm(*(run for _, run in variants))
    finally:
        h.args.seconds = seconds


def split(results: dict[str, Summary]) -> dict[str, dict[str, Summary]]:
    """{"stack/what": s} -> {stack: {what: s}}."""
    out: dict[str, dict[str, Summary]] = {}
    for label, summary in results.items():
        stack, what = label.split("/", 1)
        out.setdefault(stack, {})[what] = summary
    return out


def measure_signups(h: Harness, pairs: dict[str, Pair], concurrency: int) -> dict[str, dict[str, Summary]]:
    h.delay(h.args.delay_ms)
    variants: list[Variant] = []
    for stack, pair in pairs.items():
        variants.append(variant(h, f"{stack}/portal", pair.portal, h.signup_request(pair.portal), concurrency))
        floor_request = h.signup_request(pair.floor, floor=True)
        variants.append(variant(h, f"{stack}/floor", pair.floor, floor_request, concurrency))
    # Interleaved by stack too: portal and floor of each stack take turns with the other stack's.
    warm_up(h, variants)
    return split(interleaved(h.args.rounds, variants, h.log))


def measure_pages(h: Harness, pairs: dict[str, Pair], concurrency: int) -> dict[str, dict[str, Summary]]:
    h.delay(0)  # no Cognito call on a GET; zero delay in case one happened
    variants: list[Variant] = []
    for stack, pair in pairs.items():
        variants.append(variant(h, f"{stack}/{PAGE_PORTAL}", pair.portal, Request("GET", "/signup/"), concurrency))
        variants.append(variant(h, f"{stack}/{PAGE_FLOOR}", pair.floor, Request("GET", "/page/"), concurrency))
    main = h.main_stack.name
    floor_form = Request("GET", "/signup/")
    variants.append(variant(h, f"{main}/{PAGE_FLOOR_FORM}", pairs[main].floor, floor_form, concurrency))
    warm_up(h, variants)
    return split(interleaved(h.args.rounds, variants, h.log))


def start_pairs(h: Harness, stack: ExitStack) -> dict[str, Pair]:
    pairs = {}
    for name, config in h.stacks.items():
        portal = h.portal(config, f"headline-{name}-portal")
        stack.callback(portal.stop)
        floor = h.floor(config, f"headline-{name}-floor")
        stack.callback(floor.stop)
        pairs[name] = Pair(portal, floor)
    return pairs


def run_headline(h: Harness) -> Headline:
    concurrency, load_before = h.args.headline_concurrency, load_average()
    with ExitStack() as stack:
        pairs = start_pairs(h, stack)
        h.log(f"headline: sign-ups at c={concurrency}, stand-in delay {h.args.delay_ms:.0f} ms")
        signup = measure_signups(h, pairs, concurrency)
        h.log(f"headline: form page vs bare page at c={concurrency}")
        page = measure_pages(h, pairs, concurrency)
        h.delay(h.args.delay_ms)
        journeys = {}
        for name, pair in pairs.items():
            h.log(f"headline: {h.args.journeys} journeys on the {name} stack, {concurrency} at a time")
            journeys[name] = run_journeys(pair.portal.url, h.args.journeys, concurrency=concurrency, fields=h.fields)
        h.delay(0)
    return Headline(concurrency, h.args.delay_ms, load_before, load_average(), signup, page, journeys)


# --- output -------------------------------------------------------------------------------------------------------


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def verdict(value: float, target: float, *, at_least: bool) -> str:
    return "met" if (value >= target if at_least else value <= target) else "**not met**"


def errors_cell(s: Summary) -> str:
    return f"{s.http_5xx} / {s.other_statuses} / {s.socket_errors}"


def stack_rows(name: str, result: Headline) -> list[str]:
    portal, floor = result.signup[name]["portal"], result.signup[name]["floor"]
    pages, journeys = result.page[name], result.journeys[name]
    rows: list[tuple[str, str, str, float, str, bool]] = [
        ("sign-ups/s", f"{portal.rps:.0f}", f"{floor.rps:.0f}", ratio(portal.rps, floor.rps), "0.9", True),
        ("p99 ms", f"{portal.p99_ms:.0f}", f"{floor.p99_ms:.0f}", ratio(portal.p99_ms, floor.p99_ms), "1.3", False),
        (
            "CPU ms per sign-up",
            f"{portal.cpu_ms_per_request:.2f}",
            f"{floor.cpu_ms_per_request:.2f}",
            ratio(portal.cpu_ms_per_request, floor.cpu_ms_per_request),
            "1.3",
            False,
        ),
    ]
    page_portal, page_floor = pages[PAGE_PORTAL], pages[PAGE_FLOOR]
    page_ratio = ratio(page_portal.rps, page_floor.rps)
    lines = [
        f"| {name} | {what} | {p} | {f} | {r:.2f} | {'≥' if up else '≤'} {t} | {verdict(r, float(t), at_least=up)} |"
        for what, p, f, r, t, up in rows
    ]
    clean = portal.errors + floor.errors == 0
    errors = f"| {name} | errors: 5xx / other / socket | {errors_cell(portal)} | {errors_cell(floor)} | | none |"
    lines.append(f"{errors} {'met' if portal.errors == 0 else '**not met**'}{'' if clean else ' (see runs)'} |")
    lines.append(
        f"| {name} | form page req/s (GET /signup/ vs bare GET /page/) | {page_portal.rps:.0f} | {page_floor.rps:.0f}"
        f" | {page_ratio:.2f} | ≥ 0.8 | {verdict(page_ratio, 0.8, at_least=True)} |"
    )
    lost = journeys.http_500s + journeys.lost + journeys.failed
    lines.append(
        f"| {name} | journeys: 500s / lost / other failures | {journeys.http_500s} / {journeys.lost} / "
        f"{journeys.failed} of {journeys.total} ({journeys.signed_up} signed up) | | | none | "
        f"{'met' if lost == 0 else '**not met**'} |"
    )
    return lines


def cross_rows(result: Headline) -> list[str]:
    """The portal on the default stack against the portal on the production stack (target: within 1.5x)."""
    default, production = result.signup["default"]["portal"], result.signup["production"]["portal"]
    figures: list[tuple[str, Callable[[Summary], float], bool]] = [
        ("sign-ups/s", lambda s: s.rps, True),
        ("p99 ms", lambda s: s.p99_ms, False),
        ("CPU ms per sign-up", lambda s: s.cpu_ms_per_request, False),
    ]
    lines = []
    for what, get, up in figures:
        r = ratio(get(default), get(production))
        target = (1 / 1.5) if up else 1.5
        lines.append(
            f"| {what} | {get(default):.2f} | {get(production):.2f} | {r:.2f} | {'≥' if up else '≤'} {target:.2f} | "
            f"{verdict(r, target, at_least=up)} |"
        )
    return lines


def print_headline(result: Headline, h: Harness, gunicorn: str) -> None:
    p, args = print, h.args
    p(f"\n## Headline: {result.concurrency} concurrent sign-ups, stand-in SignUp delay {result.delay_ms:.0f} ms")
    p(f"{gunicorn}; medians of {args.rounds} interleaved run(s) of {args.seconds} s after a warm-up")
    load = " / ".join(f"{x:.2f}" for x in result.load_before), " / ".join(f"{x:.2f}" for x in result.load_after)
    p(f"load average (1 / 5 / 15 min) before: {load[0]}; after: {load[1]}")
    p("\n| stack | figure | portal | floor | portal/floor | target | |")
    p("|---|---|---:|---:|---:|---:|---|")
    for name in result.signup:
        for line in stack_rows(name, result):
            p(line)
    if "production" in result.signup and "default" in result.signup:
        p("\n### Default stack vs production stack (the portal on each; target: within 1.5x)")
        p("| figure | default | production | default/production | target | |")
        p("|---|---:|---:|---:|---:|---|")
        for line in cross_rows(result):
            p(line)
    extra = [(n, s) for pages in result.page.values() for n, s in pages.items() if n == PAGE_FLOOR_FORM]
    for _, s in extra:
        p(f"\nFor reference, the floor's Django-form page ({PAGE_FLOOR_FORM}): {s.rps:.0f} req/s")
    for name, journeys in result.journeys.items():
        if journeys.errors or journeys.failed or journeys.lost or journeys.http_500s:
            p(f"{name} journeys by GET/POST/confirm status: {dict(journeys.statuses)}; errors: {journeys.errors}")
