"""Local fit building blocks: relatedness density over known cells, and endowment bitmasks.

Relatedness density follows the Atlas of Economic Complexity (Hausmann & Hidalgo) with the
diagonal of phi kept: an industry already present in a region counts towards its own density.
Unknown size cells are left out of both the numerator and the denominator (they are neither
present nor absent); the phi-weighted share of known cells is returned as coverage.

Endowments are packed into one uint64 bitmask per region so that a lead's needs are compared
with a bitwise AND and a popcount. Pure numpy: never imports Django.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from screening.scoring.exact import PHI_BITS, known_sums

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
MaskArray = NDArray[np.uint64]

# Factors fit in a uint64 bitmask; bit 63 stays free so masks never look negative elsewhere.
MAX_FACTORS = 63
# Endowment factor compared with the lead's land need (hectares) instead of "> 0".
LAND_FACTOR = "industrial_land_ha"


def _divide_or_nan(num: FloatArray, den: FloatArray) -> FloatArray:
    out = np.full(np.broadcast_shapes(num.shape, den.shape), np.nan)
    np.divide(num, den, out=out, where=np.broadcast_to(den > 0, out.shape))
    return out


def known_density(
    mcp: FloatArray, known: BoolArray, phi: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Atlas density over known cells, and the phi-weighted share of cells that are known.

    d[r,p] = sum_q M[r,q] K[r,q] phi[q,p] / sum_q K[r,q] phi[q,p]  (0-1; diagonal kept);
    coverage[r,p] = sum_q K[r,q] phi[q,p] / sum_q phi[q,p]          (0-1).
    With every cell known this equals the Atlas density. d is NaN where no related cell is
    known, including industries present nowhere (zero phi column): relatedness is unknown there.
    With phi on the grid of screening.scoring.exact (as the World's is) both sums are exact, so
    equal densities tie exactly whatever BLAS kernel or row position computed them.
    """
    # Worked in place where a value is not needed again: at national scale every (R, I)
    # temporary is 34 MB of fresh pages.
    weight = _known_weight(known, phi)
    present = np.multiply(mcp, known, dtype=np.float64)
    dens = np.matmul(present, phi)
    del present
    defined = weight > 0
    np.divide(dens, weight, out=dens, where=defined)
    dens[~defined] = np.nan
    del defined
    column_sums = phi.sum(axis=0)
    # coverage = weight / column sums, 0 where a column sums to 0 (a ratio NaN there, then 0).
    coverage = weight
    np.divide(coverage, column_sums[np.newaxis, :], out=coverage, where=column_sums > 0)
    coverage[:, ~(column_sums > 0)] = 0.0
    return dens, coverage


def _known_weight(known: BoolArray, phi: FloatArray) -> FloatArray:
    """K @ phi. Most cells are known: with phi on its grid (as the World's is) every sum is
    exact, so phi's column sums minus a sparse product over the few unknown cells give the same
    numbers bit for bit, for a fraction of a dense product (exact.known_sums)."""
    fast = known_sums(known, phi, PHI_BITS)
    return known.astype(np.float64) @ phi if fast is None else fast


def sorted_reference(values: FloatArray) -> FloatArray:
    """The finite values, sorted: a fixed reference distribution for percentile scores."""
    flat = np.asarray(values, dtype=np.float64).ravel()
    return np.sort(flat[np.isfinite(flat)])


def share_below(reference: FloatArray, values: FloatArray) -> FloatArray:
    """Share (0-1) of the reference strictly below each value; NaN stays NaN.

    Strictly below, so the lowest value in the reference (typically density 0) scores 0.
    """
    values = np.asarray(values, dtype=np.float64)
    if reference.size == 0:
        return np.full(values.shape, np.nan)
    out = np.searchsorted(reference, values, side="left") / reference.size
    return np.where(np.isnan(values), np.nan, out)


