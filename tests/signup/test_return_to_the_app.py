"""Back to the app: `?next=` on the form or the resume page is remembered for the whole journey, and the done page's
primary action is a "Continue" link to it. A `next` the allow-list refuses is dropped and never echoed. Cognito is
botocore's Stubber; the app client cannot be read, so SIGNUP_RETURN_URLS is the whole allow-list."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from signup import cognito
from tests.helpers import (
    SIGN_UP_RESPONSE,
    continue_link,
    expect_confirm,
    expect_resend,
    expect_sign_up,
    form_data,
)

pytestmark = pytest.mark.django_db

APP = "https://app.example.com/welcome?from=signup"
EVIL = "https://app.example.com.evil.example/steal"


@pytest.fixture
def into_app(settings, stubber, clock):
    """The portal knows the app: its return URLs and its name. Nothing else is set."""
    settings.SIGNUP_RETURN_URLS = ["https://app.example.com/"]
    settings.SIGNUP_APP_NAME = "Acme"
    settings.SIGNUP_RESEND_COOLDOWN = 30
    return stubber


def next_url(path: str, url: str) -> str:
    return f"{path}?next={quote(url, safe='')}"


def sign_up_and_confirm(client, stubber) -> object:
    expect_sign_up(stubber)
    assertRedirects(client.post("/signup/", form_data()), "/signup/confirm/", fetch_redirect_response=False)
    expect_confirm(stubber)
    assertRedirects(client.post("/signup/confirm/", {"code": "123456"}), "/signup/done/", fetch_redirect_response=False)
    return client.get("/signup/done/")


def already_confirmed(stubber) -> None:
    stubber.add_client_error(
        "resend_confirmation_code",
        service_error_code="InvalidParameterException",
        service_message="User is already confirmed.",
    )


def assert_continues_to(response, href: str, name: str = "Continue to Acme") -> None:
    link = continue_link(response.content)
    assert link is not None, "the page has a Continue link"
    assert (link["href"], link["text"].strip()) == (href, name)
    assert "button--secondary" not in link["class"].split(), "it is the page's primary action"


# --- Remembered through the journey -------------------------------------------------------------------------------


def test_the_done_page_continues_to_the_next_url_the_form_was_opened_with(client, into_app):
    client.get(next_url("/signup/", APP))

    done = sign_up_and_confirm(client, into_app)

    assertContains(done, "Your account is ready")
    assert_continues_to(done, APP)


def test_the_next_url_survives_reloads_a_resend_a_wrong_code_and_a_language_switch(client, into_app, clock):
    client.get(next_url("/signup/", APP))
    client.get("/signup/")  # a reload without the parameter keeps it
    expect_sign_up(into_app)
    client.post("/signup/", form_data())
    client.get("/signup/confirm/")
    client.get("/signup/confirm/")

    clock.advance(31)
    expect_resend(into_app)
    assertRedirects(client.post("/signup/confirm/resend/"), "/signup/confirm/", fetch_redirect_response=False)
    into_app.add_client_error("confirm_sign_up", service_error_code="CodeMismatchException", service_message="x")
    client.post("/signup/confirm/", {"code": "000000"})
    assert client.get("/signup/confirm/").context["page_error"].code == "code_mismatch"
    switched = client.post("/i18n/setlang/", {"language": "de", "next": "/signup/confirm/"})
    assertRedirects(switched, "/signup/confirm/", fetch_redirect_response=False)

    expect_confirm(into_app)
    client.post("/signup/confirm/", {"code": "123456"})
    done = client.get("/signup/done/")

    assertContains(done, '<html lang="de" dir="ltr">')
    assert continue_link(done.content)["href"] == APP


def test_the_next_url_survives_starting_again(client, into_app):
    client.get(next_url("/signup/", APP))
    expect_sign_up(into_app)
    client.post("/signup/", form_data())

    assertRedirects(client.post("/signup/restart/"), "/signup/")
    done = sign_up_and_confirm(client, into_app)

    assert_continues_to(done, APP)


def test_the_resume_page_remembers_the_next_url_too(client, into_app):
    client.get(next_url("/signup/resume/", APP))
    expect_resend(into_app)

    assertRedirects(
        client.post("/signup/resume/", {"username": "alice"}), "/signup/confirm/", fetch_redirect_response=False
    )
    expect_confirm(into_app)
    client.post("/signup/confirm/", {"code": "123456"})

    assert_continues_to(client.get("/signup/done/"), APP)


def test_an_account_already_confirmed_on_resume_is_offered_the_same_link(client, into_app):
    client.get(next_url("/signup/resume/", APP))
    already_confirmed(into_app)

    response = client.post("/signup/resume/", {"username": "alice"})

    assertContains(response, "This account is already confirmed.")
    link = continue_link(response.content)
    assert (link["href"], link["text"]) == (APP, "Continue to Acme")


def test_a_later_next_url_replaces_the_earlier_one(client, into_app):
    client.get(next_url("/signup/", "https://app.example.com/first"))
    client.get(next_url("/signup/", "https://app.example.com/second"))

    assert_continues_to(sign_up_and_confirm(client, into_app), "https://app.example.com/second")


# --- The same link whatever the outcome -----------------------------------------------------------------------------


def test_an_auto_confirmed_sign_up_lands_on_the_same_done_page_with_the_same_link(client, into_app):
    client.get(next_url("/signup/", APP))
    expect_sign_up(into_app, response={"UserConfirmed": True, "UserSub": SIGN_UP_RESPONSE["UserSub"]})

    assertRedirects(client.post("/signup/", form_data()), "/signup/done/", fetch_redirect_response=False)

    done = client.get("/signup/done/")
    assertContains(done, "Your account is ready")
    assert_continues_to(done, APP)


def test_a_code_for_an_account_already_confirmed_lands_on_the_same_done_page_with_the_same_link(client, into_app):
    client.get(next_url("/signup/", APP))
    expect_sign_up(into_app)
    client.post("/signup/", form_data())
    into_app.add_client_error(
        "confirm_sign_up",
        service_error_code="NotAuthorizedException",
        service_message="User cannot be confirmed. Current status is CONFIRMED",
    )

    assertRedirects(client.post("/signup/confirm/", {"code": "123456"}), "/signup/done/", fetch_redirect_response=False)

    assert_continues_to(client.get("/signup/done/"), APP)


def test_a_resend_that_finds_the_account_confirmed_lands_on_the_same_done_page_with_the_same_link(
    client, into_app, clock
):
    client.get(next_url("/signup/", APP))
    expect_sign_up(into_app)
    client.post("/signup/", form_data())
    clock.advance(31)
    already_confirmed(into_app)

    assertRedirects(client.post("/signup/confirm/resend/"), "/signup/done/", fetch_redirect_response=False)

    assert_continues_to(client.get("/signup/done/"), APP)


def test_the_confirm_page_of_a_confirmed_journey_has_the_same_link(client, into_app):
    client.get(next_url("/signup/", APP))
    sign_up_and_confirm(client, into_app)

    assert_continues_to(client.get("/signup/confirm/"), APP)


# --- Defaults and the app's name ------------------------------------------------------------------------------------


def test_without_a_next_url_continue_goes_to_the_default_return_url(client, into_app, settings):
    settings.SIGNUP_DEFAULT_RETURN_URL = "https://app.example.com/home"

    assert_continues_to(sign_up_and_confirm(client, into_app), "https://app.example.com/home")


def test_an_accepted_next_url_wins_over_the_default(client, into_app, settings):
    settings.SIGNUP_DEFAULT_RETURN_URL = "https://app.example.com/home"
    client.get(next_url("/signup/", APP))

    assert_continues_to(sign_up_and_confirm(client, into_app), APP)


def test_without_an_app_name_the_link_says_continue(client, into_app, settings):
    settings.SIGNUP_APP_NAME = ""
    client.get(next_url("/signup/", APP))

    done = sign_up_and_confirm(client, into_app)

    assert_continues_to(done, APP, name="Continue")
    assertContains(done, "<title>Your account is ready</title>", html=True)


def test_without_any_return_url_the_done_page_keeps_todays_text(client, stubber):
    done = sign_up_and_confirm(client, stubber)

    assert continue_link(done.content) is None
    assertContains(done, "Your account is confirmed. You can sign in now.")


def test_the_app_name_is_in_every_page_title(client, into_app):
    titles = {"/signup/": "Sign up · Acme", "/signup/resume/": "Get a new confirmation code · Acme"}
    for path, title in titles.items():
        assertContains(client.get(path), f"<title>{title}</title>", html=True)

    expect_sign_up(into_app)
    client.post("/signup/", form_data())
    assertContains(client.get("/signup/confirm/"), "<title>Confirm your account · Acme</title>", html=True)
    expect_confirm(into_app)
    client.post("/signup/confirm/", {"code": "123456"})
    assertContains(client.get("/signup/done/"), "<title>Your account is ready · Acme</title>", html=True)


def test_the_app_name_is_escaped(client, into_app, settings):
    settings.SIGNUP_APP_NAME = "<b>Acme</b> & Co"

    response = client.get("/signup/")

    assertContains(response, "Sign up · &lt;b&gt;Acme&lt;/b&gt; &amp; Co")
    assertNotContains(response, "<b>Acme</b>")


def test_an_accepted_url_is_escaped_in_the_link(client, into_app):
    url = 'https://app.example.com/?q="><script>alert(1)</script>'
    client.get(next_url("/signup/", url))

    done = sign_up_and_confirm(client, into_app)

    assertNotContains(done, "<script>alert(1)")
    assert continue_link(done.content)["href"] == url


# --- Refused URLs are never echoed --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "candidate",
    [
        EVIL,
        "//evil.example/",
        "/\\evil.example",
        "https:evil.example",
        "https://app.example.com@evil.example/",
        "javascript:alert('evil')",
        "https://evil.example/%0d%0a",
        "https://evil.example\uff0f.app.example.com/",
        "https://[evil.example/",
    ],
)
def test_a_refused_next_url_is_never_echoed_in_the_page_or_a_location(client, into_app, candidate):
    for path in ("/signup/", "/signup/resume/"):
        page = client.get(next_url(path, candidate))
        language_next = page.context["language_next"]
        switched = client.post("/i18n/setlang/", {"language": "fr", "next": language_next})

        assert page.status_code == 200
        assert "evil" not in page.content.decode()
        assert (language_next, switched["Location"]) == (path, path)


def test_the_language_switcher_keeps_the_pages_other_parameters(client, into_app):
    page = client.get(f"/signup/resume/?a=1&next={quote(EVIL, safe='')}&b=%C3%A9")

    assert page.context["language_next"] == "/signup/resume/?a=1&b=%C3%A9"


def test_a_refused_next_url_leaves_no_link_and_keeps_an_earlier_accepted_one(client, into_app):
    client.get(next_url("/signup/", EVIL))
    refused_only = sign_up_and_confirm(client, into_app)
    assert continue_link(refused_only.content) is None
    assertNotContains(refused_only, "evil")

    other = client.__class__()
    other.get(next_url("/signup/", APP))
    other.get(next_url("/signup/", EVIL))
    assert_continues_to(sign_up_and_confirm(other, into_app), APP)


def test_a_refused_next_url_is_logged_with_its_reason_only(client, into_app, caplog):
    client.get(next_url("/signup/", EVIL))

    assert "signup.return_url outcome=dropped reason=not_allowed" in caplog.text
    assert "evil" not in caplog.text


def test_reading_the_app_clients_callback_urls_happens_once_per_process_not_per_page(client, into_app, monkeypatch):
    reads = []
    monkeypatch.setattr(cognito, "describe_user_pool_client", lambda **_: reads.append(1) or {"CallbackURLs": []})

    for _ in range(3):
        client.get(next_url("/signup/", APP))

    assert len(reads) == 1


# --- The admin preview --------------------------------------------------------------------------------------------

PREVIEW_URL = "/admin/signup/attributefield/preview/"


def test_the_admin_preview_shows_where_continue_goes(admin_client, into_app, settings):
    settings.SIGNUP_RETURN_URLS = ["https://app.example.com/", "https://beta.example.com/app"]
    settings.SIGNUP_DEFAULT_RETURN_URL = "https://app.example.com/home"

    response = admin_client.get(PREVIEW_URL)

    assertContains(response, "Where “Continue” goes")
    assertContains(
        response,
        '<dd id="return-urls-entries"><bdi dir="ltr">https://app.example.com/</bdi>, '
        '<bdi dir="ltr">https://beta.example.com/app</bdi></dd>',
        html=True,
    )
    assertContains(
        response, '<dd id="return-urls-default"><bdi dir="ltr">https://app.example.com/home</bdi></dd>', html=True
    )
    assertContains(response, '<dd id="return-urls-app-name">Acme</dd>', html=True)
    assertContains(response, '<dd id="return-urls-callbacks">the app client could not be read</dd>', html=True)


def test_the_admin_preview_lists_the_app_clients_callback_urls_and_says_when_nothing_is_set(
    admin_client, local_cognito, settings
):
    response = admin_client.get(PREVIEW_URL)

    assertContains(
        response,
        '<dd id="return-urls-callbacks"><bdi dir="ltr">http://localhost:8000/</bdi>, '
        '<bdi dir="ltr">http://127.0.0.1:8000/</bdi></dd>',
        html=True,
    )
    assertContains(response, '<dd id="return-urls-entries">none</dd>', html=True)
    assertContains(response, '<dd id="return-urls-app-name">none: the link says “Continue”</dd>', html=True)
