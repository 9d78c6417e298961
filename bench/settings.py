"""The portal's own settings plus a query counter (bench.middleware). Used only by the benchmark's query-count
instance; every timed run uses portal.settings itself."""

from portal.settings import *  # noqa: F403
from portal.settings import MIDDLEWARE

MIDDLEWARE = ["bench.middleware.count_queries", *MIDDLEWARE]
