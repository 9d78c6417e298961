"""The gateway: secret hash, the exact requests it sends (botocore Stubber checks them against the service model)
and how every Cognito error becomes one of our exceptions."""

from __future__ import annotations

import base64
import shutil
import subprocess

import botocore.exceptions
import pytest
from botocore.stub import ANY

from signup import cognito, cognito_errors, errors
from signup.cognito import RequestContext, SignUpRequest
from tests.helpers import CLIENT_ID, CLIENT_SECRET, SIGN_UP_RESPONSE


def openssl_secret_hash(username: str, client_id: str, secret: str) -> str:
    result = subprocess.run(
        ["openssl", "dgst", "-sha256", "-hmac", secret, "-binary"],
        input=(username + client_id).encode("utf-8"),
        capture_output=True,
        check=True,
    )
    return base64.b64encode(result.stdout).decode()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
@pytest.mark.parametrize("username", ["alice", "Zoë_Ünïcødé", "用户名", "a+b@example.com", "x" * 128])
def test_secret_hash_matches_an_independent_openssl_computation(username):
    assert cognito.secret_hash(username, CLIENT_ID, CLIENT_SECRET) == openssl_secret_hash(
        username, CLIENT_ID, CLIENT_SECRET
    )


def test_secret_hash_matches_a_known_vector():
    # Computed once with: printf 'aliceclient' | openssl dgst -sha256 -hmac secret -binary | base64
    assert cognito.secret_hash("alice", "client", "secret") == "RTsve+FQ659UKyESgvLg9GYmZEL+QjzQsW/OjL77/b0="


def test_sign_up_sends_secret_hash_attributes_and_context_data_exactly(stubber):
    password = "  correct horse battery staple  "
    stubber.add_response(
        "sign_up",
        SIGN_UP_RESPONSE,
        expected_params={
            "ClientId": CLIENT_ID,
            "SecretHash": cognito.secret_hash("alice", CLIENT_ID, CLIENT_SECRET),
            "Username": "alice",
            "Password": password,
            "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}],
            "UserContextData": {"IpAddress": "203.0.113.7", "EncodedData": "risk-data"},
            "AnalyticsMetadata": {"AnalyticsEndpointId": "endpoint-1"},
        },
    )

    result = cognito.sign_up(
        SignUpRequest(username="alice", password=password, user_attributes=(("email", "alice@example.com"),)),
        RequestContext(ip_address="203.0.113.7", encoded_data="risk-data", analytics_endpoint_id="endpoint-1"),
    )

    assert result == cognito.SignUpResult(
        user_sub=SIGN_UP_RESPONSE["UserSub"],
        confirmed=False,
        delivery=cognito.CodeDelivery(destination="a***@e***", medium="EMAIL", attribute="email"),
    )


def test_sign_up_omits_empty_context_data_and_analytics(stubber):
    stubber.add_response(
        "sign_up",
        SIGN_UP_RESPONSE,
        expected_params={
            "ClientId": CLIENT_ID,
            "SecretHash": ANY,
            "Username": "alice",
            "Password": "pw-123456789",
            "UserContextData": {"IpAddress": "198.51.100.1"},
        },
    )

    result = cognito.sign_up(
        SignUpRequest(username="alice", password="pw-123456789"), RequestContext(ip_address="198.51.100.1")
    )

    stubber.assert_no_pending_responses()  # the request above, without UserAttributes or AnalyticsMetadata, was sent
    assert result.user_sub == SIGN_UP_RESPONSE["UserSub"]


def test_sign_up_without_a_client_secret_sends_no_secret_hash(stubber, settings):
    settings.COGNITO_CLIENT_SECRET = ""
    with stubber.__class__(cognito.public_client()) as public_stub:
        public_stub.add_response(
            "sign_up",
            {**SIGN_UP_RESPONSE, "UserConfirmed": True},
            expected_params={"ClientId": CLIENT_ID, "Username": "bob", "Password": "pw-123456789"},
        )
        result = cognito.sign_up(SignUpRequest(username="bob", password="pw-123456789"))
    assert result.confirmed is True


