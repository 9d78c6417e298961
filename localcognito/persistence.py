"""Saving the emulator's pools to a JSON file and recreating them in moto's backend, with the same ids.

moto has no persistence of its own, so this reads and writes its model objects directly. Saved: pools (with their
schema and settings), app clients (with their secrets), users (username, sub, attributes, status, password,
dates). Not saved: tokens and auth sessions, which a restart may drop, as they expire within minutes anyway.
The file holds plaintext passwords and client secrets, like moto's memory does: it is for local development only.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moto.cognitoidp.models import (
    CognitoIdpUser,
    CognitoIdpUserPool,
    CognitoIdpUserPoolAttribute,
    CognitoIdpUserPoolClient,
    UserStatus,
    cognitoidp_backends,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

FORMAT_VERSION = 1


def write_atomically(path: Path, data: dict[str, Any]) -> None:
    """Write JSON next to ``path`` and rename it over: a crash leaves the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"version": FORMAT_VERSION, **data}, handle, indent=1, default=str)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise ValueError(f"{path} is not a local Cognito state file (version {FORMAT_VERSION}); delete it to reset")
    return data


# Snapshots -------------------------------------------------------------------------------------------------------


def pool_snapshot(pool: CognitoIdpUserPool) -> dict[str, Any]:
    return {
        "account_id": pool.account_id,
        "region": pool.region,
        "id": pool.id,
        "arn": pool.arn,
        "name": pool.name,
        "creation_date": pool.creation_date.isoformat(),
        "last_modified_date": pool.last_modified_date.isoformat(),
        "mfa_config": pool.mfa_config,
        "extended_config": pool.extended_config,
        "schema": [attribute.to_json() for attribute in pool.schema_attributes.values()],
        "clients": [_client_snapshot(client) for client in pool.clients.values()],
        "users": [_user_snapshot(user) for user in pool.users.values()],
    }


def _client_snapshot(client: CognitoIdpUserPoolClient) -> dict[str, Any]:
    return {
        "id": client.id,
        "secret": client.secret,
        "generate_secret": client.generate_secret,
        "extended_config": client.extended_config,
    }


def _user_snapshot(user: CognitoIdpUser) -> dict[str, Any]:
    return {
        "username": user.username,
        "sub": user.id,
        "password": user.password,
        "status": str(user.status.value if isinstance(user.status, UserStatus) else user.status),
        "enabled": user.enabled,
        "attributes": user.attributes,
        "create_date": user.create_date.isoformat(),
        "last_modified_date": user.last_modified_date.isoformat(),
    }


# Restoring -------------------------------------------------------------------------------------------------------


def pools_restore(snapshots: Iterable[dict[str, Any]]) -> list[str]:
    """Recreate every saved pool that moto does not have (a live pool with the same id wins); return all ids."""
    ids = []
    for saved in snapshots:
        backend = cognitoidp_backends[saved["account_id"]][saved["region"]]
        if saved["id"] not in backend.user_pools:
            backend.user_pools[saved["id"]] = _pool_restore(saved)
        ids.append(saved["id"])
    return ids


def _pool_restore(saved: dict[str, Any]) -> CognitoIdpUserPool:
    pool = CognitoIdpUserPool(saved["account_id"], saved["region"], saved["name"], dict(saved["extended_config"]))
    pool.id, pool.arn = saved["id"], saved["arn"]
    pool.creation_date = datetime.fromisoformat(saved["creation_date"])
    pool.last_modified_date = datetime.fromisoformat(saved["last_modified_date"])
    pool.mfa_config = saved["mfa_config"]
    pool.schema_attributes = {}
    for entry in saved["schema"]:
        attribute = _attribute_restore(entry)
        pool.schema_attributes[attribute.name] = attribute
    for client in saved["clients"]:
        restored = CognitoIdpUserPoolClient(pool.id, client["generate_secret"], dict(client["extended_config"]))
        restored.id, restored.secret = client["id"], client["secret"]
        pool.clients[restored.id] = restored
    for user in saved["users"]:
        restored_user = _user_restore(pool.id, user)
        pool.users[restored_user.username] = restored_user
    return pool


def _attribute_restore(entry: dict[str, Any]) -> CognitoIdpUserPoolAttribute:
    name = str(entry["Name"])
    schema = {key: value for key, value in entry.items() if value is not None and key != "Name"}
    if name in CognitoIdpUserPoolAttribute.STANDARD_SCHEMA:
        return CognitoIdpUserPoolAttribute(name, False, schema)
    # moto adds the "custom:" (and "dev:") prefixes back itself.
    return CognitoIdpUserPoolAttribute(name.removeprefix("dev:").removeprefix("custom:"), True, schema)


def _user_restore(pool_id: str, saved: dict[str, Any]) -> CognitoIdpUser:
    user = CognitoIdpUser(pool_id, saved["username"], saved["password"], UserStatus(saved["status"]), [])
    user.id = saved["sub"]
    user.attributes = []
    user.update_attributes(saved["attributes"])
    user.enabled = saved["enabled"]
    user.create_date = datetime.fromisoformat(saved["create_date"])
    user.last_modified_date = datetime.fromisoformat(saved["last_modified_date"])
    return user
