"""Scores, shortlists with weight overrides, best regions for a lead, score runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from projects.models import Lead
from screening.models import LeadScore, ScoreHistory, ScoreRun
from screening.selectors.profiles import ensure_default_profile
from tests.api.conftest import World
from tests.api.helpers import V1, error_of, make_lead, store_score

Api = Callable[[str], APIClient]
pytestmark = pytest.mark.django_db


def scored_leads(world: World) -> tuple[Lead, Lead, Lead]:
    """Three leads of city A: strong local fit, strong chain completion, and middling."""
    fit = make_lead(region=world.city_a, industry=world.lead_a.industry)
    chain = make_lead(region=world.city_a, industry=world.lead_a.industry)
    middle = make_lead(region=world.city_a, industry=world.lead_a.industry)
    store_score(fit, local_fit=90, chain_completion=10, cluster_strength=50)
    store_score(chain, local_fit=10, chain_completion=95, cluster_strength=50)
    store_score(middle, local_fit=50, chain_completion=50, cluster_strength=50)
    return fit, chain, middle


def shortlist_ids(response: object) -> list[int]:
    return [row["lead"]["id"] for row in response.json()["results"]]  # type: ignore[attr-defined]


def test_it_lists_scores_best_first_and_scoped(world: World, api: Api) -> None:
    fit, chain, middle = scored_leads(world)
    store_score(world.lead_b, local_fit=100, chain_completion=100, cluster_strength=100)
    officer = api("officer_a").get(f"{V1}/scores/").json()["results"]
    assert [row["lead"] for row in officer] == [fit.pk, middle.pk, chain.pk]
    manager = api("manager").get(f"{V1}/scores/").json()["results"]
    assert manager[0]["lead"] == world.lead_b.pk


def test_it_filters_scores(world: World, api: Api) -> None:
    fit, _, _ = scored_leads(world)
    rows = api("manager").get(f"{V1}/scores/", {"min_total": 52}).json()["results"]
    assert [row["lead"] for row in rows] == [fit.pk]


def test_it_explains_a_score_in_the_requested_language(world: World, api: Api) -> None:
    store_score(world.lead_a)
    url = f"{V1}/scores/{world.lead_a.pk}/"
    zh = api("officer_a").get(url).json()
    assert zh["text"] == ["总分"]
    assert zh["explanation"]["sentences"]["en"] == ["Total"]
    assert zh["profile"]["name"] == "balanced"
    assert zh["stale"] is False
    en = api("officer_a").get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    assert en["text"] == ["Total"]


def test_it_says_404_for_a_lead_not_scored_yet(world: World, api: Api) -> None:
    response = api("officer_a").get(f"{V1}/scores/{world.lead_a.pk}/")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_it_lists_score_history_newest_first(world: World, api: Api) -> None:
    profile = ensure_default_profile()
    for total in (40.0, 55.0):
        ScoreHistory.objects.create(
            lead=world.lead_a,
            local_fit=total,
            chain_completion=total,
            cluster_strength=total,
            total=total,
            confidence=0.5,
            profile=profile,
            measures_version=1,
            computed_at=timezone.now(),
        )
    rows = api("officer_a").get(f"{V1}/leads/{world.lead_a.pk}/score-history/").json()
    assert [row["total"] for row in rows["results"]] == [55.0, 40.0]


def test_it_ranks_a_shortlist_under_the_profile_in_force(world: World, api: Api) -> None:
    fit, _, middle = scored_leads(world)
    response = api("manager").get(f"{V1}/shortlists/", {"region": world.city_a.pk, "k": 2})
    assert response.status_code == 200
    body = response.json()
    assert shortlist_ids(response) == [fit.pk, middle.pk]
    assert body["overridden"] is False
    assert body["considered"] == 3
    assert body["weights"]["local_fit"] == pytest.approx(0.4)
    assert [row["rank"] for row in body["results"]] == [1, 2]


def test_it_reranks_a_shortlist_under_overridden_weights(world: World, api: Api) -> None:
    fit, chain, middle = scored_leads(world)
    params = {"local_fit": 1, "chain_completion": 3, "cluster_strength": 0, "k": 3}
    response = api("manager").get(f"{V1}/shortlists/", params)
    body = response.json()
    assert shortlist_ids(response) == [chain.pk, middle.pk, fit.pk]
    assert body["overridden"] is True
    assert body["weights"]["chain_completion"] == pytest.approx(0.75)
    assert body["results"][0]["total"] == pytest.approx(0.25 * 10 + 0.75 * 95)
    assert body["results"][0]["stored_total"] == pytest.approx(0.4 * 10 + 0.3 * 95 + 0.3 * 50)


def test_it_reranks_by_the_share_of_pull_alone_and_shows_the_parts(world: World, api: Api) -> None:
    fit, chain, middle = scored_leads(world)
    # Cluster strengthening 50 for all three; their parts differ: chain pulls most.
    for lead, strengthen, pull in ((fit, 80, 20), (chain, 10, 90), (middle, 50, 50)):
        LeadScore.objects.filter(lead=lead).update(strengthen=strengthen, pull=pull)
    params = {"local_fit": 0, "chain_completion": 0, "cluster_strength": 1, "pull_share": 1}
    response = api("manager").get(f"{V1}/shortlists/", {**params, "k": 3})
    body = response.json()
    assert shortlist_ids(response) == [chain.pk, middle.pk, fit.pk]
    assert body["weights"]["pull_share"] == 1.0
    top = body["results"][0]
    assert (top["strengthen"], top["pull"], top["total"]) == (10.0, 90.0, 90.0)
    # The share alone keeps the weights in force and overrides only the mix.
    alone = api("manager").get(f"{V1}/shortlists/", {"pull_share": 0, "k": 3}).json()
    assert alone["overridden"] is True
    assert alone["weights"]["cluster_strength"] == pytest.approx(0.3)
    assert alone["results"][0]["lead"]["id"] == fit.pk
    score = api("manager").get(f"{V1}/scores/{chain.pk}/").json()
    assert (score["strengthen"], score["pull"]) == (10.0, 90.0)


def test_it_reranks_by_preset(world: World, api: Api) -> None:
    _, chain, _ = scored_leads(world)
    response = api("admin").get(f"{V1}/shortlists/", {"preset": "chain_first", "k": "1"})
    assert shortlist_ids(response) == [chain.pk]


def test_it_leaves_inactive_leads_off_the_shortlist_by_default(world: World, api: Api) -> None:
    fit, _, _ = scored_leads(world)
    Lead.objects.filter(pk=fit.pk).update(status="dormant")
    assert fit.pk not in shortlist_ids(api("manager").get(f"{V1}/shortlists/"))
    dormant = api("manager").get(f"{V1}/shortlists/", {"status": "dormant"})
    assert shortlist_ids(dormant) == [fit.pk]


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"local_fit": 1}, {"chain_completion", "cluster_strength"}),
        ({"local_fit": 0, "chain_completion": 0, "cluster_strength": 0}, {"local_fit"}),
        ({"local_fit": -1, "chain_completion": 1, "cluster_strength": 1}, {"local_fit"}),
        ({"preset": "x"}, {"preset"}),
        ({"pull_share": 1.5}, {"pull_share"}),
        ({"k": 0}, {"k"}),
    ],
)
def test_it_names_bad_shortlist_parameters(
    world: World, api: Api, params: dict[str, Any], fields: set[str]
) -> None:
    response = api("manager").get(f"{V1}/shortlists/", params)
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == fields


def test_it_keeps_shortlists_to_managers_and_admins(world: World, api: Api) -> None:
    assert api("officer_a").get(f"{V1}/shortlists/").status_code == 403


def test_it_finds_the_best_regions_for_a_lead(world: World, api: Api) -> None:
    url = f"{V1}/leads/{world.lead_a.pk}/best-regions/"
    response = api("officer_a").get(url, {"level": "city"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["lead"] == world.lead_a.pk
    results = body["results"]
    assert {row["region"]["code"] for row in results} == {"SD-ZZ", "SD-WH"}
    assert [row["rank"] for row in results] == [1, 2]
    assert results[0]["total"] >= results[1]["total"]
    target = next(row for row in results if row["region"]["code"] == "SD-ZZ")
    assert target["is_target"] is True


def test_it_limits_best_regions_and_takes_weights(world: World, api: Api) -> None:
    url = f"{V1}/leads/{world.lead_a.pk}/best-regions/"
    params = {"limit": 1, "local_fit": 0, "chain_completion": 0, "cluster_strength": 1}
    body = api("manager").get(url, params).json()
    assert len(body["results"]) == 1
    assert body["weights"]["cluster_strength"] == 1.0
    row = body["results"][0]
    assert row["total"] == pytest.approx(row["cluster_strength"])


def test_it_reports_score_run_progress(world: World, api: Api) -> None:
    run = ScoreRun.objects.create(reason="test", total=200, done=50, failed=10, state="running")
    body = api("manager").get(f"{V1}/score-runs/{run.pk}/").json()
    assert (body["state"], body["percent"], body["done"]) == ("running", 30, 50)
    listed = api("manager").get(f"{V1}/score-runs/", {"state": "done"}).json()
    assert listed["count"] == 0


def test_it_shortlists_a_region_with_the_regions_below_it(world: World, api: Api) -> None:
    county = make_lead(region=world.county_a, industry=world.lead_a.industry)
    store_score(county, local_fit=99, chain_completion=99, cluster_strength=99)
    store_score(world.lead_b, local_fit=100, chain_completion=100, cluster_strength=100)
    response = api("manager").get(f"{V1}/shortlists/", {"region": world.city_a.pk})
    assert shortlist_ids(response) == [county.pk]
    assert response.json()["considered"] == 1
