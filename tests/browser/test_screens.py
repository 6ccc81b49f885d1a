"""The pages this accessibility work changed, at a phone's 390 px and a desktop's 1280 px, in
Chinese and English: screenshots under test-artifacts/ for a person to look at, and the
desktop inbox shows every row's actions without sideways scrolling (in English the "Status /
note" button was cut off by 65 px)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import settled
from tests.ui.scenario import PASSWORD, Scenario

pytestmark = pytest.mark.browser

LOCALES = {"zh-hans": "zh-CN", "en": "en-US"}


def open_tab(browser: Any, url: str, language: str, width: int, username: str) -> Any:
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale=LOCALES[language]
    )
    context.set_default_timeout(10_000)
    context.add_cookies([{"name": "django_language", "value": language, "url": url}])
    tab = context.new_page()
    tab.goto(f"{url}/accounts/login/")
    tab.locator("#id_username").fill(username)
    tab.locator("#id_password").fill(PASSWORD)
    tab.locator("form.stack button[type=submit]").click()
    tab.wait_for_url(f"{url}/")
    return tab


@pytest.mark.parametrize("language", list(LOCALES))
def test_the_desktop_inbox_shows_every_action_without_sideways_scrolling(
    browser: Any, live_server: Any, scenario: Scenario, language: str, shot: Callable[..., Any]
) -> None:
    tab = open_tab(browser, live_server.url, language, 1280, "officer_jinan")
    wrap = tab.locator(".table-wrap")
    expect(wrap).to_be_visible()
    overflow = wrap.evaluate("w => w.scrollWidth - w.clientWidth")
    assert overflow <= 0, f"the table is {overflow} px wider than its box"
    parts = scenario.leads["parts"]
    tab.locator(f"#stage-{parts.pk}").select_option("contact")  # the save button shows
    overflow = wrap.evaluate("w => w.scrollWidth - w.clientWidth")
    assert overflow <= 0, f"with a save button the table is {overflow} px wider than its box"
    shot(tab, f"a11y-inbox-save-1280-{language}")
    tab.context.close()


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language", list(LOCALES))
def test_screens_of_the_changed_pages(
    browser: Any,
    live_server: Any,
    scenario: Scenario,
    language: str,
    width: int,
    shot: Callable[..., Any],
) -> None:
    url = live_server.url
    name = f"{width}-{language}"
    tab = open_tab(browser, url, language, width, "officer_jinan")
    parts = scenario.leads["parts"]
    tab.keyboard.press("j")  # the current row's outline
    tab.locator(f"#stage-{parts.pk}").select_option("contact")
    tab.locator(f"#more-{parts.pk}").click()
    settled(tab)
    tab.locator(f"#panel-{parts.pk} select[name=status]").select_option("on_hold")
    tab.locator(f"#panel-{parts.pk} form").first.locator("button[type=submit]").click()
    expect(tab.locator(f"#panel-{parts.pk} .field-error")).to_be_visible()
    settled(tab)
    shot(tab, f"a11y-inbox-{name}")
    tab.goto(f"{url}/leads/{scenario.leads['nocapex'].pk}/")
    tab.locator("#workflow select[name=stage]").select_option("signed")
    tab.locator("#workflow form:has(select[name=stage]) button[type=submit]").click()
    expect(tab.locator("#workflow .field-error").first).to_be_visible()
    settled(tab)
    tab.locator("#workflow select[name=stage]").focus()  # the focus ring
    shot(tab, f"a11y-lead-{name}")
    tab.context.close()

    tab = open_tab(browser, url, language, width, "manager")
    tab.goto(f"{url}/shortlists/?cutoff=5&status=any")
    expect(tab.locator("#shortlist-table")).to_be_visible()
    shot(tab, f"a11y-shortlist-{name}")
    tab.goto(f"{url}/shortlists/charts/?cutoff=5&status=any")
    for summary in tab.locator(".chart-card details > summary").all():
        summary.click()  # the data tables
    shot(tab, f"a11y-charts-{name}")
    page_width = tab.evaluate("document.documentElement.scrollWidth")
    assert page_width <= width, f"the charts page scrolls sideways ({page_width} px)"
    tab.goto(f"{url}/clusters/{scenario.clusters['JN-NEV'].pk}/")
    shot(tab, f"a11y-cluster-{name}")
    tab.context.close()
