"""Rank bands computed faster give the same numbers (issue 17): the product of sub-scores and
drawn weights in blocks of draws (kept off OpenBLAS's worker threads) is the whole product bit
for bit, and ranks sorted along contiguous rows are those of the strided sort they replaced."""

from __future__ import annotations

import numpy as np
import pytest

from screening.scoring import weights
from screening.scoring.weights import SubScoreWeights, rank_robustness


def ranks_before(scores: np.ndarray) -> np.ndarray:
    """ranks_by_column as it was: a stable sort down each column of the (n, m) block."""
    n, m = scores.shape
    ranks = np.empty((n, m), dtype=np.int32)
    order = np.argsort(-scores, axis=0, kind="stable")
    np.put_along_axis(ranks, order, np.arange(1, n + 1, dtype=np.int32)[:, np.newaxis], axis=0)
    return ranks


@pytest.mark.parametrize("seed", range(12))
def test_the_blocked_product_is_the_whole_product(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 1500))
    k = int(rng.choice([3, 4]))
    draws = int(rng.integers(1, 1200))
    s = rng.uniform(0, 100, (n, k))
    s[rng.random((n, k)) < 0.1] = 50.0  # repeated values, as stored scores have
    drawn = rng.dirichlet(np.full(k, 5.0), size=draws)
    got = weights.scores_under_draws(s, drawn)
    assert got.shape == (n, draws)
    assert np.array_equal(got.view(np.uint64), (s @ drawn.T).view(np.uint64))


@pytest.mark.parametrize("seed", range(8))
def test_ranks_are_those_of_the_column_sort(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(100 + seed)
    n, m = int(rng.integers(1, 400)), int(rng.integers(1, 300))
    scores = rng.integers(0, 20, (n, m)).astype(np.float64)  # many ties: lower index first
    scores[rng.random((n, m)) < 0.05] = -0.0
    expected = ranks_before(scores)
    assert np.array_equal(weights.ranks_by_column(scores), expected)
    monkeypatch.setattr(weights, "_SORT_BLOCK", 7 * max(n, 1))  # several blocks of columns
    got = weights.ranks_by_column(scores)
    assert got.flags.c_contiguous and np.array_equal(got, expected)


def test_rank_bands_are_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(7)
    parts = np.round(rng.uniform(0, 100, (300, 4)), 1)
    chosen = SubScoreWeights(0.4, 0.3, 0.3, pull_share=0.4)
    fast = rank_robustness(parts, chosen, draws=500, concentration=50.0, top_k=100)
    monkeypatch.setattr(weights, "ranks_by_column", ranks_before)
    monkeypatch.setattr(weights, "scores_under_draws", lambda s, drawn: s @ drawn.T)
    before = rank_robustness(parts, chosen, draws=500, concentration=50.0, top_k=100)
    for name in ("rank_p05", "rank_p95", "p_top_k", "base_rank", "crosses_cutoff"):
        assert np.array_equal(getattr(fast, name), getattr(before, name)), name
    assert np.array_equal(fast.p_ahead_of_next, before.p_ahead_of_next)
