"""The sign-up use cases: register, confirm, resend, resume. Decisions live here; Cognito is reached only
through signup.cognito and the journey state only through signup.journey.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.views.decorators.debug import sensitive_variables

from signup import cognito, errors, risk_stats
from signup.cognito import CodeDelivery, RequestContext
from signup.journey import (
    Journey,
    journey_clear,
    journey_load,
    journey_save,
    sign_up_timed_out_for,
    sign_up_timed_out_forget,
    sign_up_timed_out_remember,
)

logger = logging.getLogger(__name__)

COOLDOWN_MEMORY_SECONDS = 60 * 60


@sensitive_variables("password")
def signup_register(
    *,
    session: SessionBase,
    username: str,
    password: str,
    user_attributes: Iterable[tuple[str, str]] = (),
    validation_data: Iterable[tuple[str, str]] = (),
    client_metadata: Mapping[str, str] | None = None,
    context: RequestContext,
) -> Journey:
    """Register the user with one SignUp call and remember the outcome in the session."""
    try:
        result = cognito.sign_up(
            username=username,
            password=password,
            user_attributes=user_attributes,
            validation_data=validation_data,
            client_metadata=client_metadata,
            context=context,
        )
    except errors.CognitoTimeout:
        sign_up_timed_out_remember(session, username)
        logger.warning("signup.register outcome=timeout")
        raise
    except errors.UsernameExists:
        if sign_up_timed_out_for(session, username):
            # This browser's previous SignUp for the same username timed out: it reached Cognito after all. Treat it
            # as the user's own registration and continue to the code step with a fresh code, not as an error.
            logger.info("signup.register outcome=resumed_after_timeout")
            try:
                return _resend_and_save(session=session, username=username, context=context)
            except errors.AlreadyConfirmed:
                return _save_confirmed(session=session, username=username)
        if settings.SIGNUP_UNIFORM_OUTCOME:
            logger.info("signup.register outcome=username_exists uniform=true")
            return _continue_existing_uniformly(session=session, username=username, context=context)
        logger.info("signup.register outcome=username_exists")
        raise
    except errors.PortalError as error:
        logger.log(
            logging.WARNING if isinstance(error, (errors.ServiceUnavailable, errors.Throttled)) else logging.INFO,
            "signup.register outcome=%s cognito_error=%s",
            error.code,
            error.detail.split(":", 1)[0],
        )
        raise

    sign_up_timed_out_forget(session)
    _risk_data_note(context, user_sub=result.user_sub)
    journey = Journey(
        username=username,
        user_sub=result.user_sub,
        confirmed=result.confirmed,
        delivery=_uniform_delivery(username) if settings.SIGNUP_UNIFORM_OUTCOME else result.delivery,
        code_sent_at=time.time(),
    )
    journey_save(session, journey)
    if not result.confirmed:
        _cooldown_start(username, journey.code_sent_at)
    logger.info("signup.register outcome=success user_sub=%s confirmed=%s", result.user_sub, result.confirmed)
    return journey


def _risk_data_note(context: RequestContext, *, user_sub: str) -> None:
    """Count whether the browser's risk data came with this sign-up, so an operator can see whether it flows."""
    if not settings.COGNITO_USER_CONTEXT_DATA:
        return  # the page did not load the risk script: nothing is missing
    present = bool(context.encoded_data)
    risk_stats.risk_data_record(present=present)
    if not present:
        logger.info("signup.register risk_data=absent user_sub=%s", user_sub)


def signup_current(*, session: SessionBase) -> Journey:
    journey = journey_load(session)
    if journey is None:
        raise errors.NoSignUpInProgress()
    return journey


@sensitive_variables("code")
def signup_confirm(*, session: SessionBase, code: str, context: RequestContext) -> Journey:
    """Confirm the username held in the session with the code the user typed."""
    journey = signup_current(session=session)
    if journey.confirmed:
        return journey
    try:
        cognito.confirm_sign_up(username=journey.username, code=code, context=context)
    except errors.AlreadyConfirmed:
        if journey.existing_account:
            # Uniform outcome: "already confirmed" would tell whoever typed this username that the account exists.
            logger.info("signup.confirm outcome=already_confirmed uniform=true")
            raise errors.CodeMismatch() from None
        logger.info("signup.confirm outcome=already_confirmed user_sub=%s", journey.user_sub)
    except errors.UserNotFound:
        journey_clear(session)
        logger.info("signup.confirm outcome=user_not_found user_sub=%s", journey.user_sub)
        raise
    except errors.PortalError as error:
        logger.info("signup.confirm outcome=%s user_sub=%s", error.code, journey.user_sub)
        raise
    else:
        logger.info("signup.confirm outcome=success user_sub=%s", journey.user_sub)
    confirmed = Journey(**{**journey.__dict__, "confirmed": True})
    journey_save(session, confirmed)
    return confirmed


def signup_resend(*, session: SessionBase, context: RequestContext, cooldown: int | None = None) -> Journey:
    """Send a new code to the username held in the session, at most once per `cooldown` seconds."""
    journey = signup_current(session=session)
    if journey.confirmed:
        return journey
    wait = signup_resend_wait(journey=journey, cooldown=cooldown)
    if wait > 0:
        logger.info("signup.resend outcome=cooldown user_sub=%s", journey.user_sub or "-")
        raise errors.ResendCooldown(retry_after=wait)
    if journey.existing_account:
        return _continue_existing_uniformly(session=session, username=journey.username, context=context)
    try:
        return _resend_and_save(session=session, username=journey.username, context=context, user_sub=journey.user_sub)
    except errors.AlreadyConfirmed:
        return _save_confirmed(session=session, username=journey.username, user_sub=journey.user_sub)
    except errors.UserNotFound:
        journey_clear(session)
        raise


