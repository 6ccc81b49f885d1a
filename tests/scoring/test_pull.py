"""Anchor pull: the missing suppliers a lead's plant would draw in, and its place in cluster
strengthening. Pure numpy tests on a hand-made world; no database.

The world (employment; industries A anchor, S1 and S2 its suppliers, B a base industry, Z):
    R1  B only                  S1, S2 absent but related to B (they co-locate in R2, R4, R5)
    R2  S1, S2, B               suppliers present
    R3  Z only                  S1, S2 absent and unrelated to anything there
    R4, R5 like R2; R6 A and Z
Links S1 -> A (0.6) and S2 -> A (0.4): A buys 60% of its inputs from S1 and 40% from S2. Firm
counts make a typical A plant 200 / 4 = 50 jobs.
"""

from __future__ import annotations

import numpy as np
import pytest

from screening.scoring.engine import (
    NEUTRAL_CLUSTER,
    NEUTRAL_PULL,
    LeadBatch,
    apply_weights,
    lead_parts,
)
from screening.scoring.explain import explain_lead
from screening.scoring.pull import (
    FALLBACK_PLANT_SHARE,
    TYPICAL_FROM_EMPLOYMENT,
    TYPICAL_FROM_FIRMS,
    TYPICAL_UNKNOWN,
    typical_plant,
)
from screening.scoring.weights import SubScoreWeights, rank_robustness
from screening.scoring.world import with_industry_present
from tests.scoring.engine_worlds import make_world, score

INDUSTRIES = ["A", "S1", "S2", "B", "Z"]
SIZE = [
    [0, 0, 0, 100, 0],
    [0, 50, 50, 100, 0],
    [0, 0, 0, 0, 100],
    [0, 50, 50, 100, 0],
    [0, 50, 50, 100, 0],
    [200, 0, 0, 0, 100],
]
FIRMS = [
    [0, 0, 0, 2, 0],
    [0, 1, 1, 2, 0],
    [0, 0, 0, 0, 2],
    [0, 1, 1, 2, 0],
    [0, 1, 1, 2, 0],
    [4, 0, 0, 0, 2],
]
LINKS = {("S1", "A"): 0.6, ("S2", "A"): 0.4}
A, S1, S2 = 0, 1, 2


def pull_world(size=SIZE, firms=FIRMS, **kwargs):
    return make_world(size, industries=INDUSTRIES, links=LINKS, firms=firms, **kwargs)


def anchor(region: str, jobs: float | None = 50, **extra: object) -> dict[str, object]:
    return {"region": region, "industry": "A", "jobs": jobs, **extra}


def test_an_anchor_pulls_its_absent_related_suppliers_more_than_present_or_unrelated_ones():
    world = pull_world()
    scores = score(world, anchor("R1"), anchor("R2"), anchor("R3"))
    d = world.density_score
    # R1: both suppliers absent (gap 1), weighted by their relatedness there; a 50-job lead is
    # one typical plant, size effect 0.5.
    expected = 100 * (0.6 * d[0, S1] + 0.4 * d[0, S2]) * 0.5
    assert d[0, S1] > 0 and d[0, S2] > 0
    assert scores.pull[0] == pytest.approx(expected)
    # R2: both suppliers present (RCA >= 1): nothing to draw in. R3: absent but nothing related
    # is there (density 0). Both are known zeros, not missing evidence.
    assert scores.pull[1:].tolist() == [0.0, 0.0]
    assert not np.any(scores.neutral & NEUTRAL_PULL)
    assert scores.pull[0] > scores.pull[1] and scores.pull[0] > scores.pull[2]


def test_a_weakly_present_supplier_pulls_in_proportion_to_its_gap():
    size = np.array(SIZE, dtype=float)
    size[0, S1] = 10  # R1 now has a little S1 (0 < RCA < 1), S2 still absent
    world = pull_world(size)
    presence, d = world.presence[0], world.density_score[0]
    assert 0 < presence[S1] < 1
    (pull,) = score(world, anchor("R1")).pull
    expected = 100 * (0.6 * (1 - presence[S1]) * d[S1] + 0.4 * d[S2]) * 0.5
    assert pull == pytest.approx(expected)


