"""The return-URL allow-list: which `next` URLs "Continue" may go to, which are dropped and why, and the settings
check for the entries themselves."""

from __future__ import annotations

import logging

import pytest

from signup import return_urls
from signup.checks import return_url_settings_check

ENTRIES = [
    "https://app.example.com/",
    "https://portal.example.org/callback",
    "http://localhost:8000/",
    "https://bücher.example/",
    "https://[2001:db8::1]:8443/",
]


@pytest.mark.parametrize(
    ("candidate", "url"),
    [
        ("https://app.example.com/", "https://app.example.com/"),
        ("https://app.example.com", "https://app.example.com/"),
        ("https://app.example.com/welcome?from=signup#top", "https://app.example.com/welcome?from=signup#top"),
        ("HTTPS://APP.Example.COM/Welcome", "https://app.example.com/Welcome"),
        ("hTTpS://app.example.com/x", "https://app.example.com/x"),
        ("https://app.example.com:443/x", "https://app.example.com:443/x"),
        ("https://app.example.com:/x", "https://app.example.com/x"),
        ("https://portal.example.org/callback", "https://portal.example.org/callback"),
        ("https://portal.example.org/callback/", "https://portal.example.org/callback/"),
        ("https://portal.example.org/callback/deep/er?x=1", "https://portal.example.org/callback/deep/er?x=1"),
        ("https://portal.example.org/callback?state=abc", "https://portal.example.org/callback?state=abc"),
        ("http://localhost:8000/app", "http://localhost:8000/app"),
        ("https://bücher.example/start", "https://xn--bcher-kva.example/start"),
        ("https://xn--bcher-kva.example/start", "https://xn--bcher-kva.example/start"),
        ("https://[2001:db8::1]:8443/home", "https://[2001:db8::1]:8443/home"),
        ("https://app.example.com/caf%C3%A9", "https://app.example.com/caf%C3%A9"),
        ("https://app.example.com/#@evil.example", "https://app.example.com/#@evil.example"),
        # Encoded CR/LF stay encoded: the URL is only ever an attribute value, never a header
        ("https://app.example.com/%0d%0aSet-Cookie:x", "https://app.example.com/%0d%0aSet-Cookie:x"),
    ],
)
def test_a_candidate_that_matches_an_entry_is_accepted_with_scheme_and_host_normalised(candidate, url):
    assert return_urls.accepted(candidate, ENTRIES) == url


