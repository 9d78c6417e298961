"""Languages: chosen by Accept-Language or the switcher (the catalogues themselves: tests/test_catalogues.py)."""

from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains, assertRedirects

from signup import pool

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def unreadable_pool(monkeypatch):
    monkeypatch.setattr(pool, "user_pool_description", lambda: None)


@pytest.mark.parametrize(
    ("accept_language", "lang", "heading", "label"),
    [
        ("de-DE,de;q=0.9", "de", "Registrieren", "Benutzername"),
        ("fr-CH, fr;q=0.9, en;q=0.8", "fr", "S’inscrire", "Nom d’utilisateur"),  # noqa: RUF001
        ("en-GB", "en", "Sign up", "Username"),
        ("sv-SE", "en", "Sign up", "Username"),
        ("ja-JP,ja;q=0.9", "ja", "登録", "ユーザー名"),
        ("pt-BR", "pt-br", "Cadastrar", "Nome de usuário"),
        ("zh-CN,zh;q=0.9", "zh-hans", "注册", "用户名"),
        ("ar-EG", "ar", "التسجيل", "اسم المستخدم"),
    ],
)
def test_the_language_follows_accept_language(client, accept_language, lang, heading, label):
    response = client.get("/signup/", HTTP_ACCEPT_LANGUAGE=accept_language)

    direction = "rtl" if lang == "ar" else "ltr"
    assertContains(response, f'<html lang="{lang}" dir="{direction}">')
    assertContains(response, f"<h1>{heading}</h1>", html=True)
    assertContains(response, f'<label for="id_username">{label}</label>', html=True)


def test_the_language_switcher_works_as_a_plain_form(client):
    page = client.get("/signup/")
    assertContains(page, 'action="/i18n/setlang/"')
    assertContains(page, '<option value="de" lang="de">Deutsch</option>', html=True)

    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/signup/resume/"})

    assertRedirects(response, "/signup/resume/", fetch_redirect_response=False)
    assertContains(client.get("/signup/resume/"), "Obtenir un nouveau code de confirmation")


def test_our_error_messages_are_shown_in_the_users_language(client, stubber):
    stubber.add_client_error("sign_up", service_error_code="UsernameExistsException", service_message="User exists")

    response = client.post(
        "/signup/",
        {"username": "alice", "password": "Correct-Horse-9", "email": "alice@example.com"},
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assertContains(response, "Dieser Benutzername ist bereits vergeben.")
    assertContains(response, "Es gibt ein Problem")


def test_the_password_rules_are_translated(client):
    assertContains(client.get("/signup/", HTTP_ACCEPT_LANGUAGE="fr"), "Au moins 8 caractères")


def test_the_configured_default_field_label_is_translated(client):
    assertContains(client.get("/signup/", HTTP_ACCEPT_LANGUAGE="de"), "E-Mail-Adresse")
