"""WSGI entry point for gunicorn: `gunicorn portal.wsgi:application`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()

from django.apps import apps  # noqa: E402

# gunicorn runs no system checks: refuse to serve with brand settings that fail them. Other settings modules served
# through this entry point (the benchmark's floor) have no sign-up app to check.
if apps.is_installed("signup"):
    from signup.checks import refuse_failing_branding

    refuse_failing_branding()
