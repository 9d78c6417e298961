"""How the journey's pages show the portal's errors and answer with the right status (and Retry-After)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import ngettext

from signup import errors

RETRY_AFTER_SECONDS = {429: 10, 503: 30}


def wait_text(seconds: int) -> str:
    if seconds < 120:
        text = ngettext("You can try again in %(count)d second.", "You can try again in %(count)d seconds.", seconds)
        return text % {"count": seconds}
    minutes = (seconds + 59) // 60
    text = ngettext("You can try again in %(count)d minute.", "You can try again in %(count)d minutes.", minutes)
    return text % {"count": minutes}


@dataclass(frozen=True)
class PageError:
    """One of our errors as the page shows it: in the error summary, and next to its field when the page has it."""

    code: str
    message: str
    field: str | None = None

    @classmethod
    def of(cls, error: errors.PortalError, *, say_how_long: bool = True) -> PageError:
        message = str(error.message)
        if say_how_long and error.retry_after:
            message = f"{message} {wait_text(error.retry_after)}"
        return cls(code=error.code, message=message, field=error.field)


def on_form(form: forms.Form, error: errors.PortalError) -> None:
    """A bound form shows our error like its own: on its field when it has it, else on the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, forms.ValidationError(PageError.of(error).message, code=error.code))


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], error: errors.PortalError | None = None
) -> TemplateResponse:
    status = error.status if error else 200
    context = {"error_code": error.code if error else "", **context}
    response = TemplateResponse(request, template, context, status=status)
    if status in RETRY_AFTER_SECONDS:
        response["Retry-After"] = str(getattr(error, "retry_after", None) or RETRY_AFTER_SECONDS[status])
    return response
