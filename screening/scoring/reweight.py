"""Re-weighting stored or computed sub-scores into a total: the one place that sums them.

Total = w1·local_fit + w2·chain_completion + w3·cluster_strength, summed left to right,
((w1·lf + w2·cc) + w3·cs), as the engine and the shortlist's SQL sum it, so every path (a
rescore under each region's profile, "where else", a shortlist under what-if weights) gives
the same bits for the same inputs.

Pure numpy: this module must never import Django.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


def weighted_totals(
    local_fit: ArrayLike,
    chain_completion: ArrayLike,
    cluster_strength: ArrayLike,
    weights: ArrayLike,
) -> FloatArray:
    """Totals of n sub-score triples; `weights` is one triple for all, or (n, 3), one a row."""
    w = np.asarray(weights, dtype=np.float64)
    w1, w2, w3 = (w[:, 0], w[:, 1], w[:, 2]) if w.ndim == 2 else (w[0], w[1], w[2])
    lf, cc, cs = (
        np.asarray(a, dtype=np.float64) for a in (local_fit, chain_completion, cluster_strength)
    )
    return np.asarray((w1 * lf + w2 * cc) + w3 * cs, dtype=np.float64)


def weighted_total(sub_scores: Sequence[float], weights: Sequence[float]) -> float:
    """The total of one (local_fit, chain_completion, cluster_strength) triple."""
    lf, cc, cs = sub_scores
    return (weights[0] * lf + weights[1] * cc) + weights[2] * cs
