"""A manager's shortlist journey in Chromium: rank, try weights, compare, save, decide,
see what moved, export, look at the charts, derive weights by AHP, save a profile version.

Screenshots go to test-artifacts/shortlists-*.png for a person to look at.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from projects.models import Lead, Stage
from projects.services import lead_move_stage
from screening.models import ScoringProfile
from shortlists import ranking
from shortlists.models import SavedShortlist
from tests.browser.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.shortlists.conftest import build_world
from tests.shortlists.test_ranking import expected_mixed_order, expected_order
from tests.ui.scenario import PASSWORD, Scenario

# The live server runs in a thread of this process while Playwright's sync API holds an
# event loop; Django's async-safety check must be off for that (here only).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(f"browser tests need Chromium at {CHROMIUM}", allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live_world(transactional_db: None) -> Scenario:
    ranking.forget_cache()
    return build_world()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 1400, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


def shot(tab: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"shortlists-{name}.png"), full_page=True)


def settled(tab: Any) -> None:
    # A function, not an expression: the site's CSP refuses eval() ('unsafe-eval').
    tab.wait_for_function(
        "() => !document.querySelector("
        "'.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def ranked_ids(tab: Any) -> list[int]:
    return [
        int(x)
        for x in tab.eval_on_selector_all(
            "#shortlist-table tr.sl-row", "rows => rows.map(r => r.dataset.lead)"
        )
    ]


def sign_in(tab: Any, url: str) -> None:
    tab.goto(f"{url}/accounts/login/")
    tab.get_by_label("用户名").fill("manager")
    tab.get_by_label("密码").fill(PASSWORD)
    tab.get_by_role("button", name="登录").click()
    tab.wait_for_url(f"{url}/")


def test_a_manager_ranks_tries_weights_saves_decides_and_exports(
    page: Any, live_server: Any, live_world: Scenario
) -> None:
    from playwright.sync_api import expect

    url = live_server.url
    sign_in(page, url)
    page.goto(f"{url}/shortlists/?cutoff=8&status=any")
    expect(page.get_by_role("heading", name="招商名单")).to_be_visible()
    assert ranked_ids(page) == expected_order((0.4, 0.3, 0.3))[:18]
    expect(page.locator(".cutoff-row")).to_contain_text("前 8 名")
    shot(page, "1-ranking")

    # What-if: a slider re-ranks in place, without a page load and without saving.
    profiles = ScoringProfile.objects.count()
    page.evaluate("window.__noReload = true")
    for name, value in [("w_local_fit", "0"), ("w_cluster_strength", "0")]:
        page.locator(f"#id_{name}").fill(value)
        settled(page)
    page.wait_for_function(
        "() => document.querySelector('#ranking').textContent.includes('试算权重')"
    )
    settled(page)
    assert ranked_ids(page) == expected_order((0.0, 1.0, 0.0))[:18]
    assert page.evaluate("window.__noReload") is True
    assert "w_chain_completion=30" in page.url and "w_local_fit=0" in page.url
    expect(page.locator("#id_w_chain_completion + output")).to_have_text("100%")
    assert ScoringProfile.objects.count() == profiles
    shot(page, "2-what-if")

    # A preset moves the sliders and re-ranks.
    page.get_by_role("link", name="强群优先").click()
    page.wait_for_function(
        "() => document.querySelector('#applied-weights').dataset.sliders == '20,20,60,50'"
    )
    settled(page)
    assert ranked_ids(page) == expected_order((0.2, 0.2, 0.6))[:18]
    expect(page.locator("#id_w_cluster_strength")).to_have_value("60")

    # Compare two leads side by side.
    top_two = ranked_ids(page)[:2]
    for lead_id in top_two:
        page.locator(f'tr[data-lead="{lead_id}"] .compare-pick').check()
    page.get_by_role("button", name="对比所选（最多 4 条）").click()
    page.wait_for_url("**/shortlists/compare/**")
    for lead in Lead.objects.filter(pk__in=top_two):
        expect(page.locator("table.compare thead")).to_contain_text(lead.company)
    expect(page.locator("table.compare")).to_contain_text("评分说明")
    shot(page, "3-compare")
    page.go_back()

    # Save the shortlist; the snapshot page opens.
    page.locator("#save-panel summary").click()
    page.get_by_label("名单名称").fill("强群专题")
    page.get_by_role("button", name="保存前 8 名").click()
    page.wait_for_url("**/shortlists/saved/*/")
    saved = SavedShortlist.objects.get(name="强群专题")
    assert saved.weights() == pytest.approx((0.2, 0.2, 0.6))
    assert [e.lead_id for e in saved.entries.order_by("rank")] == expected_order((0.2, 0.2, 0.6))[
        :8
    ]
    expect(page.get_by_role("heading", level=1)).to_have_text("强群专题")

    # A decision and comment on the first entry, saved in place.
    first = saved.entries.get(rank=1)
    row = page.locator(f"#entry-{first.pk}")
    row.get_by_text("重点跟进").click()
    row.get_by_label("意见").fill("本月内安排实地考察")
    row.get_by_role("button", name="保存").click()
    expect(row.get_by_text("已保存")).to_be_visible()
    first.refresh_from_db()
    assert (first.decision, first.comment) == ("pursue", "本月内安排实地考察")
    shot(page, "4-saved")

    # Something moves after saving: the page says so, the snapshot does not change.
    before = list(saved.entries.order_by("rank").values_list("lead_id", "total"))
    second = Lead.objects.get(pk=before[1][0])
    lead_move_stage(
        lead=second,
        user=None,
        to_stage=Stage.NEGOTIATION if second.stage != Stage.NEGOTIATION else Stage.LEAD,
    )
    page.reload()
    expect(page.locator(".moved-summary")).to_contain_text("保存以来有 1 条线索发生变化")
    expect(page.locator(f"#entry-{saved.entries.get(rank=2).pk} .stage-moved")).to_be_visible()
    assert list(saved.entries.order_by("rank").values_list("lead_id", "total")) == before
    shot(page, "5-saved-moved")

    # Exports: an Excel sheet and a PDF briefing with one row / page per lead.
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert sheet is not None
    assert [sheet.cell(row=r, column=1).value for r in range(10, 18)] == list(range(1, 9))
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 PDF 简报").click()
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert len(pdf.pages) == 9 and first.company in pdf.pages[1].extract_text()

    # Charts: five inline SVGs, the saved leads highlighted on the feasibility map.
    page.get_by_role("link", name="图表").last.click()
    page.wait_for_url("**/shortlists/charts/**")
    expect(page.locator("svg.chart")).to_have_count(5)
    expect(page.locator("svg.chart g.pt")).to_have_count(8)
    shot(page, "6-charts")


def test_the_share_of_pull_slider_reranks_in_place(
    page: Any, live_server: Any, live_world: Scenario
) -> None:
    from playwright.sync_api import expect

    url = live_server.url
    sign_in(page, url)
    page.goto(f"{url}/shortlists/?cutoff=8&status=any")
    page.evaluate("window.__noReload = true")
    page.locator("#id_w_cluster_strength").fill("100")
    settled(page)
    page.locator("#id_w_local_fit").fill("0")
    settled(page)
    page.locator("#id_w_chain_completion").fill("0")
    settled(page)
    page.locator("#id_w_pull_share").fill("100")
    page.wait_for_function(
        "() => document.querySelector('#applied-weights').dataset.sliders == '0,0,100,100'"
    )
    settled(page)
    # All weight on cluster strengthening, all of it on pull: ranked by the stored pull.
    assert ranked_ids(page) == expected_mixed_order((0.0, 0.0, 1.0), 1.0)[:18]
    expect(page.locator("#id_w_pull_share + output")).to_have_text("100%")
    expect(page.locator("#ranking")).to_contain_text("其中带动配套 100%")
    assert page.evaluate("window.__noReload") is True and "w_pull_share=100" in page.url
    shot(page, "7-pull-share")


def test_a_manager_derives_weights_by_ahp_and_saves_them_as_a_profile_version(
    page: Any, live_server: Any, live_world: Scenario
) -> None:
    from playwright.sync_api import expect

    url = live_server.url
    sign_in(page, url)
    page.goto(f"{url}/shortlists/ahp/")
    form = page.locator("form.card")
    form.get_by_label("本地适配 相对 补链").select_option("9")
    form.get_by_label("本地适配 相对 强群").select_option("1/9")
    form.get_by_label("补链 相对 强群").select_option("5")
    expect(page.locator("#ahp-result")).to_contain_text("判断不一致")
    expect(page.locator("#ahp-result")).to_contain_text("请重新考虑“本地适配 相对 补链”")
    shot(page, "7-ahp-refused")

    form.get_by_label("本地适配 相对 补链").select_option("1")
    form.get_by_label("本地适配 相对 强群").select_option("2")
    form.get_by_label("补链 相对 强群").select_option("1")
    expect(page.locator("#ahp-result")).to_contain_text("CR = 0.046")
    shot(page, "8-ahp")

    page.locator("#ahp-result details summary").click()
    page.get_by_label("方案名称").fill("ahp")
    page.get_by_label("调整理由").fill("2026 年班子会议两两比较结果")
    page.get_by_role("button", name="保存并生效").click()
    page.wait_for_url("**/shortlists/?**")
    expect(page.locator(".messages")).to_contain_text("ahp v1")
    profile = ScoringProfile.objects.get(name="ahp", version=1)
    assert profile.is_active and profile.reason == "2026 年班子会议两两比较结果"
    assert profile.weights() == pytest.approx((0.41, 0.33, 0.26))
    expect(page.locator(".weights-used")).to_contain_text("ahp v1")
    shot(page, "9-profile-saved")


def test_the_page_reads_well_in_english(page: Any, live_server: Any, live_world: Scenario) -> None:
    from playwright.sync_api import expect

    url = live_server.url
    sign_in(page, url)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": url}])
    page.goto(f"{url}/shortlists/?cutoff=5&status=any")
    expect(page.get_by_role("heading", level=1)).to_have_text("Shortlist")
    shot(page, "10-english")
    page.goto(f"{url}/shortlists/charts/?cutoff=5&status=any")
    shot(page, "11-charts-english")
