"""An officer opens the prospect list, reads why a firm fits, and courts it in one click."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from projects.models import Lead
from regions.models import Firm
from screening.selectors.firms import forget_directory
from tests.browser.conftest import settled
from tests.ui.scenario import Scenario

pytestmark = pytest.mark.browser


def test_an_officer_courts_a_firm_from_the_prospect_list(
    page: Any,
    live_server: Any,
    scenario: Scenario,
    sign_in: Callable[..., None],
    shot: Callable[..., Any],
) -> None:
    firm = Firm.objects.create(
        code="F-CATH",
        name="示例正极材料股份有限公司",
        industry=scenario.industries["LIB-CATH"],
        country="CN",
        employees=600,
        source="generated (test)",
    )
    forget_directory()
    sign_in(page, "officer_jinan")
    page.get_by_role("link", name="潜在投资方").click()
    row = page.locator("tr", has_text=firm.name)
    expect(row).to_be_visible()
    row.get_by_text("为什么适合").click()
    expect(row.locator(".why")).to_contain_text("本地")  # the explanation loaded into the row
    shot(page, "prospects-officer-zh")

    page.evaluate("window.__noReload = true")
    row.get_by_role("button", name=f"接洽 {firm.name}").click()
    expect(row.get_by_role("link", name="已是线索 →")).to_be_visible()
    settled(page)
    # Focus moves to the new link (not lost with the button); the one live region says it.
    expect(row.get_by_role("link", name="已是线索 →")).to_be_focused()
    expect(page.locator("#live-status")).to_have_text(f"{firm.name}：已建为线索，正在评分。")
    assert page.evaluate("window.__noReload") is True  # swapped in place, no page load
    lead = Lead.objects.get(firm=firm)
    assert lead.region == scenario.cities["JN"]
    row.get_by_role("link", name="已是线索 →").click()
    page.wait_for_url(f"**/leads/{lead.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(firm.name)
