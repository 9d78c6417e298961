"""Creating, finding and updating the local user pool and app client through the Cognito API (boto3).

Everything here goes through the emulator's HTTP endpoint, exactly as an operator's scripts would against AWS, so
the middleware sees (and saves) every change. No Django here.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from botocore import xform_name
from moto.cognitoidp.models import CognitoIdpUserPoolAttribute

from localcognito.backend import CONFIRM_WITH_CODE, CONFIRM_WITH_LINK, FIRST_AUTH_FACTORS

CUSTOM_ATTRIBUTE_SCHEMA: dict[str, Any] = {
    "AttributeDataType": "String",
    "Mutable": True,
    "Required": False,
    "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "2048"},
}
# A sign-up client must not be able to mark its own address verified, nor set the user's id.
NEVER_WRITABLE = frozenset({"sub", "email_verified", "phone_number_verified"})
WRITABLE_STANDARD = tuple(name for name in CognitoIdpUserPoolAttribute.STANDARD_SCHEMA if name not in NEVER_WRITABLE)
CLIENT_AUTH_FLOWS = ("ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")
DEFAULT_CALLBACK_URLS = ("http://localhost:8000/", "http://127.0.0.1:8000/")
# Cognito's custom attribute names: 1-20 characters without whitespace (after "custom:").
CUSTOM_NAME_RE = re.compile(r"^custom:[^\s:]{1,20}$")


@dataclass(frozen=True)
class PoolOptions:
    """The sign-in and confirmation features of a provisioned pool (the parts that may change between runs)."""

    first_auth_factors: tuple[str, ...] = ("PASSWORD",)
    default_email_option: str = CONFIRM_WITH_CODE
    webauthn_relying_party_id: str | None = None
    webauthn_user_verification: str = "preferred"
    callback_urls: tuple[str, ...] = DEFAULT_CALLBACK_URLS

    def __post_init__(self) -> None:
        unknown = set(self.first_auth_factors) - set(FIRST_AUTH_FACTORS)
        if unknown or not self.first_auth_factors:
            raise ValueError(f"first_auth_factors must be a non-empty subset of {FIRST_AUTH_FACTORS}")
        if self.default_email_option not in (CONFIRM_WITH_CODE, CONFIRM_WITH_LINK):
            raise ValueError(f"default_email_option must be {CONFIRM_WITH_CODE} or {CONFIRM_WITH_LINK}")
        if self.webauthn_user_verification not in ("preferred", "required"):
            raise ValueError("webauthn_user_verification must be 'preferred' or 'required'")

    @property
    def webauthn_configuration(self) -> dict[str, str] | None:
        if not self.webauthn_relying_party_id:
            return None
        return {"RelyingPartyId": self.webauthn_relying_party_id, "UserVerification": self.webauthn_user_verification}


def schema_entry(attribute: str) -> dict[str, Any]:
    if attribute.startswith("custom:"):
        if not CUSTOM_NAME_RE.match(attribute):
            raise ValueError(f"{attribute!r} is not a valid custom attribute name (1-20 characters after 'custom:')")
        return {"Name": attribute.removeprefix("custom:"), **copy.deepcopy(CUSTOM_ATTRIBUTE_SCHEMA)}
    standard = CognitoIdpUserPoolAttribute.STANDARD_SCHEMA.get(attribute)
    if standard is None:
        raise ValueError(f"{attribute!r} is neither a standard Cognito attribute nor a 'custom:' one")
    return {"Name": attribute, **copy.deepcopy(standard)}


def full_schema(attributes: Iterable[str]) -> list[dict[str, Any]]:
    """Every standard attribute, as a real pool has, then the requested custom ones."""
    requested = list(attributes)
    for name in requested:
        schema_entry(name)  # refuses unknown names
    customs = [name for name in requested if name.startswith("custom:")]
    return [schema_entry(name) for name in CognitoIdpUserPoolAttribute.STANDARD_SCHEMA] + [
        schema_entry(name) for name in customs
    ]


def write_attributes(attributes: Iterable[str]) -> list[str]:
    customs = [name for name in attributes if name.startswith("custom:")]
    return [*WRITABLE_STANDARD, *customs]


# Pools -----------------------------------------------------------------------------------------------------------


def pool_id_find(cognito: Any, name: str) -> str | None:
    for page in cognito.get_paginator("list_user_pools").paginate(MaxResults=60):
        for pool in page["UserPools"]:
            if pool["Name"] == name:
                return str(pool["Id"])
    return None


def pool_create(cognito: Any, name: str, attributes: list[str], options: PoolOptions) -> str:
    response = cognito.create_user_pool(
        PoolName=name,
        # moto treats every omitted Require* flag as True, so spell the whole policy out.
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 8,
                "RequireUppercase": False,
                "RequireLowercase": False,
                "RequireNumbers": False,
                "RequireSymbols": False,
            },
            "SignInPolicy": {"AllowedFirstAuthFactors": list(options.first_auth_factors)},
        },
        UserPoolTier="ESSENTIALS",
        VerificationMessageTemplate={"DefaultEmailOption": options.default_email_option},
        AutoVerifiedAttributes=["email"] if "email" in attributes else [],
        AccountRecoverySetting={"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]},
        UsernameConfiguration={"CaseSensitive": False},
        Schema=full_schema(attributes),
    )
    user_pool_id = str(response["UserPool"]["Id"])
    webauthn_apply(cognito, user_pool_id, options)
    return user_pool_id


def pool_options_apply(cognito: Any, user_pool_id: str, options: PoolOptions) -> bool:
    """Bring an existing pool's sign-in policy, confirmation option and passkey settings in line; True if changed."""
    pool = cognito.describe_user_pool(UserPoolId=user_pool_id)["UserPool"]
    policies = pool.get("Policies") or {}
    template = pool.get("VerificationMessageTemplate") or {}
    factors = (policies.get("SignInPolicy") or {}).get("AllowedFirstAuthFactors")
    changed = False
    if factors != list(options.first_auth_factors) or template.get("DefaultEmailOption") != (
        options.default_email_option
    ):
        policies = {**policies, "SignInPolicy": {"AllowedFirstAuthFactors": list(options.first_auth_factors)}}
        template = {**template, "DefaultEmailOption": options.default_email_option}
        update_with_everything(cognito, "UpdateUserPool", pool, Policies=policies, VerificationMessageTemplate=template)
        changed = True
    return webauthn_apply(cognito, user_pool_id, options) or changed


