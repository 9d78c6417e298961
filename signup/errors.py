"""The portal's own exceptions. Each has a stable `code` (tests, logs and translations key on it), a user-safe
message (our own text, never Cognito's English) and optionally the form field it belongs to.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class PortalError(Exception):
    code: str = "portal_error"
    message = _("Something went wrong. Please try again.")
    field: str | None = None
    #: HTTP status the page answers with when this error is shown.
    status: int = 200

    def __init__(self, *, detail: str = "", field: str | None = None, retry_after: int | None = None) -> None:
        # `detail` is for logs only (e.g. Cognito's message); it is never shown to users.
        super().__init__(detail or self.code)
        self.detail = detail
        if field is not None:
            self.field = field
        self.retry_after = retry_after


# --- Sign-up: the user can act on these -------------------------------------------------------------------------


class UsernameExists(PortalError):
    code = "username_exists"
    message = _("This username is already taken. Choose another one.")
    field = "username"


class InvalidPassword(PortalError):
    code = "invalid_password"
    message = _("This password does not meet the password rules.")
    field = "password"


class InvalidParameter(PortalError):
    code = "invalid_parameter"
    message = _("Some of the details you entered were not accepted. Check them and try again.")


class InvalidAttributeValue(InvalidParameter):
    """Cognito named the attribute it rejected; the message lands on that field."""

    code = "invalid_attribute"
    message = _("This value was not accepted.")


class SignUpRejected(PortalError):
    """A pre sign-up Lambda trigger rejected the registration (e.g. a wrong invite code)."""

    code = "signup_rejected"
    message = _("Your registration was not accepted. Check your details and try again.")


class CodeDeliveryFailed(PortalError):
    code = "code_delivery_failed"
    message = _("We could not send you a code. Check your email address or phone number and try again.")


# --- Confirmation ------------------------------------------------------------------------------------------------


class CodeMismatch(PortalError):
    code = "code_mismatch"
    message = _("That code is not right. Check it and try again.")
    field = "code"


class CodeExpired(PortalError):
    code = "code_expired"
    message = _("That code has expired. Ask for a new code.")
    field = "code"


class TooManyFailedAttempts(PortalError):
    code = "too_many_failed_attempts"
    message = _("Too many wrong codes. Wait a while, then try again.")
    status = 429


class AliasExists(PortalError):
    code = "alias_exists"
    message = _(
        "This email address or phone number already belongs to another account. "
        "Sign in to that account instead, or sign up again with a different address."
    )


class AlreadyConfirmed(PortalError):
    code = "already_confirmed"
    message = _("This account is already confirmed. You can sign in.")


class UserNotFound(PortalError):
    code = "user_not_found"
    message = _("We could not find this registration. Please sign up again.")


class NotPending(PortalError):
    code = "not_pending"
    message = _("No account with this username is waiting for a code. Check the username, or sign up.")
    field = "username"


class ResendCooldown(PortalError):
    code = "resend_cooldown"
    message = _("Please wait before asking for another code.")
    status = 429


class ChangeNotPermitted(PortalError):
    """The portal may not change the address (no IAM rights, or Cognito refused): a new username is the way."""

    code = "change_not_permitted"
    message = _(
        "We cannot change the address of this sign-up. Start again with a different username and the right address."
    )


class NoSignUpInProgress(PortalError):
    code = "no_signup_in_progress"
    message = _("Start by signing up.")


# --- Try again later --------------------------------------------------------------------------------------------


class Throttled(PortalError):
    code = "too_many_requests"
    message = _("Too many requests right now. Please try again in a moment.")
    status = 429


class LimitExceeded(Throttled):
    code = "limit_exceeded"


class RateLimited(PortalError):
    """The portal's own rate limit (signup.ratelimits): nothing was sent to Cognito."""

    code = "rate_limited"
    message = _("You have tried this too often. Please wait a few minutes and try again.")
    status = 429


class SmsBudgetSpent(PortalError):
    """SIGNUP_SMS_LIMIT: the deployment's budget of text messages is spent for now; nothing was sent."""

    code = "sms_budget_spent"
    message = _("We cannot send text messages right now. Please try again later, or use an email address.")
    status = 429


class CaptchaFailed(PortalError):
    code = "captcha_failed"
    message = _("Please complete the check that you are not a robot, then try again.")
    field = "captcha"


class CaptchaUnavailable(PortalError):
    """The CAPTCHA provider could not be asked (SIGNUP_CAPTCHA_FAIL=closed)."""

    code = "captcha_unavailable"
    message = _("We cannot check that you are not a robot right now. Please try again in a few minutes.")
    status = 503


# --- Sign-in after sign-up and passkeys: never fatal, the account is ready whatever happens ------------------------


