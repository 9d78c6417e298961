"""Before and after in one run: `scripts/bench --compare REV` serves the portal as of git revision REV beside this
checkout's portal and the floor, and measures all three interleaved.

Two headlines measured minutes apart on this shared box differ by as much as 0.3 in their ratios, more than most
single changes move them, so a change is judged by running both versions side by side: the same load, the same
stand-in Cognito, the same database and cache, turns taken round by round. REV is checked out into a scratch git
worktree and served from there with this checkout's environment; it runs on the database as this checkout migrated
it, so REV must not need a different schema (a REV with other migrations is refused).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import servers
from bench.harness import Harness
from bench.headline import ratio, variant, warm_up
from bench.load import Request, Summary, interleaved
from bench.servers import ROOT, Gunicorn, load_average

SIDES = ("baseline", "portal", "floor")


@dataclass
class Comparison:
    revision: str
    stack: str
    concurrency: int
    delay_ms: float
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    signups: dict[str, Summary]  # side -> figures
    pages: dict[str, Summary]

    def errors(self) -> int:
        return sum(s.errors for s in (*self.signups.values(), *self.pages.values()))


def _git(*args: str) -> str:
    result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603,S607
    if result.returncode:
        raise SystemExit(f"bench --compare: git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def _migrations(revision: str) -> set[str]:
    listing = _git("ls-tree", "-r", "--name-only", revision, "--", "signup/migrations")
    return {line for line in listing.splitlines() if line.endswith(".py")}


@contextmanager
def checkout(revision: str, scratch: Path) -> Iterator[Path]:
    """REV in a scratch worktree (removed afterwards), refused if its migrations differ from this checkout's."""
    commit = _git("rev-parse", "--verify", f"{revision}^{{commit}}")
    if _migrations(commit) != _migrations("HEAD"):
        raise SystemExit(f"bench --compare: {revision} has other migrations than this checkout; compare like schemas")
    path = scratch / "baseline"
    _git("worktree", "add", "--detach", "--quiet", str(path), commit)
    try:
        yield path
    finally:
        _git("worktree", "remove", "--force", str(path))


def _baseline(h: Harness, root: Path) -> Gunicorn:
    _, app = servers.WORKER_CLASSES[h.args.worker_class]
    env = h.env(h.main_stack, DJANGO_STATIC_ROOT=str(h.tmp / "static-baseline"))
    servers.manage(env, "manage.py", "collectstatic", "--noinput", "--clear", cwd=root)
    return Gunicorn(env, h.tmp / "gunicorn-baseline.log", app=app, root=root)


def _measure(h: Harness, sides: dict[str, Gunicorn], request: Callable[[str, Gunicorn], Request]) -> dict[str, Summary]:
    concurrency = h.args.headline_concurrency
    variants = [variant(h, name, server, request(name, server), concurrency) for name, server in sides.items()]
    warm_up(h, variants)
    return interleaved(h.args.rounds, variants, h.log)


def run_compare(h: Harness) -> Comparison:
    load_before = load_average()
    with checkout(h.args.compare, h.tmp) as root, ExitStack() as stop:
        sides = {"baseline": _baseline(h, root)}
        stop.callback(sides["baseline"].stop)
        sides["portal"] = h.portal(h.main_stack, "compare-portal")
        stop.callback(sides["portal"].stop)
        sides["floor"] = h.floor(h.main_stack, "compare-floor")
        stop.callback(sides["floor"].stop)
        h.log(f"compare: sign-ups at c={h.args.headline_concurrency}, stand-in delay {h.args.delay_ms:.0f} ms")
        h.delay(h.args.delay_ms)
        signups = _measure(h, sides, lambda name, server: h.signup_request(server, floor=name == "floor"))
        h.log("compare: form page (floor: the bare page)")
        h.delay(0)
        pages = _measure(h, sides, lambda name, _: Request("GET", "/page/" if name == "floor" else "/signup/"))
    return Comparison(
        h.args.compare,
        h.main_stack.name,
        h.args.headline_concurrency,
        h.args.delay_ms,
        load_before,
        load_average(),
        signups,
        pages,
    )


# --- output -------------------------------------------------------------------------------------------------------

Figure = tuple[str, Callable[[Summary], float]]
_SIGN_UPS: list[Figure] = [
    ("sign-ups/s", lambda s: s.rps),
    ("sign-up p99 ms", lambda s: s.p99_ms),
    ("CPU ms per sign-up", lambda s: s.cpu_ms_per_request),
]
_PAGES: list[Figure] = [("form page req/s", lambda s: s.rps), ("CPU ms per form page", lambda s: s.cpu_ms_per_request)]


def _rows(results: dict[str, Summary], figures: list[Figure]) -> list[str]:
    lines = []
    for what, get in figures:
        base, now, floor = (get(results[side]) for side in SIDES)
        lines.append(
            f"| {what} | {base:.2f} | {now:.2f} | {floor:.2f} | {ratio(base, floor):.2f} | {ratio(now, floor):.2f} | "
            f"{ratio(now, base):.2f} |"
        )
    return lines


def print_comparison(result: Comparison) -> None:
    p = print
    p(f"\n## Compare: this checkout against {result.revision} on the {result.stack} stack")
    p(f"{result.concurrency} connections; sign-ups with the stand-in answering in {result.delay_ms:.0f} ms")
    load = " / ".join(f"{x:.2f}" for x in result.load_before), " / ".join(f"{x:.2f}" for x in result.load_after)
    p(f"load average (1 / 5 / 15 min) before: {load[0]}; after: {load[1]}")
    p(f"\n| figure | {result.revision} | this checkout | floor | {result.revision}/floor | this/floor | this/before |")
    p("|---|---:|---:|---:|---:|---:|---:|")
    for line in [*_rows(result.signups, _SIGN_UPS), *_rows(result.pages, _PAGES)]:
        p(line)
    errors = {side: result.signups[side].errors + result.pages[side].errors for side in SIDES}
    p(f"\nerrors (5xx, other statuses, socket errors): {errors}")
