"""Sub-score weights: presets, AHP elicitation and rank robustness.

A lead's total score is a weighted sum of three sub-scores on a common 0-100 scale
(docs/methods.md §4): local fit ("vegetables suited to the local soil"), chain
completion (fills a missing link in a local chain) and cluster strength (an anchor that grows a
cluster). Weights are non-negative and sum to 1.

This product's presets (``PRESETS``), in the order local_fit / chain_completion /
cluster_strength:

- ``balanced``      0.4 / 0.3 / 0.3 - the default;
- ``soil_first``    0.6 / 0.2 / 0.2 - fit with local resources, location and industrial base;
- ``chain_first``   0.2 / 0.6 / 0.2 - complete local supply chains (the Zaozhuang battery case);
- ``cluster_first`` 0.2 / 0.2 / 0.6 - grow existing clusters with anchor firms (Weihai, BYD).

They are not the Atlas of Economic Complexity strategy presets, which weigh different
quantities (nearness, PCI, COG); those are kept apart in ``ATLAS_STRATEGY_PRESETS``.

Cluster strengthening has two parts (docs/scoring.md, section 3): strengthening an existing
cluster and anchor pull (seeding one by drawing in missing suppliers). ``pull_share`` is the
share of pull within it, a second level of the weight hierarchy as in hierarchical AHP:

    cluster = (1 - pull_share) x strengthen + pull_share x pull    (reweight.cluster_mix)

so the total is exactly linear in the four part weights ``part_weights()`` (local fit, chain
completion, strengthen, pull), and rank robustness can draw all four.

Pure numpy: this module must never import Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

SUB_SCORES = ("local_fit", "chain_completion", "cluster_strength")
# The four weighted parts: the two parts of cluster strengthening in place of it.
PARTS = ("local_fit", "chain_completion", "strengthen", "pull")
# Share of anchor pull within cluster strengthening in the presets and the default profile:
# both parts count equally (Saaty's "1: equally important").
DEFAULT_PULL_SHARE = 0.5
_SUM_TOLERANCE = 1e-6


@dataclass(frozen=True)
class SubScoreWeights:
    """Weights of the three sub-scores; each >= 0 and together summing to 1 (+-1e-6).

    ``pull_share`` (0-1) is the share of anchor pull within cluster strengthening (the rest is
    strengthening an existing cluster). Use ``SubScoreWeights.normalised(...)`` to build
    weights from any non-negative numbers (for example percentages typed into a form).
    """

    local_fit: float
    chain_completion: float
    cluster_strength: float
    pull_share: float = DEFAULT_PULL_SHARE

    def __post_init__(self) -> None:
        values = self.as_array()
        if not np.isfinite(values).all() or (values < 0).any():
            raise ValueError(f"sub-score weights must be finite and >= 0, got {self._named()}")
        if not 0.0 <= self.pull_share <= 1.0:
            raise ValueError(f"pull_share must be between 0 and 1, got {self.pull_share:g}")
        if abs(values.sum() - 1.0) > _SUM_TOLERANCE:
            raise ValueError(
                f"sub-score weights must sum to 1, got {values.sum():g} ({self._named()}); "
                "use SubScoreWeights.normalised()"
            )

    @classmethod
    def normalised(
        cls,
        local_fit: float,
        chain_completion: float,
        cluster_strength: float,
        pull_share: float = DEFAULT_PULL_SHARE,
    ) -> SubScoreWeights:
        """Weights proportional to the arguments (any non-negative scale, not all zero);
        pull_share is a share (0-1) and is kept as given."""
        raw = np.array([local_fit, chain_completion, cluster_strength], dtype=np.float64)
        if not np.isfinite(raw).all() or (raw < 0).any() or raw.sum() <= 0:
            raise ValueError(f"need non-negative weights, not all zero; got {raw.tolist()}")
        share = raw / raw.sum()
        return cls(float(share[0]), float(share[1]), float(share[2]), float(pull_share))

    def as_array(self) -> FloatArray:
        """(3,) float64 in the order local_fit, chain_completion, cluster_strength."""
        return np.array(
            [self.local_fit, self.chain_completion, self.cluster_strength], dtype=np.float64
        )

    def part_weights(self) -> FloatArray:
        """(4,) weights of local fit, chain completion, strengthen and pull (sum 1)."""
        return part_weights(self.as_array(), self.pull_share)

    def _named(self) -> str:
        return ", ".join(f"{n}={v:g}" for n, v in zip(SUB_SCORES, self.as_array(), strict=True))


def part_weights(weights: FloatArray, pull_share: float) -> FloatArray:
    """(4,) part weights from the (3,) sub-score weights and the share of pull in cluster."""
    w = np.asarray(weights, dtype=np.float64)
    return np.array([w[0], w[1], w[2] * (1.0 - pull_share), w[2] * pull_share])


PRESETS: dict[str, SubScoreWeights] = {
    "balanced": SubScoreWeights(0.4, 0.3, 0.3),
    "soil_first": SubScoreWeights(0.6, 0.2, 0.2),
    "chain_first": SubScoreWeights(0.2, 0.6, 0.2),
    "cluster_first": SubScoreWeights(0.2, 0.2, 0.6),
}


class AtlasStrategyWeights(NamedTuple):
    """Atlas strategy weights on nearness (= density), PCI and COG; they sum to 1."""

    nearness: float
    pci: float
    cog: float


# Atlas "strategic approach" presets, for ranking industries by nearness/PCI/COG (not for the
# three sub-scores above). Atlas "balanced portfolio" is given as ranges (50-60 / 15-20 /
# 20-35), so it has no single point value here.
ATLAS_STRATEGY_PRESETS: dict[str, AtlasStrategyWeights] = {
    "atlas_low_hanging_fruit": AtlasStrategyWeights(0.60, 0.15, 0.25),
    "atlas_long_jumps": AtlasStrategyWeights(0.45, 0.20, 0.35),
}


def as_weight_array(weights: SubScoreWeights | ArrayLike) -> FloatArray:
    """(3,) float64 weights from SubScoreWeights or any 3 non-negative numbers summing to 1."""
    if isinstance(weights, SubScoreWeights):
        return weights.as_array()
    values = np.asarray(weights, dtype=np.float64)
    if values.shape != (3,):
        raise ValueError(f"need 3 weights ({', '.join(SUB_SCORES)}), got shape {values.shape}")
    return SubScoreWeights(*(float(v) for v in values)).as_array()


# --- AHP (Saaty) --------------------------------------------------------------------------

# Saaty's random consistency index by matrix size n.
SAATY_RI: dict[int, float] = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
}
CR_ACCEPT = 0.10
# Reciprocals typed as decimals (0.333 for 1/3) are accepted up to this relative error.
_RECIPROCAL_RTOL = 1e-3


@dataclass(frozen=True)
class AhpResult:
    """AHP outcome. ``weights`` sum to 1; ``cr`` < 0.10 is acceptable.

    ``most_inconsistent`` is the judgement (i, j), i < j, whose entered value deviates most (on
    a log scale) from w_i / w_j, or None if the matrix is perfectly consistent.
    """

    weights: FloatArray
    lambda_max: float
    ci: float
    cr: float
    most_inconsistent: tuple[int, int] | None
    matrix: FloatArray
    labels: tuple[str, ...]


def ahp_weights(matrix: ArrayLike, labels: Sequence[str] | None = None) -> AhpResult:
    """Weights from a pairwise comparison matrix by Saaty's principal-eigenvector method.

    ``matrix[i][j]`` says how much more important criterion i is than j (Saaty 1-9 scale).
    It must be square (n <= 10), positive, with 1 on the diagonal and matrix[j][i] =
    1 / matrix[i][j]; otherwise ValueError names the offending cell. ``labels`` name the
    criteria in messages (default: the three sub-scores when n == 3).
    """
    a = np.asarray(matrix, dtype=np.float64)
    names = _ahp_labels(a, labels)
    _check_pairwise(a, names)
    n = a.shape[0]
    values, vectors = np.linalg.eig(a)
    top = int(np.argmax(values.real))
    # Perron vector of a positive matrix: one sign, so abs() only removes eig's arbitrary sign.
    weights = np.abs(vectors[:, top].real)
    weights = weights / weights.sum()
    lambda_max = float(values[top].real)
    ci = (lambda_max - n) / (n - 1) if n > 2 else 0.0
    cr = ci / SAATY_RI[n] if SAATY_RI[n] > 0 else 0.0
    return AhpResult(
        weights=weights,
        lambda_max=lambda_max,
        ci=max(ci, 0.0),  # rounding can give -1e-16 for a consistent matrix
        cr=max(cr, 0.0),
        most_inconsistent=_most_inconsistent(a, weights),
        matrix=a,
        labels=names,
    )


def _ahp_labels(a: FloatArray, labels: Sequence[str] | None) -> tuple[str, ...]:
    if a.ndim != 2 or a.shape[0] != a.shape[1] or not 1 <= a.shape[0] <= max(SAATY_RI):
        raise ValueError(f"AHP needs a square matrix of size 1 to 10, got shape {a.shape}")
    if labels is not None:
        if len(labels) != a.shape[0]:
            raise ValueError(f"{len(labels)} labels for a {a.shape[0]}x{a.shape[0]} matrix")
        return tuple(labels)
    return SUB_SCORES if a.shape[0] == 3 else tuple(f"criterion {i}" for i in range(a.shape[0]))


def _check_pairwise(a: FloatArray, names: tuple[str, ...]) -> None:
    """Raise ValueError naming the first cell that breaks positivity, diagonal or reciprocity."""
    for i, j in np.ndindex(*a.shape):
        cell = f"judgement ({i}, {j}) {names[i]} vs {names[j]} = {a[i, j]:g}"
        if not (np.isfinite(a[i, j]) and a[i, j] > 0):
            raise ValueError(f"{cell}: judgements must be positive numbers")
        if i == j and a[i, j] != 1:
            raise ValueError(f"{cell}: a criterion compared with itself must be 1")
        if i < j and not np.isclose(a[j, i] * a[i, j], 1.0, rtol=_RECIPROCAL_RTOL, atol=0):
            raise ValueError(
                f"{cell} but ({j}, {i}) = {a[j, i]:g}; it must be the reciprocal {1 / a[i, j]:g}"
            )


def _most_inconsistent(a: FloatArray, weights: FloatArray) -> tuple[int, int] | None:
    """Upper-triangle cell with the largest |log(a_ij * w_j / w_i)|; None if all ~0."""
    deviation = np.abs(np.log(a * weights[np.newaxis, :] / weights[:, np.newaxis]))
    deviation = np.triu(deviation, k=1)
    i, j = np.unravel_index(int(np.argmax(deviation)), deviation.shape)
    return None if deviation[i, j] < 1e-9 else (int(i), int(j))


def check_consistency(result: AhpResult, threshold: float = CR_ACCEPT) -> AhpResult:
    """Return ``result`` if CR < threshold, else raise ValueError naming the worst judgement."""
    if result.cr < threshold or result.most_inconsistent is None:
        return result
    i, j = result.most_inconsistent
    implied = result.weights[i] / result.weights[j]
    raise ValueError(
        f"AHP judgements are inconsistent (CR = {result.cr:.3f}, must be below "
        f"{threshold:g}); revisit '{result.labels[i]} vs {result.labels[j]}': entered "
        f"{result.matrix[i, j]:g}, the other judgements imply about {implied:.2g}"
    )


# --- Rank robustness and fast re-ranking ----------------------------------------------------

# Elements of the (n, chunk) score block sorted at once; bounds argsort's temporary memory.
_SORT_BLOCK = 4_000_000
# Multiply-adds per block of a product kept on the calling thread (scores_under_draws).
_SINGLE_THREAD_PRODUCT = 200_000
# Two leads are told apart when one ranks above the other in at least this share of the weight
# draws: the same 90% two-sided convention as the 5-95% rank bands.
SEPARATED_SHARE = 0.95


@dataclass(frozen=True)
class Robustness:
    """How each lead's rank moves when the weights are perturbed (rank 1 = best).

    ``rank_p05``/``rank_p95`` bound the 5-95% band of ranks over the draws (lower/higher
    order statistics, so the band never understates the spread); ``p_top_k`` is the share of
    draws that keep the lead in the top ``top_k``; ``base_rank`` is its rank under the chosen
    weights; ``crosses_cutoff`` flags leads whose band straddles the shortlist cut-off.
    ``p_ahead_of_next`` is the share of draws in which the lead still ranks above the lead
    ranked just below it under the chosen weights (1.0 for the last one); below
    SEPARATED_SHARE the two are within the noise of each other (``tied_with_next``).
    """

    rank_p05: IntArray
    rank_p95: IntArray
    p_top_k: FloatArray
    base_rank: IntArray
    crosses_cutoff: BoolArray
    top_k: int
    draws: int
    p_ahead_of_next: FloatArray

    @property
    def tied_with_next(self) -> BoolArray:
        return self.p_ahead_of_next < SEPARATED_SHARE


def _as_sub_scores(sub_scores: ArrayLike) -> FloatArray:
    """(n, 3) sub-scores or (n, 4) parts, finite float64 on 0-100; missing ones filled before."""
    s = np.asarray(sub_scores, dtype=np.float64)
    if s.ndim != 2 or s.shape[1] not in (3, 4):
        raise ValueError(f"sub-scores must have shape (n, 3) or parts (n, 4), got {s.shape}")
    bad_rows = np.flatnonzero(~np.isfinite(s).all(axis=1))
    if bad_rows.size:
        raise ValueError(f"sub-scores are NaN/inf for lead rows {bad_rows[:10].tolist()}")
    return s


def ranks_by_column(scores: FloatArray) -> NDArray[np.int32]:
    """Rank (1 = highest) of each row within each column; ties go to the lower row index."""
    n, m = scores.shape
    ranks = np.empty((m, n), dtype=np.int32)
    positions = np.arange(1, n + 1, dtype=np.int32)[np.newaxis, :]
    step = max(1, _SORT_BLOCK // max(n, 1))
    for start in range(0, m, step):
        # Each column sorted as a contiguous row (along the strided axis it took half as long
        # again); a stable sort of the negated scores keeps tied leads in index order.
        block = np.ascontiguousarray(-scores[:, start : start + step].T)
        order = np.argsort(block, axis=1, kind="stable")
        np.put_along_axis(ranks[start : start + step], order, positions, axis=1)
    return np.ascontiguousarray(ranks.T)


def scores_under_draws(sub_scores: FloatArray, drawn: FloatArray) -> FloatArray:
    """(n, draws) totals, sub_scores @ drawn.T, computed in blocks of draws.

    OpenBLAS hands a product of more than 262,144 multiply-adds to its worker threads; on a
    busy machine waking them made this 0.1 ms product of a shortlist's 300 leads x 500 draws
    take 10-80 ms (issue 17). A block of at most _SINGLE_THREAD_PRODUCT stays on the calling
    thread. Each element is the same dot product of the same numbers in either case
    (tests/scoring/test_robustness_blocks.py compares with the whole product).
    """
    n, k = sub_scores.shape
    out = np.empty((n, drawn.shape[0]), dtype=np.float64)
    step = max(1, _SINGLE_THREAD_PRODUCT // max(n * k, 1))
    for start in range(0, drawn.shape[0], step):
        np.matmul(sub_scores, drawn[start : start + step].T, out=out[:, start : start + step])
    return out


def _weights_for(columns: int, weights: SubScoreWeights | ArrayLike) -> FloatArray:
    """The weights matching (n, 3) sub-scores or (n, 4) parts.

    For parts, SubScoreWeights give their part_weights(); plain numbers must be 4 non-negative
    part weights summing to 1.
    """
    if columns == 3:
        return as_weight_array(weights)
    if isinstance(weights, SubScoreWeights):
        return weights.part_weights()
    values = np.asarray(weights, dtype=np.float64)
    if values.shape != (4,) or not np.isfinite(values).all() or (values < 0).any():
        raise ValueError(f"need 4 non-negative part weights ({', '.join(PARTS)}), got {values}")
    if abs(values.sum() - 1.0) > _SUM_TOLERANCE:
        raise ValueError(f"part weights must sum to 1, got {values.sum():g}")
    return values


def draw_weights(
    weights: FloatArray, draws: int, concentration: float, rng: np.random.Generator
) -> FloatArray:
    """(draws, m) weights from Dirichlet(concentration * weights); zero weights stay zero.

    Larger ``concentration`` keeps draws closer to ``weights`` (variance ~ 1/concentration).
    """
    out = np.zeros((draws, weights.size), dtype=np.float64)
    used = weights > 0
    out[:, used] = rng.dirichlet(concentration * weights[used], size=draws)
    return out


def rank_robustness(
    sub_scores: ArrayLike,
    weights: SubScoreWeights | ArrayLike,
    *,
    draws: int = 1000,
    concentration: float = 50.0,
    top_k: int = 10,
    seed: int = 0,
) -> Robustness:
    """Rank bands of n leads under weights drawn around ``weights`` (deterministic per seed).

    ``sub_scores`` is (n, 3) in the order local_fit, chain_completion, cluster_strength, or
    (n, 4) parts (local_fit, chain_completion, strengthen, pull; then the share of pull within
    cluster strengthening is drawn too), no NaN (ValueError otherwise). Memory is about
    n * draws * 4 bytes: meant for shortlists, not for the whole lead base (use ``rerank_top``).
    """
    if draws < 1 or top_k < 1 or not concentration > 0:
        raise ValueError("draws and top_k must be >= 1 and concentration > 0")
    s = _as_sub_scores(sub_scores)
    w = _weights_for(s.shape[1], weights)
    drawn = draw_weights(w, draws, concentration, np.random.default_rng(seed))
    ranks = ranks_by_column(scores_under_draws(s, drawn))
    p05 = np.quantile(ranks, 0.05, axis=1, method="lower").astype(np.int64)
    p95 = np.quantile(ranks, 0.95, axis=1, method="higher").astype(np.int64)
    base_rank = ranks_by_column((s @ w)[:, np.newaxis])[:, 0].astype(np.int64)
    return Robustness(
        rank_p05=p05,
        rank_p95=p95,
        p_top_k=np.mean(ranks <= top_k, axis=1),
        base_rank=base_rank,
        crosses_cutoff=(p05 <= top_k) & (p95 > top_k),
        top_k=top_k,
        draws=draws,
        p_ahead_of_next=_ahead_of_next(ranks, base_rank),
    )


def _ahead_of_next(ranks: NDArray[np.int32], base_rank: IntArray) -> FloatArray:
    """Per lead: share of draws in which it ranks above the lead ranked next under the chosen
    weights (1.0 for the lead ranked last)."""
    order = np.argsort(base_rank, kind="stable")
    out = np.ones(base_rank.shape)
    out[order[:-1]] = np.mean(ranks[order[:-1]] < ranks[order[1:]], axis=1)
    return out


def rerank_top(sub_scores: ArrayLike, weights: SubScoreWeights | ArrayLike, k: int) -> IntArray:
    """Row indices of the k best leads under ``weights``, best first; ties to the lower index.

    O(n) selection with argpartition, then a sort of the k winners only, so re-ranking the top
    100 of 1,000,000 leads under new weights takes milliseconds. Returns all n if k >= n.
    """
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    s = _as_sub_scores(sub_scores)
    scores = s @ _weights_for(s.shape[1], weights)
    if k >= scores.size:
        chosen = np.arange(scores.size)
    else:
        kth = scores[np.argpartition(-scores, k - 1)[:k]].min()
        # argpartition picks among leads tied at the cut arbitrarily; take the lowest indices.
        better, tied = np.flatnonzero(scores > kth), np.flatnonzero(scores == kth)
        chosen = np.concatenate([better, tied[: k - better.size]])
    return chosen[np.lexsort((chosen, -scores[chosen]))].astype(np.int64)


def flip_weight(
    a_scores: ArrayLike, b_scores: ArrayLike, weights: SubScoreWeights | ArrayLike, along: int
) -> float | None:
    """Weight on sub-score ``along`` (0-2) at which leads a and b tie, or None if never in [0, 1].

    The other two weights keep their mutual proportions (equal if both are 0). The weighted sum
    is linear in that weight, so the flip point is exact. None also when a and b tie throughout.
    """
    a, b = np.asarray(a_scores, dtype=np.float64), np.asarray(b_scores, dtype=np.float64)
    w = as_weight_array(weights)
    others = np.delete(w, along)
    mix = others / others.sum() if others.sum() > 0 else np.full(2, 0.5)
    gap_along = a[along] - b[along]  # a - b when all weight is on `along`
    gap_others = float(np.delete(a - b, along) @ mix)  # a - b when none is
    if gap_along == gap_others:
        return None
    t = gap_others / (gap_others - gap_along)
    return float(t) if 0.0 <= t <= 1.0 else None