def scored_against_themselves(values: FloatArray) -> tuple[FloatArray, FloatArray]:
    """(sorted_reference(values), share_below(that reference, values)) from one sort.

    Scoring a set of values against their own distribution needs no binary search: a value's
    share below is where its run of equal values starts in the sorted order. The same numbers
    as the two calls, bit for bit (tests/scoring/test_fast_build.py), without the 3 M random
    binary searches that dominate at national scale.
    """
    values = np.asarray(values, dtype=np.float64)
    flat = values.ravel()
    finite_mask = np.isfinite(flat)
    all_finite = bool(finite_mask.all())
    where_finite = None if all_finite else np.flatnonzero(finite_mask)
    finite = flat if where_finite is None else flat[where_finite]
    order = np.argsort(finite)
    reference = finite[order]
    del finite
    out = np.full(flat.shape, np.nan)
    if reference.size:
        # Each sorted position's run start (the position itself where a run of equal values
        # starts, carried forward over the run), divided by the count: the share below.
        share = np.arange(reference.size, dtype=np.float64)
        repeats = np.flatnonzero(reference[1:] == reference[:-1]) + 1
        share[repeats] = 0.0
        np.maximum.accumulate(share, out=share)
        share /= reference.size
        if where_finite is None:
            out[order] = share
        else:
            ranked = np.empty(reference.size)
            ranked[order] = share
            out[where_finite] = ranked
    del order
    if not all_finite:
        infinite = np.flatnonzero(np.isinf(flat))  # not in the reference: placed by search
        out[infinite] = share_below(reference, flat[infinite])
    return reference, out.reshape(values.shape)


@dataclass(frozen=True)
class EndowmentMasks:
    """Per-region bitmasks over factors: available (value > 0) and unknown (NaN)."""

    available: MaskArray
    unknown: MaskArray
    land_bit: int  # -1 when no factor is named LAND_FACTOR
    land_ha: FloatArray  # (R,) available land in hectares, NaN unknown (zeros if no land factor)


# A factor whose name contains one of these is a cost (power price, wages, …): lower is
# better, and a lead that needs it needs it *cheap*.
COST_MARKERS = ("price", "wage", "cost")


def is_cost_factor(name: str) -> bool:
    return any(marker in name for marker in COST_MARKERS)


def _available(endowment: FloatArray, factor_names: list[str]) -> BoolArray:
    """Where each factor counts as available: value > 0, or for a cost factor, a value at or
    below the median of the regions that report it (a fixed reference from region data)."""
    known = ~np.isnan(endowment)
    available = known & (np.nan_to_num(endowment) > 0)
    for f, name in enumerate(factor_names):
        column = endowment[:, f]
        if is_cost_factor(name) and known[:, f].any():
            median = float(np.median(column[known[:, f]]))
            available[:, f] = known[:, f] & (np.nan_to_num(column, nan=np.inf) <= median)
    return available


def endowment_masks(endowment: FloatArray, factor_names: list[str]) -> EndowmentMasks:
    """Pack an (R, F) endowment table into bitmasks; bit f stands for factor_names[f].

    A factor is available where its value is > 0; a cost factor (is_cost_factor) where it is
    at or below the median over the regions that report it. NaN is unknown, never "absent".
    """
    if len(factor_names) > MAX_FACTORS:
        raise ValueError(f"at most {MAX_FACTORS} endowment factors, got {len(factor_names)}")
    bits = np.left_shift(np.uint64(1), np.arange(len(factor_names), dtype=np.uint64))
    unknown = np.isnan(endowment)
    available = _available(endowment, factor_names)
    land_bit = factor_names.index(LAND_FACTOR) if LAND_FACTOR in factor_names else -1
    land = endowment[:, land_bit] if land_bit >= 0 else np.zeros(endowment.shape[0])
    return EndowmentMasks(
        available=np.bitwise_or.reduce(np.where(available, bits, np.uint64(0)), axis=1),
        unknown=np.bitwise_or.reduce(np.where(unknown, bits, np.uint64(0)), axis=1),
        land_bit=land_bit,
        land_ha=land.astype(np.float64),
    )


def needs_mask(factor_names: list[str], needs: list[str]) -> int:
    """Bitmask for a list of factor names; raises ValueError on an unknown name."""
    index = {name: i for i, name in enumerate(factor_names)}
    unknown = [n for n in needs if n not in index]
    if unknown:
        raise ValueError(f"unknown endowment factor(s) {unknown}; known: {factor_names}")
    return sum(1 << index[n] for n in set(needs))


def factors_in(mask: int, factor_names: list[str]) -> list[str]:
    """Factor names whose bit is set in mask, in factor order."""
    return [name for i, name in enumerate(factor_names) if (mask >> i) & 1]
