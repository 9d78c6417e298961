"""State survives restarts: two emulators in sequence on one state file keep the pool, client, users and codes."""

from __future__ import annotations

import json
from pathlib import Path

from moto.cognitoidp.models import cognitoidp_backends

from localcognito import LocalCognito, PoolConfig
from tests.localcognito.support import client_for, confirm, sign_up, unique


def forget_pool(pool: PoolConfig) -> None:
    """What a process restart does to moto's in-memory backend, for this one pool (others share the backend)."""
    for account_backends in cognitoidp_backends.values():
        backend = account_backends.get(pool.region)
        if backend is not None:
            backend.user_pools.pop(pool.user_pool_id, None)


def test_a_restarted_emulator_keeps_the_pool_client_and_users(tmp_path: Path) -> None:
    state = tmp_path / ".localcognito" / "state.json"
    name = unique("persisted")
    with LocalCognito(echo=False, state_path=state) as first:
        pool = first.provision(attributes=["email", "custom:company"], name=name)
        cognito = client_for(first)
        sign_up(cognito, pool, "waiting", email="wait@example.com")
        sign_up(cognito, pool, "done", email="done@example.com")
        confirm(cognito, pool, "done", first.latest_code(pool.user_pool_id, "done"))
        code = first.latest_code(pool.user_pool_id, "waiting")
        before = cognito.admin_get_user(UserPoolId=pool.user_pool_id, Username="done")
    forget_pool(pool)

    with LocalCognito(echo=False, state_path=state) as second:
        again = second.provision(attributes=["email", "custom:company"], name=name)
        cognito = client_for(second)
        after = cognito.admin_get_user(UserPoolId=pool.user_pool_id, Username="done")
        waiting = cognito.admin_get_user(UserPoolId=pool.user_pool_id, Username="waiting")
        confirm(cognito, again, "waiting", code)  # the pending code survived too; the secret hash still matches

    assert (again.user_pool_id, again.client_id, again.client_secret) == (
        pool.user_pool_id,
        pool.client_id,
        pool.client_secret,
    )
    for key in ("Username", "UserStatus", "UserAttributes", "UserCreateDate"):
        assert after[key] == before[key]
    assert after["UserStatus"] == "CONFIRMED"
    assert waiting["UserStatus"] == "UNCONFIRMED"


def test_a_restored_user_keeps_its_password(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    name = unique("password")
    with LocalCognito(echo=False, state_path=state) as first:
        pool = first.provision(attributes=["email"], client_secret=False, name=name)
        cognito = client_for(first)
        sign_up(cognito, pool, "alice")
        confirm(cognito, pool, "alice", first.latest_code(pool.user_pool_id, "alice"))
    forget_pool(pool)

    with LocalCognito(echo=False, state_path=state) as second:
        second.provision(attributes=["email"], client_secret=False, name=name)
        result = client_for(second).initiate_auth(
            ClientId=pool.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "alice", "PASSWORD": "long-enough-1"},
        )

    assert result["AuthenticationResult"]["AccessToken"]


def test_the_state_file_is_written_atomically_and_holds_only_this_emulators_pools(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with LocalCognito(echo=False) as other:
        unrelated = other.provision(attributes=["email"], name=unique("unrelated"))
    with LocalCognito(echo=False, state_path=state) as running:
        pool = running.provision(attributes=["email"], name=unique("mine"))
        sign_up(client_for(running), pool, "bob")

    saved = json.loads(state.read_text())
    assert [p["id"] for p in saved["pools"]] == [pool.user_pool_id]
    assert unrelated.user_pool_id not in state.read_text()
    assert [u["username"] for u in saved["pools"][0]["users"]] == ["bob"]
    assert [c["username"] for c in saved["codes"]] == ["bob"]
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temporary file left behind


def test_without_a_state_path_nothing_is_written(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    with LocalCognito(echo=False) as running:
        pool = running.provision(attributes=["email"], name=unique("memory"))
        sign_up(client_for(running), pool, "carol")

    assert list(tmp_path.iterdir()) == []
