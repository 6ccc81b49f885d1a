"""Phones (issue 15, item 3): at 390 px no page scrolls sideways, the inbox is one card per
lead with its total in view, the shortlist keeps its total in view; at 1280 px in English the
inbox table fits its box. Screenshots of each page at 390 and 1280 px in both languages go to
test-artifacts/ for a person to look at."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_screens import LOCALES, open_tab
from tests.ui.scenario import Scenario

pytestmark = pytest.mark.browser

PHONE = 390

# How far the page scrolls sideways, and the element that sticks out furthest (for the message).
OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  let widest = '';
  let right = width;
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > right) {
      right = box.right;
      widest = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '');
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, widest};
}"""


def assert_no_sideways_scroll(tab: Any, what: str) -> None:
    found = tab.evaluate(OVERFLOW_JS)
    assert found["scroll"] <= found["width"], (
        f"{what} scrolls sideways: the document is {found['scroll']} px wide in a "
        f"{found['width']} px window (widest: {found['widest']})"
    )


def assert_in_view(tab: Any, selector: str, what: str) -> None:
    """The element is fully inside the window horizontally, as it stands (no scrolling)."""
    element = tab.locator(selector).first
    expect(element).to_be_visible()
    box = element.evaluate(
        "e => { const r = e.getBoundingClientRect(); return {left: r.left, right: r.right}; }"
    )
    width = tab.evaluate("window.innerWidth")
    assert box["left"] >= 0 and box["right"] <= width, (
        f"{what} is outside the {width} px window (from {box['left']:.0f} to {box['right']:.0f} px)"
    )


@pytest.mark.parametrize("language", list(LOCALES))
@pytest.mark.parametrize("width", [360, PHONE])
def test_it_fits_a_phone_without_sideways_scrolling(
    browser: Any, live_server: Any, scenario: Scenario, language: str, width: int
) -> None:
    url = live_server.url
    tab = open_tab(browser, url, language, width, "officer_jinan")
    expect(tab.locator("#lead-table")).to_be_visible()
    assert_no_sideways_scroll(tab, "the inbox")
    assert_in_view(tab, "#lead-table tbody.lead .col-total .total", "the first lead's total")
    assert_in_view(tab, "#lead-table tbody.lead .company", "the first lead's company")
    tab.goto(f"{url}/leads/{scenario.leads['parts'].pk}/")
    expect(tab.locator("#elsewhere table")).to_be_visible()  # "where else" has loaded
    assert_no_sideways_scroll(tab, "the lead page")
    assert_in_view(tab, "#scorecard .total-big", "the lead's total")
    tab.goto(f"{url}/clusters/{scenario.clusters['JN-NEV'].pk}/")
    assert_no_sideways_scroll(tab, "the cluster page")
    tab.goto(f"{url}/clusters/")
    assert_no_sideways_scroll(tab, "the cluster list")
    tab.context.close()

    tab = open_tab(browser, url, language, width, "manager")
    tab.goto(f"{url}/shortlists/?cutoff=5&status=any")
    expect(tab.locator("#shortlist-table")).to_be_visible()
    assert_no_sideways_scroll(tab, "the shortlist")
    assert_in_view(tab, "#shortlist-table tbody .col-total .total", "the first total")
    assert_in_view(tab, "#shortlist-table thead .col-total", "the total's heading")
    tab.goto(f"{url}/shortlists/charts/?cutoff=5&status=any")
    for summary in tab.locator(".chart-card details > summary").all():
        summary.click()  # the data tables
    assert_no_sideways_scroll(tab, "the charts")
    tab.goto(f"{url}/runs/")
    assert_no_sideways_scroll(tab, "the score runs")
    tab.context.close()


def test_the_inbox_is_one_card_per_lead_on_a_phone(
    browser: Any, live_server: Any, scenario: Scenario
) -> None:
    """A card: the company and the total on one line, the sub-scores named above their bars."""
    tab = open_tab(browser, live_server.url, "en", PHONE, "officer_jinan")
    lead = tab.locator("#lead-table tbody.lead").first
    company = lead.locator(".company").bounding_box()
    total = lead.locator(".col-total .total").bounding_box()
    assert company is not None and total is not None
    assert total["y"] < company["y"] + company["height"], "the total sits below the company"
    expect(lead.locator(".scorebar-label").first).to_be_visible()
    expect(lead.locator(".scorebar-label").first).to_have_text("Local fit")
    tab.context.close()


@pytest.mark.parametrize("width", [PHONE, 1280])
@pytest.mark.parametrize("language", list(LOCALES))
def test_screens_at_phone_and_desktop_width(
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
    shot(tab, f"phone-inbox-{name}")
    tab.goto(f"{url}/leads/{scenario.leads['parts'].pk}/")
    expect(tab.locator("#elsewhere table")).to_be_visible()
    shot(tab, f"phone-lead-{name}")
    tab.goto(f"{url}/clusters/{scenario.clusters['JN-NEV'].pk}/")
    shot(tab, f"phone-cluster-{name}")
    tab.context.close()
    tab = open_tab(browser, url, language, width, "manager")
    tab.goto(f"{url}/shortlists/?cutoff=5&status=any")
    shot(tab, f"phone-shortlist-{name}")
    tab.goto(f"{url}/shortlists/charts/?cutoff=5&status=any")
    shot(tab, f"phone-charts-{name}")
    tab.context.close()
