"""Signing in right after confirmation, and the passkey the person may leave with.

Cognito returns a `Session` from SignUp and ConfirmSignUp; passed to InitiateAuth (USER_AUTH) the confirmation code
counts as the first factor and Cognito returns tokens without asking again. With them, StartWebAuthnRegistration
and CompleteWebAuthnRegistration register a passkey. Everything here is optional: whatever fails, the account is
signed up and confirmed, and the person goes on to the done page. The tokens stay in the server session only until
the passkey step ends; then they are dropped and the refresh token is revoked. They are never rendered or logged.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

from signup import cognito, errors, pool
from signup.cognito import RequestContext
from signup.journey import Journey, journey_load, journey_save, tokens_drop, tokens_load, tokens_save

logger = logging.getLogger(__name__)


def sign_in_enabled() -> bool:
    return bool(settings.SIGNUP_SIGN_IN_AFTER_CONFIRM) or passkeys_enabled()


def passkeys_enabled() -> bool:
    return settings.SIGNUP_PASSKEYS == "offer"


def _pool_allows_passkeys() -> bool:
    description = pool.user_pool_description()
    if description is None:
        return True  # cannot tell: StartWebAuthnRegistration will say, and the step then ends quietly
    policy = (description.get("Policies") or {}).get("SignInPolicy") or {}
    return "WEB_AUTHN" in (policy.get("AllowedFirstAuthFactors") or [])


def after_confirm(*, session: SessionBase, journey: Journey, context: RequestContext) -> Journey:
    """Sign in with the confirmation's Session when configured; the journey says whether a passkey is offered."""
    signed_out = replace(journey, cognito_session="", passkey_offer=False)
    passkey_step_tokens_revoke(session)  # an earlier journey's in this browser session, never left behind
    if not sign_in_enabled():
        return signed_out
    if not journey.cognito_session:
        logger.info("signup.sign_in outcome=skipped reason=no_session user_sub=%s", journey.user_sub or "-")
        return signed_out
    try:
        tokens = cognito.initiate_auth_with_session(
            username=journey.username, session=journey.cognito_session, context=context
        )
    except errors.PortalError as error:
        logger.info("signup.sign_in outcome=skipped reason=%s user_sub=%s", error.code, journey.user_sub or "-")
        return signed_out
    logger.info("signup.sign_in outcome=success user_sub=%s", journey.user_sub or "-")
    if passkeys_enabled():
        if _pool_allows_passkeys():
            tokens_save(session, tokens)
            return replace(signed_out, passkey_offer=True)
        logger.info("signup.passkey outcome=not_offered reason=pool_without_web_authn")
    _revoke(tokens)
    return signed_out


def passkey_creation_options(*, session: SessionBase) -> dict[str, Any]:
    """The options for navigator.credentials.create(), from StartWebAuthnRegistration."""
    tokens = _tokens_for_offer(session)
    return cognito.start_passkey_registration(access_token=tokens.access_token)


def passkey_register(*, session: SessionBase, credential: Mapping[str, Any]) -> Journey:
    """Store the browser's new credential with CompleteWebAuthnRegistration, then end the passkey step."""
    tokens = _tokens_for_offer(session)
    try:
        cognito.complete_passkey_registration(access_token=tokens.access_token, credential=credential)
    except errors.PortalError as error:
        logger.info("signup.passkey outcome=%s", error.code)
        raise
    logger.info("signup.passkey outcome=registered")
    return passkey_step_end(session=session)


def passkey_step_end(*, session: SessionBase) -> Journey:
    """ "Not now", a failure the person gave up on, or success: drop the tokens, revoke, go on to the done page."""
    passkey_step_tokens_revoke(session)
    journey = journey_load(session)
    if journey is None:
        raise errors.NoSignUpInProgress()
    ended = replace(journey, passkey_offer=False)
    journey_save(session, ended)
    return ended


def passkey_step_tokens_revoke(session: SessionBase) -> None:
    """Drop the sign-in's tokens from the session, if any, and revoke the refresh token."""
    tokens = tokens_drop(session)
    if tokens is not None:
        _revoke(tokens)


def _tokens_for_offer(session: SessionBase) -> cognito.Tokens:
    journey = journey_load(session)
    tokens = tokens_load(session)
    if journey is None or not journey.passkey_offer or tokens is None:
        raise errors.PasskeySignInExpired()
    return tokens


def _revoke(tokens: cognito.Tokens) -> None:
    client = pool.user_pool_client_description()
    if not tokens.refresh_token or (client is not None and not client.get("EnableTokenRevocation", True)):
        return
    with contextlib.suppress(errors.PortalError):  # logged by the gateway; the token expires by itself
        cognito.revoke_refresh_token(refresh_token=tokens.refresh_token)
