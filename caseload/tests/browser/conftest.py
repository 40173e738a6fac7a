"""Playwright journeys in Debian's Chromium, with axe-core run on every page visited.

Chromium comes from the Debian package (`make install-browser`); axe-core from the npm lock file.
Screenshots of every checked page are kept in test-artifacts/screenshots/."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, sync_playwright

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def new_page(browser: Browser, base_url: str) -> Page:
    """A page in a browser context of its own (its own cookies: another person signing in), watched for
    Content Security Policy violations from its first request. Close it with `page.context.close()`."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.add_init_script(script=CSP_LISTENER_JS)
    page = context.new_page()
    watch_csp(page)
    return page


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    page = new_page(browser, live_server.url)
    yield page
    page.context.close()


# -- Content Security Policy violations ----------------------------------------------------------------------
# Chromium reports each violation in the console ("Refused to ... because it violates the following Content
# Security Policy directive ..."), and the page gets a `securitypolicyviolation` event, which the init script
# below also writes to the console. check_accessibility fails on any violation seen since the previous check.

CSP_LISTENER_JS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Content Security Policy violation: ${event.violatedDirective} blocked ` +
    `${event.blockedURI || "inline code"} at ${event.sourceFile || document.location.href}:${event.lineNumber}`);
});
"""
_CSP_MESSAGES: dict[int, list[str]] = {}


def watch_csp(page: Page) -> None:
    """Collect the Content Security Policy violations reported in `page`'s console (once per page)."""
    if id(page) in _CSP_MESSAGES:
        return
    messages: list[str] = []
    _CSP_MESSAGES[id(page)] = messages
    page.on("close", lambda _page: _CSP_MESSAGES.pop(id(page), None))

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            messages.append(f"{message.text} ({page.url})")

    page.on("console", on_console)


class CspViolations(AssertionError):
    pass


def _check_csp(page: Page, name: str) -> None:
    messages = _CSP_MESSAGES.get(id(page))
    if messages is None:  # a page not made by the `page` fixture: watch it from now on
        watch_csp(page)
        return
    found, messages[:] = list(messages), []
    if found:
        raise CspViolations(
            f"{len(found)} Content Security Policy violation(s) up to {name}:\n" + "\n".join(found)
        )


class AxeViolations(AssertionError):
    pass


def check_accessibility(page: Page, name: str) -> None:
    """Run axe-core (WCAG 2.0–2.2 A and AA rules) on the page as it is now, keep a screenshot, and fail
    with a readable list of any violations. Also fails on any Content Security Policy violation the browser
    reported since the page opened or since the previous check."""
    _check_csp(page, name)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    page.screenshot(path=str(ARTIFACTS / f"{safe}.png"), full_page=True)
    # Evaluated through the DevTools protocol: the page's Content Security Policy forbids inline scripts.
    page.evaluate(AXE_JS.read_text() + "\n;true")
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}
        })"""
    )
    violations = result["violations"]
    if violations:
        lines = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
            for v in violations
        ]
        raise AxeViolations(f"axe found {len(violations)} violation(s) on {name}:\n" + "\n".join(lines))
    assert result["passes"], "axe ran no passing checks: the page is probably empty"
    (ARTIFACTS / f"{safe}.axe.json").write_text(
        json.dumps({"violations": 0, "passes": len(result["passes"])})
    )


def sign_in(page: Page, username: str, password: str) -> None:
    """Sign in through the real form, as a person would."""
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
