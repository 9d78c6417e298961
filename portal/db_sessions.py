"""Sessions in the database (the default stack: no shared cache), honest about outages like portal.cache_sessions.

Why not Django's cached_db here: with the default per-process memory cache each worker would keep its own copy of a
session, and a journey whose steps land on different workers would read a stale one.

Every write is one statement in autocommit. Django's store wraps each save in a transaction (BEGIN, the INSERT or
UPDATE, COMMIT) and deletes with a SELECT and then a transaction of its own. On SQLite, BEGIN IMMEDIATE takes the
database's only write lock, and the thread then holds it through Django's Python code until COMMIT. Under a
worker's 32 threads that thread often waits for the GIL in between, while every other writer sleeps in SQLite's
busy handler, whose sleeps grow to 100 ms. A single statement holds the lock only inside SQLite, with the GIL
released. That cut the default stack's sign-up p99 to a third (docs/benchmarks.md, the eleventh pass). A lone INSERT,
UPDATE or DELETE is atomic without a transaction, so nothing is lost; inside a transaction someone else opened,
Django's own save runs unchanged.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import DatabaseError, IntegrityError, connections, router

from portal.outage import ReportsOutages
from portal.randomness import NewSessionKeys


class SessionStore(ReportsOutages, NewSessionKeys, DatabaseSessionStore):
    def load(self) -> dict[str, Any]:
        try:
            return super().load()
        except DatabaseError as exc:
            raise self.unavailable(exc) from None

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        using = self._database_in_autocommit()
        if using is None:
            return super().save(must_create)
        session = self.create_model_instance(self._get_session(no_load=must_create))  # type: ignore[attr-defined]
        if must_create:
            try:
                session.save(force_insert=True, using=using)
            except IntegrityError:
                raise CreateError from None  # the key is taken: create() draws another
            return None
        fields = self.model._meta.concrete_fields
        columns = {field.attname: getattr(session, field.attname) for field in fields if not field.primary_key}
        # Only "no such session" is an UpdateError (Django's store also reports an outage as one, a 400 page);
        # a database that fails propagates, and the session middleware answers it with the progress-not-saved page.
        if not self.model.objects.using(using).filter(pk=session.pk).update(**columns):
            raise UpdateError
        return None

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            session_key = self.session_key
        if session_key is None:
            return
        using = self._database_in_autocommit()
        if using is None:
            return super().delete(session_key)
        # An unsaved instance with only its key: Django deletes a lone object with no relations by primary key, in
        # one statement and without a transaction (its store first reads the row back, then deletes it in one).
        self.model(session_key=session_key).delete(using=using)
        return None

    def _database_in_autocommit(self) -> str | None:
        """The sessions' database when no transaction is open on it; None inside one, where Django's code runs."""
        using = router.db_for_write(self.model)
        return None if connections[using].in_atomic_block else using
