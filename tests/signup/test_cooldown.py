"""The resend cooldown's claim: of many parallel requests for one username, exactly one sends a code."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from signup import cooldown


def test_eight_parallel_claims_for_one_username_give_exactly_one_code(settings):
    settings.SIGNUP_RESEND_COOLDOWN = 30
    start = Barrier(8)

    def claim(_: int) -> int:
        start.wait(5)  # all eight ask at the same moment
        return cooldown.claim("alice")

    with ThreadPoolExecutor(8) as executor:
        waits = list(executor.map(claim, range(8)))

    assert waits.count(0) == 1  # one may send; the seven others are told to wait
    assert all(wait > 0 for wait in waits if wait)
