"""Re-weighting: the one function that sums parts into a total gives the engine's bits."""

from __future__ import annotations

import numpy as np

from screening.scoring import (
    SubScoreWeights,
    apply_weights,
    build_world,
    cluster_mix,
    score_leads,
    weighted_total,
    weighted_totals,
)
from tests.scoring.engine_worlds import random_inputs, random_leads


def test_it_gives_the_engines_totals_bit_for_bit() -> None:
    world = build_world(random_inputs(seed=5))
    batch = random_leads(world, 200, seed=6)
    weights = SubScoreWeights.normalised(5, 3, 2, pull_share=0.3)
    scores = score_leads(world, batch, weights)
    totals = weighted_totals(
        scores.local_fit,
        scores.chain_completion,
        scores.strengthen,
        scores.pull,
        weights.as_array(),
        weights.pull_share,
    )
    assert np.array_equal(totals, scores.total)
    cluster = cluster_mix(scores.strengthen, scores.pull, weights.pull_share)
    assert np.array_equal(cluster, scores.cluster_strength)
    c = scores.part_confidence
    confidence = weighted_totals(c[:, 0], c[:, 1], c[:, 2], c[:, 3], weights.as_array(), 0.3)
    assert np.array_equal(np.clip(confidence, 0.0, 1.0), scores.confidence)


def test_reweighting_scored_parts_gives_the_engines_numbers_under_the_new_weights() -> None:
    """apply_weights (where else: the lead placed in regions with other profiles) equals
    scoring under those weights directly, per row, bit for bit."""
    world = build_world(random_inputs(seed=7))
    batch = random_leads(world, 120, seed=8)
    rng = np.random.default_rng(8)
    rows, shares = rng.dirichlet(np.ones(3), size=len(batch)), rng.uniform(0, 1, len(batch))
    moved = apply_weights(score_leads(world, batch, SubScoreWeights(0.4, 0.3, 0.3)), rows, shares)
    direct = score_leads(world, batch, rows, shares)
    for field in ("cluster_strength", "total", "confidence"):
        assert np.array_equal(getattr(moved, field), getattr(direct, field)), field


def test_it_takes_one_weight_triple_and_share_per_row() -> None:
    parts = np.array([[10.0, 20.0, 30.0, 50.0], [50.0, 50.0, 0.0, 100.0]])
    per_row = np.array([[1.0, 0.0, 0.0], [0.2, 0.3, 0.5]])
    shares = np.array([0.5, 0.25])
    lf, cc, st, pu = parts.T
    totals = weighted_totals(lf, cc, st, pu, per_row, shares)
    cluster = (1.0 - 0.25) * 0.0 + 0.25 * 100.0
    assert totals.tolist() == [10.0, (0.2 * 50.0 + 0.3 * 50.0) + 0.5 * cluster]
    assert weighted_total(parts[1], per_row[1], 0.25) == totals[1]
    # With no pull share the cluster score is the strengthen part, bit for bit.
    assert weighted_totals(lf, cc, st, pu, per_row, 0.0)[1] == (0.2 * 50.0 + 0.3 * 50.0) + 0.5 * 0.0
