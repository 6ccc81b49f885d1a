"""Ranking under any weights: order, what-if re-ranking, scopes, filters, the cache, SQL."""

from __future__ import annotations

import numpy as np
import pytest
from django.db.models import QuerySet

from projects.models import Lead, Stage, Status
from projects.services import lead_update
from screening.models import LeadScore
from screening.scoring import weighted_totals
from screening.scoring.weights import rerank_top
from screening.services.scores import rescore_leads
from shortlists import ranking
from shortlists.ranking import LeadFilters, RankRequest, rank_leads, rank_leads_sql, top_positions
from shortlists.scopes import chain_scope, cluster_scope, region_scope
from tests.ui.scenario import Scenario

ANY_STATUS = LeadFilters(statuses=())


def expected_order(
    weights: tuple[float, float, float], queryset: QuerySet[LeadScore] | None = None
) -> list[int]:
    """Lead ids by weighted total (highest first), ties to the lower id: computed by hand."""
    rows = (queryset or LeadScore.objects.all()).values_list(
        "lead_id", "local_fit", "chain_completion", "cluster_strength"
    )
    totals = {
        lead: (weights[0] * lf + weights[1] * cc) + weights[2] * cs for lead, lf, cc, cs in rows
    }
    return sorted(totals, key=lambda lead: (-totals[lead], lead))


def ids(request: RankRequest) -> list[int]:
    return [row.lead_id for row in rank_leads(request).rows]


@pytest.mark.django_db
def test_it_ranks_every_scored_lead_by_weighted_total(world: Scenario) -> None:
    weights = (0.4, 0.3, 0.3)
    result = rank_leads(RankRequest(weights=weights, limit=100, filters=ANY_STATUS))
    assert [row.lead_id for row in result.rows] == expected_order(weights)
    assert result.scored_in_scope == LeadScore.objects.count() == 25
    totals = [row.total for row in result.rows]
    assert totals == sorted(totals, reverse=True)
    first = LeadScore.objects.get(lead_id=result.rows[0].lead_id)
    assert result.rows[0].total == pytest.approx(
        0.4 * first.local_fit + 0.3 * first.chain_completion + 0.3 * first.cluster_strength
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "weights", [(1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0), (0.2, 0.6, 0.2), (0.6, 0.2, 0.2)]
)
def test_changed_weights_rerank_from_stored_sub_scores(
    world: Scenario, weights: tuple[float, float, float]
) -> None:
    before = {s.pk: (s.total, s.computed_at) for s in LeadScore.objects.all()}
    got = ids(RankRequest(weights=weights, limit=10, filters=ANY_STATUS))
    assert got == expected_order(weights)[:10]
    # Re-ranking is a read: no stored score was rewritten.
    assert {s.pk: (s.total, s.computed_at) for s in LeadScore.objects.all()} == before


@pytest.mark.django_db
def test_all_weight_on_one_sub_score_orders_by_that_sub_score(world: Scenario) -> None:
    got = rank_leads(RankRequest(weights=(0.0, 1.0, 0.0), limit=25, filters=ANY_STATUS)).rows
    chain = [row.chain_completion for row in got]
    assert chain == sorted(chain, reverse=True)
    assert ids(RankRequest(weights=(0.0, 1.0, 0.0), limit=25, filters=ANY_STATUS)) != ids(
        RankRequest(weights=(1.0, 0.0, 0.0), limit=25, filters=ANY_STATUS)
    )


@pytest.mark.django_db
def test_the_cached_path_and_sql_agree_for_scopes_and_filters(world: Scenario) -> None:
    cities, industries = world.cities, world.industries
    scopes = [
        region_scope(None),
        region_scope(cities["JN"]),
        cluster_scope(world.clusters["JN-NEV"]),
        chain_scope(industries["LIB-CELL"], None),
        chain_scope(industries["NEV"], world.province),
    ]
    filters = [
        LeadFilters(),
        ANY_STATUS,
        LeadFilters(stages=(Stage.LEAD, Stage.CONTACT)),
        LeadFilters(statuses=(), min_confidence=0.9),
    ]
    for scope in scopes:
        for lead_filters in filters:
            request = RankRequest(
                weights=(0.5, 0.25, 0.25),
                limit=7,
                region_ids=scope.region_ids,
                industry_ids=scope.industry_ids,
                filters=lead_filters,
            )
            result = rank_leads(request)
            assert result.path == "cache"
            assert [r.lead_id for r in result.rows] == [r.lead_id for r in rank_leads_sql(request)]


@pytest.mark.django_db
def test_scopes_and_filters_keep_only_matching_leads(world: Scenario) -> None:
    jinan = region_scope(world.cities["JN"])
    got = Lead.objects.filter(
        pk__in=ids(
            RankRequest(
                weights=(0.4, 0.3, 0.3),
                limit=100,
                region_ids=jinan.region_ids,
                filters=LeadFilters(stages=(Stage.LEAD,)),
            )
        )
    )
    assert got.exists()
    assert set(got.values_list("region_id", flat=True)) == {world.cities["JN"].pk}
    assert set(got.values_list("stage", flat=True)) == {Stage.LEAD}
    assert set(got.values_list("status", flat=True)) == {Status.ACTIVE}

    cluster = cluster_scope(world.clusters["JN-NEV"])  # NEV-ASM and NEV-PART in Jinan
    got = Lead.objects.filter(
        pk__in=ids(
            RankRequest(
                weights=(0.4, 0.3, 0.3),
                limit=100,
                region_ids=cluster.region_ids,
                industry_ids=cluster.industry_ids,
                filters=ANY_STATUS,
            )
        )
    )
    assert {lead.industry.code for lead in got} == {"NEV-ASM", "NEV-PART"}
    assert {lead.region_id for lead in got} == {world.cities["JN"].pk}