def test_pull_grows_with_the_leads_size_with_diminishing_returns():
    jobs = [0, 50, 100, 150, 200, 250]
    pulls = score(pull_world(), *(anchor("R1", j) for j in jobs)).pull
    gains = np.diff(pulls)
    assert pulls[0] == 0.0
    assert np.all(gains > 0)
    assert np.all(np.diff(gains) < 0)
    # One typical plant (50 jobs) gets half the effect, two get three quarters.
    assert pulls[2] / pulls[1] == pytest.approx(0.75 / 0.5)


def test_no_inputs_and_no_links_give_neutral_pull_with_zero_confidence_never_zero():
    world = pull_world()
    scores = score(world, {"region": "R1", "industry": "Z", "jobs": 50})
    assert scores.pull[0] == 50.0
    assert scores.neutral[0] & NEUTRAL_PULL
    assert scores.part_confidence[0, 3] == 0.0
    # No cluster is mapped either, so cluster strengthening as a whole is neutral.
    assert scores.neutral[0] & NEUTRAL_CLUSTER and scores.cluster_strength[0] == 50.0


def test_named_inputs_give_evidence_where_the_chain_map_has_none():
    world = pull_world()
    lead = {"region": "R1", "industry": "Z", "jobs": 50, "inputs": ["S1", "B"]}
    scores = score(world, lead)
    d = world.density_score[0]
    # Z's typical plant is 200 jobs / 4 firms = 50, so the size effect is 0.5; B is present
    # in R1 (gap 0), S1 absent: the named inputs count equally.
    assert scores.pull[0] == pytest.approx(100 * 0.5 * (d[S1] + 0) * 0.5)
    assert not scores.neutral[0] & NEUTRAL_PULL


def test_the_map_and_the_named_inputs_are_averaged_and_own_industry_is_left_out():
    world = pull_world()
    d = world.density_score[0]
    (named,) = score(world, anchor("R1", inputs=["S1", "A"])).pull
    map_side = 0.6 * d[S1] + 0.4 * d[S2]
    assert named == pytest.approx(100 * 0.5 * (map_side + d[S1]) / 2)


def test_unknown_supplier_cells_are_left_out_and_lower_confidence():
    size = np.array(SIZE, dtype=float)
    size[0, S2] = np.nan
    world = pull_world(size)
    parts = lead_parts(world, LeadBatch.from_dicts(world, [anchor("R1")]))
    # Only S1 is known: the pull is S1's term alone, its confidence the known input share
    # (times the reliability of phi estimated from these 6 regions, as for every part on phi).
    assert parts.pull[0] == pytest.approx(world.density_score[0, S1] * 0.5)
    assert parts.pull_confidence[0] == pytest.approx(0.6 * world.proximity_reliability[0])


def test_unknown_jobs_count_as_one_typical_plant_with_lower_confidence():
    world = pull_world()
    parts = lead_parts(world, LeadBatch.from_dicts(world, [anchor("R1", 50), anchor("R1", None)]))
    assert parts.pull[0] == pytest.approx(parts.pull[1])
    reliability = world.proximity_reliability[0]
    assert parts.pull_confidence.tolist() == pytest.approx([reliability, 0.5 * reliability])


