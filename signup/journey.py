"""The sign-up journey's state in the session: which username is being confirmed and where its code went.

Confirm and resend act only on what is stored here, never on a username posted by the browser.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from django.contrib.sessions.backends.base import SessionBase

from signup.cognito import CodeDelivery

SESSION_KEY = "signup_journey"
TIMED_OUT_KEY = "signup_timed_out"


@dataclass(frozen=True)
class Journey:
    username: str
    user_sub: str
    confirmed: bool
    delivery: CodeDelivery | None
    code_sent_at: float
    #: Started for a username that already existed, under SIGNUP_UNIFORM_OUTCOME: never reveal its state.
    existing_account: bool = False

    def seconds_until_resend(self, cooldown: int, now: float | None = None) -> int:
        now = time.time() if now is None else now
        return max(0, int(self.code_sent_at + cooldown - now + 0.999))


def journey_load(session: SessionBase) -> Journey | None:
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    try:
        delivery = CodeDelivery(**data["delivery"]) if data.get("delivery") else None
        return Journey(
            username=str(data["username"]),
            user_sub=str(data.get("user_sub", "")),
            confirmed=bool(data.get("confirmed", False)),
            delivery=delivery,
            code_sent_at=float(data.get("code_sent_at", 0)),
            existing_account=bool(data.get("existing_account", False)),
        )
    except (KeyError, TypeError, ValueError):
        return None


def journey_save(session: SessionBase, journey: Journey) -> None:
    data = asdict(journey)
    session[SESSION_KEY] = data


def journey_clear(session: SessionBase) -> None:
    session.pop(SESSION_KEY, None)


def sign_up_timed_out_remember(session: SessionBase, username: str) -> None:
    """A SignUp for this username got no answer: it may have gone through."""
    session[TIMED_OUT_KEY] = username


def sign_up_timed_out_for(session: SessionBase, username: str) -> bool:
    return session.get(TIMED_OUT_KEY) == username


def sign_up_timed_out_forget(session: SessionBase) -> None:
    session.pop(TIMED_OUT_KEY, None)