def signup_resend_wait(*, journey: Journey, cooldown: int | None = None) -> int:
    """Seconds until another code may be sent for this journey's username (0: now)."""
    cooldown = _cooldown(cooldown)
    return max(journey.seconds_until_resend(cooldown), _cooldown_remaining(journey.username, cooldown))


def signup_resume(
    *, session: SessionBase, username: str, context: RequestContext, cooldown: int | None = None
) -> Journey:
    """Take someone back to the code step for an account that exists but was never confirmed.

    Why a resend rather than a lookup: ResendConfirmationCode is the one call that both checks the account is still
    unconfirmed and sends the code only to the address on that account, so the portal learns (and shows) nothing
    beyond Cognito's masked destination, needs no IAM rights, and a stranger gains nothing but a code sent to the
    owner. A confirmed or unknown account ends in the same neutral error. The resend cooldown is kept per username
    in the shared cache, not only in the session, so starting over in a fresh session does not bypass it.
    """
    wait = _cooldown_remaining(username, _cooldown(cooldown))
    if wait > 0:
        logger.info("signup.resume outcome=cooldown")
        raise errors.ResendCooldown(retry_after=wait)
    try:
        return _resend_and_save(session=session, username=username, context=context)
    except (errors.AlreadyConfirmed, errors.UserNotFound):
        logger.info("signup.resume outcome=not_pending")
        raise errors.NotPending() from None


def signup_restart(*, session: SessionBase) -> None:
    """Forget the sign-up in progress ("wrong address? start again"). The account in Cognito is left as it is."""
    journey_clear(session)
    sign_up_timed_out_forget(session)
    logger.info("signup.restart")


def _resend_and_save(*, session: SessionBase, username: str, context: RequestContext, user_sub: str = "") -> Journey:
    delivery = cognito.resend_confirmation_code(username=username, context=context)
    sign_up_timed_out_forget(session)
    journey = Journey(
        username=username, user_sub=user_sub, confirmed=False, delivery=delivery, code_sent_at=time.time()
    )
    journey_save(session, journey)
    _cooldown_start(username, journey.code_sent_at)
    logger.info("signup.resend outcome=success user_sub=%s", user_sub or "-")
    return journey


def _continue_existing_uniformly(*, session: SessionBase, username: str, context: RequestContext) -> Journey:
    """SIGNUP_UNIFORM_OUTCOME: a username that already exists gets the same code step a new one gets.

    An unconfirmed account gets a fresh code, which is what its owner came back for. A confirmed one gets nothing,
    and its journey never says so: confirming fails like a wrong code, and asking for a new code looks like it worked.
    Within the resend cooldown nothing is sent, so repeated sign-ups with someone else's address cannot flood them.
    """
    if _cooldown_remaining(username, _cooldown(None)) > 0:
        logger.info("signup.resend outcome=cooldown uniform=true")
    else:
        try:
            cognito.resend_confirmation_code(username=username, context=context)
        except (errors.AlreadyConfirmed, errors.UserNotFound, errors.Throttled):
            logger.info("signup.resend outcome=not_sent uniform=true")
    sign_up_timed_out_forget(session)
    journey = Journey(
        username=username,
        user_sub="",
        confirmed=False,
        delivery=_uniform_delivery(username),
        code_sent_at=time.time(),
        existing_account=True,
    )
    journey_save(session, journey)
    _cooldown_start(username, journey.code_sent_at)
    return journey


def _uniform_delivery(username: str) -> CodeDelivery | None:
    """Where the code went, from what the user typed, so new and existing usernames show the same page. Meant for
    pools whose username is the email address (or phone number); shown in full so a typo is easy to spot."""
    if "@" in username:
        return CodeDelivery(destination=username, medium="EMAIL", attribute="email")
    if username.startswith("+"):
        return CodeDelivery(destination=username, medium="SMS", attribute="phone_number")
    return None


def _save_confirmed(*, session: SessionBase, username: str, user_sub: str = "") -> Journey:
    sign_up_timed_out_forget(session)
    journey = Journey(username=username, user_sub=user_sub, confirmed=True, delivery=None, code_sent_at=time.time())
    journey_save(session, journey)
    return journey


# --- Resend cooldown per username, in the shared cache -------------------------------------------------------------


def _cooldown(cooldown: int | None) -> int:
    return settings.SIGNUP_RESEND_COOLDOWN if cooldown is None else cooldown


def _cooldown_key(username: str) -> str:
    # Hashed: the cache may be shared infrastructure, and a username is personal data.
    digest = hashlib.sha256(f"{settings.COGNITO_CLIENT_ID}\0{username.casefold()}".encode()).hexdigest()
    return f"signup:code-sent:{digest}"


def _cooldown_start(username: str, sent_at: float) -> None:
    # The entry holds the send time; its lifetime only bounds the cache (Cognito's resend quota is per hour).
    cache.set(_cooldown_key(username), sent_at, COOLDOWN_MEMORY_SECONDS)


def _cooldown_remaining(username: str, cooldown: int) -> int:
    if cooldown <= 0:
        return 0
    sent_at = cache.get(_cooldown_key(username))
    if not isinstance(sent_at, int | float):
        return 0
    return max(0, int(sent_at + cooldown - time.time() + 0.999))
