"""Ranking the firm directory for a region: the chain gap wins and is named; filters; flags."""

from __future__ import annotations

import numpy as np
import pytest
from django.utils import translation

from projects.services import lead_court_firm
from regions.models import Industry
from screening.models import LeadScore
from screening.selectors.firms import current_directory
from screening.selectors.gaps import GapSide, region_gaps
from screening.selectors.prospect_text import gap_text, prospect_explanation
from screening.selectors.prospects import (
    Presence,
    ProspectFilters,
    industry_positions,
    prospects_for_region,
    score_firms,
    weights_for,
)
from screening.selectors.prospects_everywhere import best_firms_everywhere
from screening.world import current_world
from tests.prospects.scenario import Chain, add_firm


def ranked(chain: Chain, city: str = "ZZ", **filters: object) -> list[str]:
    found = prospects_for_region(chain.cities[city], ProspectFilters(**filters))  # type: ignore[arg-type]
    return [p.firm.code for p in found.prospects]


def test_it_ranks_the_missing_link_above_an_industry_already_strong_here(chain: Chain) -> None:
    # Same size, same country: one makes separators (absent in Zaozhuang, its suppliers and
    # customers local), one makes cathodes (already strong in Zaozhuang).
    add_firm(chain, "SEP", "LIB-SEP", employees=800)
    add_firm(chain, "CATH", "LIB-CATH", employees=800)

    found = prospects_for_region(chain.cities["ZZ"], ProspectFilters())

    separator, cathode = found.prospects
    assert (separator.firm.code, cathode.firm.code) == ("SEP", "CATH")
    assert separator.total > cathode.total
    assert separator.chain_completion > cathode.chain_completion
    assert cathode.gap is None  # strong here: no gap to fill


def test_the_explanation_names_the_gap(chain: Chain) -> None:
    add_firm(chain, "SEP", "LIB-SEP")
    found = prospects_for_region(chain.cities["ZZ"], ProspectFilters())
    prospect = found.prospects[0]
    assert prospect.gap is not None and prospect.gap.side is GapSide.MEMBER and prospect.gap.missing

    data = prospect_explanation(
        found.loaded, found.scope, prospect.firm, prospect.gap, found.weights
    )

    assert data["gap"]["industry"]["code"] == "LIB-SEP"
    assert data["gap"]["cluster"]["name_zh"] == "枣庄锂电池产业集群"
    zh, en = data["sentences"]["zh"][1], data["sentences"]["en"][1]
    assert "隔膜" in zh and "枣庄锂电池产业集群" in zh and "缺失" in zh
    assert "Separators" in en and "Zaozhuang lithium-battery cluster" in en and "missing" in en
    with translation.override("en"):
        assert gap_text(found.loaded.world, prospect.gap) == en


def test_outside_clusters_a_gap_is_named_next_to_its_local_partner(chain: Chain) -> None:
    loaded = current_world()
    gaps = region_gaps(loaded.world, loaded.region_pos[chain.cities["YT"].pk])
    # Yantai has no cluster and no cell maker, but strong cathode makers that cells buy from.
    cells = gaps[loaded.industry_pos[chain.industries["LIB-CELL"].pk]]
    assert cells.cluster == -1 and cells.side is GapSide.BUYS and cells.missing
    assert cells.partner == loaded.industry_pos[chain.industries["LIB-CATH"].pk]
    strong = loaded.industry_pos[chain.industries["CHEM"].pk]
    assert strong not in gaps  # chemicals are strong in Yantai: no gap


def test_courting_a_firm_makes_a_lead_with_the_same_scores(
    chain: Chain, django_capture_on_commit_callbacks: object
) -> None:
    firm = add_firm(chain, "SEP", "LIB-SEP", employees=1234)
    prospect = prospects_for_region(chain.cities["ZZ"], ProspectFilters()).prospects[0]

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        lead = lead_court_firm(firm=firm, region=chain.cities["ZZ"], user=chain.users["officer_zz"])

    assert lead.firm == firm and lead.jobs == 1234 and lead.industry == firm.industry
    score = LeadScore.objects.get(lead=lead)  # scored on commit, like any new lead
    assert score.local_fit == prospect.local_fit
    assert score.chain_completion == prospect.chain_completion
    assert score.cluster_strength == prospect.cluster_strength
    assert score.total == prospect.total
    assert score.confidence == prospect.confidence


