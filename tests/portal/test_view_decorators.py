"""portal.view_decorators: a class-based view's decorators applied once, in method_decorator's order."""

from __future__ import annotations

from functools import wraps

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import resolve
from django.views import View

from portal.view_decorators import decorate_view
from signup import captcha


def tagging(tag: str, applied: list[str], calls: list[str]):
    """A decorator that notes when it is applied to a view and when its wrapper runs."""

    def decorator(view):
        applied.append(tag)

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            calls.append(tag)
            response = view(request, *args, **kwargs)
            response[f"X-{tag}"] = "yes"
            return response

        return wrapper

    return decorator


def test_the_decorators_run_in_the_order_they_are_written_and_are_applied_once():
    applied: list[str] = []
    calls: list[str] = []

    @decorate_view(tagging("outer", applied, calls), tagging("inner", applied, calls))
    class Page(View):
        def get(self, request):
            calls.append("view")
            return HttpResponse("page")

    view = Page.as_view()
    for _ in range(3):
        response = view(RequestFactory().get("/"))

    assert applied == ["inner", "outer"]  # once, at as_view(), innermost first
    assert calls == ["outer", "inner", "view"] * 3
    assert response["X-outer"] == response["X-inner"] == "yes"
    assert view.view_class is Page  # what Django's as_view() marks, kept through the wrappers


def test_a_subclass_keeps_its_base_class_decorators_inside_its_own():
    applied: list[str] = []
    calls: list[str] = []

    @decorate_view(tagging("base", applied, calls))
    class Base(View):
        def get(self, request):
            return HttpResponse("page")

    @decorate_view(tagging("child", applied, calls))
    class Child(Base):
        pass

    Child.as_view()(RequestFactory().get("/"))

    assert calls == ["child", "base"]


@pytest.mark.django_db
def test_the_sign_up_page_keeps_its_never_cache_headers_and_sensitive_parameters(client):
    response = client.post("/signup/", {"username": "x y", "password": "typed"})

    assert resolve("/signup/").func.view_class.__name__ == "SignUpView"
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    hidden = response.wsgi_request.sensitive_post_parameters
    assert {"password", "password_again", *captcha.TOKEN_FIELDS} == set(hidden)
