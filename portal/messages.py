"""Django's message middleware with the storage made on first use.

Django builds the message storage (a cookie storage and a session storage behind a fallback) for every request and
asks it to save at the end. The portal's own pages show messages only through the base template, and most requests
(a sign-up POST, the cached form page) never touch them: making the storage costs each of those requests work for
nothing, and asking an untouched storage to save does nothing (`BaseStorage.update` stores only when messages were
read or added). The admin keeps working as with Django's (its check accepts a subclass).
"""

from __future__ import annotations

from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty


class MessageMiddleware(DjangoMessageMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        request._messages = SimpleLazyObject(lambda: default_storage(request))  # type: ignore[attr-defined]

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        storage = getattr(request, "_messages", None)
        if isinstance(storage, SimpleLazyObject) and storage._wrapped is empty:  # type: ignore[attr-defined]
            return response  # never made: nothing was read or added, so nothing to store
        return super().process_response(request, response)
