"""Counting sign-ups with and without the browser's risk data, in the shared cache."""

from __future__ import annotations

from signup.risk_stats import risk_data_record, risk_data_share

NOW = 1_800_000_000.0
HOUR = 3600


def test_sign_ups_are_counted_with_and_without_risk_data():
    for present in (True, True, True, False):
        risk_data_record(present=present, now=NOW)

    share = risk_data_share(now=NOW)

    assert (share.with_data, share.without_data, share.total) == (3, 1, 4)
    assert share.percent_with_data == 75.0


def test_only_the_last_24_hours_count():
    risk_data_record(present=False, now=NOW - 24 * HOUR)
    risk_data_record(present=True, now=NOW - 23 * HOUR)

    share = risk_data_share(now=NOW)

    assert (share.with_data, share.without_data) == (1, 0)


def test_no_sign_ups_have_no_share():
    assert risk_data_share(now=NOW).percent_with_data is None
