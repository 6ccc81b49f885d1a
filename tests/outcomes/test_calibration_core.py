"""The backtest's core on generated worlds whose outcomes come from known weights."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from screening.scoring import BacktestInput, TooFewOutcomes, auc_delong, backtest, predict
from screening.scoring.calibration import FOLDS, forward_folds

NAMES = ("local_fit", "chain_completion", "strengthen", "pull")
# Per 100 points, as projects.demo.outcomes writes its generating model.
KNOWN = np.array([4.0, 2.5, 1.2, 0.0])
INTERCEPT = -3.0


def generated_world(n: int, seed: int) -> tuple[BacktestInput, np.ndarray]:
    """n decided leads with sub-scores 0-100 and outcomes drawn from KNOWN; and the true P."""
    rng = np.random.default_rng(seed)
    parts = rng.uniform(0, 100, size=(n, 4))
    p_true = predict(parts / 100.0, INTERCEPT, KNOWN)
    won = rng.random(n) < p_true
    received = rng.permutation(n).astype(float)  # folds by received date, unrelated to scores
    totals = {"total_in_force": parts @ np.array([0.4, 0.3, 0.15, 0.15])}
    return BacktestInput(NAMES, parts, totals, won, received), p_true


def test_it_recovers_the_order_of_the_generating_weights_and_reaches_the_generators_auc() -> None:
    data, p_true = generated_world(6000, seed=7)

    result = backtest(data)

    weights = result["weights"]
    assert isinstance(weights, dict)
    assert sorted(NAMES, key=lambda k: -weights[k]) == list(NAMES)
    assert weights["pull"] < 0.03, "a part with no effect gets (next to) no weight"
    assert sum(weights.values()) == pytest.approx(1.0)
    # The generator's own AUC on the leads the folds tested (the first block is never tested).
    auc = result["auc"]
    assert isinstance(auc, dict)
    tested = ~np.isnan(result["p_cv"])  # type: ignore[call-overload]
    oracle = auc_delong(data.won[tested], p_true[tested])
    # Tolerance: two standard errors of the generator's AUC on these leads. A fitted model can
    # only trail the true probabilities by its estimation error; more than the AUC's own
    # sampling noise would mean the fit or the folds are wrong.
    assert auc["fitted"]["auc"] >= oracle.auc - 2 * oracle.se
    assert auc["fitted"]["auc"] <= oracle.auc + 2 * oracle.se
    assert auc["pull"]["verdict"] == "nothing"
    assert auc["local_fit"]["verdict"] == "predicts"


def test_the_reliability_table_tracks_the_observed_rate() -> None:
    data, _ = generated_world(6000, seed=11)
    result = backtest(data)
    table = result["reliability"]
    assert isinstance(table, list) and len(table) == 10
    assert sum(row["n"] for row in table) == result["n_tested"]
    predicted = [row["predicted"] for row in table]
    assert predicted == sorted(predicted)
    assert all(abs(row["predicted"] - row["observed"]) < 0.08 for row in table)
    assert result["brier"] < result["brier_base_rate"]  # type: ignore[operator]


def test_folds_never_let_the_future_train_the_past() -> None:
    data, _ = generated_world(1200, seed=3)
    for train, test in forward_folds(data.order):
        assert data.order[train].max() < data.order[test].min()
    result = backtest(data)
    p_cv = result["p_cv"]
    assert isinstance(p_cv, np.ndarray)
    earliest = np.argsort(data.order)[: 1200 // (FOLDS + 1)]
    assert np.isnan(p_cv[earliest]).all(), "the first block has no past to learn from"
    assert result["n_tested"] == 1200 - earliest.size


def test_delong_agrees_with_scikit_learns_auc_and_counts_ties_half() -> None:
    rng = np.random.default_rng(5)
    score = rng.integers(0, 10, size=400).astype(float)  # many ties
    won = rng.random(400) < 0.3 + score / 20
    assert auc_delong(won, score).auc == pytest.approx(roc_auc_score(won, score))
    separated = auc_delong(np.array([True, True, False, False]), np.array([4.0, 3.0, 2.0, 1.0]))
    assert separated.auc == 1.0


def test_it_refuses_below_the_minimum_and_says_how_many_more_are_needed() -> None:
    data, _ = generated_world(6000, seed=1)
    few = np.flatnonzero(~data.won)[:25]
    keep = np.concatenate([np.flatnonzero(data.won), few])
    small = BacktestInput(NAMES, data.parts[keep], {}, data.won[keep], data.order[keep])
    with pytest.raises(TooFewOutcomes) as refusal:
        backtest(small)
    assert refusal.value.n_lost == 25 and refusal.value.more_lost == 15
    assert refusal.value.more_won == 0
    assert "15 more lost" in str(refusal.value)