class SignInNotCompleted(PortalError):
    """InitiateAuth with the confirmation's Session did not sign the user in (expired, refused, a challenge)."""

    code = "sign_in_not_completed"
    message = _("Your account is ready. Sign in to continue.")


class TokenNotRevoked(PortalError):
    """RevokeToken refused (revocation off for the client, a wrong secret): the token expires by itself. Not an
    outage, so it never opens the circuit breaker; logged for the operator, never shown."""

    code = "token_not_revoked"


class PasskeyError(PortalError):
    code = "passkey_error"
    message = _("We could not save your passkey. Your account is ready; you can add a passkey later.")


class PasskeyRelyingPartyMismatch(PasskeyError):
    code = "passkey_relying_party_mismatch"


class PasskeyOriginNotAllowed(PasskeyError):
    code = "passkey_origin_not_allowed"


class PasskeyChallengeNotFound(PasskeyError):
    code = "passkey_challenge_not_found"
    message = _("This passkey request has expired. Your account is ready; you can add a passkey later.")


class PasskeyNotSupported(PasskeyError):
    code = "passkey_not_supported"
    message = _("This passkey is not supported. Your account is ready; you can add a passkey later.")


class PasskeyClientMismatch(PasskeyError):
    code = "passkey_client_mismatch"


class PasskeysNotEnabled(PasskeyError):
    code = "passkeys_not_enabled"


class PasskeysNotConfigured(PasskeyError):
    code = "passkeys_not_configured"


class PasskeyLimitExceeded(PasskeyError):
    code = "passkey_limit_exceeded"
    message = _("You have too many passkeys already. Your account is ready.")


class PasskeySignInExpired(PasskeyError):
    code = "passkey_sign_in_expired"
    message = _("This passkey step has expired. Your account is ready; you can add a passkey later.")


class PasskeyInvalidCredential(PasskeyError):
    """The browser sent something that is not a credential (never reached Cognito)."""

    code = "passkey_invalid_credential"


# --- The service is unavailable: a configuration or operations problem, never the user's ---------------------------


class ServiceUnavailable(PortalError):
    code = "service_unavailable"
    message = _("Sign-up is unavailable right now. Please try again later.")
    status = 503


class CognitoMisconfigured(ServiceUnavailable):
    """NotAuthorized / ResourceNotFound: wrong client, secret, pool or region. An operator must act."""

    code = "cognito_misconfigured"


class PasswordlessNotEnabled(ServiceUnavailable):
    """SIGNUP_PASSWORD=none, and the pool refused a sign-up without a password. An operator must act (the system
    check and the admin say what to change)."""

    code = "passwordless_not_enabled"


class PasswordNeeded(PortalError):
    """SIGNUP_PASSWORD=optional, the password left empty, and the pool refused a sign-up without one."""

    code = "password_needed"
    message = _("Choose a password: this account cannot be created without one.")
    field = "password"


class CognitoTriggerFailed(ServiceUnavailable):
    """A Lambda trigger or an SMS/email role is broken."""

    code = "cognito_trigger_failed"


class CognitoInternalError(ServiceUnavailable):
    code = "cognito_internal_error"


class CognitoForbidden(ServiceUnavailable):
    code = "cognito_forbidden"


class CognitoUnreachable(ServiceUnavailable):
    """The connection failed before the request could reach Cognito."""

    code = "cognito_unreachable"


class CognitoTimeout(ServiceUnavailable):
    """No answer in time: the request may or may not have taken effect."""

    code = "cognito_timeout"
    message = _(
        "Sign-up is unavailable right now: we did not get an answer in time. Please try again; if your first try "
        "went through, we carry on from there."
    )


class CognitoBadResponse(ServiceUnavailable):
    code = "cognito_bad_response"


class CognitoCircuitOpen(ServiceUnavailable):
    """Cognito failed repeatedly just now; the call was not attempted (signup.breaker)."""

    code = "cognito_circuit_open"


def _subclasses(cls: type[PortalError]) -> list[type[PortalError]]:
    found: list[type[PortalError]] = []
    for subclass in cls.__subclasses__():
        found += [subclass, *_subclasses(subclass)]
    return found


def error_for_code(code: str) -> PortalError | None:
    """An instance of the error with this stable code (a notice carried over a redirect), or None if unknown."""
    classes: list[type[PortalError]] = [PortalError, *_subclasses(PortalError)]
    for cls in classes:
        if cls.code == code:
            return cls()
    return None


def all_codes() -> list[str]:
    """Every stable error code, once each, in declaration order."""
    classes: list[type[PortalError]] = [PortalError, *_subclasses(PortalError)]
    return list(dict.fromkeys(cls.code for cls in classes))
