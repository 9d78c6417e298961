"""The sign-up use cases: register, confirm, resend, resume. Decisions live here; Cognito is reached only
through signup.cognito and the journey state only through signup.journey.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping

from django.contrib.sessions.backends.base import SessionBase
from django.views.decorators.debug import sensitive_variables

from signup import cognito, errors
from signup.cognito import RequestContext
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
        if not sign_up_timed_out_for(session, username):
            logger.info("signup.register outcome=username_exists")
            raise
        # This browser's previous SignUp for the same username timed out: it reached Cognito after all. Treat it as
        # the user's own registration and continue to the code step with a fresh code, not as an error.
        logger.info("signup.register outcome=resumed_after_timeout")
        try:
            return _resend_and_save(session=session, username=username, context=context)
        except errors.AlreadyConfirmed:
            return _save_confirmed(session=session, username=username)
    except errors.PortalError as error:
        logger.log(
            logging.WARNING if isinstance(error, errors.ServiceUnavailable) else logging.INFO,
            "signup.register outcome=%s cognito_error=%s",
            error.code,
            error.detail.split(":", 1)[0],
        )
        raise

    sign_up_timed_out_forget(session)
    journey = Journey(
        username=username,
        user_sub=result.user_sub,
        confirmed=result.confirmed,
        delivery=result.delivery,
        code_sent_at=time.time(),
    )
    journey_save(session, journey)
    logger.info("signup.register outcome=success user_sub=%s confirmed=%s", result.user_sub, result.confirmed)
    return journey


def signup_current(*, session: SessionBase) -> Journey:
    journey = journey_load(session)
    if journey is None:
        raise errors.NoSignUpInProgress()
    return journey


def signup_confirm(*, session: SessionBase, code: str, context: RequestContext) -> Journey:
    """Confirm the username held in the session with the code the user typed."""
    journey = signup_current(session=session)
    if journey.confirmed:
        return journey
    try:
        cognito.confirm_sign_up(username=journey.username, code=code, context=context)
    except errors.AlreadyConfirmed:
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


def signup_resend(*, session: SessionBase, context: RequestContext, cooldown: int) -> Journey:
    """Send a new code to the username held in the session, at most once per `cooldown` seconds."""
    journey = signup_current(session=session)
    if journey.confirmed:
        return journey
    wait = journey.seconds_until_resend(cooldown)
    if wait > 0:
        raise errors.ResendCooldown(retry_after=wait)
    try:
        return _resend_and_save(session=session, username=journey.username, context=context, user_sub=journey.user_sub)
    except errors.AlreadyConfirmed:
        return _save_confirmed(session=session, username=journey.username, user_sub=journey.user_sub)
    except errors.UserNotFound:
        journey_clear(session)
        raise


def signup_resume(*, session: SessionBase, username: str, context: RequestContext) -> Journey:
    """Take someone back to the code step for an account that exists but was never confirmed.

    Why a resend rather than a lookup: ResendConfirmationCode is the one call that both checks the account is still
    unconfirmed and sends the code only to the address on that account, so the portal learns (and shows) nothing
    beyond Cognito's masked destination, needs no IAM rights, and a stranger gains nothing but a code sent to the
    owner. A confirmed or unknown account ends in the same neutral error.
    """
    try:
        return _resend_and_save(session=session, username=username, context=context)
    except (errors.AlreadyConfirmed, errors.UserNotFound):
        logger.info("signup.resume outcome=not_pending")
        raise errors.UserNotFound() from None


def _resend_and_save(*, session: SessionBase, username: str, context: RequestContext, user_sub: str = "") -> Journey:
    delivery = cognito.resend_confirmation_code(username=username, context=context)
    sign_up_timed_out_forget(session)
    journey = Journey(
        username=username, user_sub=user_sub, confirmed=False, delivery=delivery, code_sent_at=time.time()
    )
    journey_save(session, journey)
    logger.info("signup.resend outcome=success user_sub=%s", user_sub or "-")
    return journey


def _save_confirmed(*, session: SessionBase, username: str, user_sub: str = "") -> Journey:
    sign_up_timed_out_forget(session)
    journey = Journey(username=username, user_sub=user_sub, confirmed=True, delivery=None, code_sent_at=time.time())
    journey_save(session, journey)
    return journey