@pytest.mark.parametrize(
    ("candidate", "reason"),
    [
        # The classic open-redirect bypasses
        ("//evil.example", "scheme"),
        ("//app.example.com/", "scheme"),
        ("/\\evil.example", "forbidden_characters"),
        ("https:evil.example", "authority"),
        ("https:/evil.example", "authority"),
        ("https:///evil.example", "authority"),
        ("https://app.example.com@evil.example", "authority"),
        ("https://app.example.com:443@evil.example/", "authority"),
        ("https://@app.example.com/", "authority"),
        ("https://user:pass@app.example.com/", "authority"),
        ("https://app.example.com.evil.example", "not_allowed"),
        ("https://evil.example/https://app.example.com/", "not_allowed"),
        ("https://evilapp.example.com/", "not_allowed"),
        ("https://app.example.com./", "not_allowed"),
        ("https://app.example.com\\@evil.example", "forbidden_characters"),
        ("https://app.example.com\\.evil.example", "forbidden_characters"),
        # Schemes
        ("javascript:alert(document.cookie)", "scheme"),
        ("JaVaScRiPt:alert(1)", "scheme"),
        ("javascript://app.example.com/%0Aalert(1)", "scheme"),
        ("data:text/html,<script>alert(1)</script>", "scheme"),
        ("vbscript:msgbox(1)", "scheme"),
        ("ftp://app.example.com/", "scheme"),
        ("/relative/path", "scheme"),
        ("app.example.com/welcome", "scheme"),
        ("http://app.example.com/", "not_allowed"),
        ("HTTP://APP.EXAMPLE.COM/", "not_allowed"),
        # Percent-encoded and IDN hosts
        ("https://app%2eexample.com/", "encoded_host"),
        ("https://%61pp.example.com/", "encoded_host"),
        ("https://app.example.com%2f@evil.example/", "authority"),
        ("https://\u0430pp.example.com/", "not_allowed"),  # a Cyrillic a: a look-alike host is another host
        ("https://xn--pp-7kc.example.com/", "not_allowed"),
        ("https://evil.example\uff0f.app.example.com/", "malformed"),  # a fullwidth solidus NFKC-normalises into "/"
        ("https://app.example.com\uff03@evil.example/", "malformed"),
        ("https://[evil.example/", "malformed"),
        ("https://app..example.com/", "invalid_host"),
        # Whitespace and control characters, ASCII or not
        (" https://app.example.com/", "forbidden_characters"),
        ("https://app.example.com/ ", "forbidden_characters"),
        ("\thttps://app.example.com/", "forbidden_characters"),
        ("https://app.example.com/\n", "forbidden_characters"),
        ("https://app.example.com\r\n.evil.example/", "forbidden_characters"),
        ("java\nscript:alert(1)", "forbidden_characters"),
        ("https://app.example.com/\x00", "forbidden_characters"),
        ("https://app.example.com/\x7f", "forbidden_characters"),
        ("https://app.example.com/\u00a0", "forbidden_characters"),
        ("https://app.example.com/\u2028", "forbidden_characters"),
        ("https://app.example.com/\u200b", "forbidden_characters"),
        ("https://app.example.com/\u202e", "forbidden_characters"),
        ("https://app.example.com/\ufeff", "forbidden_characters"),
        ("https://app.example.com/\u3000", "forbidden_characters"),
        # Paths
        ("https://portal.example.org/", "not_allowed"),
        ("https://portal.example.org/callbackevil", "not_allowed"),
        ("https://portal.example.org/Callback", "not_allowed"),
        ("https://portal.example.org/other?next=/callback", "not_allowed"),
        ("https://portal.example.org/callback/../admin", "dot_segments"),
        ("https://portal.example.org/callback/./x", "dot_segments"),
        ("https://portal.example.org/callback/%2e%2e/admin", "dot_segments"),
        ("https://portal.example.org/callback/%2E./admin", "dot_segments"),
        ("https://portal.example.org/callback/..%2Fadmin", "encoded_separator"),
        ("https://portal.example.org/callback/%5C..%5Cadmin", "encoded_separator"),
        # Ports
        ("https://app.example.com:8443/", "not_allowed"),
        ("https://app.example.com:0/", "not_allowed"),
        ("http://localhost/", "not_allowed"),
        ("http://localhost:80/", "not_allowed"),
        ("http://localhost:8001/", "not_allowed"),
        ("https://app.example.com:99999/", "port"),
        ("https://app.example.com:-1/", "port"),
        ("https://app.example.com:+443/", "port"),
        ("https://app.example.com:443abc/", "port"),
        ("https://[2001:db8::1]/home", "not_allowed"),
        # Length
        ("https://app.example.com/" + "a" * (return_urls.MAX_LENGTH - 23), "too_long"),
    ],
)
def test_a_candidate_that_does_not_match_is_dropped_with_its_reason_logged_and_never_the_url(candidate, reason, caplog):
    with caplog.at_level(logging.INFO, logger="signup.return_urls"):
        assert return_urls.accepted(candidate, ENTRIES) is None

    (record,) = caplog.records
    assert record.levelno == logging.INFO
    assert record.getMessage() == f"signup.return_url outcome=dropped reason={reason}"
    assert candidate not in caplog.text
    assert "evil" not in caplog.text


def test_a_url_of_the_longest_allowed_length_is_accepted():
    candidate = "https://app.example.com/" + "a" * (return_urls.MAX_LENGTH - 24)
    assert len(candidate) == return_urls.MAX_LENGTH

    assert return_urls.accepted(candidate, ENTRIES) == candidate


def test_an_empty_candidate_is_simply_no_return_url_and_not_logged(caplog):
    with caplog.at_level(logging.INFO, logger="signup.return_urls"):
        assert return_urls.accepted("", ENTRIES) is None

    assert caplog.records == []


def test_an_entry_path_without_a_trailing_slash_is_a_whole_segment():
    assert return_urls.accepted("https://app.example.com/app", ["https://app.example.com/app"])
    assert return_urls.accepted("https://app.example.com/app/home", ["https://app.example.com/app"])
    assert return_urls.accepted("https://app.example.com/apple", ["https://app.example.com/app"]) is None