def test_courting_the_same_firm_twice_in_one_region_is_refused(chain: Chain) -> None:
    from django.core.exceptions import ValidationError

    firm = add_firm(chain, "SEP", "LIB-SEP")
    lead_court_firm(firm=firm, region=chain.cities["ZZ"], user=None)
    with pytest.raises(ValidationError) as refused:
        lead_court_firm(firm=firm, region=chain.cities["ZZ"], user=None)
    assert "firm" in refused.value.message_dict


def test_it_flags_a_plant_in_a_sibling_city_and_a_lead_of_another_city(chain: Chain) -> None:
    firm = add_firm(chain, "SEP", "LIB-SEP", plants=("JNG",))
    add_firm(chain, "SEP2", "LIB-SEP", employees=700)
    lead_court_firm(firm=firm, region=chain.cities["JN"], user=None)

    found = prospects_for_region(chain.cities["ZZ"], ProspectFilters())

    flagged = next(p for p in found.prospects if p.firm.code == "SEP")
    assert [r.code for r in flagged.plants_in_province] == ["SD-JNG"]
    assert not flagged.plant_here
    assert [lead.region.code for lead in flagged.leads_elsewhere] == ["SD-JN"]
    assert flagged.leads_here == []
    assert ranked(chain, presence=Presence.ABSENT) == ["SEP2"]
    assert ranked(chain, presence=Presence.PRESENT) == ["SEP"]


def test_it_filters_by_industry_size_country_and_gap(chain: Chain) -> None:
    add_firm(chain, "SEP-CN", "LIB-SEP", employees=800)
    add_firm(chain, "SEP-JP", "LIB-SEP", employees=3000, country="JP")
    add_firm(chain, "SEP-X", "LIB-SEP", employees=None)
    add_firm(chain, "CATH", "LIB-CATH", employees=900)
    add_firm(chain, "TEXT", "TEXT", employees=900)
    cathode = chain.industries["LIB-CATH"].pk

    assert ranked(chain, industry_ids=frozenset({cathode})) == ["CATH"]
    assert ranked(chain, country="JP") == ["SEP-JP"]
    assert ranked(chain, country="KR") == []
    assert set(ranked(chain, min_employees=850)) == {"SEP-JP", "CATH", "TEXT"}
    assert ranked(chain, max_employees=850) == ["SEP-CN"]  # unknown size passes no bound
    assert set(ranked(chain, gaps_only=True)) == {"SEP-CN", "SEP-JP", "SEP-X"}


def test_ties_go_to_the_larger_firm_then_the_older_id(chain: Chain) -> None:
    # Every separator maker of unknown size scores the same; a known size is listed first
    # when the totals tie (a region without clusters: size changes nothing there).
    for code in ("B", "A", "C"):
        add_firm(chain, code, "TEXT", employees=None)
    add_firm(chain, "D", "TEXT", employees=10)
    order = ranked(chain, city="WF")
    assert order[1:] == ["B", "A", "C"]


def test_the_best_firms_everywhere_are_those_scoring_every_firm_finds(chain: Chain) -> None:
    rng = np.random.default_rng(7)
    codes = list(chain.industries)
    for n in range(60):
        size = None if rng.random() < 0.2 else int(rng.integers(1, 5000))
        add_firm(chain, f"F{n:02d}", codes[int(rng.integers(len(codes)))], employees=size)
    loaded, directory = current_world(), current_directory()
    industries = industry_positions(loaded, directory)
    weights = np.array([weights_for(int(r)) for r in loaded.region_ids])
    limit = 5
    fast: dict[int, list[int]] = {}
    best_firms_everywhere(
        loaded.world,
        industries,
        directory.employees,
        directory.firm_ids,
        weights,
        limit,
        lambda region, rows, _scores: fast.__setitem__(region, rows.tolist()),
    )

    for region in range(loaded.world.n_regions):
        scores = score_firms(loaded.world, region, industries, directory.employees, weights[region])
        order = np.lexsort(
            (directory.firm_ids, -np.nan_to_num(directory.employees, nan=-1.0), -scores.total)
        )
        assert fast[region] == order[:limit].tolist(), region


def test_a_firm_in_an_industry_the_world_in_force_lacks_is_left_out(chain: Chain) -> None:
    add_firm(chain, "SEP", "LIB-SEP")
    current_world()  # built and kept before the new industry exists
    newcomer = add_firm(chain, "NEWCO", "TEXT")
    newcomer.industry = Industry.objects.create(code="NEW", name="新产业")
    newcomer.save()  # through the ORM, so no version moves: the World in force stays

    assert ranked(chain) == ["SEP"]
