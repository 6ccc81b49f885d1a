"""The inbox, the lead page and a saved shortlist with the keyboard alone, as a screen-reader
user works them: nothing is saved by browsing a select's options, focus lands where the user
acted after every htmx update, and the one live region says the outcome in one sentence.

Values of a select are chosen with the arrow keys (that is what a select answers to); every
other step is Tab, Shift+Tab, Enter or Space.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from projects.models import Lead, LeadActivity, StageChange
from tests.browser.conftest import settled
from tests.ui.scenario import Scenario

pytestmark = pytest.mark.browser


def focused_id(tab: Any) -> str:
    return str(tab.evaluate("document.activeElement ? document.activeElement.id : ''"))


def described_by(tab: Any) -> str:
    """The text of the elements the focused field's aria-describedby names ('' if one is
    missing: a broken reference fails the assertion that reads it)."""
    return str(
        tab.evaluate(
            """() => {
              const refs = document.activeElement.getAttribute('aria-describedby') || '';
              const ids = refs.split(' ');
              const found = ids.filter(Boolean).map(id => document.getElementById(id));
              return found.length && found.every(Boolean)
                ? found.map(e => e.textContent.trim()).join(' ') : '';
            }"""
        )
    )


def live(tab: Any) -> Any:
    return tab.locator("#live-status")


def tab_to(tab: Any, target: Any, limit: int = 8) -> None:
    """Press Tab until `target` has focus (a date field takes a Tab per part in Chromium)."""
    for _step in range(limit):
        tab.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            return
    raise AssertionError(f"{target} not reached with {limit} Tabs")


@pytest.fixture
def posts(page: Any) -> Iterator[list[str]]:
    """Every request the page sends other than GETs of pages and parts."""
    sent: list[str] = []
    page.on("request", lambda r: sent.append(f"{r.method} {r.url}") if r.method != "GET" else None)
    yield sent


def test_browsing_an_inline_select_with_the_arrow_keys_saves_nothing(
    page: Any, live_server: Any, scenario: Scenario, sign_in: Callable[..., None], posts: list[str]
) -> None:
    sign_in(page, "officer_jinan")
    posts.clear()  # the sign-in
    parts = scenario.leads["parts"]
    history = StageChange.objects.filter(lead=parts).count()
    requests: list[str] = []
    # Requests to the server's views; the browser fetches the page's icon when it likes.
    page.on("request", lambda r: None if "/static/" in r.url else requests.append(r.url))

    stage = page.locator(f"#stage-{parts.pk}")
    stage.focus()
    for _step in range(3):
        page.keyboard.press("ArrowDown")
    expect(stage).to_have_value("signed")  # three stages on, in the browser only
    owner = page.locator(f"#owner-{parts.pk}")
    owner.focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(600)  # longer than any debounce: a request would have gone by now

    assert requests == [] and posts == []
    parts.refresh_from_db()
    assert parts.stage == "lead" and parts.owner is None
    assert StageChange.objects.filter(lead=parts).count() == history
    # The unsaved change shows, with its save button next in the Tab order.
    save = page.get_by_role("button", name=f"保存 {parts.company} 的阶段")
    expect(save).to_be_visible()
    expect(stage).to_have_class("is-dirty")
    stage.focus()
    page.keyboard.press("Escape")  # back to the saved value
    expect(stage).to_have_value("lead")
    expect(save).to_be_hidden()

    # The language select does not reload the page either; its button switches.
    language = page.locator("#language-select")
    language.focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(400)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    assert posts == []
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_every_inline_action_in_the_inbox_by_keyboard_with_focus_kept(
    page: Any, live_server: Any, scenario: Scenario, sign_in: Callable[..., None]
) -> None:
    sign_in(page, "officer_jinan")
    parts, nocapex = scenario.leads["parts"], scenario.leads["nocapex"]
    row = page.locator(f"#lead-{parts.pk}")

    # Reach the row with j, then Tab through it: company, stage, owner, the panel button.
    rows = page.locator("#lead-table tbody.lead")
    index = [int(i.split("-")[1]) for i in rows.evaluate_all("r => r.map(e => e.id)")].index(
        parts.pk
    )
    for _step in range(index + 1):
        page.keyboard.press("j")
    expect(row).to_have_class("lead is-current")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "company"
    page.keyboard.press("Tab")
    assert focused_id(page) == f"stage-{parts.pk}"

    # Stage: choose, Enter saves; focus stays on the (re-rendered) select.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(live(page)).to_have_text(f"{parts.company}：阶段已更新。")
    settled(page)
    assert focused_id(page) == f"stage-{parts.pk}"
    assert Lead.objects.get(pk=parts.pk).stage == "contact"
    assert StageChange.objects.filter(lead=parts, to_stage="contact").count() == 1

    # Owner: choose, Tab to its save button, Space saves; focus back on the select.
    page.keyboard.press("Tab")
    assert focused_id(page) == f"owner-{parts.pk}"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=f"保存 {parts.company} 的负责人")).to_be_focused()
    page.keyboard.press("Space")
    expect(live(page)).to_have_text(f"{parts.company}：负责人已更新。")
    settled(page)
    assert focused_id(page) == f"owner-{parts.pk}"
    assert Lead.objects.get(pk=parts.pk).owner is not None

    # The panel: Enter opens it and focus goes to its first field.
    page.keyboard.press("Tab")
    assert focused_id(page) == f"more-{parts.pk}"
    page.keyboard.press("Enter")
    settled(page)
    assert focused_id(page) == f"id_{parts.pk}_status"
    expect(page.locator(f"#more-{parts.pk}")).to_have_attribute("aria-expanded", "true")

    # A refused status (a reason is needed): focus on the reason, its error read with it.
    page.keyboard.press("ArrowDown")  # 跟进中 -> 暂缓
    page.keyboard.press("Tab")
    assert focused_id(page) == f"id_{parts.pk}_reason"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    panel = page.locator(f"#panel-{parts.pk}")
    expect(panel.get_by_role("button", name="保存状态")).to_be_focused()
    page.keyboard.press("Enter")
    expect(live(page)).to_contain_text("未保存")
    settled(page)
    assert focused_id(page) == f"id_{parts.pk}_reason"
    assert described_by(page)  # the error, by a reference that resolves
    page.keyboard.type("等待环评结果")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(live(page)).to_have_text(f"{parts.company}：状态已更新。")
    settled(page)
    assert focused_id(page) == f"id_{parts.pk}_status"
    assert Lead.objects.get(pk=parts.pk).status == "on_hold"

    # A note from the panel: the fresh form's first field has focus afterwards.
    tab_to(page, page.locator(f"#id_{parts.pk}_text"))
    page.keyboard.type("电话沟通，对方关注用地。")
    tab_to(page, page.locator(f"#panel-{parts.pk}").get_by_role("button", name="添加"))
    page.keyboard.press("Enter")
    expect(live(page)).to_have_text(f"{parts.company}：备注已添加。")
    settled(page)
    assert focused_id(page) == f"id_{parts.pk}_kind"
    assert LeadActivity.objects.filter(lead=parts, text__contains="对方关注用地").exists()

    # Closing the panel keeps focus on its button.
    page.locator(f"#more-{parts.pk}").focus()
    page.keyboard.press("Space")
    settled(page)
    assert focused_id(page) == f"more-{parts.pk}"
    expect(page.locator(f"#more-{parts.pk}")).to_have_attribute("aria-expanded", "false")
    expect(page.locator(f"#panel-{parts.pk}")).to_have_count(0)

    # A refused stage in a row: focus on the select, described by the error.
    stage = page.locator(f"#stage-{nocapex.pk}")
    stage.focus()
    page.keyboard.press("ArrowDown")  # 洽谈 -> 签约 needs capex and jobs
    page.keyboard.press("Enter")
    expect(live(page)).to_contain_text("未保存")
    settled(page)
    assert focused_id(page) == f"stage-{nocapex.pk}"
    assert "投资额" in described_by(page)
    assert Lead.objects.get(pk=nocapex.pk).stage == "negotiation"


def test_sorting_and_paging_keep_focus_on_the_link_used(
    page: Any,
    live_server: Any,
    scenario: Scenario,
    sign_in: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("projects.views.inbox_query.PAGE_SIZE", 3)
    sign_in(page, "officer_jinan")
    page.locator("#sort-local_fit").focus()
    page.keyboard.press("Enter")
    expect(page.locator("th:has(#sort-local_fit)")).to_have_attribute("aria-sort", "descending")
    expect(live(page)).to_have_text("第 1 页，3 条线索。")
    settled(page)
    assert focused_id(page) == "sort-local_fit"

    page.locator("#pager-next").focus()
    page.keyboard.press("Enter")
    expect(live(page)).to_have_text("第 2 页，3 条线索。")
    settled(page)
    assert focused_id(page) == "pager-next"
    page.keyboard.press("Enter")  # the last page: no next link, focus on the previous one
    expect(live(page)).to_contain_text("第 3 页")
    settled(page)
    assert focused_id(page) == "pager-prev"
    assert "page=3" in page.url


def test_the_lead_page_workflow_by_keyboard(
    page: Any, live_server: Any, scenario: Scenario, sign_in: Callable[..., None]
) -> None:
    sign_in(page, "officer_jinan")
    nocapex = scenario.leads["nocapex"]
    page.goto(f"{live_server.url}/leads/{nocapex.pk}/")
    settled(page)
    stage = page.locator(f"#id_{nocapex.pk}_stage")
    stage.focus()
    page.keyboard.press("ArrowDown")  # 签约: refused, capex and jobs unknown
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="变更阶段")).to_be_focused()
    page.keyboard.press("Enter")
    expect(live(page)).to_contain_text("未保存")
    settled(page)
    assert focused_id(page) == f"id_{nocapex.pk}_stage"
    assert "投资额" in described_by(page)

    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")  # 接洽/考察
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(live(page)).to_have_text("阶段已更新。")
    settled(page)
    assert focused_id(page) == f"id_{nocapex.pk}_stage"
    expect(page.locator("#lead-stepper [aria-current=step]")).to_have_text("接洽/考察")
    assert Lead.objects.get(pk=nocapex.pk).stage == "contact"


def test_a_saved_shortlist_decision_by_keyboard(
    page: Any, live_server: Any, scenario: Scenario, sign_in: Callable[..., None]
) -> None:
    sign_in(page, "manager")
    page.goto(f"{live_server.url}/shortlists/?cutoff=3&status=any")
    page.locator("#save-panel summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.type("键盘名单")
    page.keyboard.press("Enter")
    page.wait_for_url("**/shortlists/saved/*/")
    form = page.locator("form.decision").first
    entry = form.get_attribute("id").split("-")[1]
    form.locator("input[type=radio]").first.focus()
    page.keyboard.press("Space")  # the first decision
    page.keyboard.press("Tab")
    page.keyboard.type("下周约谈")
    page.keyboard.press("Tab")
    assert focused_id(page) == f"decide-{entry}"
    page.keyboard.press("Space")
    expect(live(page)).to_contain_text("已保存")
    settled(page)
    assert focused_id(page) == f"decide-{entry}"

    # The charts' year select does not reload on the arrow keys; its button does.
    page.goto(f"{live_server.url}/shortlists/charts/?cutoff=3&status=any")
    year = page.locator("#year")
    year.focus()
    url = page.url
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(400)
    assert page.url == url
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**year=*")


def accessibility_tree(tab: Any) -> dict[str, dict[str, Any]]:
    """Chromium's accessibility tree (what a screen reader is given), by node id."""
    nodes = tab.context.new_cdp_session(tab).send("Accessibility.getFullAXTree")["nodes"]
    return {node["nodeId"]: node for node in nodes}


