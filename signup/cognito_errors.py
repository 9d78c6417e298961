"""How Cognito's answers become the portal's exceptions: a closed table per operation, so anything unknown is
"unavailable" (an operator problem), never a 500. Used only by signup.cognito; kept apart so the table reads alone.

botocore's exception classes are not imported here: a ClientError's parsed response (a plain mapping) is enough,
and transport errors are matched by name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from signup import errors

_COMMON_ERRORS: dict[str, type[errors.PortalError]] = {
    "TooManyRequestsException": errors.Throttled,
    "LimitExceededException": errors.LimitExceeded,
    "InvalidParameterException": errors.InvalidParameter,
    "NotAuthorizedException": errors.CognitoMisconfigured,
    "ResourceNotFoundException": errors.CognitoMisconfigured,
    "OperationNotEnabledException": errors.CognitoMisconfigured,
    "UserLambdaValidationException": errors.SignUpRejected,
    "InvalidLambdaResponseException": errors.CognitoTriggerFailed,
    "UnexpectedLambdaException": errors.CognitoTriggerFailed,
    "InvalidSmsRoleAccessPolicyException": errors.CognitoTriggerFailed,
    "InvalidSmsRoleTrustRelationshipException": errors.CognitoTriggerFailed,
    "InvalidEmailRoleAccessPolicyException": errors.CognitoTriggerFailed,
    "CodeDeliveryFailureException": errors.CodeDeliveryFailed,
    "InternalErrorException": errors.CognitoInternalError,
    "ForbiddenException": errors.CognitoForbidden,
    "UserNotFoundException": errors.UserNotFound,
}
_PASSKEY_ERRORS: dict[str, type[errors.PortalError]] = {
    "WebAuthnRelyingPartyMismatchException": errors.PasskeyRelyingPartyMismatch,
    "WebAuthnOriginNotAllowedException": errors.PasskeyOriginNotAllowed,
    "WebAuthnChallengeNotFoundException": errors.PasskeyChallengeNotFound,
    "WebAuthnCredentialNotSupportedException": errors.PasskeyNotSupported,
    "WebAuthnClientMismatchException": errors.PasskeyClientMismatch,
    "WebAuthnNotEnabledException": errors.PasskeysNotEnabled,
    "WebAuthnConfigurationMissingException": errors.PasskeysNotConfigured,
    "LimitExceededException": errors.PasskeyLimitExceeded,
    "InvalidParameterException": errors.PasskeyInvalidCredential,
    "NotAuthorizedException": errors.PasskeySignInExpired,
    "PasswordResetRequiredException": errors.PasskeySignInExpired,
}
_OPERATION_ERRORS: dict[str, dict[str, type[errors.PortalError]]] = {
    "sign_up": {
        "UsernameExistsException": errors.UsernameExists,
        "InvalidPasswordException": errors.InvalidPassword,
    },
    "confirm_sign_up": {
        "CodeMismatchException": errors.CodeMismatch,
        "ExpiredCodeException": errors.CodeExpired,
        "TooManyFailedAttemptsException": errors.TooManyFailedAttempts,
        "AliasExistsException": errors.AliasExists,
    },
    "admin_update_user_attributes": {
        "AliasExistsException": errors.AliasExists,
        "NotAuthorizedException": errors.ChangeNotPermitted,
        "AccessDeniedException": errors.ChangeNotPermitted,
    },
    "initiate_auth": {
        "NotAuthorizedException": errors.SignInNotCompleted,
        "UserNotConfirmedException": errors.SignInNotCompleted,
        "UnsupportedOperationException": errors.SignInNotCompleted,
        "InvalidUserPoolConfigurationException": errors.SignInNotCompleted,
        "FeatureUnavailableInTierException": errors.SignInNotCompleted,
        "PasswordResetRequiredException": errors.SignInNotCompleted,
    },
    "start_web_authn_registration": _PASSKEY_ERRORS,
    "complete_web_authn_registration": _PASSKEY_ERRORS,
    "revoke_token": {
        "UnauthorizedException": errors.TokenNotRevoked,
        "UnsupportedTokenTypeException": errors.TokenNotRevoked,
        "UnsupportedOperationException": errors.TokenNotRevoked,
    },
}

# "Attributes did not conform to the schema: custom:x: Attribute does not exist in the schema." and the like.
_ATTRIBUTE_IN_MESSAGE = re.compile(r"(?:schema:\s*|^)((?:custom:|dev:)?[A-Za-z_][\w:]{0,31}):\s")
_LAMBDA_PREFIX = re.compile(r"^\s*\w+ failed with error\s*", re.IGNORECASE)
# botocore's transport errors, by class name: raised before the request left, it cannot have taken effect.
_NOT_SENT = frozenset({"ConnectTimeoutError", "EndpointConnectionError"})
_NO_CREDENTIALS = frozenset({"NoCredentialsError", "PartialCredentialsError", "CredentialRetrievalError"})
# Without credentials most IAM calls mean an operator must act; changing the address is an offer the person can do
# without (a new username), so there it answers like Cognito's own refusal.
_NO_CREDENTIALS_ERRORS: dict[str, type[errors.PortalError]] = {
    "admin_update_user_attributes": errors.ChangeNotPermitted
}


def error_code(response: Any) -> str:
    error = response.get("Error", {}) if isinstance(response, Mapping) else {}
    return str(error.get("Code", "")) if isinstance(error, Mapping) else ""


def _error_message(response: Any) -> str:
    error = response.get("Error", {}) if isinstance(response, Mapping) else {}
    return str(error.get("Message", "")) if isinstance(error, Mapping) else ""


def translate(operation: str, response: Any) -> errors.PortalError:
    """Our exception for a ClientError's parsed response to `operation`."""
    code, message = error_code(response), _error_message(response)
    detail = f"{code}: {message}"[:500]
    special = _special_case(operation, code, message, detail)
    if special is not None:
        return special
    exception_class = _OPERATION_ERRORS.get(operation, {}).get(code) or _COMMON_ERRORS.get(code)
    if exception_class is None:
        return errors.CognitoBadResponse(detail=detail)
    return exception_class(detail=detail, retry_after=retry_after(response))


