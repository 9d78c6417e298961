"""`manage.py signupfields import` reaches a portal running in another process on its very next request: gunicorn
(gunicorn.conf.py, the production environment) on a fresh SQLite database, the import run as an operator runs it
(its own process, the same DATABASE_URL). No waiting and no polling: one GET after the import must show the field,
because every request checks the configuration's revision row."""

from __future__ import annotations

import json

import pytest

from bench import servers
from tests.load.helpers import default_stack, log_tail, portal_on

IMPORTED_LABEL = "Given name (imported)"


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("import-reaches-portal")
    # One worker: the GET after the import goes to the process whose copy the first GET warmed.
    with portal_on(default_stack(tmp), tmp, delay_ms=0, GUNICORN_WORKERS="1") as running:
        yield running


def test_an_import_shows_on_the_next_page_another_process_serves(portal, tmp_path):
    status, _, before = portal.server.fetch("/signup/")  # the server now holds its copy of the configuration
    assert status == 200, log_tail(portal)
    assert IMPORTED_LABEL not in before
    fields = [
        {"attribute_name": "email", "label": "Email", "input_type": "email", "required": True},
        {"attribute_name": "given_name", "label": IMPORTED_LABEL, "required": True},
    ]
    path = tmp_path / "fields.json"
    path.write_text(json.dumps({"version": 1, "fields": fields}), encoding="utf-8")

    servers.manage(portal.env, "manage.py", "signupfields", "import", str(path))

    status, _, after = portal.server.fetch("/signup/")
    assert status == 200, log_tail(portal)
    assert f'<label for="id_given_name">{IMPORTED_LABEL}</label>' in after
