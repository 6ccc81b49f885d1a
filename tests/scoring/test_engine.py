"""Engine: local fit, needs and land, confidence, totals, batches and the world itself.

Pure numpy tests on hand-made worlds; no database. The six issue properties are pinned in
test_engine_properties.py; chain and cluster details in test_chain.py / test_cluster.py.
"""

from __future__ import annotations

import pickle
from dataclasses import replace

import numpy as np
import pytest

from screening.scoring.complexity import compute_complexity
from screening.scoring.engine import (
    DENSITY_WEIGHT,
    NEEDS_WEIGHT,
    NEUTRAL_LOCAL,
    LeadBatch,
    build_world,
    lead_parts,
    score_lead_everywhere,
    score_leads,
)
from screening.scoring.local_fit import known_density, share_below
from screening.scoring.weights import PRESETS, SubScoreWeights
from tests.scoring.engine_worlds import make_world, random_inputs, random_leads, score, world_inputs
from tests.scoring.test_complexity import WORKED_X  # the methods page's worked reference

R1_DENSITY = [0.222222, 0.5, 0.785714, 0.923077, 0.142857, 0.923077, 0.727273, 0.923077]
FACTORS = ["port", "power", "industrial_land_ha"]


# phi of the worked example given as a reference space, so that six regions count as enough.
WORKED_PHI = compute_complexity(WORKED_X).proximity


def worked_world(endowment=None, **kwargs):
    if endowment is None:
        endowment = np.ones((6, 3)) * [1, 1, 100]
    kwargs.setdefault("reference_proximity", WORKED_PHI)
    return make_world(WORKED_X, factors=FACTORS, endowment=endowment, **kwargs)


def test_it_keeps_the_atlas_density_with_the_diagonal_when_every_cell_is_known():
    world = worked_world()
    assert world.density[0] == pytest.approx(R1_DENSITY, abs=1e-6)
    assert world.density == pytest.approx(compute_complexity(WORKED_X).density)


def test_it_scores_density_as_the_share_of_same_level_cells_below_it():
    world = worked_world()
    all_cells = compute_complexity(WORKED_X).density.ravel()
    expected = np.mean(all_cells < all_cells.reshape(6, 8)[0, 0])
    scores = score(world, {"region": "R1", "industry": "I1"})
    assert world.density_score[0, 0] == pytest.approx(expected)
    # No needs: local fit is the density score alone.
    assert scores.local_fit[0] == pytest.approx(100 * expected)


def test_it_combines_density_and_met_needs_sixty_forty():
    world = worked_world(endowment=np.ones((6, 3)) * [1, 0, 100])
    d = world.density_score[0, 0]
    scores = score(world, {"region": "R1", "industry": "I1", "needs": ["port", "power"]})
    assert (DENSITY_WEIGHT, NEEDS_WEIGHT) == (0.6, 0.4)
    assert scores.local_fit[0] == pytest.approx(100 * (0.6 * d + 0.4 * 0.5))


def test_it_leaves_an_unknown_endowment_out_of_the_met_share_and_lowers_confidence():
    endowment = np.ones((6, 3)) * [1, 1, 100]
    endowment[0, 1] = np.nan  # R1's power unknown
    endowment[1, 1] = 0.0  # R2 has no power
    world = worked_world(endowment=endowment)
    batch = LeadBatch.from_dicts(
        world,
        [
            {"region": "R1", "industry": "I3", "needs": ["port", "power"]},
            {"region": "R2", "industry": "I3", "needs": ["port", "power"]},
        ],
    )
    parts = lead_parts(world, batch)
    d1, d2 = world.density_score[0, 2], world.density_score[1, 2]
    # R1: power neither met nor unmet -> met share 1/1; R2: power unmet -> 1/2.
    assert parts.local == pytest.approx([0.6 * d1 + 0.4 * 1.0, 0.6 * d2 + 0.4 * 0.5])
    assert parts.local_confidence == pytest.approx([0.6 + 0.4 * 0.5, 1.0])


