"""The cluster editor in the browser, on the Shandong demo: Zaozhuang's city admin adds a
missing supplier industry to the lithium-battery cluster, previews the movers, saves, and sees
the scores and the chain map change; Jinan's cluster is not theirs (page and API: 404); an
invalid edit is refused by the field. Screenshots at 390 and 1280 px in both languages."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import expect

from projects.management.commands.loaddemo import DEMO_PASSWORD
from regions.models import Cluster, ClusterIndustry, Industry, Region
from screening.models import LeadScore
from screening.world import forget_world

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SUPPLIER = "LIB-LICH"  # lithium chemicals: supplies the cathode and electrolyte members
MOBILE = {"width": 390, "height": 844}


@pytest.fixture
def demo(transactional_db: None) -> Iterator[None]:
    """The Shandong demo with 600 generated leads (14 in Zaozhuang), scored, and its users."""
    forget_world()
    with override_settings(DEBUG=True):
        call_command("loaddemo", "--leads", "600", stdout=io.StringIO())
    yield
    forget_world()


@pytest.fixture
def open_as(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []

    def sign_in(username: str, *, lang: str = "zh", viewport: dict[str, int] | None = None) -> Any:
        context = browser.new_context(
            viewport=viewport or {"width": 1280, "height": 900},
            locale="zh-CN" if lang == "zh" else "en-US",
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        tab = context.new_page()
        tab.goto(f"{live_server.url}/accounts/login/")
        tab.locator("#id_username").fill(username)
        tab.locator("#id_password").fill(DEMO_PASSWORD)
        tab.locator("button[type=submit]").click()
        tab.wait_for_url(f"{live_server.url}/")
        if lang == "en":
            tab.locator("#language-select").select_option("en")
            expect(tab.locator("html")).to_have_attribute("lang", "en")
        return tab

    yield sign_in
    for context in contexts:
        context.close()


def zaozhuang_cluster() -> Cluster:
    return Cluster.objects.get(region__code="SD-ZZ", code="ZZ-LIB")


def column_text(tab: Any, heading: str) -> str:
    return str(tab.locator(".chain-col", has=tab.get_by_role("heading", name=heading)).inner_text())


def test_a_city_admin_adds_a_supplier_previews_saves_and_sees_the_change(
    demo: None,
    open_as: Callable[..., Any],
    live_server: Any,
    shot: Callable[..., Any],
) -> None:
    cluster = zaozhuang_cluster()
    supplier = Industry.objects.get(code=SUPPLIER)
    assert not cluster.members.filter(industry=supplier).exists()
    tab = open_as("admin_zaozhuang")
    tab.goto(f"{live_server.url}/clusters/{cluster.pk}/")
    expect(tab.locator(".chain-col").first).to_contain_text(supplier.name)  # upstream
    assert supplier.name not in column_text(tab, "集群成员产业")

    tab.get_by_role("link", name="编辑集群档案").click()
    expect(tab.get_by_role("heading", name="编辑集群档案")).to_be_visible()
    tab.get_by_label("添加成员：在产业分类中搜索").fill("锂盐")
    tab.get_by_role("button", name=f"把 {supplier.name} 加入集群").click()
    added = tab.locator("#member-rows tr.is-new")
    expect(added).to_contain_text(SUPPLIER)
    expect(added.locator("select")).to_have_value("support")

    tab.get_by_role("button", name="预览影响").click()
    impact = tab.locator("#impact")
    expect(impact).to_contain_text("预览：保存后评分会怎样变化")
    changed = int(re.search(r"(\d+)\s*条的评分会变化", impact.inner_text()).group(1))  # type: ignore[union-attr]
    assert changed > 0
    movers = impact.locator("table.movers tbody tr")
    expect(movers.first).to_be_visible()
    first = movers.first
    lead_url = first.locator("a").get_attribute("href")
    predicted = int(first.locator(".total").inner_text())
    assert not cluster.members.filter(industry=supplier).exists()  # the preview wrote nothing
    shot(tab, "editor-preview-1280-zh")

    tab.get_by_role("button", name="保存", exact=True).click()
    expect(tab.locator(".messages")).to_contain_text("已保存")
    expect(tab.get_by_role("heading", name="这次修改对评分的影响")).to_be_visible()
    assert tab.url == f"{live_server.url}/clusters/{cluster.pk}/"  # swapped in, not reloaded
    assert ClusterIndustry.objects.filter(cluster=cluster, industry=supplier).exists()
    members = column_text(tab, "集群成员产业")
    assert supplier.name in members  # the chain map moved it into the cluster
    assert supplier.name not in column_text(tab, "上游供应")
    shot(tab, "editor-saved-1280-zh")

    tab.goto(f"{live_server.url}{lead_url}")
    assert int(tab.locator(".total-big").inner_text()) == predicted  # recomputed as previewed
    expect(tab.locator(".alert-stale")).to_have_count(0)
    lead_id = int(lead_url.strip("/").split("/")[-1])
    assert round(LeadScore.objects.get(lead_id=lead_id).total) == predicted


def test_a_city_admin_cannot_edit_another_citys_cluster(
    demo: None, open_as: Callable[..., Any], live_server: Any
) -> None:
    jinan = Cluster.objects.get(region__code="SD-JN", code="JN-NEV")
    tab = open_as("admin_zaozhuang")
    tab.goto(f"{live_server.url}/clusters/{jinan.pk}/")
    expect(tab.get_by_role("heading", name=jinan.name)).to_be_visible()
    expect(tab.get_by_role("link", name="编辑集群档案")).to_have_count(0)
    response = tab.goto(f"{live_server.url}/clusters/{jinan.pk}/edit/")
    assert response is not None and response.status == 404

    csrf = next(c["value"] for c in tab.context.cookies() if c["name"] == "csrftoken")
    api = tab.request.patch(
        f"{live_server.url}/api/v1/clusters/{jinan.pk}/",
        data={"name": "被改名"},
        headers={"X-CSRFToken": csrf, "Content-Type": "application/json"},
    )
    assert api.status == 404
    assert api.json()["error"]["code"] == "not_found"
    own = zaozhuang_cluster()
    allowed = tab.request.patch(
        f"{live_server.url}/api/v1/clusters/{own.pk}/",
        data={"description": "枣庄锂电"},
        headers={"X-CSRFToken": csrf, "Content-Type": "application/json"},
    )
    assert allowed.status == 200
    assert Cluster.objects.get(pk=jinan.pk).name == jinan.name


def test_an_invalid_edit_shows_its_error_by_the_field_and_changes_nothing(
    demo: None, open_as: Callable[..., Any], live_server: Any, shot: Callable[..., Any]
) -> None:
    cluster = zaozhuang_cluster()
    version = Region.objects.get(code="SD-ZZ").score_version
    tab = open_as("admin_zaozhuang")
    tab.goto(f"{live_server.url}/clusters/{cluster.pk}/")
    tab.get_by_role("link", name="编辑集群档案").click()
    tab.get_by_label("年度签约投资目标（万元）").fill("-500")
    tab.locator("#id_name").fill("")
    tab.get_by_role("button", name="保存", exact=True).click()
    expect(tab.locator("#id_target_capex-error")).to_be_visible()
    expect(tab.locator("#id_name-error")).to_be_visible()
    expect(tab.get_by_role("alert").first).to_contain_text("未保存任何内容")
    expect(tab.locator(".has-error #id_target_capex")).to_be_visible()
    shot(tab, "editor-invalid-1280-zh")
    fresh = Cluster.objects.get(pk=cluster.pk)
    assert (fresh.name, fresh.target_capex) == (cluster.name, cluster.target_capex)
    assert Region.objects.get(code="SD-ZZ").score_version == version


SHOTS = [
    ("zh", {"width": 1280, "height": 900}, "1280"),
    ("en", {"width": 1280, "height": 900}, "1280"),
    ("zh", MOBILE, "390"),
    ("en", MOBILE, "390"),
]
WORDS = {
    "zh": ("编辑集群档案", "预览影响", "编辑要素禀赋"),
    "en": ("Edit cluster profile", "Preview impact", "Edit endowments"),
}


def test_screenshots_of_the_editors_at_both_widths_in_both_languages(
    demo: None, open_as: Callable[..., Any], live_server: Any, shot: Callable[..., Any]
) -> None:
    """Previews only (nothing is saved), so one demo serves every width and language."""
    cluster = zaozhuang_cluster()
    for lang, viewport, size in SHOTS:
        edit, preview, endowments = WORDS[lang]
        tab = open_as("admin_zaozhuang", lang=lang, viewport=viewport)
        tab.goto(f"{live_server.url}/clusters/{cluster.pk}/")
        tab.get_by_role("link", name=edit).click()
        tab.locator("#picker-results li").first.wait_for()
        tab.locator("#picker-results li", has_text=SUPPLIER).get_by_role("button").click()
        expect(tab.locator("#member-rows tr.is-new")).to_have_count(1)
        tab.get_by_role("button", name=preview).click()
        expect(tab.locator("#impact table.movers").first).to_be_visible()
        # The editor and its preview fit the width (wide tables scroll inside their frame).
        editor_right = tab.evaluate(
            "Math.max(...[...document.querySelectorAll('#cluster-editor *')]"
            ".filter(e => !e.closest('.table-wrap')).map(e => e.getBoundingClientRect().right))"
        )
        assert editor_right <= viewport["width"]
        shot(tab, f"editor-preview-{size}-{lang}")
        tab.goto(f"{live_server.url}/regions/{cluster.region_id}/")
        tab.get_by_role("link", name=endowments).click()
        tab.locator("#endowment-rows tr").first.wait_for()
        tab.locator("#endowment-rows input[name$='-value']").first.fill("1")
        tab.get_by_role("button", name=preview).click()
        expect(tab.locator("#impact")).to_be_visible()
        shot(tab, f"region-endowments-{size}-{lang}")
        tab.context.close()
