"""Work held until the response is closed (portal.after_response): it runs when the server closes the response, in
order, with the request's context; outside a request it runs at once; a failure is logged, not raised."""

from __future__ import annotations

import logging

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from portal import after_response, observability


@pytest.fixture
def request_cycle():
    """Django's two signals around a request, as the WSGI handler and the server send them; without the database's
    receivers (as in Django's test client), since these tests have no database."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)

    class Cycle:
        def start(self) -> None:
            request_started.send(sender=self.__class__, environ={})

        def close(self) -> None:
            request_finished.send(sender=self.__class__)

    yield Cycle()
    request_finished.send(sender=Cycle)  # never leave work held for the next test
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_outside_a_request_the_work_runs_at_once():
    done = []

    after_response.later(lambda: done.append("written"))

    assert done == ["written"]


def test_in_a_request_the_work_waits_for_the_response_to_be_closed(request_cycle):
    done = []
    request_cycle.start()

    after_response.later(lambda: done.append("first"))
    after_response.later(lambda: done.append("second"))
    assert done == []

    request_cycle.close()
    assert done == ["first", "second"]


def test_held_work_runs_once_and_is_not_carried_into_the_next_request(request_cycle):
    done = []
    request_cycle.start()
    after_response.later(lambda: done.append("once"))
    request_cycle.close()

    request_cycle.start()
    request_cycle.close()

    assert done == ["once"]


def test_held_work_that_fails_is_logged_and_the_rest_still_runs(request_cycle, caplog):
    done = []

    def fail() -> None:
        raise RuntimeError("the database went away")

    request_cycle.start()
    after_response.later(fail)
    after_response.later(lambda: done.append("after the failure"))

    with caplog.at_level(logging.ERROR, logger="portal.after_response"):
        request_cycle.close()

    assert done == ["after the failure"]
    assert [record.getMessage() for record in caplog.records] == [
        "after_response.failed work=test_held_work_that_fails_is_logged_and_the_rest_still_runs.<locals>.fail"
    ]


def test_held_work_logs_with_the_id_of_the_request_that_held_it(request_cycle):
    seen = []
    request_cycle.start()
    observability._request_id.set("held-by-this-request")

    after_response.later(lambda: seen.append(observability.current_request_id()))
    request_cycle.close()  # forgets the request id (portal.observability) before the held work runs

    assert seen == ["held-by-this-request"]
    assert observability.current_request_id() == "-"
