"""The sign-up journey's state in the server-side session: which username is being confirmed, where its code went,
where the person goes afterwards, and the one-off notices between a POST and the page it redirects to.

Confirm and resend act only on what is stored here, never on a username posted by the browser. Cognito's `Session`
and the tokens of a sign-in live only here, in the server-side session store: never in a page or a cookie value.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from signup.cognito import CodeDelivery, Tokens

SESSION_KEY = "signup_journey"
TIMED_OUT_KEY = "signup_timed_out"
RETURN_URL_KEY = "signup_return_url"
NOTICE_KEY = "signup_notice"
TOKENS_KEY = "signup_tokens"


@dataclass(frozen=True)
class Journey:
    username: str
    user_sub: str
    confirmed: bool
    delivery: CodeDelivery | None
    code_sent_at: float
    #: Started for a username that already existed, under SIGNUP_UNIFORM_OUTCOME: never reveal its state.
    existing_account: bool = False
    #: SignUp succeeded in this browser session: this browser created the account (it may change the address).
    created_here: bool = False
    #: Keyed hash of the address the code went to, for the destination rate limits.
    destination_digest: str = ""
    #: Cognito's Session from SignUp, then ConfirmSignUp: signs the person in after confirmation.
    cognito_session: str = field(default="", repr=False)
    #: After confirmation, a passkey is offered before the done page.
    passkey_offer: bool = False

    def confirmed_now(self, *, cognito_session: str = "") -> Journey:
        return replace(self, confirmed=True, cognito_session=cognito_session)


_FIELDS = {f.name for f in fields(Journey)}
_DELIVERY_FIELDS = tuple(f.name for f in fields(CodeDelivery))


def journey_load(session: SessionBase) -> Journey | None:
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict) or set(data) - _FIELDS:
        return None
    try:
        delivery = data.get("delivery")
        values: dict[str, Any] = {**data, "delivery": CodeDelivery(**delivery) if delivery else None}
        journey = Journey(**values)
    except (KeyError, TypeError, ValueError):
        return None
    return journey if isinstance(journey.username, str) and journey.username else None


def journey_save(session: SessionBase, journey: Journey) -> None:
    # What dataclasses.asdict would give, without its recursive deep copy of every value (all are immutable here).
    data = {name: getattr(journey, name) for name in _FIELDS}
    if journey.delivery is not None:
        data["delivery"] = {name: getattr(journey.delivery, name) for name in _DELIVERY_FIELDS}
    session[SESSION_KEY] = data


def journey_clear(session: SessionBase) -> None:
    for key in (SESSION_KEY, TOKENS_KEY):
        session.pop(key, None)


def sign_up_timed_out_remember(session: SessionBase, username: str) -> None:
    """A SignUp for this username got no answer: it may have gone through."""
    session[TIMED_OUT_KEY] = username


def sign_up_timed_out_for(session: SessionBase, username: str) -> bool:
    return session.get(TIMED_OUT_KEY) == username


def sign_up_timed_out_forget(session: SessionBase) -> None:
    session.pop(TIMED_OUT_KEY, None)


# --- Where to go afterwards ---------------------------------------------------------------------------------------


def return_url_remember(session: SessionBase, url: str) -> None:
    if session.get(RETURN_URL_KEY) != url:
        session[RETURN_URL_KEY] = url


def return_url(session: SessionBase) -> str:
    value = session.get(RETURN_URL_KEY, "")
    return value if isinstance(value, str) else ""


# --- One-off notices (POST, redirect, GET) ------------------------------------------------------------------------


def notice_set(session: SessionBase, code: str) -> None:
    """A stable code (an error's or a success's) for the page the POST redirects to."""
    session[NOTICE_KEY] = code


def notice_pop(session: SessionBase) -> str:
    value = session.pop(NOTICE_KEY, "") if NOTICE_KEY in session else ""
    return value if isinstance(value, str) else ""


# --- A sign-in's tokens, only for the passkey step ----------------------------------------------------------------


def tokens_save(session: SessionBase, tokens: Tokens) -> None:
    session[TOKENS_KEY] = {"access_token": tokens.access_token, "refresh_token": tokens.refresh_token}


def tokens_load(session: SessionBase) -> Tokens | None:
    data = session.get(TOKENS_KEY)
    if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
        return None
    return Tokens(access_token=data["access_token"], refresh_token=str(data.get("refresh_token") or ""))


def tokens_drop(session: SessionBase) -> Tokens | None:
    tokens = tokens_load(session)
    session.pop(TOKENS_KEY, None)
    return tokens
