"""Values and page actions the browser tests share (fixtures stay in conftest.py)."""

from __future__ import annotations

from typing import Any

PASSWORD = "Correct-Horse-9"
# The Accept-Language a browser set to each language sends (Playwright derives it from the locale).
BROWSER_LOCALES = {
    "en": "en-GB",
    "de": "de-DE",
    "fr": "fr-FR",
    "es": "es-ES",
    "it": "it-IT",
    "nl": "nl-NL",
    "pt-br": "pt-BR",
    "pl": "pl-PL",
    "ja": "ja-JP",
    "zh-hans": "zh-CN",
    "ko": "ko-KR",
    "ar": "ar-EG",
}


def fill_sign_up(page: Any, username: str, password: str = PASSWORD) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Email address").fill(f"{username}@example.com")
