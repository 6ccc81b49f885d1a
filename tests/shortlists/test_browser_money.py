"""In Chromium: a lead reported in US dollars reads as dollars on its page and in the
shortlist, with its CNY equivalent, the rate and its date (issue 15, item 1).

Screenshots of the lead page, the shortlist and the charts at 390 and 1280 px in both
languages go to test-artifacts/money-*.png.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from projects.models import Lead
from tests.browser.conftest import ARTIFACTS, CHROMIUM
from tests.shortlists.test_browser import (  # noqa: F401 - fixtures of the browser journey
    browser,
    live_world,
    page,
    settled,
    sign_in,
)
from tests.shortlists.test_money_pages import make_usd
from tests.ui.scenario import Scenario

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(f"browser tests need Chromium at {CHROMIUM}", allow_module_level=True)

WIDTHS = (390, 1280)


def shoot(tab: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"money-{name}.png"), full_page=True)


def set_language(tab: Any, url: str, lang: str) -> None:
    tab.context.add_cookies([{"name": "django_language", "value": lang, "url": url}])


def test_a_dollar_lead_reads_as_dollars_on_its_page_and_in_the_shortlist(
    page: Any,  # noqa: F811 - the imported fixture
    live_server: Any,
    live_world: Scenario,  # noqa: F811 - the imported fixture
) -> None:
    from playwright.sync_api import expect

    lead = make_usd(live_world.leads["battery"])
    assert lead.capex == Decimal("70000")
    url = live_server.url
    sign_in(page, url)

    page.goto(f"{url}/leads/{lead.pk}/")
    capex = page.locator("dd.capex")
    expect(capex).to_contain_text("70,000 万美元")
    expect(capex).to_contain_text("≈ 497,000 万元（1 USD = 7.1 CNY，2024-12-31 示意汇率）")
    expect(page.locator("dt", has_text="投资额（万元）")).to_have_count(0)

    page.goto(f"{url}/shortlists/?status=any&cutoff=20")
    cell = page.locator(f'tr[data-lead="{lead.pk}"] td.capex')
    expect(cell).to_contain_text("70,000 万美元")
    expect(cell.locator(".cny")).to_have_text("≈ 497,000 万元")
    expect(page.locator(".rates-note")).to_contain_text("1 USD = 7.1 CNY")
    expect(page.locator("#shortlist-table th", has_text="投资额（万元）")).to_have_count(0)

    for lang in ("zh-hans", "en"):
        set_language(page, url, lang)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{url}/leads/{lead.pk}/")
            if lang == "en":
                expect(page.locator("dd.capex")).to_contain_text("USD 700.0 m")
            shoot(page, f"lead-{lang}-{width}")
            page.goto(f"{url}/shortlists/?status=any&cutoff=20")
            settled(page)
            if lang == "en":
                expect(page.locator(f'tr[data-lead="{lead.pk}"] td.capex')).to_contain_text(
                    "USD 700.0 m"
                )
            shoot(page, f"shortlist-{lang}-{width}")
            page.goto(f"{url}/shortlists/charts/?status=any")
            shoot(page, f"charts-{lang}-{width}")
    assert Lead.objects.get(pk=lead.pk).currency == "USD"
