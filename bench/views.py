"""The floor the portal is measured against: what any Django app must at least do for a sign-up.

`floor_signup`: a CSRF-protected POST (CsrfViewMiddleware, as for every view) plus one direct boto3 `sign_up` with
the same parameters the portal sends. `floor_page`: a bare template page with a CSRF-protected form.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
from typing import Any

import boto3
from botocore.config import Config
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

_client: Any = None
_lock = threading.Lock()


def _boto3_client() -> Any:
    global _client
    if _client is None:
        with _lock:
            if _client is None:
                config = Config(
                    max_pool_connections=settings.COGNITO_MAX_POOL_CONNECTIONS,
                    retries={"mode": "standard", "total_max_attempts": 1},
                )
                _client = boto3.session.Session().client(
                    "cognito-idp", region_name=settings.COGNITO_REGION, config=config
                )
    return _client


@require_POST
def floor_signup(request: HttpRequest) -> HttpResponse:
    username = request.POST["username"]
    mac = hmac.new(
        settings.COGNITO_CLIENT_SECRET.encode(), (username + settings.COGNITO_CLIENT_ID).encode(), hashlib.sha256
    )
    _boto3_client().sign_up(
        ClientId=settings.COGNITO_CLIENT_ID,
        SecretHash=base64.b64encode(mac.digest()).decode(),
        Username=username,
        Password=request.POST["password"],
        UserAttributes=[{"Name": "email", "Value": request.POST["email"]}],
    )
    return HttpResponseRedirect("/bench/page/")


@require_GET
def floor_page(request: HttpRequest) -> HttpResponse:
    return render(request, "bench/page.html")
