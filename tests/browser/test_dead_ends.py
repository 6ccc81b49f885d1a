"""Dead ends in Chromium (issue 15, item 7): without JavaScript the lead page's "where else"
link opens a styled page of its own with a way back; the cluster list narrows by region and
chain from its filter form; an owner chosen in the inbox shows in the lead's timeline."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import settled
from tests.browser.test_screens import LOCALES
from tests.ui.scenario import PASSWORD, Scenario

pytestmark = pytest.mark.browser


def signed_in(browser: Any, url: str, *, javascript: bool = True) -> Any:
    context = browser.new_context(
        viewport={"width": 390, "height": 900},
        locale=LOCALES["zh-hans"],
        java_script_enabled=javascript,
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.goto(f"{url}/accounts/login/")
    tab.locator("#id_username").fill("officer_jinan")
    tab.locator("#id_password").fill(PASSWORD)
    tab.locator("form.stack button[type=submit]").click()
    tab.wait_for_url(f"{url}/")
    return tab


def test_where_else_without_javascript_is_a_styled_page(
    browser: Any, live_server: Any, scenario: Scenario
) -> None:
    url = live_server.url
    lead = scenario.leads["parts"]
    tab = signed_in(browser, url, javascript=False)
    tab.goto(f"{url}/leads/{lead.pk}/")
    tab.get_by_role("link", name="查看各地区得分").click()
    tab.wait_for_url(f"**/leads/{lead.pk}/elsewhere/")
    expect(tab.locator("header.topbar")).to_be_visible()  # the site around it
    expect(tab.locator("table.elsewhere")).to_be_visible()
    background = tab.locator("header.topbar").evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(22, 50, 79)", "the page is not styled"
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width} px)"
    tab.get_by_role("link", name="返回线索").click()
    tab.wait_for_url(f"**/leads/{lead.pk}/")
    tab.context.close()


def test_the_cluster_list_filters_and_an_owner_shows_in_the_timeline(
    browser: Any, live_server: Any, scenario: Scenario
) -> None:
    url = live_server.url
    tab = signed_in(browser, url)
    tab.goto(f"{url}/clusters/")
    expect(tab.locator("#cluster-table tbody tr")).to_have_count(2)
    tab.get_by_label("产业链").select_option(str(scenario.industries["ELEC"].pk))
    tab.get_by_role("button", name="筛选").click()
    expect(tab.locator("#cluster-table tbody tr")).to_have_count(1)
    expect(tab.locator("#cluster-table")).to_contain_text("青岛电子信息产业集群")

    lead = scenario.leads["parts"]
    tab.goto(f"{url}/")
    owner = tab.locator(f"#owner-{lead.pk}")
    owner.select_option(label="officer_jinan")
    tab.locator(f"#lead-{lead.pk} form:has(#owner-{lead.pk}) button[type=submit]").click()
    expect(tab.locator(f"#lead-{lead.pk} .saved")).to_be_visible()
    settled(tab)
    tab.goto(f"{url}/leads/{lead.pk}/")
    expect(tab.locator(".timeline")).to_contain_text("负责人：未分配 → officer_jinan")
    tab.context.close()