def test_typical_plant_comes_from_firm_counts_then_from_regional_employment():
    size = np.array([[100.0, 40, 0], [300, 60, 0], [0, 0, 0], [50, np.nan, 0]])
    firms = np.array([[2.0, np.nan, 0], [4, np.nan, 0], [0, 0, 0], [np.nan, 3, 0]])
    mcp = np.array([[1.0, 1, 0], [1, 1, 0], [0, 0, 0], [0, 0, 0]])
    typical = typical_plant(size, firms, mcp, np.arange(4))
    # Industry 0: (100 + 300) / (2 + 4) from the cells with both known; industry 1 has no
    # usable firm count: 0.12 x median(40, 60) over specialised regions; industry 2: nowhere.
    assert typical.jobs[0] == pytest.approx(400 / 6)
    assert typical.jobs[1] == pytest.approx(FALLBACK_PLANT_SHARE * 50)
    assert np.isnan(typical.jobs[2])
    assert typical.confidence.tolist() == [
        TYPICAL_FROM_FIRMS,
        TYPICAL_FROM_EMPLOYMENT,
        TYPICAL_UNKNOWN,
    ]


def test_an_unknown_typical_plant_gives_a_neutral_size_and_lower_confidence():
    world = pull_world(firms=None, size=np.array(SIZE, dtype=float) * [[0, 1, 1, 1, 1]])
    assert np.isnan(world.pull.typical.jobs[A])
    parts = lead_parts(world, LeadBatch.from_dicts(world, [anchor("R1", 500)]))
    d = world.density_score[0]
    assert parts.pull[0] == pytest.approx((0.6 * d[S1] + 0.4 * d[S2]) * 0.5)
    reliability = world.proximity_reliability[0]
    assert parts.pull_confidence[0] == pytest.approx(TYPICAL_UNKNOWN * reliability)


def test_phi_from_few_regions_lowers_pulls_confidence_not_pull():
    """The suppliers' relatedness rests on phi: estimated from these 6 regions it counts
    x sqrt(6/100) in confidence; the same phi given as a reference industry space counts fully
    and gives the same pull."""
    estimated = pull_world()
    assert estimated.proximity_reliability[0] == pytest.approx(np.sqrt(6 / 100))
    given = pull_world(reference_proximity=estimated.phi_for_region(0))
    assert given.proximity_reliability[0] == 1.0
    batch = [anchor("R1"), anchor("R3")]
    here = lead_parts(estimated, LeadBatch.from_dicts(estimated, batch))
    there = lead_parts(given, LeadBatch.from_dicts(given, batch))
    assert np.array_equal(here.pull, there.pull)
    assert here.pull_confidence == pytest.approx(there.pull_confidence * np.sqrt(6 / 100))
    assert there.pull_confidence[0] == pytest.approx(1.0)


def test_making_a_supplier_present_lowers_the_anchors_pull_there():
    world = pull_world()
    scenario = with_industry_present(world, 0, S1)
    before = score(world, anchor("R1")).pull[0]
    after = score(scenario, anchor("R1")).pull[0]
    # Only S2 is left to draw in (its relatedness rose with S1 now there).
    assert after == pytest.approx(100 * 0.4 * scenario.density_score[0, S2] * 0.5)
    assert after < before


@pytest.mark.parametrize("share", [0.0, 0.3, 1.0])
def test_cluster_strengthening_mixes_its_parts_and_the_total_is_linear_in_four_weights(share):
    world = pull_world(clusters=[(0, "K", {"B": 1.0, "S1": 0.5})])
    weights = SubScoreWeights(0.2, 0.3, 0.5, pull_share=share)
    scores = score(world, anchor("R1"), anchor("R2"), anchor("R3", None), weights=weights)
    mixed = (1 - share) * scores.strengthen + share * scores.pull
    assert scores.cluster_strength == pytest.approx(mixed)
    assert scores.total == pytest.approx(scores.parts() @ weights.part_weights())


def test_reweighting_stored_parts_gives_the_same_scores_as_scoring_again():
    world = pull_world(clusters=[(0, "K", {"B": 1.0, "S1": 0.5})])
    leads: list[dict[str, object]] = [
        anchor("R1"),
        anchor("R2", 10),
        {"region": "R1", "industry": "Z"},
    ]
    first = score(world, *leads, weights=SubScoreWeights(0.4, 0.3, 0.3))
    other = SubScoreWeights(0.1, 0.2, 0.7, pull_share=0.8)
    again = score(world, *leads, weights=other)
    rows = np.tile(other.as_array(), (3, 1))
    moved = apply_weights(first, rows, np.full(3, 0.8))
    for name in ("cluster_strength", "total", "confidence"):
        assert getattr(moved, name) == pytest.approx(getattr(again, name))