def test_an_entry_path_with_a_trailing_slash_does_not_match_the_path_without_it():
    entries = ["https://app.example.com/app/"]

    assert return_urls.accepted("https://app.example.com/app/", entries)
    assert return_urls.accepted("https://app.example.com/app/x", entries)
    assert return_urls.accepted("https://app.example.com/app", entries) is None


def test_an_entry_with_the_default_port_spelled_out_matches_urls_without_it():
    assert return_urls.accepted("https://app.example.com/", ["https://app.example.com:443/"])
    assert return_urls.accepted("http://app.example.com:80/", ["http://app.example.com/"])


def test_a_malformed_entry_matches_nothing_and_the_others_still_work(caplog):
    entries = ["//app.example.com/", "javascript:x", "https://app.example.com\\x/", "https://good.example/"]

    assert return_urls.accepted("https://app.example.com/", entries) is None
    assert return_urls.accepted("https://good.example/", entries) == "https://good.example/"


def test_without_any_entry_nothing_is_accepted():
    assert return_urls.accepted("https://app.example.com/", []) is None


def test_the_settings_are_the_allow_list_when_the_app_client_cannot_be_read(settings, cognito_settings):
    settings.SIGNUP_RETURN_URLS = ["https://app.example.com/"]

    assert return_urls.accepted("https://app.example.com/welcome") == "https://app.example.com/welcome"
    assert return_urls.accepted("http://localhost:8000/") is None


def test_the_app_clients_callback_urls_are_allowed_too(settings, local_cognito):
    settings.SIGNUP_RETURN_URLS = ["https://app.example.com/"]

    # The embedded pool's app client has the callback URLs http://localhost:8000/ and http://127.0.0.1:8000/.
    assert return_urls.accepted("http://localhost:8000/after-sign-up") == "http://localhost:8000/after-sign-up"
    assert return_urls.accepted("http://127.0.0.1:8000/") == "http://127.0.0.1:8000/"
    assert return_urls.accepted("https://app.example.com/x") == "https://app.example.com/x"
    assert return_urls.accepted("http://localhost:8001/") is None
    assert return_urls.allow_list() == [
        "https://app.example.com/",
        "http://localhost:8000/",
        "http://127.0.0.1:8000/",
    ]


def test_the_configuration_names_the_callback_urls_or_says_they_could_not_be_read(settings, local_cognito):
    settings.SIGNUP_RETURN_URLS = ["https://app.example.com/"]
    settings.SIGNUP_DEFAULT_RETURN_URL = "https://app.example.com/home"
    settings.SIGNUP_APP_NAME = "Acme"

    assert return_urls.configuration() == return_urls.Configuration(
        entries=("https://app.example.com/",),
        callback_urls=("http://localhost:8000/", "http://127.0.0.1:8000/"),
        default="https://app.example.com/home",
        app_name="Acme",
    )


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("https://app.example.com/", None),
        ("http://localhost:8000/callback", None),
        ("app.example.com", "scheme"),
        ("//app.example.com/", "scheme"),
        ("https://app.example.com/../x", "dot_segments"),
        ("https://user@app.example.com/", "authority"),
        ("https://app.example.com:99999/", "port"),
    ],
)
def test_an_entry_problem_says_why_an_entry_can_never_match(entry, problem):
    assert return_urls.entry_problem(entry) == problem


def test_the_settings_check_reports_entries_and_a_default_that_can_never_match(settings):
    settings.SIGNUP_RETURN_URLS = ["https://app.example.com/", "app.example.com/welcome"]
    settings.SIGNUP_DEFAULT_RETURN_URL = "javascript:alert(1)"

    problems = return_url_settings_check()

    assert [(problem.id, problem.msg) for problem in problems] == [
        ("signup.E010", "SIGNUP_RETURN_URLS entry 'app.example.com/welcome' can never match (scheme)."),
        ("signup.E011", "SIGNUP_DEFAULT_RETURN_URL is not an absolute http(s) URL (scheme)."),
    ]


def test_the_settings_check_is_quiet_for_good_settings(settings):
    settings.SIGNUP_RETURN_URLS = ["https://app.example.com/"]
    settings.SIGNUP_DEFAULT_RETURN_URL = "https://app.example.com/home"

    assert return_url_settings_check() == []
