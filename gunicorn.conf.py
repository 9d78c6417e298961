"""gunicorn settings for production, all from the environment (see docs/production.md).

    gunicorn portal.wsgi:application          # picks this file up from the working directory

Threaded workers: a sign-up spends most of its time waiting for Cognito, so threads (not processes) absorb that
wait: one worker per core and many threads per worker (docs/benchmarks.md: with 8 threads per worker, a 100 ms
Cognito capped a 2-core instance near 120 sign-ups/s, because keep-alive connections are not spread evenly over the
workers). Keep COGNITO_MAX_POOL_CONNECTIONS >= GUNICORN_THREADS (the settings default and post_fork do this).
"""

import gc
import os
import tempfile


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _gc_threshold() -> tuple[int, int, int]:
    value = os.environ.get("GUNICORN_GC_THRESHOLD", "").strip() or "5000,10,10"
    try:
        numbers = tuple(int(part) for part in value.split(","))
    except ValueError:
        numbers = ()
    if len(numbers) != 3 or min(numbers) < 1:
        raise SystemExit(f"GUNICORN_GC_THRESHOLD must be three positive numbers like 5000,10,10, not {value!r}")
    return numbers  # type: ignore[return-value]


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# gthread unless GUNICORN_WORKER_CLASS says otherwise (gevent is measured beside it: docs/benchmarks.md).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = _int("GUNICORN_WORKERS", 2)
threads = _int("GUNICORN_THREADS", 32)
if worker_class == "gevent":
    # A gevent worker serves each connection in a greenlet, up to worker_connections at once. Default: as many as a
    # gthread worker has threads, so the Cognito pool sized from GUNICORN_THREADS (post_fork) still covers every
    # concurrent call; raise both together (COGNITO_MAX_POOL_CONNECTIONS) for more.
    worker_connections = _int("GUNICORN_WORKER_CONNECTIONS", threads)
# A request that takes longer than this kills its worker. Cognito calls end well before (connect 2 s + read 5 s).
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Longer than the load balancer's idle timeout is wrong; shorter is fine (ALB default idle timeout: 60 s).
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 0)

# Logs to stdout/stderr for the platform to collect; the access log carries the request id the portal returns.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The path without its query string (%(U)s, not the request line %(r)s): a query string may carry an address or a
# username (?next=, old bookmarks of ?username=), and the access log is not masked like the portal's own lines.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'

# The portal alone decides what to trust of X-Forwarded-* (DJANGO_TRUSTED_PROXY_COUNT,
# DJANGO_TRUST_X_FORWARDED_PROTO): gunicorn must not turn X-Forwarded-Proto into an https url scheme by itself.
secure_scheme_headers: dict[str, str] = {}

# gunicorn 27 opens a control socket at ~/.gunicorn/gunicorn.ctl by default, and a second gunicorn silently takes
# over the same path. The portal does not use it.
control_socket_disable = True


# /metrics sums every worker's values (prometheus-client's multi-process mode): each worker writes its own files in
# this directory. Set before the workers are forked (they import prometheus-client after the fork) and emptied at
# server start, so a restart does not add the previous run's counts. PROMETHEUS_MULTIPROC_DIR may name a directory;
# by default a fresh one is made.
_metrics_dir = os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="portal-metrics-"))


def on_starting(server):
    os.makedirs(_metrics_dir, exist_ok=True)
    for name in os.listdir(_metrics_dir):
        if name.endswith(".db"):  # prometheus-client's files only: the directory may be the operator's
            os.remove(os.path.join(_metrics_dir, name))


def child_exit(server, worker):
    # The dead worker's gauges (e.g. an open circuit) stop counting; its counters stay in the sums.
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def worker_exit(server, worker):
    # The forms shown that this worker counted but has not sent yet (signup.insights), and the sign-up records
    # waiting in its batch writer (signup.records: atexit writes them too, but here a loss is logged).
    try:
        from signup import insights

        insights.flush()
    except Exception:  # an exiting worker must exit
        server.log.warning("signup.insights counts_lost reason=worker_exit", exc_info=True)
    try:
        from signup import records

        if not records.writer.flush():
            server.log.warning("signup.records lost=%d reason=worker_exit", records.writer.pending())
    except Exception:
        server.log.warning("signup.records lost=unknown reason=worker_exit", exc_info=True)


# Python's cyclic garbage collector, tuned for a worker serving 32 requests at once (docs/benchmarks.md, "Garbage
# collection"): what the worker loaded at start (Django, the models, botocore's service model: most of the heap) is
# moved out of the collector's sight once the application is loaded, and the youngest generation is collected every
# 5,000 allocations instead of 700, so the objects of requests in flight are not promoted to the older generations
# (and scanned again and again) only because 32 requests were running when a collection came. The collector's share
# of a worker's CPU fell from about 9 % to 3-4 %. GUNICORN_GC_THRESHOLD="700,10,10" restores Python's thresholds.
gc_threshold = _gc_threshold()


def post_worker_init(worker):
    gc.freeze()
    gc.set_threshold(*gc_threshold)


def post_fork(server, worker):
    # The settings size the Cognito client's connection pool from GUNICORN_THREADS; make it the real thread count
    # (even when given as --threads), so no request thread ever waits for, or opens a throwaway, connection.
    os.environ["GUNICORN_THREADS"] = str(worker.cfg.threads)
