"""The calibration page in a browser: a manager runs the backtest and adopts the weights; the
page fits a phone, passes axe's WCAG 2.2 AA rules, and is screenshotted for a person to read."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from screening.models import CalibrationRun
from tests.browser.a11y import axe_violations, describe
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_phones import assert_no_sideways_scroll
from tests.browser.test_screens import open_tab
from tests.outcomes.test_calibrate_command import decided_world
from tests.ui.scenario import Scenario

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("language", "width"), [("zh-hans", 390), ("en", 1280)])
def test_a_manager_runs_reads_and_adopts_a_backtest(
    browser: Any, live_server: Any, scenario: Scenario, language: str, width: int
) -> None:
    regions = decided_world(600)
    url = live_server.url
    tab = open_tab(browser, url, language, width, "manager")
    tab.goto(f"{url}/shortlists/calibration/?region={regions['P'].pk}")
    tab.locator("form[action$='/calibration/run/'] button[type=submit]").click()
    expect(tab.locator("#cal-auc")).to_be_visible()

    assert_no_sideways_scroll(tab, "the calibration page")
    violations = axe_violations(tab)
    assert not violations, describe(violations)
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"calibration-{language}-{width}.png"), full_page=True)

    tab.locator("#id_reason").fill("review")
    tab.locator(".cal-adopt button[type=submit]").click()
    expect(tab.locator(".messages")).to_be_visible()
    assert CalibrationRun.objects.get().adopted_at is not None
    tab.context.close()
