"""The inline "✓ 阶段已更新。" after saving a stage in the inbox is read whole (issue 15, item 8):
it widened the last column, so the table scrolled inside its box and the message was cut."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import settled
from tests.browser.test_screens import LOCALES, open_tab
from tests.ui.scenario import Scenario

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1050, 1100, 1200, 1280])
@pytest.mark.parametrize("language", list(LOCALES))
def test_the_inline_saved_message_is_not_cut_off(
    browser: Any, live_server: Any, scenario: Scenario, language: str, width: int
) -> None:
    tab = open_tab(browser, live_server.url, language, width, "officer_jinan")
    parts = scenario.leads["parts"]
    tab.locator(f"#stage-{parts.pk}").select_option("contact")
    tab.locator(f"#lead-{parts.pk} form:has(#stage-{parts.pk}) button[type=submit]").click()
    saved = tab.locator(f"#lead-{parts.pk} .saved")
    expect(saved).to_be_visible()
    settled(tab)
    wrap = tab.locator(".table-wrap")
    overflow = wrap.evaluate("w => w.scrollWidth - w.clientWidth")
    assert overflow <= 0, f"with the message the table is {overflow} px wider than its box"
    inside = saved.evaluate(
        """s => { const box = s.getBoundingClientRect();
                  const wrap = s.closest('.table-wrap').getBoundingClientRect();
                  return box.left >= wrap.left && box.right <= wrap.right; }"""
    )
    assert inside, "the message sticks out of the table's box"
    tab.context.close()
