"""Local, development-only Cognito emulator (moto plus the sign-up behaviour moto lacks). No Django imports here."""

from localcognito.emulator import (
    CognitoMiddleware,
    DeliveredCode,
    LocalCognito,
    PoolConfig,
    RecordedRequest,
    mask_email,
    mask_phone,
    secret_hash,
)

__all__ = [
    "CognitoMiddleware",
    "DeliveredCode",
    "LocalCognito",
    "PoolConfig",
    "RecordedRequest",
    "mask_email",
    "mask_phone",
    "secret_hash",
]