def test_it_excludes_unknown_size_cells_from_density_instead_of_reading_zero():
    mcp = np.array([[1.0, 0.0, 0.0]])
    phi = np.array([[1.0, 0.5, 0.5], [0.5, 1.0, 0.25], [0.5, 0.25, 1.0]])
    dens, coverage = known_density(mcp, np.array([[True, True, False]]), phi)
    # Industry 0's density: (1*1) / (1 + 0.5), not (1*1) / (1 + 0.5 + 0.5).
    assert dens[0, 0] == pytest.approx(1 / 1.5)
    assert coverage[0, 0] == pytest.approx(1.5 / 2.0)


def test_it_scores_local_fit_neutral_when_nothing_is_known():
    size = WORKED_X.copy()
    size[2] = np.nan  # every cell of R3 unknown
    world = make_world(size)
    scores = score(world, {"region": "R3", "industry": "I1"})
    assert scores.local_fit[0] == 50.0
    assert scores.neutral[0] & NEUTRAL_LOCAL


def test_it_compares_industrial_land_with_the_leads_need_in_hectares():
    world = worked_world(endowment=np.ones((6, 3)) * [1, 1, 50])
    batch = LeadBatch.from_dicts(
        world,
        [
            {"region": "R1", "industry": "I1", "needs": ["industrial_land_ha"], "land_ha": 80},
            {"region": "R1", "industry": "I1", "needs": ["industrial_land_ha"], "land_ha": 30},
            {"region": "R1", "industry": "I1", "needs": ["industrial_land_ha"]},
        ],
    )
    parts = lead_parts(world, batch)
    d = world.density_score[0, 0]
    assert parts.local == pytest.approx([0.6 * d, 0.6 * d + 0.4, 0.6 * d + 0.4])
    # Unknown land_ha: checked only as "some land", counted as half known.
    assert parts.local_confidence == pytest.approx([1.0, 1.0, 0.6 + 0.4 * 0.5])


def test_it_makes_the_total_the_weighted_sum_and_confidence_the_weighted_mean():
    world = build_world(random_inputs(3))
    batch = random_leads(world, 300, seed=4)
    weights = SubScoreWeights(0.5, 0.3, 0.2)
    scores = score_leads(world, batch, weights)
    assert scores.total == pytest.approx(scores.sub_scores() @ weights.as_array())
    assert np.all((scores.confidence >= 0) & (scores.confidence <= 1))
    for array in (scores.local_fit, scores.chain_completion, scores.cluster_strength):
        assert np.all(np.isfinite(array)) and np.all((array >= 0) & (array <= 100))


def test_it_gives_full_confidence_when_everything_is_known():
    size = [[60, 40, 0], [10, 0, 90], [20, 20, 60], [10, 40, 50]]
    world = make_world(
        size,
        reference_proximity=compute_complexity(size).proximity,
        industries=["X", "Y", "Z"],
        links={("X", "Y"): 1.0, ("Y", "Z"): 1.0},
        factors=["port"],
        endowment=[[1], [1], [0], [1]],
        clusters=[(0, "K", {"X": 1.0, "Y": 0.5})],
        firms=[[6, 4, 0], [1, 0, 9], [2, 2, 6], [1, 4, 5]],  # typical plants from firm counts
    )
    scores = score(world, {"region": "R1", "industry": "Y", "jobs": 10, "needs": ["port"]})
    assert scores.confidence[0] == pytest.approx(1.0)
    assert scores.neutral[0] == 0


def test_score_lead_everywhere_matches_placing_the_lead_in_each_region():
    world = build_world(random_inputs(6))
    batch = random_leads(world, 5, seed=7)
    regions = np.array([3, 0, 7, 7])
    everywhere = score_lead_everywhere(world, batch, 2, regions)
    one_by_one = [
        score_leads(world, batch.placed_in(2, np.array([r])), PRESETS["balanced"]) for r in regions
    ]
    assert everywhere.total.tolist() == [s.total[0] for s in one_by_one]
    assert everywhere.confidence.tolist() == [s.confidence[0] for s in one_by_one]


def test_the_world_survives_pickling_with_identical_scores():
    world = build_world(random_inputs(8))
    batch = random_leads(world, 200, seed=9)
    again = pickle.loads(pickle.dumps(world))  # noqa: S301 - our own bytes, just written
    a, b = (
        score_leads(world, batch, PRESETS["balanced"]),
        score_leads(again, batch, PRESETS["balanced"]),
    )
    assert np.array_equal(a.total, b.total) and np.array_equal(a.confidence, b.confidence)


