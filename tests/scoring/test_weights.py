"""Sub-score weights: presets, AHP, rank robustness and fast re-ranking. No database."""

from __future__ import annotations

import numpy as np
import pytest

from screening.scoring.weights import (
    ATLAS_STRATEGY_PRESETS,
    PRESETS,
    SubScoreWeights,
    ahp_weights,
    check_consistency,
    flip_weight,
    rank_robustness,
    rerank_top,
)

METHODS_PAGE_AHP: list[list[float]] = [[1, 1, 2], [1, 1, 1], [1 / 2, 1, 1]]


def random_sub_scores(seed: int, n: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 100, size=(n, 3))


def test_it_normalises_weights_to_sum_one() -> None:
    weights = SubScoreWeights.normalised(40, 30, 30)
    assert weights == SubScoreWeights(0.4, 0.3, 0.3)
    np.testing.assert_allclose(weights.as_array(), [0.4, 0.3, 0.3])


@pytest.mark.parametrize("values", [(0.5, 0.5, 0.5), (-0.1, 0.6, 0.5), (float("nan"), 0.5, 0.5)])
def test_it_rejects_invalid_weights(values: tuple[float, float, float]) -> None:
    with pytest.raises(ValueError, match="weights"):
        SubScoreWeights(*values)


def test_it_refuses_to_normalise_all_zero_weights() -> None:
    with pytest.raises(ValueError, match="not all zero"):
        SubScoreWeights.normalised(0, 0, 0)


def test_it_offers_valid_presets_distinct_from_atlas_ones() -> None:
    assert PRESETS["balanced"] == SubScoreWeights(0.4, 0.3, 0.3)
    assert PRESETS["soil_first"].local_fit > PRESETS["soil_first"].chain_completion
    assert PRESETS["chain_first"].chain_completion == max(PRESETS["chain_first"].as_array())
    assert PRESETS["cluster_first"].cluster_strength == max(PRESETS["cluster_first"].as_array())
    assert all(name.startswith("atlas_") for name in ATLAS_STRATEGY_PRESETS)
    assert ATLAS_STRATEGY_PRESETS["atlas_low_hanging_fruit"] == (0.60, 0.15, 0.25)
    assert not set(PRESETS) & set(ATLAS_STRATEGY_PRESETS)


def test_it_reproduces_the_methods_page_ahp_example() -> None:
    result = ahp_weights(METHODS_PAGE_AHP)
    np.testing.assert_allclose(result.weights, [0.413, 0.327, 0.260], atol=5e-4)
    assert result.cr == pytest.approx(0.046, abs=5e-4)
    assert check_consistency(result) is result


def test_it_gives_zero_cr_for_a_consistent_matrix() -> None:
    w = np.array([0.5, 0.3, 0.2])
    result = ahp_weights(w[:, None] / w[None, :])
    np.testing.assert_allclose(result.weights, w, atol=1e-12)
    assert result.cr == pytest.approx(0.0, abs=1e-12)
    assert result.lambda_max == pytest.approx(3.0)
    assert result.most_inconsistent is None


def test_it_refuses_inconsistent_judgements_naming_the_worst() -> None:
    # local_fit >> chain and chain >> cluster, but cluster >> local_fit: a cycle.
    matrix = [[1, 5, 1 / 5], [1 / 5, 1, 5], [5, 1 / 5, 1]]
    result = ahp_weights(matrix)
    assert result.cr >= 0.10
    assert result.most_inconsistent is not None
    # A perfect cycle has no single culprit; any of its judgements may be named.
    with pytest.raises(ValueError, match=r"inconsistent \(CR = 2\.\d+.*revisit '\w+ vs \w+'"):
        check_consistency(result)


