"""The issue's steps in Chromium (issue 15, item 4): on the Jinan ranking choose 产业集群 (an
error appears instead of a ranking), open 保存为名单 and save: nothing is saved, and the page
says why. Then a good ranking saves as shown."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from shortlists.models import SavedShortlist
from tests.browser.conftest import settled
from tests.browser.test_screens import open_tab
from tests.ui.scenario import Scenario

pytestmark = pytest.mark.browser


def test_a_stale_ranking_is_not_saved(browser: Any, live_server: Any, scenario: Scenario) -> None:
    url = live_server.url
    jinan = scenario.cities["JN"].pk
    tab = open_tab(browser, url, "zh-hans", 1280, "manager")
    tab.goto(f"{url}/shortlists/?scope=region&region={jinan}&cutoff=3&status=any")
    expect(tab.locator("#shortlist-table")).to_be_visible()
    tab.locator("#controls .segmented label", has_text="产业集群").click()
    expect(tab.locator("#ranking .alert")).to_contain_text("请先修正上面的选择")
    settled(tab)
    tab.locator("#save-panel summary").click()
    tab.get_by_label("名单名称").fill("济南（旧排名）")
    tab.locator("#save-panel button[type=submit]").click()
    expect(tab.locator("#save-refused")).to_contain_text("名单未保存")
    assert not SavedShortlist.objects.exists(), "the Jinan ranking was saved under new settings"

    tab.goto(f"{url}/shortlists/?scope=region&region={jinan}&cutoff=3&status=any")
    tab.locator("#save-panel summary").click()
    tab.get_by_label("名单名称").fill("济南前三")
    tab.locator("#save-panel button[type=submit]").click()
    tab.wait_for_url("**/shortlists/saved/*/")
    saved = SavedShortlist.objects.get()
    assert saved.region_id == jinan and saved.cutoff == 3
    tab.context.close()
