"""The portal's own settings plus the benchmark's floor pages (bench.urls). Used only by scripts/bench."""

from portal.settings import *  # noqa: F403
from portal.settings import INSTALLED_APPS, MIDDLEWARE, env

ROOT_URLCONF = "bench.urls"
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # for bench/templates/

# Off by default so the timed runs carry no instrumentation; the harness switches it on for the query count.
if env.bool("BENCH_COUNT_QUERIES", default=False):
    MIDDLEWARE = ["bench.middleware.count_queries", *MIDDLEWARE]