def webauthn_apply(cognito: Any, user_pool_id: str, options: PoolOptions) -> bool:
    wanted = options.webauthn_configuration
    current = cognito.get_user_pool_mfa_config(UserPoolId=user_pool_id)
    if wanted is None or current.get("WebAuthnConfiguration") == wanted:
        return False
    keep = ("SmsMfaConfiguration", "SoftwareTokenMfaConfiguration", "EmailMfaConfiguration", "MfaConfiguration")
    settings = {key: current[key] for key in keep if current.get(key) is not None}
    cognito.set_user_pool_mfa_config(UserPoolId=user_pool_id, WebAuthnConfiguration=wanted, **settings)
    return True


def update_with_everything(cognito: Any, operation: str, described: dict[str, Any], **changes: Any) -> None:
    """Call an Update* operation with every current setting passed back: Cognito resets whatever is omitted."""
    operation_model = cognito.meta.service_model.operation_model(operation)
    members = operation_model.input_shape.members
    kwargs = {key: value for key, value in described.items() if key in members and value is not None}
    if operation == "UpdateUserPool":
        kwargs["UserPoolId"] = described["Id"]
    kwargs.update(changes)
    getattr(cognito, xform_name(operation))(**kwargs)


# App clients -----------------------------------------------------------------------------------------------------


def client_find(cognito: Any, user_pool_id: str, name: str, with_secret: bool) -> dict[str, Any] | None:
    pages = cognito.get_paginator("list_user_pool_clients").paginate(UserPoolId=user_pool_id, MaxResults=60)
    for page in pages:
        for summary in page["UserPoolClients"]:
            if summary["ClientName"] != name:
                continue
            client = cognito.describe_user_pool_client(UserPoolId=user_pool_id, ClientId=summary["ClientId"])
            described: dict[str, Any] = client["UserPoolClient"]
            if bool(described.get("ClientSecret")) == with_secret:
                return described
    return None


def client_create(
    cognito: Any, user_pool_id: str, name: str, with_secret: bool, attributes: list[str], options: PoolOptions
) -> dict[str, Any]:
    response = cognito.create_user_pool_client(
        UserPoolId=user_pool_id,
        ClientName=name,
        GenerateSecret=with_secret,
        # Without WriteAttributes an app client may write standard attributes only, not custom ones.
        WriteAttributes=write_attributes(attributes),
        ExplicitAuthFlows=list(CLIENT_AUTH_FLOWS),
        CallbackURLs=list(options.callback_urls),
        EnableTokenRevocation=True,
        AuthSessionValidity=3,
        # Cognito accepts UserContextData.IpAddress only when this is on, and only for clients with a secret.
        EnablePropagateAdditionalUserContextData=with_secret,
    )
    described: dict[str, Any] = response["UserPoolClient"]
    return described


def client_options_apply(cognito: Any, described: dict[str, Any], options: PoolOptions) -> bool:
    flows = sorted(set(described.get("ExplicitAuthFlows") or []) | set(CLIENT_AUTH_FLOWS))
    changes: dict[str, Any] = {}
    if sorted(described.get("ExplicitAuthFlows") or []) != flows:
        changes["ExplicitAuthFlows"] = flows
    if list(described.get("CallbackURLs") or []) != list(options.callback_urls):
        changes["CallbackURLs"] = list(options.callback_urls)
    if not described.get("EnableTokenRevocation"):
        changes["EnableTokenRevocation"] = True
    if changes:
        update_with_everything(cognito, "UpdateUserPoolClient", described, **changes)
    return bool(changes)


# Attributes wanted by the portal ---------------------------------------------------------------------------------


def pool_attributes_ensure(cognito: Any, user_pool_id: str, client_id: str, names: Iterable[str]) -> bool:
    """Add missing custom attributes to the pool and missing names to the client's WriteAttributes; True if any."""
    names = list(dict.fromkeys(names))
    described = cognito.describe_user_pool(UserPoolId=user_pool_id)["UserPool"]
    have = {entry["Name"] for entry in described.get("SchemaAttributes") or []}
    missing = [name for name in names if name not in have and CUSTOM_NAME_RE.match(name)]
    if missing:
        cognito.add_custom_attributes(
            UserPoolId=user_pool_id,
            CustomAttributes=[{"Name": name.removeprefix("custom:"), **CUSTOM_ATTRIBUTE_SCHEMA} for name in missing],
        )
    client = cognito.describe_user_pool_client(UserPoolId=user_pool_id, ClientId=client_id)["UserPoolClient"]
    # No WriteAttributes means "the standard attributes": keep those writable when listing custom ones.
    write = list(client.get("WriteAttributes") or WRITABLE_STANDARD)
    unwritable = [name for name in names if name in have | set(missing) and name not in write]
    unwritable = [name for name in unwritable if name not in NEVER_WRITABLE]
    if unwritable:
        update_with_everything(cognito, "UpdateUserPoolClient", client, WriteAttributes=write + unwritable)
    return bool(missing or unwritable)
