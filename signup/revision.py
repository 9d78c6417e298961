"""The configuration revision: one number in the database that every change to the admin-configured form raises.

Each process keeps its own copy of what it built from the configuration (signup.selectors) together with the
revision it was built at, and compares it with the database's on every request that uses it: one primary-key read,
instead of a shared-cache round trip plus an unpickle, and correct on the default stack too, where every process
has its own memory cache and nothing else could tell it that `manage.py signupfields import` ran elsewhere.
"""

from __future__ import annotations

import logging

from django.db import connection, transaction
from django.db.models import F

from signup.models import ConfigurationRevision

logger = logging.getLogger(__name__)

_TABLE = ConfigurationRevision._meta.db_table
_READ = f"SELECT revision FROM {_TABLE} WHERE id = 1"  # noqa: S608 (a model's own table name, no input)


def current_revision() -> int:
    """The database's revision (0 before the first change). Raises DatabaseError when the database is down."""
    # A raw primary-key read: this runs on every sign-up and form page, and the ORM would double its cost.
    with connection.cursor() as cursor:
        cursor.execute(_READ)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def configuration_changed() -> None:
    """Raise the revision (inside the caller's transaction, if any): every process rebuilds on its next request."""
    with transaction.atomic():
        updated = ConfigurationRevision.objects.filter(id=1).update(revision=F("revision") + 1)
        if not updated:
            ConfigurationRevision.objects.get_or_create(id=1, defaults={"revision": 1})
