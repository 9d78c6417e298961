"""client_ip(): one helper for UserContextData.IpAddress, rate limits and logs."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from signup.client_ip import client_ip

CASES = [
    # (trusted proxies, REMOTE_ADDR, X-Forwarded-For, expected)
    pytest.param(0, "198.51.100.4", "", "198.51.100.4", id="direct hit"),
    pytest.param(0, "198.51.100.4", "6.6.6.6", "198.51.100.4", id="forged XFF on a direct hit is ignored"),
    pytest.param(1, "10.0.0.2", "203.0.113.7", "203.0.113.7", id="one proxy (ALB)"),
    pytest.param(1, "10.0.0.2", "6.6.6.6, 203.0.113.7", "203.0.113.7", id="one proxy ignores a forged left part"),
    pytest.param(2, "10.0.0.2", "6.6.6.6, 203.0.113.7, 130.176.1.1", "203.0.113.7", id="two proxies (CloudFront, ALB)"),
    pytest.param(2, "10.0.0.2", "203.0.113.7", "10.0.0.2", id="fewer hops than proxies falls back"),
    pytest.param(1, "10.0.0.2", "", "10.0.0.2", id="missing header falls back"),
    pytest.param(1, "10.0.0.2", "not-an-ip", "10.0.0.2", id="malformed entry falls back"),
    pytest.param(1, "10.0.0.2", "203.0.113.7, ", "203.0.113.7", id="trailing comma"),
    pytest.param(1, "10.0.0.2", "2001:db8::1", "2001:db8::1", id="IPv6"),
    pytest.param(1, "10.0.0.2", "[2001:db8::1]:443", "2001:db8::1", id="IPv6 with port"),
    pytest.param(1, "10.0.0.2", "203.0.113.7:5555", "203.0.113.7", id="IPv4 with port"),
    pytest.param(1, "10.0.0.2", "2001:DB8:0::1", "2001:db8::1", id="IPv6 normalised"),
    pytest.param(0, "::1", "", "::1", id="IPv6 remote address"),
    pytest.param(0, "198.51.100.4", "203.0.113.7, 10.0.0.1", "198.51.100.4", id="forged chain on a direct hit"),
    pytest.param(1, "2001:db8::2", "203.0.113.7", "203.0.113.7", id="proxy reached over IPv6"),
    pytest.param(1, "10.0.0.2", "6.6.6.6 ,  203.0.113.7 ", "203.0.113.7", id="spaces around entries"),
    pytest.param(1, "10.0.0.2", "6.6.6.6,,203.0.113.7", "203.0.113.7", id="empty entry in the forged part"),
    pytest.param(2, "10.0.0.2", "not-an-ip, 130.176.1.1", "10.0.0.2", id="two proxies, malformed client entry"),
    pytest.param(3, "10.0.0.2", "6.6.6.6, 203.0.113.7, 198.51.100.1, 130.176.1.1", "203.0.113.7", id="three proxies"),
    pytest.param(1, "10.0.0.2", "unknown", "10.0.0.2", id="nginx 'unknown' falls back"),
    pytest.param(1, "10.0.0.2", "203.0.113.7\r\nX-Evil: 1", "10.0.0.2", id="header injection falls back"),
    pytest.param(1, "10.0.0.2", "203.0.113.256", "10.0.0.2", id="out-of-range octet falls back"),
    pytest.param(1, "10.0.0.2", "1" * 5000, "10.0.0.2", id="very long value falls back"),
    pytest.param(1, "10.0.0.2", "[2001:db8::1]", "2001:db8::1", id="bracketed IPv6 without port"),
    pytest.param(0, "not-an-address", "203.0.113.7", "", id="malformed REMOTE_ADDR is unknown, never the header"),
    pytest.param(0, "", "203.0.113.7", "", id="missing REMOTE_ADDR is unknown, never the header"),
]


@pytest.mark.parametrize(("trusted", "remote", "forwarded", "expected"), CASES)
def test_client_ip(settings, trusted, remote, forwarded, expected):
    settings.DJANGO_TRUSTED_PROXY_COUNT = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
