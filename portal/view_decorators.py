"""Decorators for class-based views, applied once instead of on every request.

`method_decorator(..., name="dispatch")` decorates the bound `dispatch` again on every request: a partial, each
decorator's wrapper and a `functools.update_wrapper` per decorator, every time. That was about 6 % of the cached
form page's CPU time (docs/benchmarks.md). `decorate_view` applies the same decorators, in the same order, once, to
the function `as_view()` returns, which is what Django's "decorating in URLconf" does, while keeping them written
on the class.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.utils.decorators import classonlymethod
from django.views import View

ViewClass = TypeVar("ViewClass", bound=type[View])
Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def decorate_view(*decorators: Decorator) -> Callable[[ViewClass], ViewClass]:
    """`@decorate_view(a, b)` on a View class: every `as_view()` of it returns `a(b(view))`; `a` runs first, as with
    `method_decorator([a, b], name="dispatch")`."""

    def decorate(view_class: ViewClass) -> ViewClass:
        # The nearest as_view, as a plain function: a base class's decorators stay inside, as with dispatch.
        inherited = view_class.as_view.__func__  # type: ignore[attr-defined]

        def as_view(cls: type[View], **initkwargs: Any) -> Callable[..., Any]:
            view = inherited(cls, **initkwargs)
            for decorator in reversed(decorators):
                view = decorator(view)
            return view

        view_class.as_view = classonlymethod(as_view)  # type: ignore[method-assign,assignment]
        return view_class

    return decorate