def _special_case(operation: str, code: str, message: str, detail: str) -> errors.PortalError | None:
    """The answers whose meaning depends on the message, not only the code."""
    if code == "NotAuthorizedException" and operation == "confirm_sign_up" and _says_already_confirmed(message):
        # "User cannot be confirmed. Current status is CONFIRMED": the user's goal is already reached. Any other
        # NotAuthorized (secret hash, self sign-up disabled, an emulator's "User not authorized") is not success.
        return errors.AlreadyConfirmed(detail=detail)
    if code == "InvalidParameterException" and operation == "resend_confirmation_code" and "confirmed" in message:
        return errors.AlreadyConfirmed(detail=detail)
    if code == "InvalidParameterException" and (match := _ATTRIBUTE_IN_MESSAGE.search(message)):
        return errors.InvalidAttributeValue(detail=detail, field=match.group(1))
    if code == "UserLambdaValidationException":
        # The Lambda's own text is the deployment's message to its users; Cognito's prefix is not.
        return errors.SignUpRejected(detail=_LAMBDA_PREFIX.sub("", message)[:300])
    return None


def translate_transport(exc: Exception, operation: str = "") -> errors.PortalError:
    """Our exception for a botocore (non-ClientError) failure of `operation`: nothing of its text, which may echo
    parameters."""
    name = type(exc).__name__
    if name in _NOT_SENT:
        return errors.CognitoUnreachable(detail=name)
    if name == "ReadTimeoutError":
        return errors.CognitoTimeout(detail=name)
    if name in _NO_CREDENTIALS:
        return _NO_CREDENTIALS_ERRORS.get(operation, errors.CognitoMisconfigured)(detail=name)
    if name == "ParamValidationError":
        # The form validates everything the model checks; reaching this is a bug in our validation, not the user's.
        return errors.InvalidParameter(detail=name)
    return errors.CognitoBadResponse(detail=name)


def _says_already_confirmed(message: str) -> bool:
    message = message.lower()
    return "confirmed" in message and "secret" not in message


def retry_after(response: Any) -> int | None:
    """Seconds from a Retry-After header, when the service sent one (Cognito rarely does; proxies and WAF may)."""
    metadata = response.get("ResponseMetadata", {}) if isinstance(response, Mapping) else {}
    headers = metadata.get("HTTPHeaders", {}) if isinstance(metadata, Mapping) else {}
    value = str(headers.get("retry-after", "")).strip() if isinstance(headers, Mapping) else ""
    return int(value) if value.isdigit() and 0 < int(value) <= 24 * 60 * 60 else None
