"""The backtest: do decision scores tell landed leads from lost ones, and which weights would?

Pure numpy/scikit-learn (no Django). Inputs are arrays of decided leads: their decision
sub-scores (0-100), the totals to judge, whether each landed, and an order key (the received
date) for the folds. What it returns is plain data, written as calibration.json by the
`calibrate` command and shown on the calibration page (docs/outcomes.md).

- AUC (the chance that a landed lead scored above a lost one) of each sub-score and total,
  with DeLong's standard error and a 95 % interval (DeLong, DeLong & Clarke-Pearson 1988).
- A regularised logistic regression of landing on the sub-scores (scale 0-1, L2, C = 1).
  Its AUC, Brier score and reliability table come from forward-chaining folds by received
  date: each block of leads is predicted by a model fitted on the blocks received before it,
  so the future never trains the past. The weights are from the fit on all leads, negative
  ones set to 0 (a profile cannot weigh against a sub-score) and normalised to sum 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.stats import rankdata

FloatArray = NDArray[np.float64]

# At least this many landed and this many lost leads: about ten events per fitted coefficient
# (four sub-score parts), the usual floor for a stable logistic fit (Peduzzi et al. 1996).
MIN_EACH = 40
FOLDS = 5
# L2 strength on sub-scores scaled 0-1: a weak prior that only matters when the data cannot
# tell (tiny samples, a part that is constant or separates perfectly).
REGULARISATION_C = 1.0
Z95 = 1.959963984540054
# An AUC whose 95 % interval contains 0.5 cannot be told from a coin; below this lower bound
# the sub-score "predicts nothing" in plain words on the page.
NO_SIGNAL = 0.5


class TooFewOutcomes(ValueError):
    """Fewer than MIN_EACH landed or lost leads: the fit would be noise."""

    def __init__(self, n_won: int, n_lost: int, minimum: int = MIN_EACH) -> None:
        self.n_won, self.n_lost, self.minimum = n_won, n_lost, minimum
        self.more_won = max(0, minimum - n_won)
        self.more_lost = max(0, minimum - n_lost)
        super().__init__(
            f"too few decided leads to calibrate: {n_won} landed and {n_lost} lost; at least "
            f"{minimum} of each are needed ({self.more_won} more landed, "
            f"{self.more_lost} more lost)"
        )


@dataclass(frozen=True)
class Auc:
    """Area under the ROC curve with DeLong's standard error and a 95 % interval."""

    auc: float
    se: float
    low: float
    high: float

    @property
    def predicts(self) -> bool:
        """The interval lies above 0.5: the score does tell landed from lost leads."""
        return self.low > NO_SIGNAL

    @property
    def verdict(self) -> str:
        """ "predicts" (interval above 0.5), "against" (below: landed leads scored lower) or
        "nothing" (the interval holds 0.5: cannot be told from chance)."""
        if self.low > NO_SIGNAL:
            return "predicts"
        return "against" if self.high < NO_SIGNAL else "nothing"

    def as_dict(self) -> dict[str, float | bool | str]:
        return {
            "auc": self.auc,
            "se": self.se,
            "low": self.low,
            "high": self.high,
            "predicts": bool(self.predicts),
            "verdict": self.verdict,
        }


def auc_delong(won: NDArray[np.bool_], score: FloatArray) -> Auc:
    """AUC of `score` for `won` (ties count half) and its DeLong standard error.

    Midranks give both in O(n log n); NaN scores must be removed by the caller.
    """
    pos, neg = score[won], score[~won]
    m, n = pos.size, neg.size
    if m == 0 or n == 0:
        raise ValueError("AUC needs at least one landed and one lost lead")
    all_ranks = rankdata(np.concatenate([pos, neg]))
    pos_all, neg_all = all_ranks[:m], all_ranks[m:]
    auc = (pos_all.sum() - m * (m + 1) / 2) / (m * n)
    v10 = (pos_all - rankdata(pos)) / n  # per landed lead: share of lost leads below it
    v01 = 1.0 - (neg_all - rankdata(neg)) / m  # per lost lead: share of landed leads above it
    var = (v10.var(ddof=1) if m > 1 else 0.0) / m + (v01.var(ddof=1) if n > 1 else 0.0) / n
    se = float(np.sqrt(max(var, 0.0)))
    return Auc(float(auc), se, max(0.0, auc - Z95 * se), min(1.0, auc + Z95 * se))


def forward_folds(
    order: FloatArray, folds: int = FOLDS
) -> list[tuple[NDArray[np.intp], NDArray[np.intp]]]:
    """(train, test) index arrays: the leads sorted by `order` in folds + 1 blocks; block k is
    tested on a fit to blocks 0..k-1. Block 0 is only ever trained on."""
    ranked = np.argsort(order, kind="stable")
    blocks = np.array_split(ranked, folds + 1)
    return [(np.concatenate(blocks[:k]), blocks[k]) for k in range(1, folds + 1)]


