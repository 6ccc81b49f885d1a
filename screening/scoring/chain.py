"""Supply-chain completion: which of an industry's suppliers and customers a region has.

From a link-weight matrix W[i, j] (supplier i -> customer j, >= 0, diagonal excluded), as in
Leontief input-output accounting:

- supplier share s[i, k] = W[i, k] / sum_i W[i, k]  (share of k's inputs bought from i);
- customer share c[k, j] = V[k, j] / sum_j V[k, j]  (share of k's sales going to j), where V
  is the customer-side weight when the source gives it for every link of supplier k, and W
  otherwise (a hand-drawn map has one number per link);
- upstream availability U[r, k] = sum_i s[i, k] P[r, i] over known cells, renormalised;
- downstream market     D[r, k] = sum_j c[k, j] P[r, j] over known cells, renormalised;
- gap[r, k] = (1 - P[r, k]) * mean of the defined sides.

P is graded presence min(1, RCA). Unknown size cells are left out (they are neither present nor
absent) and the known share of the link weight is returned as coverage. Pure numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from screening.scoring.exact import (
    PRESENCE_BITS,
    SHARE_BITS,
    exact_left_products,
    known_sums_of,
    on_grid,
    side_by_side,
)

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

# Presence assumed for the lead's own industry when its size cell is unknown: neither absent
# (which would maximise the gap) nor present; the chain confidence is halved as well.
NEUTRAL_SELF_PRESENCE = 0.5
UNKNOWN_SELF_CONFIDENCE = 0.5


def _divide_or_nan(num: FloatArray, den: FloatArray) -> FloatArray:
    out = np.full(np.broadcast_shapes(num.shape, den.shape), np.nan)
    np.divide(num, den, out=out, where=np.broadcast_to(den > 0, out.shape))
    return out


def link_shares(
    link_weight: FloatArray, customer_weight: FloatArray | None = None
) -> tuple[FloatArray, FloatArray]:
    """Supplier shares s (columns sum to 1) and customer shares c (rows sum to 1).

    ``customer_weight`` (I, I), optional: the customer-side weight of each link (e.g. an IO
    table's customer share), NaN where the source does not give it. A supplier's row of c
    comes from these when every one of its links has one, else from ``link_weight`` (the two
    are in different units, so a row is never mixed). The diagonal (an industry buying from
    itself) is excluded. An industry with no suppliers has a zero column in s, one with no
    customers a zero row in c. Shares are on the grid of screening.scoring.exact, so that the
    chain sums are exact.
    """
    w = np.array(link_weight, dtype=np.float64)
    if w.ndim != 2 or w.shape[0] != w.shape[1]:
        raise ValueError(f"link_weight must be square (I, I), got shape {w.shape}")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("link_weight must be finite and >= 0 (0 = no link)")
    np.fill_diagonal(w, 0.0)
    s = np.nan_to_num(_divide_or_nan(w, w.sum(axis=0, keepdims=True)))
    sales = w if customer_weight is None else _customer_side(w, customer_weight)
    c = np.nan_to_num(_divide_or_nan(sales, sales.sum(axis=1, keepdims=True)))
    return on_grid(s, SHARE_BITS), on_grid(c, SHARE_BITS)


def _customer_side(w: FloatArray, customer_weight: FloatArray) -> FloatArray:
    """Per supplier row: the customer weights if every link of the row has one, else w."""
    v = np.array(customer_weight, dtype=np.float64)
    if v.shape != w.shape:
        raise ValueError(f"customer_weight has shape {v.shape}, expected {w.shape}")
    if np.any(v < 0) or np.any(np.isinf(v)):
        raise ValueError("customer_weight must be >= 0 and finite where known (NaN = unknown)")
    np.fill_diagonal(v, 0.0)
    linked = w > 0
    complete = ~np.any(linked & np.isnan(v), axis=1) & np.any(linked, axis=1)
    return np.where(complete[:, np.newaxis] & linked, np.nan_to_num(v), w)


@dataclass(frozen=True)
class ChainCells:
    """Per (region, industry) chain measures; (R, I) unless stated.

    ``upstream``/``downstream`` are U and D (NaN where the side is undefined: no links, or no
    linked cell known). ``side_sum``/``side_count`` sum and count the defined sides, so that a
    lead's own inputs can be added as a third side. ``gap_factor`` is 1 - own presence.
    ``coverage_sum`` sums the known link-weight shares over the sides the chain map defines
    (``sides_mapped`` (I,), 0-2) and ``self_confidence`` is 1 or UNKNOWN_SELF_CONFIDENCE.
    """

    upstream: FloatArray
    downstream: FloatArray
    side_sum: FloatArray
    side_count: FloatArray
    gap_factor: FloatArray
    coverage_sum: FloatArray
    sides_mapped: FloatArray
    self_confidence: FloatArray


def chain_cells(presence: FloatArray, known: BoolArray, s: FloatArray, c: FloatArray) -> ChainCells:
    """U, D, gap parts and coverage for every (region, industry) cell; see ChainCells."""
    # P on its grid (and s, c on theirs, see link_shares): every sum below is exact, so it may
    # be taken in any order and any layout. Built in place where a value is not needed again:
    # at national scale every (R, I) temporary is 34 MB of fresh pages.
    # K @ s and K @ c.T: the shares' sums minus the unknown cells'.
    up_cov, down_cov = known_sums_of(known, [s, c.T], SHARE_BITS)
    n_r = presence.shape[0]
    if up_cov is None or down_cov is None:  # many unknown cells: [K | K P] in one pass per map
        operand = side_by_side([known, presence])
        n_sums = 2
    else:
        operand = np.empty((presence.shape[1], n_r))
        n_sums = 1
    kp = operand[:, (n_sums - 1) * n_r :]
    on_grid(presence.T, PRESENCE_BITS, out=kp)
    kp *= known.T
    # K P @ s and K P @ c.T, transposed (I, R): one sparse pass over each map (side_by_side).
    up, down = exact_left_products([s.T, c], operand)
    del operand, kp
    if up_cov is None or down_cov is None:
        up_cov, down_cov = (
            np.ascontiguousarray(up[:, :n_r].T),
            np.ascontiguousarray(down[:, :n_r].T),
        )
    upstream = _ratio_or_nan(up[:, (n_sums - 1) * n_r :], up_cov)
    del up
    downstream = _ratio_or_nan(down[:, (n_sums - 1) * n_r :], down_cov)
    del down
    coverage_sum = up_cov
    coverage_sum += down_cov
    del down_cov
    # U and D are NaN or finite (shares of a positive weight): NaN counts as 0.
    side_sum = np.where(np.isnan(upstream), 0.0, upstream)
    np.add(side_sum, downstream, out=side_sum, where=~np.isnan(downstream))
    side_count = np.isfinite(upstream).astype(np.float64)
    side_count += np.isfinite(downstream)
    gap_factor = np.where(known, presence, NEUTRAL_SELF_PRESENCE)  # own presence, then 1 - it
    np.subtract(1.0, gap_factor, out=gap_factor)
    return ChainCells(
        upstream=upstream,
        downstream=downstream,
        side_sum=side_sum,
        side_count=side_count,
        gap_factor=gap_factor,
        coverage_sum=coverage_sum,
        sides_mapped=(s.sum(axis=0) > 0).astype(np.float64) + (c.sum(axis=1) > 0),
        self_confidence=np.where(known, 1.0, UNKNOWN_SELF_CONFIDENCE),
    )


def _ratio_or_nan(total_t: FloatArray, weight: FloatArray) -> FloatArray:
    """total_t.T / weight as a new (R, I) array, NaN where weight is 0 (as _divide_or_nan)."""
    out = np.ascontiguousarray(total_t.T)
    defined = weight > 0
    np.divide(out, weight, out=out, where=defined)
    out[~defined] = np.nan
    return out


@dataclass(frozen=True)
class LeadInputs:
    """Per-lead summary of the industries the lead says it buys from (CSR rows)."""

    given: FloatArray  # number of inputs given
    known: FloatArray  # how many of them have a known size cell in the lead's region
    present_sum: FloatArray  # sum of graded presence over the known ones


def lead_inputs(
    presence: FloatArray,
    known: BoolArray,
    region: IntArray,
    indptr: IntArray,
    indices: NDArray[np.int32],
) -> LeadInputs:
    """Gather the graded presence of each lead's inputs in its region (unknown cells left out)."""
    n = region.shape[0]
    given = np.diff(indptr).astype(np.float64)
    if indices.size == 0:
        zeros = np.zeros(n)
        return LeadInputs(given=given, known=zeros, present_sum=zeros.copy())
    owner = np.repeat(np.arange(n), np.diff(indptr))
    flat = region[owner] * presence.shape[1] + indices
    cell_known = known.ravel()[flat]
    cell_presence = np.where(cell_known, presence.ravel()[flat], 0.0)
    return LeadInputs(
        given=given,
        known=np.bincount(owner, weights=cell_known, minlength=n).astype(np.float64),
        present_sum=np.bincount(owner, weights=cell_presence, minlength=n).astype(np.float64),
    )


def top_links(
    shares: FloatArray, presence_row: FloatArray, known_row: BoolArray, limit: int
) -> list[tuple[int, float, float]]:
    """(industry, share, presence) for the locally present linked industries, largest first."""
    candidates = np.flatnonzero((shares > 0) & known_row & (presence_row > 0))
    order = candidates[np.argsort(-shares[candidates], kind="stable")][:limit]
    return [(int(i), float(shares[i]), float(presence_row[i])) for i in order]
