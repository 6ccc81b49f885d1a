"""An investment officer's day: sign in, filter, open a lead, advance it, add a note."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from projects.models import Lead, LeadActivity
from tests.browser.conftest import settled
from tests.ui.scenario import Scenario

pytestmark = pytest.mark.browser


def test_an_officer_filters_opens_a_lead_advances_it_and_adds_a_note(
    page: Any,
    live_server: Any,
    scenario: Scenario,
    sign_in: Callable[..., None],
    shot: Callable[..., Any],
) -> None:
    sign_in(page, "officer_jinan")
    expect(page.get_by_role("heading", name="线索收件箱")).to_be_visible()
    rows = page.locator("#lead-table tbody.lead")
    expect(rows).to_have_count(Lead.objects.filter(region=scenario.cities["JN"]).count())
    shot(page, "inbox-officer-zh")

    page.evaluate("window.__noReload = true")  # survives htmx swaps, not a page load
    page.locator("#filters").get_by_label("阶段").select_option("lead")
    expect(rows).to_have_count(
        Lead.objects.filter(region=scenario.cities["JN"], stage="lead").count()
    )
    assert "stage=lead" in page.url  # the filter is in the address, shareable
    assert page.evaluate("window.__noReload") is True
    shot(page, "inbox-officer-filtered")

    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_class("lead is-current")
    page.keyboard.press("Enter")
    page.wait_for_url("**/leads/*/")
    lead = Lead.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    expect(page.get_by_role("heading", level=1)).to_have_text(lead.company)
    expect(page.locator("#elsewhere table")).to_be_visible()  # "where else" loads after the page
    shot(page, "lead-detail-zh")

    workflow = page.locator("#workflow")
    workflow.get_by_label("阶段").select_option("contact")
    workflow.get_by_role("button", name="变更阶段").click()
    expect(workflow.get_by_text("阶段已更新。")).to_be_visible()
    settled(page)
    expect(page.locator("#lead-badges .stage")).to_have_text("接洽/考察")
    expect(page.locator("#lead-stepper [aria-current=step]")).to_have_text("接洽/考察")

    workflow.get_by_label("内容").fill("与投资方通话，约定下周实地考察。")
    workflow.get_by_role("button", name="添加备注").click()
    expect(workflow.locator(".timeline")).to_contain_text("约定下周实地考察")
    lead.refresh_from_db()
    assert lead.stage == "contact"
    assert LeadActivity.objects.filter(lead=lead, text__contains="实地考察").exists()
    shot(page, "lead-detail-after-actions")


def test_inline_actions_in_the_inbox_work_without_a_reload(
    page: Any,
    live_server: Any,
    scenario: Scenario,
    sign_in: Callable[..., None],
    shot: Callable[..., Any],
) -> None:
    sign_in(page, "officer_jinan")
    page.evaluate("window.__noReload = true")
    nocapex = scenario.leads["nocapex"]
    row = page.locator(f"#lead-{nocapex.pk}")
    row.get_by_label(f"{nocapex.company} 的阶段", exact=True).select_option("signed")
    row.get_by_role("button", name=f"保存 {nocapex.company} 的阶段").click()  # never on change
    expect(row.locator(".field-error")).to_contain_text("投资额")  # capex and jobs come first
    expect(row.get_by_label(f"{nocapex.company} 的阶段", exact=True)).to_have_value("negotiation")
    shot(page, "inbox-stage-refused")

    parts = scenario.leads["parts"]
    row = page.locator(f"#lead-{parts.pk}")
    row.get_by_role("button", name="状态 / 备注").click()
    settled(page)
    panel = page.locator(f"#panel-{parts.pk}")
    panel.get_by_label("状态").select_option("on_hold")
    panel.get_by_role("button", name="保存状态").click()
    expect(page.locator(f"#panel-{parts.pk} .field-error")).to_be_visible()  # needs a reason
    settled(page)
    panel = page.locator(f"#panel-{parts.pk}")
    panel.get_by_label("原因").fill("等待环评结果")
    panel.get_by_role("button", name="保存状态").click()
    expect(page.locator(f"#lead-{parts.pk} .status")).to_have_text("暂缓")
    settled(page)
    page.get_by_label(f"{parts.company} 的负责人", exact=True).select_option(label="officer_jinan")
    page.get_by_role("button", name=f"保存 {parts.company} 的负责人").click()
    expect(page.locator(f"#lead-{parts.pk} .saved")).to_contain_text("负责人已更新")
    assert page.evaluate("window.__noReload") is True
    parts.refresh_from_db()
    assert (parts.status, parts.status_reason) == ("on_hold", "等待环评结果")
    assert parts.owner == scenario.users["officer_jinan"]
    shot(page, "inbox-inline-actions")


def test_a_bad_edit_is_refused_beside_the_field(
    page: Any,
    live_server: Any,
    scenario: Scenario,
    sign_in: Callable[..., None],
    shot: Callable[..., Any],
) -> None:
    sign_in(page, "officer_jinan")
    lead = scenario.leads["battery"]
    page.goto(f"{live_server.url}/leads/{lead.pk}/edit/")
    page.get_by_label("就业（人）").fill("-20")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#id_jobs_error")).to_be_visible()
    shot(page, "lead-edit-error")
    lead.refresh_from_db()
    assert lead.jobs == 3000


def test_the_inbox_is_usable_on_a_tablet(
    browser: Any,
    live_server: Any,
    scenario: Scenario,
    sign_in: Callable[..., None],
    shot: Callable[..., Any],
) -> None:
    context = browser.new_context(
        viewport={"width": 820, "height": 1180}, locale="zh-CN", has_touch=True
    )
    tab = context.new_page()
    sign_in(tab, "officer_jinan")
    table = tab.locator(".table-wrap")
    expect(table).to_be_visible()
    shot(tab, "inbox-tablet")
    width = tab.evaluate("document.documentElement.scrollWidth")
    wide = tab.evaluate("""[...document.querySelectorAll('body *')].filter(e =>
        e.getBoundingClientRect().right > 820 && !e.closest('.table-wrap'))
        .map(e => e.tagName + '.' + e.className).slice(0, 5)""")
    assert width <= 820, f"the page itself must not scroll sideways (the table may): {wide}"
    tab.goto(f"{live_server.url}/leads/{scenario.leads['battery'].pk}/")
    expect(tab.locator("#elsewhere table")).to_be_visible()
    assert tab.evaluate("document.documentElement.scrollWidth") <= 820
    shot(tab, "lead-detail-tablet")
    context.close()