def test_a_small_level_borrows_proximity_from_the_main_level_and_says_so():
    size = np.vstack([WORKED_X, WORKED_X.sum(axis=0)])
    world = make_world(size, levels=["city"] * 6 + ["province"])
    assert world.level_proximity.tolist() == [0, 0]
    assert any("province" in w and "proximity" in w for w in world.warnings)
    scores = score(world, {"region": "R7", "industry": "I3", "jobs": 10})
    assert np.isfinite(scores.total[0])
    # The province's RCA is measured against the cities' national shares: all exactly 1.
    assert world.rca[6] == pytest.approx(np.ones(8))


def test_lead_batches_accept_codes_or_indices_and_reject_unknown_names():
    world = worked_world()
    batch = LeadBatch.from_dicts(
        world, [{"region": "R2", "industry": 3, "needs": ["power", "port"], "inputs": ["I2", 0]}]
    )
    assert (batch.region[0], batch.industry[0], int(batch.needs[0])) == (1, 3, 0b011)
    assert batch.inputs_of(0).tolist() == [0, 1]
    assert np.isnan(batch.jobs[0])
    with pytest.raises(ValueError, match="unknown code"):
        LeadBatch.from_dicts(world, [{"region": "R9", "industry": "I1"}])
    with pytest.raises(ValueError, match="unknown endowment factor"):
        LeadBatch.from_dicts(world, [{"region": "R1", "industry": "I1", "needs": ["moon"]}])


def test_it_rejects_leads_outside_the_world():
    world = worked_world()
    batch = LeadBatch.from_dicts(world, [{"region": "R1", "industry": "I1"}])
    bad = batch.placed_in(0, np.array([6]))
    with pytest.raises(ValueError, match="outside the world"):
        score_leads(world, bad, PRESETS["balanced"])


def test_it_rejects_inputs_of_the_wrong_shape():
    inputs = world_inputs(WORKED_X)
    with pytest.raises(ValueError, match="link_weight"):
        build_world(replace(inputs, link_weight=np.zeros((3, 3))))


def test_share_below_counts_strictly_lower_reference_values():
    reference = np.array([0.0, 0.0, 0.2, 0.5, 0.5, 0.9])
    got = share_below(reference, np.array([0.0, 0.5, 1.0, np.nan]))
    assert got[:3] == pytest.approx([0.0, 3 / 6, 1.0])
    assert np.isnan(got[3])


def test_lead_batches_coerce_caller_dtypes():
    world = build_world(random_inputs(12))
    batch = random_leads(world, 50, seed=13)
    loose = LeadBatch(
        region=batch.region.astype(np.int32),
        industry=batch.industry.astype(np.int16),
        jobs=batch.jobs.astype(np.float32),
        capex=batch.capex,
        land_ha=batch.land_ha,
        needs=batch.needs.astype(np.int64),
        inputs_indptr=batch.inputs_indptr.astype(np.int32),
        inputs_indices=batch.inputs_indices.astype(np.int64),
    )
    assert loose.needs.dtype == np.uint64 and loose.region.dtype == np.int64
    a = score_leads(world, batch, PRESETS["balanced"])
    b = score_leads(world, loose, PRESETS["balanced"])
    assert np.array_equal(a.local_fit, b.local_fit) and np.array_equal(
        a.chain_completion, b.chain_completion
    )


def test_a_cost_factor_is_available_where_it_is_cheap() -> None:
    """Power price: lower is better; available at or below the median of reporting regions."""
    from screening.scoring.local_fit import endowment_masks

    prices = np.array([[0.50], [0.60], [0.70], [np.nan]])
    masks = endowment_masks(prices, ["power_price_cny_kwh"])
    assert masks.available.tolist() == [1, 1, 0, 0]
    assert masks.unknown.tolist() == [0, 0, 0, 1]
    ports = endowment_masks(np.array([[1.0], [0.0], [np.nan]]), ["port"])
    assert ports.available.tolist() == [1, 0, 0]
