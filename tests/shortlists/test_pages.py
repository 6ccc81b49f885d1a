"""The shortlist pages as a manager uses them, and who may use them at all."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import Lead
from screening.models import ScoringProfile
from shortlists.models import SavedShortlist
from tests.shortlists.test_ranking import expected_order
from tests.ui.scenario import Scenario

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true", "HX-Target": "ranking"}


def page_urls(world: Scenario) -> list[tuple[str, str]]:
    """(method, url) of every shortlist page."""
    saved = SavedShortlist.objects.first()
    pk = saved.pk if saved else 1
    entry = saved.entries.first().pk if saved else 1  # type: ignore[union-attr]
    return [
        ("get", reverse("shortlists:page")),
        ("post", reverse("shortlists:save")),
        ("post", reverse("shortlists:profile_save")),
        ("get", reverse("shortlists:ahp")),
        ("get", reverse("shortlists:compare")),
        ("get", reverse("shortlists:charts")),
        ("get", reverse("shortlists:saved_list")),
        ("get", reverse("shortlists:saved", args=[pk])),
        ("post", reverse("shortlists:decide", args=[pk, entry])),
        ("get", reverse("shortlists:export_xlsx", args=[pk])),
        ("get", reverse("shortlists:export_pdf", args=[pk])),
    ]


def save_shortlist(client: Client, cutoff: int = 5, **extra: object) -> SavedShortlist:
    data = {
        "scope": "region",
        "cutoff": cutoff,
        "status": "active",
        "save-name": "一季度重点",
        **extra,
    }
    data["fingerprint"] = fingerprint_on_screen(client, data)
    response = client.post(reverse("shortlists:save"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return SavedShortlist.objects.latest("pk")


def fingerprint_on_screen(client: Client, data: dict[str, Any]) -> str:
    """The fingerprint the save form carries on the shortlist page ranked with `data`."""
    query = {k: v for k, v in data.items() if not k.startswith("save-")}
    html = client.get(reverse("shortlists:page"), query).content.decode()
    found = re.search(r'<input type="hidden" name="fingerprint" value="([0-9a-f]*)">', html)
    assert found is not None, "the save form carries no fingerprint"
    return found.group(1)


def row_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<tr class="sl-row[^"]*" data-lead="(\d+)"', html)]


def test_officers_get_403_and_strangers_sign_in_on_every_page(
    world: Scenario, client_for: Callable[[str], Client], manager: Client
) -> None:
    save_shortlist(manager)
    for method, url in page_urls(world):
        for who, expected in [("officer_jinan", 403), ("nobody", 403)]:
            response = getattr(client_for(who), method)(url)
            assert response.status_code == expected, (who, method, url)
        response = getattr(client_for("anonymous"), method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_admins_may_use_shortlists(client_for: Callable[[str], Client]) -> None:
    assert client_for("admin").get(reverse("shortlists:page")).status_code == 200


def test_it_lists_leads_ranked_under_the_profile_in_force(manager: Client) -> None:
    response = manager.get(reverse("shortlists:page"), {"status": "any", "cutoff": "5"})
    html = response.content.decode()
    assert response.status_code == 200
    assert row_ids(html) == expected_order((0.4, 0.3, 0.3))[:15]  # cut-off 5 + 10 below it
    assert "入围线 · 前 5 名" in html
    assert "均衡 v1" in html
    assert "试算权重" not in html


def test_sliders_rerank_at_once_without_saving_anything(manager: Client) -> None:
    profiles = list(ScoringProfile.objects.values_list("pk", "local_fit", "is_active"))
    response = manager.get(
        reverse("shortlists:page"),
        {
            "status": "any",
            "cutoff": "5",
            "w_local_fit": "0",
            "w_chain_completion": "100",
            "w_cluster_strength": "0",
        },
        headers=HTMX,
    )
    html = response.content.decode()
    assert "<html" not in html  # only the ranking is sent back
    assert row_ids(html) == expected_order((0.0, 1.0, 0.0))[:15]
    assert "试算权重" in html
    assert 'data-sliders="0,100,0,50"' in html  # the fourth: share of pull in cluster
    assert list(ScoringProfile.objects.values_list("pk", "local_fit", "is_active")) == profiles


def test_weights_on_any_scale_are_normalised(manager: Client) -> None:
    html = manager.get(
        reverse("shortlists:page"),
        {
            "status": "any",
            "w_local_fit": "20",
            "w_chain_completion": "20",
            "w_cluster_strength": "60",
        },
        headers=HTMX,
    ).content.decode()
    assert row_ids(html) == expected_order((0.2, 0.2, 0.6))[:30]
    assert "<strong>20%</strong>" in html and "<strong>60%</strong>" in html


def test_bad_weights_are_refused_with_a_message(manager: Client) -> None:
    html = manager.get(
        reverse("shortlists:page"),
        {"w_local_fit": "0", "w_chain_completion": "0", "w_cluster_strength": "0"},
    ).content.decode()
    assert "权重不能全为 0" in html
    assert row_ids(html) == []


def test_rows_show_sub_scores_capex_jobs_stage_and_rank_band(
    manager: Client, world: Scenario
) -> None:
    html = manager.get(
        reverse("shortlists:page"), {"status": "any", "cutoff": "3"}
    ).content.decode()
    battery = world.leads["battery"]
    row = re.search(rf'data-lead="{battery.pk}">(.*?)</tr>', html, re.S)
    assert row, "the battery lead is shown"
    cells = row.group(1)
    assert "宁德时代（示例）" in cells and "接洽/考察" in cells
    assert '<span class="amount">800,000 万元</span>' in cells and ">3,000<" in cells
    assert re.search(r'class="band-text">\d+–\d+<', cells)
    assert cells.count("scorebar-track") == 4  # local, chain, cluster and its pull part


def test_leads_whose_band_crosses_the_cutoff_are_flagged(manager: Client) -> None:
    html = manager.get(
        reverse("shortlists:page"), {"status": "any", "cutoff": "8"}
    ).content.decode()
    flagged = re.findall(r'<tr class="sl-row[^"]*is-flagged[^"]*"', html)
    assert flagged, "near-ties around the cut-off are flagged"
    assert html.count('class="badge badge-flag"') == len(flagged)


def test_neighbours_the_weights_cannot_tell_apart_are_marked(manager: Client) -> None:
    response = manager.get(reverse("shortlists:page"), {"status": "any", "cutoff": "8"})
    shortlist = response.context["shortlist"]
    html = response.content.decode()
    marked = html.count('<span aria-hidden="true">≈</span>')
    assert marked == shortlist.ties == sum(r.tied_with_next for r in shortlist.rows[:-1])
    # Two neighbours whose rank bands do not overlap are never marked as tied.
    for upper, lower in zip(shortlist.rows, shortlist.rows[1:], strict=False):
        if upper.band_high < lower.band_low:
            assert not upper.tied_with_next
    if shortlist.ties:
        assert "无法区分先后" in html


def test_a_cluster_scope_ranks_only_the_clusters_leads(manager: Client, world: Scenario) -> None:
    cluster = world.clusters["JN-NEV"]
    html = manager.get(
        reverse("shortlists:page"),
        {"scope": "cluster", "cluster": str(cluster.pk), "status": "any"},
    ).content.decode()
    leads = Lead.objects.filter(pk__in=row_ids(html))
    assert leads.exists()
    assert {lead.industry.code for lead in leads} <= {"NEV-ASM", "NEV-PART"}
    assert "济南新能源汽车产业集群" in html


def test_a_cluster_scope_without_a_cluster_asks_for_one(manager: Client) -> None:
    html = manager.get(reverse("shortlists:page"), {"scope": "cluster"}).content.decode()
    assert "请选择一个产业集群" in html


def test_saving_the_weights_makes_a_new_profile_version(manager: Client, world: Scenario) -> None:
    response = manager.post(
        reverse("shortlists:profile_save"),
        {
            "scope": "region",
            "cutoff": "5",
            "status": "active",
            "w_local_fit": "20",
            "w_chain_completion": "60",
            "w_cluster_strength": "20",
            "profile-name": "balanced",
            "profile-region": "",
            "profile-reason": "补链为今年重点",
        },
    )
    assert response.status_code == 302
    profile = ScoringProfile.objects.get(name="balanced", version=2)
    assert profile.is_active and profile.region_id is None
    assert profile.weights() == pytest.approx((0.2, 0.6, 0.2))
    assert profile.created_by == world.users["manager"]
    assert profile.reason == "补链为今年重点"
    assert not ScoringProfile.objects.get(name="balanced", version=1).is_active
    assert f"profile={profile.pk}" in response["Location"]


def test_a_profile_version_needs_a_reason(manager: Client) -> None:
    response = manager.post(
        reverse("shortlists:profile_save"),
        {
            "scope": "region",
            "cutoff": "5",
            "status": "active",
            "w_local_fit": "20",
            "w_chain_completion": "60",
            "w_cluster_strength": "20",
            "profile-name": "balanced",
            "profile-reason": "",
        },
    )
    assert response.status_code == 400
    assert ScoringProfile.objects.count() == 1
    assert 'id="profile-panel" open' in response.content.decode()


def test_ahp_gives_the_methods_example_weights(manager: Client) -> None:
    html = manager.get(
        reverse("shortlists:ahp"), {"lf_cc": "1", "lf_cs": "2", "cc_cs": "1"}
    ).content.decode()
    assert "<dd>41%</dd>" in html and "<dd>33%</dd>" in html and "<dd>26%</dd>" in html
    assert "CR = 0.046" in html
    assert "w_local_fit=41&amp;w_chain_completion=33&amp;w_cluster_strength=26" in html


def test_ahp_refuses_inconsistent_judgements_naming_the_worst(manager: Client) -> None:
    html = manager.get(
        reverse("shortlists:ahp"), {"lf_cc": "9", "lf_cs": "1/9", "cc_cs": "5"}
    ).content.decode()
    assert "判断不一致" in html
    assert "请重新考虑“本地适配 相对 补链”" in html
    assert "用这些权重试算名单" not in html


def test_compare_shows_up_to_four_leads_with_explanations(manager: Client, world: Scenario) -> None:
    keys = ["battery", "parts", "cathode", "steel", "tire"]
    response = manager.get(
        reverse("shortlists:compare"), {"lead": [world.leads[k].pk for k in keys]}, follow=True
    )
    html = response.content.decode()
    for key in keys[:4]:
        assert world.leads[key].company in html
    assert world.leads["tire"].company not in html
    assert "最多同时比较 4 条线索" in html
    assert "本地供应商" in html and html.count('<ul class="explain">') == 4


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_cutoff(manager: Client) -> None:
    counts = []
    manager.get(reverse("shortlists:page"))  # loads the copy of the scores once
    for cutoff in (2, 12):
        with CaptureQueriesContext(connection) as queries:
            assert (
                manager.get(
                    reverse("shortlists:page"), {"status": "any", "cutoff": cutoff}
                ).status_code
                == 200
            )
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_charts_are_inline_svg(manager: Client, world: Scenario) -> None:
    html = manager.get(reverse("shortlists:charts"), {"status": "any"}).content.decode()
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 5
    for title in [
        "可行性与吸引力",
        "招商漏斗",
        "各阶段停留时间",
        "各地区总分分布",
        "集群目标与签约",
    ]:
        assert f"<title>{title}</title>" in html
    assert "济南新能源汽车产业集群" in html  # the cluster with targets
    assert '<script src="http' not in html


def test_the_share_of_pull_is_a_what_if_slider_and_saved_with_the_profile(
    manager: Client, world: Scenario
) -> None:
    query = {"status": "any", "cutoff": "5", "w_pull_share": "100"}
    html = manager.get(reverse("shortlists:page"), query, headers=HTMX).content.decode()
    assert "试算权重" in html and "（其中带动配套 100%）" in html
    assert 'data-sliders="40,30,30,100"' in html
    response = manager.post(
        reverse("shortlists:profile_save"),
        {
            **query,
            "scope": "region",
            "w_local_fit": "40",
            "w_chain_completion": "30",
            "w_cluster_strength": "30",
            "profile-name": "balanced",
            "profile-reason": "龙头带动为重点",
        },
    )
    assert response.status_code == 302
    profile = ScoringProfile.objects.get(name="balanced", version=2)
    assert profile.pull_share == 1.0
    assert profile.weights() == pytest.approx((0.4, 0.3, 0.3))


def test_ahp_splits_cluster_strengthening_with_a_fourth_judgement(manager: Client) -> None:
    html = manager.get(
        reverse("shortlists:ahp"), {"lf_cc": "1", "lf_cs": "1", "cc_cs": "1", "st_pu": "1/3"}
    ).content.decode()
    # Pull judged slightly more important than strengthening (3 : 1): 75 % of cluster.
    assert "强群之内：带动配套占 75%" in html
    assert "w_pull_share=75" in html
