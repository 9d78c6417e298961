"""gunicorn's production configuration: `gunicorn -c gunicorn.conf.py --no-control-socket portal.wsgi:application`.

Threaded workers, because a sign-up spends nearly all its time waiting for Cognito. Every value can be changed
from the environment.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# gunicorn 27 opens a control socket at ~/.gunicorn/gunicorn.ctl by default, and a second instance silently takes
# it over; the portal does not use it.
control_socket_disable = True
wsgi_app = "portal.wsgi:application"
