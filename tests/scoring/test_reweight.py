"""Re-weighting: the one function that sums sub-scores into a total gives the engine's bits."""

from __future__ import annotations

import numpy as np

from screening.scoring import (
    SubScoreWeights,
    build_world,
    score_leads,
    weighted_total,
    weighted_totals,
)
from tests.scoring.engine_worlds import random_inputs, random_leads


def test_it_gives_the_engines_totals_bit_for_bit() -> None:
    world = build_world(random_inputs(seed=5))
    batch = random_leads(world, 200, seed=6)
    weights = SubScoreWeights.normalised(5, 3, 2)
    scores = score_leads(world, batch, weights)
    totals = weighted_totals(
        scores.local_fit, scores.chain_completion, scores.cluster_strength, weights.as_array()
    )
    assert np.array_equal(totals, scores.total)


def test_it_takes_one_weight_triple_per_row() -> None:
    subs = np.array([[10.0, 20.0, 30.0], [50.0, 50.0, 0.0]])
    per_row = np.array([[1.0, 0.0, 0.0], [0.2, 0.3, 0.5]])
    totals = weighted_totals(subs[:, 0], subs[:, 1], subs[:, 2], per_row)
    assert totals.tolist() == [10.0, (0.2 * 50.0 + 0.3 * 50.0) + 0.5 * 0.0]
    assert weighted_total(subs[1], per_row[1]) == totals[1]