def test_rank_bands_can_draw_the_share_of_pull_too():
    world = pull_world(clusters=[(0, "K", {"B": 1.0, "S1": 0.5})])
    scores = score(world, anchor("R1"), anchor("R2"), anchor("R3"), anchor("R1", 5))
    weights = SubScoreWeights(0.2, 0.2, 0.6, pull_share=0.5)
    result = rank_robustness(scores.parts(), weights, draws=200, top_k=2)
    totals = scores.parts() @ weights.part_weights()
    ranks = np.argsort(np.argsort(-totals, kind="stable")) + 1
    assert result.base_rank.tolist() == ranks.tolist()
    with pytest.raises(ValueError, match="4 non-negative part weights"):
        rank_robustness(scores.parts(), [0.5, 0.5, 0.0], draws=10)


def test_the_explanation_names_the_suppliers_it_would_draw_in():
    world = pull_world()
    explained = explain_lead(world, LeadBatch.from_dicts(world, [anchor("R1")]), 0, "en")
    pull = explained.pull
    assert [(s["code"], s["input_share"], s["presence"]) for s in pull["suppliers"]] == [
        ("S1", 0.6, 0.0),
        ("S2", 0.4, 0.0),
    ]
    assert pull["missing_share"] == 1.0
    assert (pull["typical_plant"], pull["typical_source"], pull["size_ratio"]) == (50, "firms", 1)
    en, zh = explained.sentences["en"], explained.sentences["zh"]
    assert (
        "Would draw in: S1 industry (60% of inputs), S2 industry (40% of inputs) — absent or "
        "weak here, 100% of its inputs."
    ) in en
    drawn = "可带动配套：S1业（占投入 60%）、S2业（占投入 40%）——本地缺失或薄弱，占其投入的 100%。"
    assert drawn in zh
    assert "strengthen 50, pull " in en[0]


def test_the_explanation_says_unrelated_missing_suppliers_are_unlikely_to_follow():
    world = pull_world()
    explained = explain_lead(world, LeadBatch.from_dicts(world, [anchor("R3")]), 0, "en")
    assert explained.pull["suppliers"] == []
    assert [s["code"] for s in explained.pull["unrelated_missing"]] == ["S1", "S2"]
    assert (
        "Its missing suppliers (S1 industry, S2 industry) have no related base here: "
        "unlikely to follow." in explained.sentences["en"]
    )


def test_the_explanation_says_when_pull_has_no_evidence():
    world = pull_world()
    lead = {"region": "R1", "industry": "Z"}
    explained = explain_lead(world, LeadBatch.from_dicts(world, [lead]), 0, "zh")
    assert "该产业没有供应商数据，带动配套一项按中性 50 计。" in explained.text()
    codes = [r["code"] for r in explained.confidence["reasons"]]
    assert "pull_no_evidence" in codes


@pytest.mark.parametrize(("s1_jobs", "named"), [(5, ["S1", "S2"]), (10, ["S2"])])
def test_the_explanation_names_suppliers_at_most_half_present(s1_jobs, named):
    size = np.array(SIZE, dtype=float)
    size[0, S1] = s1_jobs  # presence 0.34 (weak) or 0.63 (mostly there)
    world = pull_world(size)
    explained = explain_lead(world, LeadBatch.from_dicts(world, [anchor("R1")]), 0, "en")
    assert sorted(s["code"] for s in explained.pull["suppliers"]) == named
    # The score still counts S1 by its gap either way.
    (pull,) = score(world, anchor("R1")).pull
    assert pull > 100 * 0.4 * world.density_score[0, S2] * 0.5