def test_sign_up_with_validation_data_and_client_metadata(stubber):
    stubber.add_response(
        "sign_up",
        SIGN_UP_RESPONSE,
        expected_params={
            "ClientId": CLIENT_ID,
            "SecretHash": ANY,
            "Username": "alice",
            "Password": "pw-123456789",
            "ValidationData": [{"Name": "invite_code", "Value": "XYZ"}],
            "ClientMetadata": {"campaign": "autumn"},
        },
    )

    result = cognito.sign_up(
        SignUpRequest(
            username="alice",
            password="pw-123456789",
            validation_data=(("invite_code", "XYZ"),),
            client_metadata=(("campaign", "autumn"),),
        )
    )

    stubber.assert_no_pending_responses()  # ValidationData and ClientMetadata reached Cognito as expected above
    assert result.user_sub == SIGN_UP_RESPONSE["UserSub"]


SIGN_UP_ERRORS = [
    ("UsernameExistsException", errors.UsernameExists, "username_exists", "username", 200),
    ("InvalidPasswordException", errors.InvalidPassword, "invalid_password", "password", 200),
    ("InvalidParameterException", errors.InvalidParameter, "invalid_parameter", None, 200),
    ("CodeDeliveryFailureException", errors.CodeDeliveryFailed, "code_delivery_failed", None, 200),
    ("UserLambdaValidationException", errors.SignUpRejected, "signup_rejected", None, 200),
    ("TooManyRequestsException", errors.Throttled, "too_many_requests", None, 429),
    ("LimitExceededException", errors.LimitExceeded, "limit_exceeded", None, 429),
    ("NotAuthorizedException", errors.CognitoMisconfigured, "cognito_misconfigured", None, 503),
    ("ResourceNotFoundException", errors.CognitoMisconfigured, "cognito_misconfigured", None, 503),
    ("InvalidLambdaResponseException", errors.CognitoTriggerFailed, "cognito_trigger_failed", None, 503),
    ("UnexpectedLambdaException", errors.CognitoTriggerFailed, "cognito_trigger_failed", None, 503),
    ("InvalidSmsRoleAccessPolicyException", errors.CognitoTriggerFailed, "cognito_trigger_failed", None, 503),
    ("InvalidSmsRoleTrustRelationshipException", errors.CognitoTriggerFailed, "cognito_trigger_failed", None, 503),
    ("InvalidEmailRoleAccessPolicyException", errors.CognitoTriggerFailed, "cognito_trigger_failed", None, 503),
    ("InternalErrorException", errors.CognitoInternalError, "cognito_internal_error", None, 503),
    ("ForbiddenException", errors.CognitoForbidden, "cognito_forbidden", None, 503),
    # Not available in this Region or pool configuration (replica Regions, feature plans): an operator must act.
    ("OperationNotEnabledException", errors.CognitoMisconfigured, "cognito_misconfigured", None, 503),
    ("SomethingNewException", errors.CognitoBadResponse, "cognito_bad_response", None, 503),
]


@pytest.mark.parametrize(("aws_code", "exception", "code", "field", "status"), SIGN_UP_ERRORS)
def test_every_sign_up_error_becomes_our_exception_with_a_stable_code(
    stubber, aws_code, exception, code, field, status
):
    http_status = 500 if aws_code == "InternalErrorException" else 400
    stubber.add_client_error("sign_up", service_error_code=aws_code, service_message="x", http_status_code=http_status)

    with pytest.raises(exception) as raised:
        cognito.sign_up(SignUpRequest(username="alice", password="pw-123456789"))

    assert type(raised.value) is exception
    assert raised.value.code == code
    assert raised.value.field == field
    assert raised.value.status == status


def test_invalid_parameter_naming_an_attribute_lands_on_that_attribute(stubber):
    stubber.add_client_error(
        "sign_up",
        service_error_code="InvalidParameterException",
        service_message=(
            "Attributes did not conform to the schema: custom:company: Attribute does not exist in the schema."
        ),
    )
    with pytest.raises(errors.InvalidAttributeValue) as raised:
        cognito.sign_up(SignUpRequest(username="alice", password="pw-123456789"))
    assert raised.value.field == "custom:company"


