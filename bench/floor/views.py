"""The floor's two pages.

`/signup/`: GET renders a Django form (username, password, e-mail) with `{% csrf_token %}`; POST validates the same
form, makes one boto3 `sign_up` (SecretHash, UserContextData.IpAddress), writes the outcome to the session and
answers 302. `/page/`: a bare template page with a CSRF form, the comparison for the portal's form page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
from typing import Any

import boto3
import botocore.exceptions
from botocore.config import Config
from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

_client: Any = None
_lock = threading.Lock()


class SignUpForm(forms.Form):
    username = forms.CharField(max_length=128)
    password = forms.CharField(strip=False, widget=forms.PasswordInput)
    email = forms.EmailField()


def cognito() -> Any:
    """One client per process, created lazily, configured as the portal configures its public client."""
    global _client
    if _client is None:
        with _lock:
            if _client is None:
                config = Config(
                    connect_timeout=settings.COGNITO_CONNECT_TIMEOUT,
                    read_timeout=settings.COGNITO_READ_TIMEOUT,
                    max_pool_connections=settings.COGNITO_MAX_POOL_CONNECTIONS,
                    retries={"mode": "standard", "total_max_attempts": 1},
                )
                _client = boto3.session.Session().client(
                    "cognito-idp", region_name=settings.COGNITO_REGION, config=config
                )
    return _client


def secret_hash(username: str) -> str:
    message = (username + settings.COGNITO_CLIENT_ID).encode()
    mac = hmac.new(settings.COGNITO_CLIENT_SECRET.encode(), message, hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def sign_up(request: HttpRequest, data: dict[str, str]) -> dict[str, Any]:
    return cognito().sign_up(
        ClientId=settings.COGNITO_CLIENT_ID,
        SecretHash=secret_hash(data["username"]),
        Username=data["username"],
        Password=data["password"],
        UserAttributes=[{"Name": "email", "Value": data["email"]}],
        UserContextData={"IpAddress": request.META["REMOTE_ADDR"]},
    )


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            reply = sign_up(request, form.cleaned_data)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError):
            form.add_error(None, "We could not create your account. Please try again.")
        else:
            request.session["signup"] = {"username": form.cleaned_data["username"], "user_sub": reply["UserSub"]}
            return HttpResponseRedirect("/page/")
    return render(request, "floor/signup.html", {"form": form})


@require_GET
def page(request: HttpRequest) -> HttpResponse:
    return render(request, "floor/page.html")
