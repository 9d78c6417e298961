"""portal.messages: Django's message middleware, with the storage made only when a request uses messages."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.functional import empty

from portal.messages import MessageMiddleware
from portal.sessions import SessionMiddleware


def _through_middleware(view, cookies: dict[str, str] | None = None):
    request = RequestFactory().get("/")
    request.COOKIES.update(cookies or {})
    handler = SessionMiddleware(MessageMiddleware(lambda req: view(req)))
    return request, handler(request)


def test_a_request_that_never_touches_messages_builds_no_storage_and_sets_no_cookie():
    request, response = _through_middleware(lambda request: HttpResponse("page"))

    assert request._messages._wrapped is empty
    assert "messages" not in response.cookies


def test_a_message_added_in_one_request_is_shown_by_the_next():
    def add(request):
        messages.success(request, "The field was saved.")
        return HttpResponse("saved")

    _, first = _through_middleware(add)
    assert "messages" in first.cookies

    shown = []

    def read(request):
        shown.extend(str(message) for message in messages.get_messages(request))
        return HttpResponse("next")

    _, second = _through_middleware(read, {"messages": first.cookies["messages"].value})

    assert shown == ["The field was saved."]
    assert second.cookies["messages"].value == ""  # read, so the cookie is cleared


def test_the_admin_accepts_it_in_place_of_djangos():
    from django.core import checks

    problems = [error.id for error in checks.run_checks() if error.id.startswith("admin.")]

    assert problems == []