def fit_logistic(x: FloatArray, won: NDArray[np.bool_]) -> tuple[float, FloatArray]:
    """(intercept, coefficients) of the L2-regularised logistic regression of won on x."""
    # Imported here: scikit-learn takes seconds to import and only the backtest needs it, not
    # every process that imports the scoring core.
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=REGULARISATION_C, solver="lbfgs", max_iter=1000)
    model.fit(x, won)
    return float(model.intercept_[0]), np.asarray(model.coef_[0], dtype=np.float64)


def predict(x: FloatArray, intercept: float, coef: FloatArray) -> FloatArray:
    """Probability of landing: the logistic of intercept + x·coef."""
    return np.asarray(1.0 / (1.0 + np.exp(-(intercept + x @ coef))), dtype=np.float64)


def reliability(p: FloatArray, won: NDArray[np.bool_], bins: int = 10) -> list[dict[str, float]]:
    """Predicted vs observed landing rate by decile of predicted probability (equal counts)."""
    order = np.argsort(p, kind="stable")
    rows = []
    for k, idx in enumerate(np.array_split(order, bins), start=1):
        if idx.size == 0:
            continue
        rows.append(
            {
                "decile": k,
                "n": int(idx.size),
                "predicted": float(p[idx].mean()),
                "observed": float(won[idx].mean()),
                "p_min": float(p[idx].min()),
                "p_max": float(p[idx].max()),
            }
        )
    return rows


def normalised_weights(coef: FloatArray, names: Sequence[str]) -> dict[str, float]:
    """Coefficients as weights: negatives set to 0, the rest normalised to sum 1 (all zero:
    equal weights, as nothing predicts)."""
    clipped = np.clip(coef, 0.0, None)
    total = clipped.sum()
    share = clipped / total if total > 0 else np.full(clipped.size, 1.0 / clipped.size)
    return {name: float(w) for name, w in zip(names, share, strict=True)}


def profile_weights(weights: Mapping[str, float]) -> dict[str, float | None]:
    """Fitted part weights as a scoring profile: (local fit, chain, cluster) and the share of
    pull within cluster strengthening (the total is linear in the four part weights)."""
    if "cluster_strength" in weights:
        return {**weights, "pull_share": None}  # no parts: the share cannot be fitted
    cluster = weights["strengthen"] + weights["pull"]
    return {
        "local_fit": weights["local_fit"],
        "chain_completion": weights["chain_completion"],
        "cluster_strength": cluster,
        "pull_share": weights["pull"] / cluster if cluster > 0 else 0.5,
    }


@dataclass(frozen=True)
class BacktestInput:
    """n decided leads. `parts`: (n, k) sub-scores 0-100 named by `part_names`; `totals`: the
    totals to judge (e.g. under the profile in force, as stored at decision); `order`: the
    received date as a number (folds)."""

    part_names: tuple[str, ...]
    parts: FloatArray
    totals: Mapping[str, FloatArray]
    won: NDArray[np.bool_]
    order: FloatArray


def backtest(data: BacktestInput, minimum: int = MIN_EACH) -> dict[str, object]:
    """The whole backtest as plain data; raises TooFewOutcomes below `minimum` of each."""
    won = data.won.astype(bool)
    n_won, n_lost = int(won.sum()), int((~won).sum())
    if n_won < minimum or n_lost < minimum:
        raise TooFewOutcomes(n_won, n_lost, minimum)
    x = data.parts / 100.0
    auc = {
        name: auc_delong(won, data.parts[:, j]).as_dict() for j, name in enumerate(data.part_names)
    }
    auc |= {name: auc_delong(won, values).as_dict() for name, values in data.totals.items()}
    p_cv = cross_validated(x, won, data.order)
    tested = ~np.isnan(p_cv)
    if won[tested].all() or not won[tested].any():
        raise TooFewOutcomes(int(won[tested].sum()), int((~won[tested]).sum()), 1)
    auc["fitted"] = auc_delong(won[tested], p_cv[tested]).as_dict()
    intercept, coef = fit_logistic(x, won)
    weights = normalised_weights(coef, data.part_names)
    base = won[tested].mean()
    return {
        "n_won": n_won,
        "n_lost": n_lost,
        "n_tested": int(tested.sum()),
        "folds": FOLDS,
        "auc": auc,
        "model": {
            "intercept": intercept,
            "coefficients": dict(zip(data.part_names, coef.tolist(), strict=True)),
            "scale": "sub-scores divided by 100",
            "regularisation": f"L2, C={REGULARISATION_C}",
        },
        "weights": weights,
        "profile": profile_weights(weights),
        "brier": float(np.mean((p_cv[tested] - won[tested]) ** 2)),
        "brier_base_rate": float(np.mean((base - won[tested]) ** 2)),
        "reliability": reliability(p_cv[tested], won[tested]),
        "p_cv": p_cv,
        "p_fit": predict(x, intercept, coef),
    }


def cross_validated(x: FloatArray, won: NDArray[np.bool_], order: FloatArray) -> FloatArray:
    """Out-of-fold probabilities by forward folds; NaN where no earlier block could train (the
    first block, or a block whose past holds only one outcome)."""
    p = np.full(won.size, np.nan)
    for train, test in forward_folds(order):
        if won[train].all() or not won[train].any():
            continue
        intercept, coef = fit_logistic(x[train], won[train])
        p[test] = predict(x[test], intercept, coef)
    return p
