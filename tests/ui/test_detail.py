"""The lead page: fields, score card with its explanation, where else it fits, duplicates, edits."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import Lead
from regions.models import RegionIndustry
from screening import invalidation
from screening.models import LeadScore
from screening.services.scores import rescore_leads
from tests.ui.errors import assert_error_tied
from tests.ui.scenario import Scenario


def detail(client: Client, lead: Lead, language: str = "zh-hans") -> str:
    url = reverse("lead_detail", kwargs={"pk": lead.pk})
    response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_every_field(scenario: Scenario, officer: Client) -> None:
    lead = scenario.leads["battery"]
    body = detail(officer, lead)
    for text in (
        "宁德时代（示例）",
        "广东深圳",
        "民营",
        "动力电池电芯与模组",
        "正极材料",
        "800,000 万元",  # capex in its own currency, with separators
        "港口",
        "招商引资线索（测试）",
        "2026年1月5日",
        "T-000",
    ):
        assert text in body, text
    english = detail(officer, lead, language="en")
    for text in ("CNY 8,000.0 m", "3,000", "Jan. 5, 2026", "Private", "Cathode materials"):
        assert text in english, text


def test_the_score_card_explains_in_plain_sentences(scenario: Scenario, officer: Client) -> None:
    lead = scenario.leads["battery"]
    score = LeadScore.objects.get(lead=lead)
    body = detail(officer, lead)
    assert f">{score.total:.0f}</span>" in body
    assert f"置信度 {100 * score.confidence:.0f}%" in body
    for sentence in score.explanation["sentences"]["zh"][1:]:
        assert sentence.replace("“", "&ldquo;") in body or sentence in body
    assert "济南新能源汽车产业集群" in body  # the cluster it grows
    assert "✗ 港口" in body  # an unmet need


def test_the_score_card_shows_both_parts_of_cluster_strengthening(
    scenario: Scenario, officer: Client
) -> None:
    lead = scenario.leads["battery"]  # cell maker in Jinan, which has no cathode makers
    score = LeadScore.objects.get(lead=lead)
    assert score.strengthen is not None and score.pull is not None
    assert score.cluster_strength == pytest.approx(0.5 * score.strengthen + 0.5 * score.pull)
    body = detail(officer, lead)
    card = body[body.index('id="scorecard-title"') :]
    assert "壮大集群" in card and "带动配套" in card
    assert f'aria-label=" {score.pull:.0f}/100"' in card  # the pull bar
    assert '<span class="chip chip-pull">正极材料 <small>100%</small></span>' in card
    assert "可带动配套：正极材料（占投入 100%）——本地缺失或薄弱，占其投入的 100%。" in card
    english = detail(officer, lead, language="en")
    assert "Would draw in: Cathode materials (100% of inputs)" in english


def test_firm_counts_set_the_typical_plant_that_pull_compares_the_lead_with(
    scenario: Scenario,
) -> None:
    lead = scenario.leads["battery"]  # 3,000 jobs
    before = LeadScore.objects.get(lead=lead).explanation["pull"]
    assert before["typical_source"] == "employment"  # no firm counts: the fallback
    RegionIndustry.objects.filter(industry=scenario.industries["LIB-CELL"]).update(firms=5)
    invalidation.measures_changed()  # as every write path of region data does
    rescore_leads([lead.pk])
    pull = LeadScore.objects.get(lead=lead).explanation["pull"]
    # Jinan is the only city with battery cells: 1,500 jobs in 5 firms.
    assert (pull["typical_plant"], pull["typical_source"]) == (300, "firms")
    assert pull["size_ratio"] == 10.0


def test_the_explanation_follows_the_language(scenario: Scenario, officer: Client) -> None:
    lead = scenario.leads["battery"]
    score = LeadScore.objects.get(lead=lead)
    body = detail(officer, lead, language="en")
    assert score.explanation["sentences"]["en"][1] in body
    assert "Why this score" in body and "Jinan new-energy vehicle cluster" in body


def test_a_stale_score_is_marked_and_polled_until_fresh(
    scenario: Scenario, officer: Client
) -> None:
    lead = scenario.leads["battery"]
    invalidation.leads_changed([lead.pk])
    card = officer.get(reverse("lead_scorecard", kwargs={"pk": lead.pk})).content.decode()
    assert "正在重新计算" in card and 'hx-trigger="every 2s"' in card
    rescore_leads([lead.pk])
    card = officer.get(reverse("lead_scorecard", kwargs={"pk": lead.pk})).content.decode()
    assert "正在重新计算" not in card and "every 2s" not in card


def test_where_else_scores_it_in_the_sibling_regions(scenario: Scenario, officer: Client) -> None:
    lead = scenario.leads["battery"]
    response = officer.get(reverse("lead_elsewhere", kwargs={"pk": lead.pk}))
    placements = response.context["placements"]
    assert {p.region.code for p in placements} == {r.code for r in scenario.cities.values()}
    totals = [p.total for p in placements]
    assert totals == sorted(totals, reverse=True)
    here = next(p for p in placements if p.is_target)
    assert here.total == pytest.approx(LeadScore.objects.get(lead=lead).total, abs=1e-6)


def test_where_else_shows_which_regions_are_within_the_noise(
    scenario: Scenario, officer: Client
) -> None:
    lead = scenario.leads["battery"]
    response = officer.get(reverse("lead_elsewhere", kwargs={"pk": lead.pk}))
    placements = response.context["placements"]
    assert placements[0].band_low == 1
    for place in placements:
        assert 1 <= place.band_low <= place.band_high <= len(placements)
    # Two regions the weight draws cannot order are marked; equal sub-scores always are.
    for upper, lower in itertools.pairwise(placements):
        if (upper.local_fit, upper.chain_completion, upper.cluster_strength) == (
            lower.local_fit,
            lower.chain_completion,
            lower.cluster_strength,
        ):
            assert upper.tied_with_next
    body = response.content.decode()
    assert "名次区间" in body
    assert body.count("可能最佳") == sum(p.could_be_best for p in placements[1:])
    assert body.count('<span aria-hidden="true">≈</span>') == sum(
        p.tied_with_next for p in placements[:-1]
    )


def test_it_warns_when_another_region_courts_the_same_company(
    scenario: Scenario, officer: Client
) -> None:
    def warning(lead: Lead) -> str:
        url = reverse("lead_duplicates", kwargs={"pk": lead.pk})
        return officer.get(url).content.decode()

    assert reverse("lead_duplicates", kwargs={"pk": scenario.leads["dup_jn"].pk}) in detail(
        officer, scenario.leads["dup_jn"]
    )  # loaded after the page
    body = warning(scenario.leads["dup_jn"])
    assert "同一企业也是其他地区的线索" in body
    assert "青岛市" in body
    qingdao = scenario.leads["dup_qd"]
    assert reverse("lead_detail", kwargs={"pk": qingdao.pk}) not in body  # not theirs to open
    assert "同一企业也是其他地区的线索" not in warning(scenario.leads["battery"])


def test_a_manager_sees_the_page_without_the_edit_controls(
    scenario: Scenario, manager: Client
) -> None:
    body = detail(manager, scenario.leads["battery"])
    assert "编辑线索" not in body and 'action="/leads/' not in body
    assert "只有所属地区的招商人员可以修改" in body


def test_the_timeline_lists_notes_and_stage_moves(scenario: Scenario, officer: Client) -> None:
    lead = scenario.leads["battery"]
    officer.post(
        reverse("lead_note", kwargs={"pk": lead.pk}), {"kind": "visit", "text": "实地考察"}
    )
    body = detail(officer, lead)
    assert "实地考察" in body and "考察" in body
    assert "创建于" in body  # the first stage change


def edit_data(lead: Lead, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "company": lead.company,
        "investor_origin": lead.investor_origin,
        "investor_type": lead.investor_type,
        "industry": lead.industry_id,
        "products": lead.products,
        "input_industries": list(lead.input_industries.values_list("pk", flat=True)),
        "region": lead.region_id,
        "capex": lead.capex or "",
        "currency": lead.currency,
        "jobs": lead.jobs or "",
        "land_ha": lead.land_ha or "",
        "power_mw": lead.power_mw or "",
        "needs": lead.needs,
        "source": lead.source,
        "received_on": lead.received_on,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_owner_edits_a_field_and_the_score_goes_stale(
    scenario: Scenario, officer: Client, django_capture_on_commit_callbacks: object
) -> None:
    lead = scenario.leads["battery"]
    revision = lead.score_revision
    url = reverse("lead_edit", kwargs={"pk": lead.pk})
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = officer.post(url, edit_data(lead, jobs=5000, needs=["port"]))
    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.jobs, lead.needs) == (5000, ["port"])
    assert lead.score_revision > revision
    assert LeadScore.objects.get(lead=lead).lead_revision == lead.score_revision  # recomputed


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"capex": "-5"}, "capex"),
        ({"jobs": "many"}, "jobs"),
        ({"company": ""}, "company"),
        ({"received_on": "2026-02-30"}, "received_on"),
        ({"needs": ["no-such-factor"]}, "needs"),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_changes_nothing(
    scenario: Scenario, officer: Client, changes: dict[str, object], field: str
) -> None:
    lead = scenario.leads["battery"]
    before = Lead.objects.values().get(pk=lead.pk)
    response = officer.post(
        reverse("lead_edit", kwargs={"pk": lead.pk}), edit_data(lead, **changes)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert_error_tied(response.content.decode(), f"id_{field}")
    assert Lead.objects.values().get(pk=lead.pk) == before


def test_an_officer_cannot_aim_a_lead_at_another_region(
    scenario: Scenario, officer: Client
) -> None:
    lead = scenario.leads["battery"]
    response = officer.post(
        reverse("lead_edit", kwargs={"pk": lead.pk}),
        edit_data(lead, region=scenario.cities["QD"].pk),
    )
    assert "region" in response.context["form"].errors
    lead.refresh_from_db()
    assert lead.region == scenario.cities["JN"]


def test_a_blank_amount_is_stored_as_unknown(scenario: Scenario, officer: Client) -> None:
    lead = scenario.leads["parts"]
    officer.post(reverse("lead_edit", kwargs={"pk": lead.pk}), edit_data(lead, capex=""))
    lead.refresh_from_db()
    assert lead.capex is None
    assert scenario.leads["battery"].capex == Decimal(800000)
