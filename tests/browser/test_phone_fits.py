"""What a person saw cut or covered on a phone (the walk's screenshots at 390 px): the compare
view's bars covering their numbers, the saved list's table cut off, and the inbox's stage
select cutting "Contact / visit". Each page is measured and saved under test-artifacts/."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from screening.world import forget_world
from shortlists import ranking
from shortlists.forms import ShortlistForm, params_from_form
from shortlists.models import SavedShortlist
from shortlists.services import build_shortlist, shortlist_fingerprint, shortlist_save
from tests.browser.conftest import settled
from tests.browser.test_phones import PHONE, assert_in_view, assert_no_sideways_scroll
from tests.browser.test_screens import LOCALES, open_tab
from tests.shortlists.conftest import build_world
from tests.ui.scenario import Scenario

pytestmark = pytest.mark.browser

# Each bar's box, its number's and its cell's: the bar and its number must stay in the cell.
BARS_JS = """() => [...document.querySelectorAll('table.compare td .scorebar')].map(bar => {
  const cell = bar.closest('td').getBoundingClientRect();
  const box = bar.getBoundingClientRect();
  const num = bar.querySelector('.scorebar-num').getBoundingClientRect();
  return {cell: [cell.left, cell.right], bar: [box.left, box.right], num: [num.left, num.right]};
})"""

# Cells whose content is wider than the cell (cut off by the table's fixed layout or a box).
CLIPPED_JS = """sel => [...document.querySelectorAll(sel)]
  .filter(el => el.getClientRects().length && el.scrollWidth > el.clientWidth + 1)
  .map(el => el.className || el.tagName)"""


@pytest.fixture
def world(transactional_db: None) -> Iterator[tuple[Scenario, SavedShortlist]]:
    forget_world()
    ranking.forget_cache()
    world = build_world()
    form = ShortlistForm({"scope": "region", "cutoff": "5", "status": "any"})
    assert form.is_valid(), form.errors
    params = params_from_form(form)
    saved = shortlist_save(
        params=params,
        name="一季度重点",
        user=world.users["manager"],
        fingerprint=shortlist_fingerprint(build_shortlist(params, extra_rows=0)),
    )
    yield world, saved
    ranking.forget_cache()


@pytest.mark.parametrize("language", list(LOCALES))
@pytest.mark.parametrize("width", [PHONE, 1280])
def test_compare_bars_leave_their_numbers_in_view(
    browser: Any,
    live_server: Any,
    world: tuple[Scenario, SavedShortlist],
    language: str,
    width: int,
    shot: Callable[..., Any],
) -> None:
    scenario, _saved = world
    a, b = scenario.leads["battery"].pk, scenario.leads["parts"].pk
    tab = open_tab(browser, live_server.url, language, width, "manager")
    tab.goto(f"{live_server.url}/shortlists/compare/?lead={a}&lead={b}")
    expect(tab.locator("table.compare")).to_be_visible()
    bars = tab.evaluate(BARS_JS)
    assert bars, "no bars on the compare page"
    for found in bars:
        (left, right), (bar_left, bar_right), (num_left, num_right) = (
            found["cell"],
            found["bar"],
            found["num"],
        )
        assert left <= bar_left and bar_right <= right + 0.5, f"a bar leaves its cell: {found}"
        assert num_right <= right + 0.5 and num_right > num_left, f"a number is hidden: {found}"
    assert_no_sideways_scroll(tab, "the compare page")
    shot(tab, f"fit-compare-{width}-{language}")
    tab.context.close()


@pytest.mark.parametrize("language", list(LOCALES))
@pytest.mark.parametrize("width", [PHONE, 1280])
def test_the_saved_list_fits_a_phone(
    browser: Any,
    live_server: Any,
    world: tuple[Scenario, SavedShortlist],
    language: str,
    width: int,
    shot: Callable[..., Any],
) -> None:
    _scenario, saved = world
    tab = open_tab(browser, live_server.url, language, width, "manager")
    tab.goto(f"{live_server.url}/shortlists/saved/{saved.pk}/")
    expect(tab.locator("#saved-table")).to_be_visible()
    settled(tab)
    wrap = tab.locator(".table-wrap:has(#saved-table)")
    overflow = wrap.evaluate("w => w.scrollWidth - w.clientWidth")
    assert overflow <= 1, f"the saved list is {overflow} px wider than its box"
    assert not tab.evaluate(CLIPPED_JS, "#saved-table td"), "a cell of the saved list is cut off"
    assert_in_view(tab, "#saved-table tbody .col-total .total", "the first entry's total")
    assert_in_view(tab, "#saved-table tbody .company", "the first entry's company")
    assert_no_sideways_scroll(tab, "the saved list")
    shot(tab, f"fit-saved-{width}-{language}")
    tab.context.close()


# How much narrower the select is than it would be at its natural width (the width that shows
# its longest option in full, arrow included).
SELECT_CUT_JS = """sel => {
  const select = document.querySelector(sel);
  const twin = select.cloneNode(true);
  twin.style.width = 'auto';
  twin.style.maxWidth = 'none';
  twin.style.position = 'absolute';
  select.parentElement.appendChild(twin);
  const natural = twin.offsetWidth;
  twin.remove();
  return {text: select.options[select.selectedIndex].text, cut: natural - select.offsetWidth};
}"""


@pytest.mark.parametrize("language", list(LOCALES))
def test_the_inbox_stage_select_shows_its_stage_on_a_phone(
    browser: Any,
    live_server: Any,
    world: tuple[Scenario, SavedShortlist],
    language: str,
    shot: Callable[..., Any],
) -> None:
    scenario, _saved = world
    lead = scenario.leads["parts"]
    tab = open_tab(browser, live_server.url, language, PHONE, "officer_jinan")
    select = f"#stage-{lead.pk}"
    tab.locator(select).select_option("contact")
    found = tab.evaluate(SELECT_CUT_JS, select)
    assert found["cut"] <= 0, f"the stage select cuts {found['text']!r} by {found['cut']:.0f} px"
    assert_no_sideways_scroll(tab, "the inbox")
    shot(tab, f"fit-inbox-{PHONE}-{language}")
    tab.context.close()
