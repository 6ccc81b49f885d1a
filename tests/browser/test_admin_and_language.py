"""An admin edits a cluster and sees a lead's score change; the app switches to English;
screenshots of the remaining main pages."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from screening.models import LeadScore
from tests.ui.scenario import Scenario

pytestmark = pytest.mark.browser


def shown_total(page: Any) -> int:
    return int(page.locator(".total-big").inner_text())


def test_an_admin_edits_a_cluster_and_sees_a_lead_score_change(
    page: Any,
    live_server: Any,
    scenario: Scenario,
    sign_in: Callable[..., None],
    shot: Callable[..., Any],
) -> None:
    sign_in(page, "admin")
    lead = scenario.leads["battery"]
    page.goto(f"{live_server.url}/leads/{lead.pk}/")
    before = shown_total(page)
    assert before == round(LeadScore.objects.get(lead=lead).total)

    cluster = scenario.clusters["JN-NEV"]
    page.goto(f"{live_server.url}/clusters/{cluster.pk}/")
    expect(page.get_by_role("heading", name="产业链图")).to_be_visible()
    shot(page, "cluster-profile-zh")
    page.get_by_role("link", name="在管理后台编辑").click()
    page.wait_for_url(f"**/admin/regions/cluster/{cluster.pk}/change/")
    member = page.locator("select[name$='-role']").nth(1)  # 汽车零部件, a supporting member
    assert member.input_value() == "support"
    member.select_option("core")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/regions/cluster/")

    page.goto(f"{live_server.url}/leads/{lead.pk}/")
    after = shown_total(page)
    stored = LeadScore.objects.get(lead=lead)
    assert after == round(stored.total) != before
    expect(page.locator(".alert-stale")).to_have_count(0)  # recomputed, not merely marked
    shot(page, "lead-detail-after-cluster-edit")


def test_switching_to_english(
    page: Any,
    live_server: Any,
    scenario: Scenario,
    sign_in: Callable[..., None],
    shot: Callable[..., Any],
) -> None:
    sign_in(page, "officer_jinan")
    expect(page.get_by_role("heading", name="线索收件箱")).to_be_visible()
    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="切换").click()  # choosing alone does not reload (3.2.2)
    expect(page.get_by_role("heading", name="Lead inbox")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#lead-table thead")).to_contain_text("Local fit")
    expect(page.locator("#lead-table")).to_contain_text("Battery cells")  # English names
    shot(page, "inbox-officer-en")
    page.locator("#lead-table a.company").first.click()
    expect(page.get_by_role("heading", name="Why this score")).to_be_visible()
    expect(page.locator("#elsewhere table")).to_be_visible()
    body = page.locator("main").inner_text()
    assert re.search(r"[A-Z][a-z]{2}\. \d{1,2}, 2026|[A-Z][a-z]+ \d{1,2}, 2026", body)  # a date
    shot(page, "lead-detail-en")
    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("button", name="Switch").click()
    expect(page.get_by_role("heading", name="评分", exact=True)).to_be_visible()


def upload_bundle(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bundle.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("leads.csv", text.encode("utf-8"))
    return path


def test_admin_pages_upload_runs_and_sign_in(
    page: Any,
    browser: Any,
    live_server: Any,
    scenario: Scenario,
    sign_in: Callable[..., None],
    shot: Callable[..., Any],
    tmp_path: Path,
) -> None:
    anonymous = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    tab = anonymous.new_page()
    tab.goto(f"{live_server.url}/")
    expect(tab.get_by_role("heading", name="登录选商")).to_be_visible()
    shot(tab, "sign-in")
    anonymous.close()

    sign_in(page, "admin")
    page.goto(f"{live_server.url}/data/upload/")
    header = (
        "external_id,company,industry_code,region_code,capex,currency,jobs,land_ha,needs,"
        "input_codes,stage,status,received_on\n"
    )
    bad = header + (
        "B-1,坏数据一,NO-SUCH,SD-JN,abc,CNY,10,,,,lead,active,2026-02-01\n"
        "B-2,坏数据二,TEXT,SD-XX,100,CNY,-4,,,,moon,active,2026-13-01\n"
    )
    page.get_by_label("数据文件（.zip、.xlsx 或 .csv）").set_input_files(
        str(upload_bundle(tmp_path, bad))
    )
    page.get_by_role("button", name="上传并检查").click()
    expect(page.locator("table.errors tbody tr")).not_to_have_count(0)
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    shot(page, "upload-dry-run-errors")

    good = header + "".join(
        f"G-{n},上传企业{n},TEXT,SD-JN,1000,CNY,50,,,,lead,active,2026-02-01\n" for n in range(25)
    )
    page.goto(f"{live_server.url}/data/upload/")
    page.get_by_label("数据文件（.zip、.xlsx 或 .csv）").set_input_files(
        str(upload_bundle(tmp_path, good))
    )
    page.get_by_role("button", name="上传并检查").click()
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_text("导入完成。")).to_be_visible()
    expect(page.locator("#import-panel progress").first).to_be_visible()
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)  # used once
    shot(page, "upload-done")

    page.goto(f"{live_server.url}/runs/")
    expect(page.locator("table.runs")).to_be_visible()
    shot(page, "score-runs")
    page.goto(f"{live_server.url}/clusters/")
    shot(page, "cluster-list")
