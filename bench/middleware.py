"""Bench-only: report how many SQL queries a request made, in the X-Bench-DB-Queries response header."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponse


def count_queries(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        count = 0

        def wrapper(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connections["default"].execute_wrapper(wrapper):
            response = get_response(request)
        response["X-Bench-DB-Queries"] = str(count)
        return response

    return middleware
