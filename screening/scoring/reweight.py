"""Re-weighting stored or computed parts into a total: the one place that sums them.

Cluster strengthening has two parts, strengthening an existing cluster (st) and anchor pull
(pu), mixed by the share of pull m within it (docs/scoring.md, section 3):

    cluster_strength = ((1 - m)·st) + (m·pu)
    total            = ((w1·local_fit + w2·chain_completion) + w3·cluster_strength)

summed in exactly that order, as the engine and the shortlist's SQL sum it, so every path (a
rescore under each region's profile, "where else", a shortlist under what-if weights) gives
the same bits for the same inputs. The same sum over the parts' confidences gives a lead's
confidence. The total is linear in the four part weights (w1, w2, w3·(1 - m), w3·m).

Pure numpy: this module must never import Django.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


def cluster_mix(strengthen: ArrayLike, pull: ArrayLike, pull_share: ArrayLike) -> FloatArray:
    """Cluster strengthening from its two parts: ((1 - m)·st) + (m·pu), elementwise.

    Both parts must be filled (a part without evidence at its neutral value), as the total's
    sub-scores are; `pull_share` m is one share for all or one per row.
    """
    m = np.asarray(pull_share, dtype=np.float64)
    st, pu = np.asarray(strengthen, dtype=np.float64), np.asarray(pull, dtype=np.float64)
    return np.asarray((1.0 - m) * st + m * pu, dtype=np.float64)


def weighted_totals(
    local_fit: ArrayLike,
    chain_completion: ArrayLike,
    strengthen: ArrayLike,
    pull: ArrayLike,
    weights: ArrayLike,
    pull_share: ArrayLike,
) -> FloatArray:
    """Totals of n leads from their four parts.

    `weights` is one (local fit, chain completion, cluster strength) triple for all, or (n, 3)
    one a row; `pull_share` one share of pull within cluster strengthening for all, or (n,).
    """
    w = np.asarray(weights, dtype=np.float64)
    w1, w2, w3 = (w[:, 0], w[:, 1], w[:, 2]) if w.ndim == 2 else (w[0], w[1], w[2])
    lf, cc = (np.asarray(a, dtype=np.float64) for a in (local_fit, chain_completion))
    cs = cluster_mix(strengthen, pull, pull_share)
    return np.asarray((w1 * lf + w2 * cc) + w3 * cs, dtype=np.float64)


def weighted_total(parts: Sequence[float], weights: Sequence[float], pull_share: float) -> float:
    """The total of one lead's (local_fit, chain_completion, strengthen, pull): weighted_totals
    on one row, so it gives the same bits."""
    lf, cc, st, pu = parts
    return float(weighted_totals([lf], [cc], [st], [pu], weights, pull_share)[0])