def test_it_points_at_the_one_bad_judgement() -> None:
    w = np.array([0.4, 0.3, 0.2, 0.1])
    matrix = w[:, None] / w[None, :]
    matrix[1, 3], matrix[3, 1] = 1 / 6, 6.0  # should be 3: criterion 1 beats criterion 3
    result = ahp_weights(matrix, labels=["port", "land", "power", "labour"])
    assert result.most_inconsistent == (1, 3)
    with pytest.raises(ValueError, match="revisit 'land vs labour'"):
        check_consistency(result, threshold=0.0)


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([[1, 2, 3], [0.5, 1, 4], [1 / 3, 0.5, 1]], r"\(1, 2\).*reciprocal"),
        ([[1, 2, 3], [0.5, 2, 1], [1 / 3, 1, 1]], r"\(1, 1\).*itself"),
        ([[1, -2, 3], [0.5, 1, 1], [1 / 3, 1, 1]], r"\(0, 1\).*positive"),
        ([[1, 2], [0.5, 1], [1, 1]], "square"),
    ],
)
def test_it_rejects_malformed_pairwise_matrices(matrix: list[list[float]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ahp_weights(matrix)


def test_it_accepts_reciprocals_typed_as_decimals() -> None:
    matrix: list[list[float]] = [[1, 3, 1], [0.333, 1, 0.5], [1, 2, 1]]
    result = ahp_weights(matrix)
    assert result.weights.sum() == pytest.approx(1.0)


def test_it_is_deterministic_for_a_seed() -> None:
    scores = random_sub_scores(1, 50)
    first = rank_robustness(scores, PRESETS["balanced"], draws=300, seed=7)
    second = rank_robustness(scores, PRESETS["balanced"], draws=300, seed=7)
    other = rank_robustness(scores, PRESETS["balanced"], draws=300, seed=8)
    np.testing.assert_array_equal(first.rank_p95, second.rank_p95)
    np.testing.assert_array_equal(first.p_top_k, second.p_top_k)
    assert not np.array_equal(first.p_top_k, other.p_top_k)


def test_it_keeps_a_dominant_lead_first_in_every_draw() -> None:
    scores = random_sub_scores(2, 40) * 0.9
    scores[17] = [95.0, 95.0, 95.0]
    result = rank_robustness(scores, PRESETS["chain_first"], draws=500, top_k=5)
    assert (result.rank_p05[17], result.rank_p95[17]) == (1, 1)
    assert result.p_top_k[17] == 1.0
    assert result.base_rank[17] == 1


def test_it_never_puts_a_lead_dominated_by_k_others_in_the_top_k() -> None:
    scores = random_sub_scores(3, 30) * 0.5 + 10  # all within 10-60
    scores[:4] = 80.0 + np.arange(12).reshape(4, 3)  # four leads beat everyone on everything
    scores[4] = [70.0, 70.0, 70.0]  # beaten on every sub-score by those four
    result = rank_robustness(scores, PRESETS["balanced"], draws=1000, concentration=2.0, top_k=4)
    assert result.p_top_k[4] == 0.0
    assert result.rank_p05[4] == 5


def test_it_flags_leads_whose_band_crosses_the_cutoff() -> None:
    scores = random_sub_scores(4, 200)
    result = rank_robustness(scores, [0.4, 0.3, 0.3], draws=400, concentration=5.0, top_k=20)
    expected = (result.rank_p05 <= 20) & (result.rank_p95 > 20)
    np.testing.assert_array_equal(result.crosses_cutoff, expected)
    assert result.crosses_cutoff.any()
    assert np.all(result.rank_p05 <= result.rank_p95)


def test_it_breaks_rank_ties_by_index() -> None:
    scores = np.full((3, 3), 50.0)
    result = rank_robustness(scores, PRESETS["balanced"], draws=20, top_k=1)
    np.testing.assert_array_equal(result.base_rank, [1, 2, 3])
    np.testing.assert_array_equal(result.p_top_k, [1.0, 0.0, 0.0])


def test_it_keeps_zero_weights_at_zero_in_draws() -> None:
    scores = np.array([[100.0, 0.0, 0.0], [0.0, 100.0, 100.0]])
    result = rank_robustness(scores, [1.0, 0.0, 0.0], draws=200, top_k=1)
    np.testing.assert_array_equal(result.p_top_k, [1.0, 0.0])


def test_it_rejects_nan_sub_scores() -> None:
    scores = random_sub_scores(5, 5)
    scores[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"lead rows \[3\]"):
        rank_robustness(scores, PRESETS["balanced"])


def test_it_reranks_the_top_k_like_a_full_sort() -> None:
    scores = np.round(random_sub_scores(6, 100_000))  # rounding creates ties
    weights = PRESETS["soil_first"]
    totals = scores @ weights.as_array()
    full = np.lexsort((np.arange(len(totals)), -totals))
    np.testing.assert_array_equal(rerank_top(scores, weights, 100), full[:100])
    # k larger than the number of leads returns all of them, in order.
    all_of_50 = np.lexsort((np.arange(50), -totals[:50]))
    np.testing.assert_array_equal(rerank_top(scores[:50], weights, 80), all_of_50)


def test_it_takes_the_lowest_indices_among_leads_tied_at_the_cut() -> None:
    scores = np.array([[10.0] * 3, [50.0] * 3, [50.0] * 3, [50.0] * 3, [90.0] * 3])
    np.testing.assert_array_equal(rerank_top(scores, PRESETS["balanced"], 3), [4, 1, 2])


def test_it_finds_the_exact_flip_weight() -> None:
    a, b = np.array([90.0, 40.0, 50.0]), np.array([50.0, 80.0, 50.0])
    weights = SubScoreWeights(0.5, 0.25, 0.25)
    t = flip_weight(a, b, weights, along=0)
    assert t is not None
    # At weight t on local_fit, with the rest split 50/50 as before, the totals tie.
    at_flip = np.array([t, (1 - t) / 2, (1 - t) / 2])
    assert a @ at_flip == pytest.approx(b @ at_flip)
    assert flip_weight(a, a + 1, weights, along=0) is None


def test_it_says_which_neighbours_the_weights_cannot_tell_apart():
    # Lead 0 beats 1 on every sub-score: separated whatever the weights. Leads 1 and 2 trade
    # local fit against chain by the same amount: near-equal totals, the order flips often.
    scores = [[90, 90, 90], [60, 40, 50], [40, 60, 50]]
    result = rank_robustness(scores, PRESETS["balanced"], draws=1000, concentration=20.0)
    assert result.base_rank.tolist() == [1, 2, 3]
    assert result.p_ahead_of_next[0] == 1.0
    assert 0.2 < result.p_ahead_of_next[1] < 0.8
    assert result.p_ahead_of_next[2] == 1.0  # last
    assert result.tied_with_next.tolist() == [False, True, False]