@pytest.mark.django_db
def test_a_chain_is_the_industry_and_its_direct_suppliers_and_customers(world: Scenario) -> None:
    scope = chain_scope(world.industries["LIB-CELL"], None)
    codes = {world.industries[c].pk: c for c in world.industries}
    assert {codes[i] for i in scope.industry_ids or ()} == {"LIB-CELL", "LIB-CATH", "NEV-ASM"}


@pytest.mark.django_db
def test_a_rescore_reaches_the_next_ranking_without_clearing_the_cache(world: Scenario) -> None:
    weights = (0.0, 0.0, 1.0)
    request = RankRequest(weights=weights, limit=25, filters=ANY_STATUS)
    assert ids(request) == expected_order(weights)
    lead = world.leads["textile"]
    # Moving the lead into the cluster's industry changes its cluster score.
    lead_update(lead=lead, user=None, industry=world.industries["NEV-ASM"])
    rescore_leads([lead.pk])
    assert ids(request) == expected_order(weights)
    assert ranking.score_table().version == ranking.score_version()


@pytest.mark.django_db
def test_a_deleted_lead_drops_out_at_once(world: Scenario) -> None:
    request = RankRequest(weights=(0.4, 0.3, 0.3), limit=3, filters=ANY_STATUS)
    top = ids(request)[0]
    Lead.objects.filter(pk=top).delete()
    assert top not in ids(request)
    assert len(ids(request)) == 3


@pytest.mark.django_db
def test_a_narrow_filter_is_handed_to_sql(world: Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ranking, "FAST_DEPTH_MAX", 3)
    monkeypatch.setattr(ranking, "FIRST_EXTRA", 0)
    request = RankRequest(
        weights=(0.4, 0.3, 0.3),
        limit=2,
        filters=LeadFilters(stages=(Stage.PRODUCTION,), statuses=()),
    )
    result = rank_leads(request)
    assert result.path == "sql"
    assert [r.lead_id for r in result.rows] == expected_order(
        (0.4, 0.3, 0.3), LeadScore.objects.filter(lead__stage=Stage.PRODUCTION)
    )[:2]


def test_top_positions_matches_rerank_top_and_breaks_ties_by_position() -> None:
    rng = np.random.default_rng(3)
    subs = rng.uniform(0, 100, (5000, 3))
    weights = (0.5, 0.3, 0.2)
    # A pull share of 0 makes cluster strength the strengthen part, bit for bit.
    totals = weighted_totals(subs[:, 0], subs[:, 1], subs[:, 2], subs[:, 2], weights, 0.0)
    assert np.array_equal(totals, (0.5 * subs[:, 0] + 0.3 * subs[:, 1]) + 0.2 * subs[:, 2])
    assert top_positions(totals, 50).tolist() == rerank_top(subs, weights, 50).tolist()
    tied = np.array([5.0, 7.0, 7.0, 1.0, 7.0])
    assert top_positions(tied, 2).tolist() == [1, 2]
    assert top_positions(tied, 10).tolist() == [1, 2, 4, 0, 3]


def expected_mixed_order(weights: tuple[float, float, float], share: float) -> list[int]:
    """By hand: cluster = (1 - share) x strengthen + share x pull from the stored parts."""
    rows = LeadScore.objects.filter(strengthen__isnull=False, pull__isnull=False).values_list(
        "lead_id", "local_fit", "chain_completion", "strengthen", "pull"
    )
    totals: dict[int, float] = {}
    for lead, lf, cc, st, pu in rows:
        assert st is not None and pu is not None
        totals[lead] = (weights[0] * lf + weights[1] * cc) + weights[2] * (
            (1 - share) * st + share * pu
        )
    return sorted(totals, key=lambda lead: (-totals[lead], lead))


@pytest.mark.django_db
@pytest.mark.parametrize("share", [0.0, 0.3, 1.0])
def test_the_share_of_pull_reranks_from_the_stored_parts_in_both_paths(
    world: Scenario, share: float
) -> None:
    weights = (0.2, 0.2, 0.6)
    assert not LeadScore.objects.filter(pull__isnull=True).exists()
    request = RankRequest(weights=weights, limit=100, filters=ANY_STATUS, pull_share=share)
    expected = expected_mixed_order(weights, share)
    assert ids(request) == expected
    assert [row.lead_id for row in rank_leads_sql(request)] == expected
    row = rank_leads(request).rows[0]
    assert row.cluster_strength == pytest.approx((1 - share) * row.strengthen + share * row.pull)


@pytest.mark.django_db
def test_a_score_stored_before_anchor_pull_ranks_on_its_stored_cluster_score(
    world: Scenario,
) -> None:
    legacy = LeadScore.objects.order_by("lead_id").first()
    assert legacy is not None
    LeadScore.objects.filter(pk=legacy.pk).update(strengthen=None, pull=None)
    ranking.forget_cache()
    request = RankRequest(weights=(0.0, 0.0, 1.0), limit=100, filters=ANY_STATUS, pull_share=1.0)
    (row,) = [r for r in rank_leads(request).rows if r.lead_id == legacy.lead_id]
    assert row.total == pytest.approx(legacy.cluster_strength)
    (sql_row,) = [r for r in rank_leads_sql(request) if r.lead_id == legacy.lead_id]
    assert sql_row.total == pytest.approx(legacy.cluster_strength)