def test_invalid_parameter_about_the_phone_format_lands_on_the_form(stubber):
    stubber.add_client_error(
        "sign_up", service_error_code="InvalidParameterException", service_message="Invalid phone number format."
    )
    with pytest.raises(errors.InvalidParameter) as raised:
        cognito.sign_up(SignUpRequest(username="alice", password="pw-123456789"))
    assert raised.value.field is None


def test_lambda_rejection_keeps_the_lambdas_own_words_without_cognitos_prefix(stubber):
    stubber.add_client_error(
        "sign_up",
        service_error_code="UserLambdaValidationException",
        service_message="PreSignUp failed with error Invite code unknown.",
    )
    with pytest.raises(errors.SignUpRejected) as raised:
        cognito.sign_up(SignUpRequest(username="alice", password="pw-123456789"))
    assert raised.value.detail == "Invite code unknown."


CONFIRM_ERRORS = [
    ("CodeMismatchException", "", errors.CodeMismatch, "code"),
    ("ExpiredCodeException", "", errors.CodeExpired, "code"),
    ("TooManyFailedAttemptsException", "", errors.TooManyFailedAttempts, None),
    ("LimitExceededException", "", errors.LimitExceeded, None),
    ("TooManyRequestsException", "", errors.Throttled, None),
    ("AliasExistsException", "", errors.AliasExists, None),
    ("NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED", errors.AlreadyConfirmed, None),
    ("NotAuthorizedException", "Unable to verify secret hash for client x", errors.CognitoMisconfigured, None),
    # cognito-local's answer for an unknown user: not a reason to tell the user they are done
    ("NotAuthorizedException", "User not authorized", errors.CognitoMisconfigured, None),
    ("NotAuthorizedException", "SignUp is not permitted for this user pool", errors.CognitoMisconfigured, None),
    ("UserNotFoundException", "", errors.UserNotFound, None),
    ("InvalidParameterException", "", errors.InvalidParameter, None),
    ("ResourceNotFoundException", "", errors.CognitoMisconfigured, None),
    ("UnexpectedLambdaException", "", errors.CognitoTriggerFailed, None),
    ("UserLambdaValidationException", "", errors.SignUpRejected, None),
    ("InvalidLambdaResponseException", "", errors.CognitoTriggerFailed, None),
    ("InternalErrorException", "", errors.CognitoInternalError, None),
    ("ForbiddenException", "", errors.CognitoForbidden, None),
]


@pytest.mark.parametrize(("aws_code", "message", "exception", "field"), CONFIRM_ERRORS)
def test_every_confirm_error_becomes_our_exception(stubber, aws_code, message, exception, field):
    stubber.add_client_error("confirm_sign_up", service_error_code=aws_code, service_message=message)
    with pytest.raises(exception) as raised:
        cognito.confirm_sign_up(username="alice", code="123456")
    assert type(raised.value) is exception
    assert raised.value.field == field


@pytest.mark.parametrize(("header", "retry_after"), [("120", 120), ("0", None), ("soon", None), ("999999", None)])
def test_a_retry_after_from_the_service_travels_with_our_error(stubber, header, retry_after):
    stubber.add_client_error(
        "confirm_sign_up",
        service_error_code="LimitExceededException",
        response_meta={"HTTPHeaders": {"retry-after": header}},
    )
    with pytest.raises(errors.LimitExceeded) as raised:
        cognito.confirm_sign_up(username="alice", code="123456")
    assert raised.value.retry_after == retry_after


