"""`manage.py purgesignups [--older-than DAYS]`: delete the sign-up records older than the retention period."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from signup.records import signup_record_purge


class Command(BaseCommand):
    help = "Delete sign-up records registered more than DAYS days ago (default: SIGNUP_RECORD_RETENTION_DAYS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", type=int, metavar="DAYS", dest="days", default=None)

    def handle(self, *args: Any, days: int | None, **options: Any) -> None:
        days = settings.SIGNUP_RECORD_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError("--older-than must be at least 1 day.")
        deleted = signup_record_purge(older_than_days=days)
        self.stdout.write(f"Deleted {deleted} sign-up record(s) older than {days} day(s).")
