"""Cluster strengthening: cluster LQ, the 'strong' flag, relatedness and the size effect.

Pure numpy tests on a hand-made world; no database.

The world (employment X, Y, Z; one cluster in R1 with X core and Y support):
    R1 60 40  0   cluster employment 60 + 0.5 * 40 = 80 of 100
    R2 10  0 90   10 of 100
    R3 20 20 60   30 of 100
    R4 10 40 50   30 of 100
National cluster share 150 / 400 = 0.375, so LQ = 2.133, 0.267, 0.8, 0.8. The 75th percentile
of LQ (linear) is 1.133 and of employment 25, so R1's cluster is strong; its LQ is at or above
all four regions' (strength 1.0). RCA presence: R1 {X, Y}, R2 {Z}, R3 {Z}, R4 {Y, Z}, so
phi(Z, X) = 0 and phi(Z, Y) = 1/3: Z's relatedness to the cluster is (0 + 0.5/3) / 1.5 = 1/9.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from screening.scoring import cluster as cluster_module
from screening.scoring.cluster import SIZE_HALF_SATURATION, size_effect
from screening.scoring.engine import (
    NEUTRAL_CLUSTER,
    NEUTRAL_STRENGTHEN,
    LeadBatch,
    build_world,
    lead_parts,
)
from tests.scoring.engine_worlds import make_world, random_inputs, score

SIZE = [[60, 40, 0], [10, 0, 90], [20, 20, 60], [10, 40, 50]]
CLUSTER = (0, "K", {"X": 1.0, "Y": 0.5})


def cluster_world(size=SIZE, **kwargs):
    return make_world(size, industries=["X", "Y", "Z"], clusters=[CLUSTER], **kwargs)


def test_it_computes_the_cluster_lq_and_strong_flag_by_hand():
    tables = cluster_world().clusters
    assert tables.employment[0] == pytest.approx(80.0)
    assert tables.lq[0] == pytest.approx(0.8 / 0.375)
    assert tables.lq_p75[0] == pytest.approx(0.8 + 0.25 * (0.8 / 0.375 - 0.8))
    assert tables.employment_p25[0] == pytest.approx(25.0)
    assert tables.strong[0]
    assert tables.strength[0] == pytest.approx(1.0)


def test_it_does_not_call_a_cluster_strong_below_lq_one():
    # Same member set placed in R3 (LQ 0.8): strength 3/4 (R2, R3, R4 at or below), not strong.
    world = make_world(SIZE, industries=["X", "Y", "Z"], clusters=[(2, "K", CLUSTER[2])])
    assert world.clusters.strength[0] == pytest.approx(0.75)
    assert not world.clusters.strong[0]


def test_it_scores_a_member_lead_by_strength_times_size_effect():
    # jobs 4 = 5% of 80: size effect exactly 0.5; jobs 8 = 10%: 0.75.
    scores = score(
        cluster_world(),
        {"region": "R1", "industry": "X", "jobs": 4},
        {"region": "R1", "industry": "X", "jobs": 8},
    )
    assert scores.strengthen == pytest.approx([50.0, 75.0])


def test_it_counts_a_support_member_fully_as_related():
    scores = score(cluster_world(), {"region": "R1", "industry": "Y", "jobs": 4})
    assert scores.strengthen[0] == pytest.approx(50.0)


def test_it_weights_a_non_member_by_its_mean_phi_to_the_members():
    scores = score(cluster_world(), {"region": "R1", "industry": "Z", "jobs": 4})
    assert scores.strengthen[0] == pytest.approx(100 * (1 / 9) * 0.5)


def test_a_larger_lead_strengthens_the_cluster_at_least_as_much():
    """Property 4: same industry and region, more jobs never scores lower (strictly higher
    while the cluster has employment, until the size effect saturates numerically)."""
    jobs = [0, 1, 4, 8, 40, 80, 800, 1e6]
    scores = score(cluster_world(), *({"region": "R1", "industry": "X", "jobs": j} for j in jobs))
    assert np.all(np.diff(scores.strengthen) >= 0)
    assert np.all(np.diff(scores.strengthen[:6]) > 0)


def test_size_effect_has_diminishing_returns():
    employment = np.array([100.0])
    effects = [size_effect(np.array([j]), employment)[0] for j in (0, 5, 10, 15, 20)]
    gains = np.diff(effects)
    assert effects[0] == 0.0
    assert effects[1] == pytest.approx(0.5)  # 5% = SIZE_HALF_SATURATION
    assert SIZE_HALF_SATURATION == 0.05
    assert np.all(np.diff(gains) < 0)


def test_it_uses_a_neutral_size_and_lowers_confidence_when_jobs_are_unknown():
    world = cluster_world()
    batch = LeadBatch.from_dicts(
        world,
        [{"region": "R1", "industry": "X", "jobs": 4}, {"region": "R1", "industry": "X"}],
    )
    parts = lead_parts(world, batch)
    # Unknown jobs: size effect 0.5 (as if the lead added 5%), never 0; confidence halved.
    assert parts.cluster == pytest.approx([0.5, 0.5])
    assert parts.cluster_confidence == pytest.approx([1.0, 0.5])


def test_it_estimates_jobs_from_capex_when_a_rate_is_configured():
    world = cluster_world(capex_per_job=2.0)
    batch = LeadBatch.from_dicts(world, [{"region": "R1", "industry": "X", "capex": 16}])
    parts = lead_parts(world, batch)
    # 16 / 2 = 8 jobs = 10% of the cluster -> 0.75; confidence 0.75 for an estimate.
    assert parts.cluster[0] == pytest.approx(0.75)
    assert parts.cluster_confidence[0] == pytest.approx(0.75)


def test_it_lowers_cluster_confidence_by_the_unknown_member_weight():
    size = np.array(SIZE, dtype=float)
    size[0, 1] = np.nan  # R1's support member Y unknown: known weight 1 of 1.5
    world = cluster_world(size)
    parts = lead_parts(
        world, LeadBatch.from_dicts(world, [{"region": "R1", "industry": "X", "jobs": 4}])
    )
    assert world.clusters.coverage[0] == pytest.approx(1 / 1.5)
    assert parts.cluster_confidence[0] == pytest.approx(1 / 1.5)


def test_it_scores_a_region_without_mapped_clusters_as_neutral():
    scores = score(cluster_world(), {"region": "R2", "industry": "Z", "jobs": 4})
    assert scores.strengthen[0] == 50.0
    assert scores.neutral[0] & NEUTRAL_STRENGTHEN
    # No chain links either, so pull has no evidence too: the whole sub-score is neutral.
    assert scores.cluster_strength[0] == 50.0
    assert scores.neutral[0] & NEUTRAL_CLUSTER


def test_it_scores_zero_when_the_regions_clusters_are_unrelated():
    # Cluster K2 in R2 holds only X; phi(Z, X) = 0, so a Z lead there strengthens nothing.
    world = make_world(SIZE, industries=["X", "Y", "Z"], clusters=[(1, "K2", {"X": 1.0})])
    scores = score(world, {"region": "R2", "industry": "Z", "jobs": 4})
    assert scores.strengthen[0] == 0.0
    assert not scores.neutral[0] & NEUTRAL_STRENGTHEN


def test_it_picks_the_regions_best_cluster_for_the_industry():
    weak = (0, "W", {"Z": 1.0})  # Z has no employment in R1: strength 0
    world = make_world(SIZE, industries=["X", "Y", "Z"], clusters=[weak, CLUSTER])
    assert world.clusters.best[0].tolist() == [1, 1, 1]
    scores = score(world, {"region": "R1", "industry": "Z", "jobs": 4})
    assert scores.strengthen[0] == pytest.approx(100 * (1 / 9) * 0.5)


def test_block_size_does_not_change_any_cluster_measure(monkeypatch):
    # Two levels of six regions each; blocks of one cluster vs the default block size.
    inputs = replace(random_inputs(2, n_regions=12), region_levels=["city"] * 6 + ["county"] * 6)
    default = build_world(inputs).clusters
    monkeypatch.setattr(cluster_module, "CLUSTER_BLOCK", 1)
    tiny = build_world(inputs).clusters
    assert np.array_equal(default.best, tiny.best)
    assert np.allclose(default.base, tiny.base, equal_nan=True)
    assert np.allclose(default.lq, tiny.lq) and np.array_equal(default.strong, tiny.strong)
