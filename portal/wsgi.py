"""WSGI entry point for gunicorn: `gunicorn portal.wsgi:application`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()

from signup.checks import refuse_failing_branding  # noqa: E402  (needs the apps loaded)

refuse_failing_branding()
