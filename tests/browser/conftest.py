"""Browser tests: Playwright driving Debian's Chromium (one browser per session) against pytest-django's live server,
with the embedded local Cognito behind it. axe-core comes from npm (tests/browser/package.json, `npm ci`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import restore_default_email_field

HERE = Path(__file__).resolve().parent
AXE_SCRIPT = HERE / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
LANGUAGES = ("en", "de", "fr")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # Playwright cannot download its own browsers here: use Debian's (scripts/test installs it when missing).
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "en-GB", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def portal(transactional_db, live_server, local_cognito, local_pool, settings) -> Portal:
    """The portal served over HTTP, pointed at the embedded local Cognito, with the default email field."""
    settings.SIGNUP_RESEND_COOLDOWN = 0
    restore_default_email_field()
    return Portal(url=live_server.url, cognito=local_cognito, pool=local_pool)


@dataclass
class Portal:
    url: str
    cognito: Any
    pool: Any

    def code_for(self, username: str) -> str:
        code = self.cognito.latest_code(self.pool.user_pool_id, username)
        assert code, f"no code was sent to {username}"
        return code

    def requests(self, operation: str) -> list[Any]:
        return [request for request in self.cognito.requests if request.operation == operation]


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_SCRIPT.exists():
        pytest.fail(f"axe-core is missing: run `npm ci` in {HERE} (scripts/test does it)")
    return AXE_SCRIPT.read_text(encoding="utf-8")


@pytest.fixture
def axe(axe_source: str) -> Callable[[Any], list[dict[str, Any]]]:
    """Run axe-core on the page (WCAG 2.0-2.2 A/AA and best practices); returns its violations.

    The page must come from a context with bypass_csp=True: injecting axe is an inline script, which the portal's
    Content-Security-Policy forbids (as it should).
    """

    def run(page: Any) -> list[dict[str, Any]]:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(content=axe_source)
        result = page.evaluate(
            """async (TAGS) => {
                const result = await axe.run(document, {
                    runOnly: {type: "tag", values: TAGS},
                    resultTypes: ["violations"],
                });
                return result.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => n.target.join(" ") + " :: " + n.failureSummary),
                }));
            }""",
            AXE_TAGS,
        )
        return result

    return run
