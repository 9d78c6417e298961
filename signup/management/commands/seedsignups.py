"""`manage.py seedsignups --days N [--seed S]`: made-up sign-up history for a demonstration (signup/seed.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from signup.seed import signup_history_seed


class Command(BaseCommand):
    help = "Add N days of made-up sign-up records and counters (for a demonstration; never on a real deployment)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--seed", type=int, default=1, help="The same seed gives the same history.")

    def handle(self, *args: Any, days: int, seed: int, **options: Any) -> None:
        if not 1 <= days <= 1000:
            raise CommandError("--days must be between 1 and 1000.")
        result = signup_history_seed(days=days, seed=seed, now=timezone.now())
        self.stdout.write(f"Added {result.records} sign-up record(s) over {result.hours} hour(s).")
