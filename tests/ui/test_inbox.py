"""The inbox: my regions' leads, filtered, searched, sorted by a score, paginated without COUNT."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import Lead
from screening import invalidation
from screening.models import LeadScore
from screening.services.scores import rescore_leads
from tests.ui.scenario import Scenario


def companies(response: Any) -> list[str]:
    return [row.lead.company for row in response.context["page"].rows]


def test_it_shows_an_officer_only_the_leads_of_their_regions(
    scenario: Scenario, officer: Client
) -> None:
    shown = companies(officer.get(reverse("inbox")))
    jinan = Lead.objects.filter(region=scenario.cities["JN"]).values_list("company", flat=True)
    assert sorted(shown) == sorted(jinan)
    assert "歌尔电子（示例）" not in shown  # a Qingdao lead


def test_it_shows_a_manager_every_lead(scenario: Scenario, manager: Client) -> None:
    assert len(companies(manager.get(reverse("inbox")))) == Lead.objects.count()


def test_it_sorts_by_total_then_by_any_sub_score(scenario: Scenario, officer: Client) -> None:
    for key in ("total", "local_fit", "chain_completion", "cluster_strength"):
        rows = officer.get(reverse("inbox"), {"sort": key}).context["page"].rows
        values = [getattr(row.lead.score, key) for row in rows]
        assert values == sorted(values, reverse=True), key


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"stage": "contact"}, {"battery", "tire"}),
        ({"status": "on_hold"}, {"textile"}),
        ({"q": "正极"}, {"cathode"}),  # products
        ({"q": "日照"}, {"steel"}),  # company
        ({"industry": "LIB-CELL"}, {"battery", "dup_jn"}),
        ({"owner": "none"}, {"parts", "textile", "steel", "dup_jn"}),
        ({"received_from": "2026-01-10", "received_to": "2026-01-16"}, {"nocapex", "textile"}),
        ({"cluster": "JN-NEV"}, {"parts"}),
    ],
)
def test_it_filters(
    scenario: Scenario, officer: Client, params: dict[str, str], expected: set[str]
) -> None:
    if "industry" in params:
        params = params | {"industry": str(scenario.industries[params["industry"]].pk)}
    if "cluster" in params:
        params = params | {"cluster": str(scenario.clusters[params["cluster"]].pk)}
    keys = {k for k, lead in scenario.leads.items() if lead.region_id == scenario.cities["JN"].pk}
    wanted = {scenario.leads[k].company for k in expected}
    shown = set(companies(officer.get(reverse("inbox"), params)))
    assert shown == wanted
    assert keys  # the scenario has Jinan leads at all


def test_an_industry_filter_includes_its_sub_industries(
    scenario: Scenario, officer: Client
) -> None:
    shown = companies(officer.get(reverse("inbox"), {"industry": scenario.industries["NEV"].pk}))
    assert {"宁德时代（示例）", "潍柴零部件（示例）", "容百科技（示例）"} <= set(shown)
    assert "鲁泰纺织（示例）" not in shown


def test_it_filters_by_score_band(scenario: Scenario, manager: Client) -> None:
    rows = manager.get(reverse("inbox"), {"band": "mid"}).context["page"].rows
    assert rows
    assert all(40 <= row.lead.score.total < 60 for row in rows)


def test_an_invalid_filter_is_reported_and_the_others_still_apply(
    scenario: Scenario, officer: Client
) -> None:
    response = officer.get(reverse("inbox"), {"stage": "contact", "received_from": "not-a-date"})
    assert "received_from" in response.context["form"].errors
    assert set(companies(response)) == {"宁德时代（示例）", "赛轮轮胎（示例）"}


def test_it_pages_by_fetching_one_row_more_and_never_counts(
    scenario: Scenario, officer: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("projects.views.inbox_query.PAGE_SIZE", 3)
    with CaptureQueriesContext(connection) as queries:
        first = officer.get(reverse("inbox"))
    assert first.context["page"].has_next and not first.context["page"].has_previous
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    seen = companies(first)
    page = 2
    while True:
        response = officer.get(reverse("inbox"), {"page": page})
        seen += companies(response)
        if not response.context["page"].has_next:
            break
        page += 1
    assert len(seen) == len(set(seen)) == Lead.objects.filter(region=scenario.cities["JN"]).count()


def test_the_number_of_queries_does_not_grow_with_the_rows(
    scenario: Scenario, manager: Client
) -> None:
    def count(params: dict[str, str]) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = manager.get(reverse("inbox"), params)
        assert response.status_code == 200
        return len(queries.captured_queries)

    few = count({"q": "宁德"})
    many = count({})
    assert many == few
    extra = [
        Lead(
            external_id=f"X-{n}",
            company=f"扩展{n}",
            industry=scenario.industries["TEXT"],
            region=scenario.cities[("JN", "QD", "YT")[n % 3]],
        )
        for n in range(40)
    ]
    Lead.objects.bulk_create(extra)
    rescore_leads(list(Lead.objects.values_list("pk", flat=True)))
    assert count({}) == many


def test_an_officer_with_one_region_needs_few_queries(scenario: Scenario, officer: Client) -> None:
    with CaptureQueriesContext(connection) as queries:
        officer.get(reverse("inbox"), {"stage": "lead", "sort": "local_fit"})
    assert len(queries.captured_queries) <= 15


def test_a_stale_score_is_marked_until_recomputed(scenario: Scenario, officer: Client) -> None:
    lead = scenario.leads["battery"]
    invalidation.leads_changed([lead.pk])  # its score no longer matches its inputs
    rows = {r.lead.pk: r for r in officer.get(reverse("inbox")).context["page"].rows}
    assert rows[lead.pk].stale
    assert not rows[scenario.leads["parts"].pk].stale
    assert "待更新" in officer.get(reverse("inbox")).content.decode()
    rescore_leads([lead.pk])
    rows = {r.lead.pk: r for r in officer.get(reverse("inbox")).context["page"].rows}
    assert not rows[lead.pk].stale


def test_a_lead_without_a_score_yet_is_listed_by_received_date(
    scenario: Scenario, officer: Client
) -> None:
    steel = scenario.leads["steel"]
    LeadScore.objects.filter(lead=steel).delete()
    by_score = officer.get(reverse("inbox")).context["page"].rows
    assert steel.pk not in {row.lead.pk for row in by_score}  # score sorts walk the scored
    response = officer.get(reverse("inbox"), {"sort": "received"})
    assert steel.pk in {row.lead.pk for row in response.context["page"].rows}
    assert "评分计算中" in response.content.decode()


def test_htmx_asks_only_for_the_results(scenario: Scenario, officer: Client) -> None:
    response = officer.get(
        reverse("inbox"), {"stage": "lead"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    body = response.content.decode()
    assert "<html" not in body and 'id="lead-table"' in body
    assert 'hx-swap-oob="true"' in body  # keeps the form's sort field in step


def test_rows_show_three_sub_score_bars_and_the_total(scenario: Scenario, officer: Client) -> None:
    body = officer.get(reverse("inbox")).content.decode()
    lead = Lead.objects.select_related("score").get(pk=scenario.leads["battery"].pk)
    assert body.count("scorebar-track") >= 3 * Lead.objects.filter(region=lead.region).count()
    assert f">{lead.score.total:.0f}</span>" in body


def test_received_dates_are_localised(scenario: Scenario, officer: Client) -> None:
    body = officer.get(reverse("inbox")).content.decode()
    assert "2026年1月5日" in body  # zh-hans short date
    english = officer.get(reverse("inbox"), HTTP_ACCEPT_LANGUAGE="en")
    assert dt.date(2026, 1, 5).strftime("%m/%d/%Y") in english.content.decode()
