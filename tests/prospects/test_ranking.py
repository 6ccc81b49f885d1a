"""Ranking the firm directory for a region: the chain gap wins and is named; filters; flags."""

from __future__ import annotations

import numpy as np
import pytest
from django.utils import translation

from projects.services import lead_court_firm
from regions.models import Industry, RegionIndustry
from screening.models import LeadScore, ScoringProfile
from screening.selectors.firms import current_directory
from screening.selectors.gaps import GapSide, region_gaps
from screening.selectors.prospect_text import gap_text, prospect_explanation
from screening.selectors.prospects import (
    Presence,
    ProspectFilters,
    RegionProfile,
    industry_positions,
    profile_for,
    profiles_for,
    prospects_for_region,
    score_firms,
)
from screening.selectors.prospects_everywhere import best_firms_everywhere
from screening.world import current_world, forget_world
from tests.prospects.scenario import Chain, add_firm


def zaozhuang_profile(chain: Chain, pull_share: float) -> ScoringProfile:
    """A profile of Zaozhuang's own, away from the default weights and share of pull."""
    return ScoringProfile.objects.create(
        name="zaozhuang",
        region=chain.cities["ZZ"],
        local_fit=0.2,
        chain_completion=0.3,
        cluster_strength=0.5,
        pull_share=pull_share,
    )


def count_firms(chain: Chain) -> None:
    """Firm counts on the region-industry rows (one firm per 400 jobs), so that each
    industry's typical plant comes from them and anchor pull's size effect is measured
    against it; the World is rebuilt."""
    for row in RegionIndustry.objects.all():
        if row.employment:
            row.firms = max(1, int(row.employment) // 400)
            row.save(update_fields=["firms"])
    forget_world()


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
        found.loaded, found.scope, prospect.firm, prospect.gap, found.profile
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


@pytest.mark.parametrize("own_profile", [False, True], ids=["default", "region-profile"])
def test_courting_a_firm_makes_a_lead_with_the_same_scores(
    chain: Chain, django_capture_on_commit_callbacks: object, own_profile: bool
) -> None:
    count_firms(chain)  # a typical plant known: pull depends on the firm's size
    if own_profile:
        zaozhuang_profile(chain, pull_share=0.8)
    firm = add_firm(chain, "SEP", "LIB-SEP", employees=1234)
    prospect = prospects_for_region(chain.cities["ZZ"], ProspectFilters()).prospects[0]
    assert prospect.pull != 50.0  # anchor pull had evidence: the part is really compared

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        lead = lead_court_firm(firm=firm, region=chain.cities["ZZ"], user=chain.users["officer_zz"])

    assert lead.firm == firm and lead.jobs == 1234 and lead.industry == firm.industry
    score = LeadScore.objects.get(lead=lead)  # scored on commit, like any new lead
    assert score.local_fit == prospect.local_fit
    assert score.chain_completion == prospect.chain_completion
    assert score.cluster_strength == prospect.cluster_strength
    assert score.strengthen == prospect.strengthen
    assert score.pull == prospect.pull
    assert score.total == prospect.total
    assert score.confidence == prospect.confidence
    assert score.profile.pull_share == pytest.approx(0.8 if own_profile else 0.5)


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


@pytest.mark.parametrize("firm_counts", [False, True], ids=["typical-from-jobs", "from-firms"])
def test_the_best_firms_everywhere_are_those_scoring_every_firm_finds(
    chain: Chain, firm_counts: bool
) -> None:
    if firm_counts:
        count_firms(chain)
    zaozhuang_profile(chain, pull_share=0.9)  # one region under a profile of its own
    rng = np.random.default_rng(7)
    codes = list(chain.industries)
    for n in range(60):
        size = None if rng.random() < 0.2 else int(rng.integers(1, 5000))
        add_firm(chain, f"F{n:02d}", codes[int(rng.integers(len(codes)))], employees=size)
    loaded, directory = current_world(), current_directory()
    industries = industry_positions(loaded, directory)
    profiles = profiles_for(loaded.region_ids)
    assert profiles[loaded.region_pos[chain.cities["ZZ"].pk]].pull_share == 0.9
    limit = 5
    fast: dict[int, list[int]] = {}
    best_firms_everywhere(
        loaded.world,
        industries,
        directory.employees,
        directory.firm_ids,
        profiles,
        limit,
        lambda region, rows, _scores: fast.__setitem__(region, rows.tolist()),
    )

    employees = directory.employees
    for region in range(loaded.world.n_regions):
        scores = score_firms(loaded.world, region, industries, employees, profiles[region])
        order = np.lexsort((directory.firm_ids, -np.nan_to_num(employees, nan=-1.0), -scores.total))
        assert fast[region] == order[:limit].tolist(), region


def test_a_firm_in_an_industry_the_world_in_force_lacks_is_left_out(chain: Chain) -> None:
    add_firm(chain, "SEP", "LIB-SEP")
    current_world()  # built and kept before the new industry exists
    newcomer = add_firm(chain, "NEWCO", "TEXT")
    newcomer.industry = Industry.objects.create(code="NEW", name="新产业")
    newcomer.save()  # through the ORM, so no version moves: the World in force stays

    assert ranked(chain) == ["SEP"]


@pytest.mark.parametrize("firm_counts", [False, True], ids=["typical-from-jobs", "from-firms"])
def test_scores_never_fall_as_employees_grow_with_anchor_pull(
    chain: Chain, firm_counts: bool
) -> None:
    """What best_firms_everywhere rests on, in every region and industry of the chain: a
    larger firm of an industry never totals less, with both size effects at work (the
    cluster's and anchor pull's against the industry's typical plant)."""
    if firm_counts:
        count_firms(chain)
    loaded = current_world()
    employees = np.array([0.0, 1, 10, 50, 100, 400, 800, 2000, 5000, 20000, 1e5, 1e6])
    pull_grew = 0
    for region in range(loaded.world.n_regions):
        for industry in range(loaded.world.n_industries):
            industries = np.full(employees.size, industry, dtype=np.int64)
            for share in (0.0, 0.5, 1.0):
                profile = RegionProfile(np.array([0.3, 0.3, 0.4]), share)
                s = score_firms(loaded.world, region, industries, employees, profile)
                for part in (s.total, s.strengthen, s.pull, s.cluster_strength):
                    assert (np.diff(part) >= 0).all(), (region, industry, share)
            pull_grew += int(s.pull[-1] > s.pull[0])
    assert pull_grew > 0  # pull's size effect really moved some scores (not all neutral)


def test_a_region_profile_weighs_prospects_as_it_weighs_the_regions_leads(chain: Chain) -> None:
    zaozhuang_profile(chain, pull_share=0.25)
    profile = profile_for(chain.cities["ZZ"].pk)
    assert profile.pull_share == 0.25
    assert profile.weights.tolist() == pytest.approx([0.2, 0.3, 0.5])
    add_firm(chain, "SEP", "LIB-SEP", employees=900)

    p = prospects_for_region(chain.cities["ZZ"], ProspectFilters()).prospects[0]

    assert p.cluster_strength == pytest.approx(0.75 * p.strengthen + 0.25 * p.pull)
    weighted = 0.2 * p.local_fit + 0.3 * p.chain_completion + 0.5 * p.cluster_strength
    assert p.total == pytest.approx(weighted)
