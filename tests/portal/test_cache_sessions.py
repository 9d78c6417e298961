from django.core.cache import cache

from portal.cache_sessions import SessionStore


def test_a_new_session_is_stored_in_the_cache_under_a_fresh_key():
    session = SessionStore()
    session["step"] = "confirm"
    session.save()

    assert len(session.session_key) == 32
    assert SessionStore(session.session_key)["step"] == "confirm"
    assert cache.get(session.cache_key) == {"step": "confirm"}


def test_a_key_already_in_use_is_never_reused(monkeypatch):
    taken = SessionStore()
    taken["owner"] = "first"
    taken.save()
    keys = iter([taken.session_key, "b" * 32])
    monkeypatch.setattr(SessionStore, "_get_new_session_key", lambda self: next(keys))

    second = SessionStore()
    second["owner"] = "second"
    second.save()

    assert second.session_key == "b" * 32
    assert SessionStore(taken.session_key)["owner"] == "first"
