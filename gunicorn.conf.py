"""gunicorn's production configuration: `gunicorn -c gunicorn.conf.py --no-control-socket portal.wsgi:application`.

Threaded workers, because a sign-up spends nearly all its time waiting for Cognito: one worker per core, and many
threads per worker (docs/benchmarks.md: with 8 threads per worker, a 100 ms Cognito capped a 2-core instance near
120 sign-ups/s, because a load balancer's keep-alive connections are not spread evenly over the workers). Every
value can be changed from the environment.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "32"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# gunicorn 27 opens a control socket at ~/.gunicorn/gunicorn.ctl by default, and a second instance silently takes
# it over; the portal does not use it.
control_socket_disable = True
wsgi_app = "portal.wsgi:application"


def post_fork(server, worker):
    # The settings size the Cognito client's connection pool from GUNICORN_THREADS; make it the real thread count
    # (even when given as --threads), so no request thread ever waits for, or opens a throwaway, connection.
    os.environ["GUNICORN_THREADS"] = str(worker.cfg.threads)
