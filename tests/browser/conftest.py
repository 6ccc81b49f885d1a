"""Playwright against Debian's Chromium and pytest-django's live server.

The live server runs in a thread of this process while Playwright's sync API holds an event
loop, so Django's async-safety check must be off here (and only here).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from screening.world import forget_world
from tests.ui.scenario import PASSWORD, Scenario, build_scenario

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not CHROMIUM.exists():
        skip = pytest.mark.skip(
            reason=f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
        )
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for one test module: Playwright's event loop must not outlive the browser
    tests, or Django would refuse ORM calls in the tests that follow."""
    from playwright.sync_api import sync_playwright

    # Only while the loop lives (these tests): the ORM may run beside Playwright's event loop.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def scenario(transactional_db: None) -> Scenario:
    forget_world()
    return build_scenario()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A Chinese-speaking desktop browser tab (Accept-Language zh-CN)."""
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def sign_in(live_server: Any, scenario: Scenario) -> Callable[[Any, str], None]:
    def sign(tab: Any, username: str) -> None:
        tab.goto(f"{live_server.url}/accounts/login/")
        tab.get_by_label("用户名").fill(username)
        tab.get_by_label("密码").fill(PASSWORD)
        tab.get_by_role("button", name="登录").click()
        tab.wait_for_url(f"{live_server.url}/")

    return sign


@pytest.fixture
def shot() -> Callable[[Any, str], Path]:
    """Save a full-page screenshot under test-artifacts/ (gitignored) for a human to look at."""
    ARTIFACTS.mkdir(exist_ok=True)

    def save(tab: Any, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        tab.screenshot(path=str(path), full_page=True)
        return path

    return save


def settled(tab: Any) -> None:
    """Wait until htmx has swapped and settled: a new element reacts only once it is processed.

    A function, not an expression: Playwright evaluates an expression string with eval() in the
    page, which the site's Content-Security-Policy refuses ('unsafe-eval')."""
    tab.wait_for_function(
        "() => !document.querySelector("
        "'.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )
