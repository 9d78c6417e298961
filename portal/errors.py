"""Generic error pages: our own text, the request id to quote to support, and nothing else: no
exception text, no CSRF failure reason, no stack trace, whatever DEBUG says about the rest of the site."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import requires_csrf_token

from portal.observability import current_request_id

logger = logging.getLogger(__name__)

TITLES = {
    400: _("Bad request"),
    403: _("This request was refused"),
    404: _("Page not found"),
    413: _("This request was refused"),
    429: _("Too many attempts"),
    500: _("Something went wrong"),
    503: _("Temporarily unavailable"),
}
EXPLANATIONS = {
    400: _("Your browser sent a request we could not understand."),
    403: _(
        "Your request could not be checked. If you were filling in a form, go back, reload the page "
        "and try again. Your browser must accept cookies from this site."
    ),
    404: _("There is no page at this address."),
    413: _("What your browser sent is too large for this page."),
    429: _("You have tried this too often. Please wait a few minutes and try again."),
    500: _("An unexpected error happened on our side. Please try again in a few minutes."),
    503: _("Part of our service does not answer right now. Nothing is lost: please try again in a minute."),
}


def error_page(
    request: HttpRequest | None,
    status: int,
    *,
    explanation: str = "",
    continue_url: str = "",
    continue_text: str = "",
    retry_after: int | None = None,
) -> HttpResponse:
    """The generic page for `status`, optionally with its own explanation and a link to carry on."""
    response = _error_page(
        request, status, explanation=explanation, continue_url=continue_url, continue_text=continue_text
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _error_page(request: HttpRequest | None, status: int, **extra: str) -> HttpResponse:
    request_id = getattr(request, "request_id", None) or current_request_id()
    context = {
        "status": status,
        "title": TITLES[status],
        "explanation": extra.get("explanation") or EXPLANATIONS[status],
        "request_id": request_id,
        "continue_url": extra.get("continue_url", ""),
        "continue_text": extra.get("continue_text", ""),
    }
    # Rendered without a RequestContext: a context processor that fails must not turn a 500 into a second 500.
    try:
        body = loader.get_template("errors/error.html").render(context)
    except Exception:  # last resort (e.g. a missing static manifest): still no traceback
        logger.exception("error_page.render_failed status=%s", status)
        return HttpResponse(f"{context['title']}. Reference: {request_id}\n", status=status, content_type="text/plain")
    return HttpResponse(body, status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    return _error_page(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # The reason ("Origin checking failed …", "CSRF cookie not set") goes to the log only, never to the page.
    logger.warning("csrf.failure path=%s reason=%s", request.path, reason)
    return _error_page(request, 403)
