"""`manage.py signupfields export [FILE]` / `manage.py signupfields import FILE`: the sign-up form as code."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from signup import field_config, field_rules
from signup.models import AttributeField


class Command(BaseCommand):
    help = "Export the sign-up form's attribute fields as JSON, or replace them from a JSON file (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help="Write the configuration as JSON (to stdout without FILE).")
        export.add_argument("file", nargs="?", help="Where to write; stdout when omitted.")
        load = actions.add_parser("import", help="Replace the configuration with FILE's, after validating it all.")
        load.add_argument("file", help="A JSON file written by export (or by hand, see docs/fields.md); - = stdin.")

    def handle(self, *args: Any, action: str, file: str | None, **options: Any) -> None:
        if action == "export":
            self._export(file)
        else:
            self._import(file or "-")

    def _export(self, file: str | None) -> None:
        text = field_config.attribute_field_config_dumps(field_config.attribute_field_config_export())
        if file is None:
            self.stdout.write(text, ending="")
        else:
            Path(file).write_text(text, encoding="utf-8")

    def _import(self, file: str) -> None:
        try:
            text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
            data = json.loads(text)
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        except json.JSONDecodeError as error:
            raise CommandError(f"{file} is not valid JSON: {error}") from None

        rules = field_rules.pool_rules(fresh=True)
        if rules is None:
            self.stderr.write("The user pool could not be read: only the local checks apply.")
        try:
            fields = field_config.attribute_field_config_import(data, rules=rules)
        except field_config.FieldConfigError as error:
            raise CommandError(f"Nothing was imported. {error}") from None
        self.stdout.write(f"Imported {len(fields)} field(s).")
        if rules is not None:
            configured = [field_rules.ConfiguredField.from_model(f) for f in AttributeField.objects.all()]
            for _name, message in field_rules.required_attribute_warnings(configured, rules):
                self.stderr.write(f"Warning: {message}")
