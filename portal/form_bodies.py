"""Request bodies the portal's forms take: small forms, no files.

Django limits a URL-encoded body (DATA_UPLOAD_MAX_MEMORY_SIZE, DATA_UPLOAD_MAX_NUMBER_FIELDS), but streams multipart
file parts to disk without any total limit, and CsrfViewMiddleware parses the body before a view could refuse it.
So this middleware, placed before it, caps every POST body outside the admin at DATA_UPLOAD_MAX_MEMORY_SIZE by its
Content-Length (413 before anything is read) and skips the file parts of multipart bodies unread: the portal's
forms have no file inputs.

It also parses form bodies first, so a body Django refuses (too big, too many fields, undecodable) gets the portal's
own 400 page in every mode, never Django's debug page, which would show the raw body (the password in it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from portal.errors import error_page

logger = logging.getLogger(__name__)

_UNPARSEABLE = (
    RequestDataTooBig,
    TooManyFieldsSent,
    SuspiciousOperation,
    MultiPartParserError,
    BadRequest,
    UnicodeError,
)


class SkipFiles(FileUploadHandler):
    """Reads no uploaded file: every file part is skipped."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        raise SkipFile()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:  # pragma: no cover - never reached
        return None

    def file_complete(self, file_size: int) -> None:  # pragma: no cover - never reached
        return None


def _declared_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


class FormBodyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if (
            request.method == "POST"
            and not request.path_info.startswith("/admin/")
            and (refused := self._refused(request))
        ):
            return refused
        return self.get_response(request)

    def _refused(self, request: HttpRequest) -> HttpResponse | None:
        length = _declared_length(request)
        if length is None or length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            logger.info("form_body.refused reason=too_large path=%s", request.path)
            return error_page(request, 413, explanation=_("What your browser sent is too large for this form."))
        request.upload_handlers = [SkipFiles(request)]
        try:
            request.POST  # noqa: B018 (parse now, where a failure can still get our own page)
        except _UNPARSEABLE as exc:
            logger.info("form_body.refused reason=%s path=%s", type(exc).__name__, request.path)
            return error_page(request, 400)
        return None