def test_confirm_sends_the_secret_hash_and_never_forces_alias_creation(stubber):
    stubber.add_response(
        "confirm_sign_up",
        {},
        expected_params={
            "ClientId": CLIENT_ID,
            "SecretHash": cognito.secret_hash("alice", CLIENT_ID, CLIENT_SECRET),
            "Username": "alice",
            "ConfirmationCode": "123456",
            "ForceAliasCreation": False,
            "UserContextData": {"IpAddress": "203.0.113.9"},
        },
    )

    cognito.confirm_sign_up(username="alice", code="123456", context=RequestContext(ip_address="203.0.113.9"))

    stubber.assert_no_pending_responses()  # the ConfirmSignUp above, ForceAliasCreation false, was sent


RESEND_ERRORS = [
    ("UserNotFoundException", "", errors.UserNotFound),
    ("InvalidParameterException", "User is already confirmed.", errors.AlreadyConfirmed),
    ("InvalidParameterException", "Something else", errors.InvalidParameter),
    ("LimitExceededException", "", errors.LimitExceeded),
    ("TooManyRequestsException", "", errors.Throttled),
    ("CodeDeliveryFailureException", "", errors.CodeDeliveryFailed),
    ("NotAuthorizedException", "", errors.CognitoMisconfigured),
    ("ResourceNotFoundException", "", errors.CognitoMisconfigured),
    ("UnexpectedLambdaException", "", errors.CognitoTriggerFailed),
    ("UserLambdaValidationException", "", errors.SignUpRejected),
    ("InvalidLambdaResponseException", "", errors.CognitoTriggerFailed),
    ("InvalidSmsRoleAccessPolicyException", "", errors.CognitoTriggerFailed),
    ("InvalidSmsRoleTrustRelationshipException", "", errors.CognitoTriggerFailed),
    ("InvalidEmailRoleAccessPolicyException", "", errors.CognitoTriggerFailed),
    ("InternalErrorException", "", errors.CognitoInternalError),
    ("ForbiddenException", "", errors.CognitoForbidden),
]


@pytest.mark.parametrize(("aws_code", "message", "exception"), RESEND_ERRORS)
def test_every_resend_error_becomes_our_exception(stubber, aws_code, message, exception):
    stubber.add_client_error("resend_confirmation_code", service_error_code=aws_code, service_message=message)
    with pytest.raises(exception) as raised:
        cognito.resend_confirmation_code(username="alice")
    assert type(raised.value) is exception


def test_resend_returns_where_the_new_code_went(stubber):
    stubber.add_response(
        "resend_confirmation_code",
        {
            "CodeDeliveryDetails": {
                "Destination": "+*******1234",
                "DeliveryMedium": "SMS",
                "AttributeName": "phone_number",
            }
        },
        expected_params={"ClientId": CLIENT_ID, "SecretHash": ANY, "Username": "alice"},
    )
    assert cognito.resend_confirmation_code(username="alice") == cognito.CodeDelivery(
        destination="+*******1234", medium="SMS", attribute="phone_number"
    )


def test_a_refused_connection_is_unreachable_not_a_crash(unreachable_cognito):
    with pytest.raises(errors.CognitoUnreachable):
        cognito.sign_up(SignUpRequest(username="alice", password="pw-123456789"))


def test_one_client_per_process_with_explicit_timeouts_pool_and_no_retries_for_public_calls(cognito_settings):
    client = cognito.public_client()
    assert cognito.public_client() is client
    config = client.meta.config
    assert config.connect_timeout == cognito_settings.COGNITO_CONNECT_TIMEOUT
    assert config.read_timeout == cognito_settings.COGNITO_READ_TIMEOUT
    assert config.max_pool_connections >= 8
    assert config.retries == {"mode": "standard", "total_max_attempts": 1}
    assert cognito.admin_client().meta.config.retries["total_max_attempts"] == 3


@pytest.mark.parametrize(
    ("operation", "expected"),
    [
        ("describe_user_pool", errors.CognitoMisconfigured),  # an operator must act
        ("admin_update_user_attributes", errors.ChangeNotPermitted),  # the person can: a new username
    ],
)
def test_without_credentials_an_iam_call_fails_with_what_the_person_can_do(operation, expected):
    error = cognito_errors.translate_transport(botocore.exceptions.NoCredentialsError(), operation)

    assert type(error) is expected
    assert error.detail == "NoCredentialsError"