def ax_value(node: dict[str, Any], key: str) -> Any:
    return (node.get(key) or {}).get("value", "")


def ax_property(node: dict[str, Any], name: str) -> Any:
    found = [p["value"].get("value") for p in node.get("properties", []) if p["name"] == name]
    return found[0] if found else None


def ax_text(tree: dict[str, dict[str, Any]], node: dict[str, Any]) -> str:
    """The text a screen reader reads from a node: its texts and the options of its selects."""
    role = ax_value(node, "role")
    if role in ("StaticText", "MenuListOption"):
        return str(ax_value(node, "name"))
    parts = [ax_text(tree, tree[c]) for c in node.get("childIds", []) if c in tree]
    return " ".join(p for p in parts if p)


def test_a_row_update_reads_one_short_sentence(
    page: Any, live_server: Any, scenario: Scenario, sign_in: Callable[..., None]
) -> None:
    """Before: the whole table was the live region, so a row update read the row again with
    every option of both selects (138 characters here) and then "✓ 阶段已更新。" from a status
    nested inside. Now one status region, outside the table, says the outcome."""
    sign_in(page, "officer_jinan")
    parts = scenario.leads["parts"]
    page.locator(f"#stage-{parts.pk}").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(live(page)).not_to_be_empty()
    settled(page)

    tree = accessibility_tree(page)
    regions = [
        n
        for n in tree.values()
        if ax_property(n, "live") in ("polite", "assertive")
        and ax_property(tree.get(n.get("parentId", ""), {}), "live") is None
    ]
    assert [ax_value(n, "role") for n in regions] == ["status"]  # one region, not the table
    assert ax_text(tree, regions[0]) == f"{parts.company}：阶段已更新。"
    focused = [
        n for n in tree.values() if ax_property(n, "focused") and ax_value(n, "role") == "combobox"
    ]
    assert [(ax_value(n, "name"), ax_value(n, "value")) for n in focused] == [
        (f"{parts.company} 的阶段", "接洽/考察")
    ]
