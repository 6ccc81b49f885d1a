"""Anchor pull (带动效应): the demand a lead's plant creates for inputs its region lacks.

A plant buys its inputs somewhere. Where its suppliers are absent or weak locally, a large
plant is local demand that can draw them in (Hirschman's backward linkages; the anchor
cases of Sunwoda, HP and BYD in Shandong). For a lead of industry p in region r:

    a[q]     share of q in the lead's inputs: the mean of the defined sides among
             {s[q, p] of the chain map, 1/n for each of the n inputs the lead names}
    gap      1 - P[r, q]            graded absence (P = min(1, RCA), as chain completion)
    rel      density score of q in r: share of same-level cells with a lower relatedness
             density, so a supplier that could thrive here counts more (Hidalgo et al. 2007)
    raw      = sum_q a[q] K[r, q] gap rel / sum_q a[q] K[r, q]   over known cells only
    G        = 1 - 2^(-(J / J_ref[p]) / PULL_HALF_SATURATION)    size against a typical plant
    pull     = raw x G                                            (0-1)

The typical plant J_ref[p] comes from region data, never from other leads: employment per
firm of industry p over the cells where both are known; without firm counts, a fixed share
of the industry's median employment in the regions specialised in it. Details and
references: docs/scoring.md, section 3b. Pure numpy: never imports Django.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from screening.scoring.exact import (
    SHARE_BITS,
    SIZE_BITS,
    TERM_BITS,
    exact_left_products,
    known_sums,
    on_grid,
    side_by_side,
    take_rows,
)

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

# A lead of this many typical plants of its industry gets half the full size effect
# (1 -> 0.5, 2 -> 0.75, 4 -> 0.94). A judgement call, like cluster.SIZE_HALF_SATURATION.
PULL_HALF_SATURATION = 1.0
# Without firm counts a typical plant is this share of the industry's median employment among
# the regions specialised in it (RCA >= 1). Measured on US CBP 2019 (400 metro areas x NAICS-6,
# bench/real_data/us_pull.py): the median over 936 industries of employment per establishment
# / median specialised-area employment is 0.12 (interquartile range 0.07-0.19).
FALLBACK_PLANT_SHARE = 0.12
# Confidence in the typical plant: from firm counts / from the employment fallback / unknown.
TYPICAL_FROM_FIRMS, TYPICAL_FROM_EMPLOYMENT, TYPICAL_UNKNOWN = 1.0, 0.75, 0.5
# Size effect used when the lead's size or its industry's typical plant is unknown: the value
# of a lead exactly one typical plant in size when PULL_HALF_SATURATION is 1.
NEUTRAL_PULL_SIZE = 0.5


@dataclass(frozen=True)
class TypicalPlant:
    """Per industry (I,): jobs of a typical plant (NaN = unknown) and the confidence in it."""

    jobs: FloatArray
    confidence: FloatArray


@dataclass(frozen=True)
class PullCells:
    """The region-level part of pull, computed once per data version.

    ``usable`` (R, I): the supplier cell counts (size known and density defined); ``term``
    (R, I): gap x rel there, 0 elsewhere. From the chain map, per (region, industry p):
    ``open_related`` = sum_q s[q, p] term[r, q] and ``known_weight`` = sum_q s[q, p]
    usable[r, q] (0-1, since s's columns sum to 1); ``mapped`` (I,) says whether the map gives
    p any supplier.
    """

    usable: BoolArray
    term: FloatArray
    open_related: FloatArray
    known_weight: FloatArray
    mapped: BoolArray
    typical: TypicalPlant


def supplier_terms(
    presence: FloatArray, known: BoolArray, density_score: FloatArray
) -> tuple[BoolArray, FloatArray]:
    """Which supplier cells count (size known, density defined) and their gap x relatedness.

    Terms are on the grid of screening.scoring.exact, so that every sum of them (over the
    chain map, over a lead's named inputs) is exact in any order.
    """
    usable = known & np.isfinite(density_score)
    # (1 - P) x density score where usable, 0 elsewhere, computed in one array.
    term = np.subtract(1.0, presence, dtype=np.float64)
    np.multiply(term, density_score, out=term, where=usable)
    term[~usable] = 0.0
    return usable, on_grid(term, TERM_BITS, out=term)


def typical_plant(
    size: FloatArray, firms: FloatArray | None, mcp: FloatArray, main_rows: IntArray
) -> TypicalPlant:
    """Typical plant size (jobs) per industry, from region data only.

    1. Employment per firm over the cells (any level) where both are known and firms > 0:
       sum of employment / sum of firms (a province and its cities counted together scale
       both sums alike). Confidence TYPICAL_FROM_FIRMS.
    2. Otherwise FALLBACK_PLANT_SHARE x the median employment of the industry among the
       regions of the main level that are specialised in it (RCA >= 1, size known and > 0).
       Confidence TYPICAL_FROM_EMPLOYMENT.
    3. Otherwise unknown (NaN), confidence TYPICAL_UNKNOWN.
    """
    n_i = size.shape[1]
    # On dyadic grids, so that the sums over regions are exact (screening.scoring.exact).
    size = on_grid(size, SIZE_BITS)
    from_firms = np.full(n_i, np.nan)  # without firm counts: none (no cell has both)
    if firms is not None:
        counts = on_grid(np.asarray(firms, dtype=np.float64), SIZE_BITS)
        both = np.isfinite(size) & np.isfinite(counts) & (counts > 0)
        employment = np.where(both, size, 0.0).sum(axis=0)
        plants = np.where(both, counts, 0.0).sum(axis=0)
        np.divide(employment, plants, out=from_firms, where=plants > 0)
        from_firms[from_firms <= 0] = np.nan
    # The gridded sizes are not needed after this: the median may overwrite them.
    main = take_rows(size, main_rows)
    median = _median_specialised(main, take_rows(mcp, main_rows), overwrite=True)
    fallback = FALLBACK_PLANT_SHARE * median
    jobs = np.where(np.isfinite(from_firms), from_firms, fallback)
    confidence = np.where(
        np.isfinite(from_firms),
        TYPICAL_FROM_FIRMS,
        np.where(np.isfinite(fallback), TYPICAL_FROM_EMPLOYMENT, TYPICAL_UNKNOWN),
    )
    return TypicalPlant(jobs=jobs, confidence=confidence)


def _median_specialised(size: FloatArray, mcp: FloatArray, overwrite: bool = False) -> FloatArray:
    """Median employment per industry over regions with RCA >= 1 and known size > 0.

    np.nanmedian per column, bit for bit, from one sort of all columns (NaN sort last):
    numpy's own nanmedian runs a Python call per column at this shape. overwrite: `size` is
    scratch (the cells not counted are set to NaN in it instead of in a copy).
    """
    counted = (mcp > 0) & np.isfinite(size) & (size > 0)
    if overwrite:
        cells = size
        cells[~counted] = np.nan
    else:
        cells = np.where(counted, size, np.nan)
    ordered = np.sort(cells.T, axis=1)  # (I, R), the known values first
    count = np.isfinite(ordered).sum(axis=1)
    out = np.full(size.shape[1], np.nan)
    has = count > 0
    rows = np.flatnonzero(has)
    upper = ordered[rows, count[has] // 2]
    lower = ordered[rows, (count[has] - 1) // 2]
    # np.median's mean of the middle pair (one value when the count is odd: x / 1 == x).
    out[has] = np.where(count[has] % 2 == 1, upper, (lower + upper) / 2.0)
    return out


def pull_cells(
    presence: FloatArray,
    known: BoolArray,
    density_score: FloatArray,
    supplier_share: FloatArray,
    typical: TypicalPlant,
) -> PullCells:
    """The map side of pull for every (region, industry) cell; see PullCells."""
    usable, term = supplier_terms(presence, known, density_score)
    n_r = term.shape[0]
    # Most cells are usable: their weight is the shares' sums minus the few others' (exact).
    known_weight = known_sums(usable, supplier_share, SHARE_BITS)
    operand = side_by_side([term] if known_weight is not None else [term, usable])
    (product,) = exact_left_products([supplier_share.T], operand)
    del operand
    open_related = np.ascontiguousarray(product[:, :n_r].T)
    if known_weight is None:
        known_weight = np.ascontiguousarray(product[:, n_r:].T)
    return PullCells(
        usable=usable,
        term=term,
        open_related=open_related,
        known_weight=known_weight,
        mapped=supplier_share.sum(axis=0) > 0,
        typical=typical,
    )


def with_region_row(
    cells: PullCells,
    region: int,
    presence: FloatArray,
    known: BoolArray,
    density_score: FloatArray,
    supplier_share: FloatArray,
) -> PullCells:
    """`cells` with one region's supplier terms recomputed from its (scenario) rows."""
    usable, term = supplier_terms(presence, known, density_score)
    new_usable, new_term = cells.usable.copy(), cells.term.copy()
    new_usable[region], new_term[region] = usable, term
    open_related, known_weight = cells.open_related.copy(), cells.known_weight.copy()
    open_related[region] = term @ supplier_share
    known_weight[region] = usable.astype(np.float64) @ supplier_share
    return PullCells(new_usable, new_term, open_related, known_weight, cells.mapped, cells.typical)


def size_effect_plants(jobs: FloatArray, typical_jobs: FloatArray) -> FloatArray:
    """0-1 effect of a plant of `jobs` against a typical plant of `typical_jobs` (diminishing).

    Strictly increasing in jobs; NaN where either is unknown or the typical plant is not
    positive (the caller substitutes NEUTRAL_PULL_SIZE).
    """
    jobs = np.asarray(jobs, dtype=np.float64)
    typical_jobs = np.asarray(typical_jobs, dtype=np.float64)
    valid = np.isfinite(jobs) & np.isfinite(typical_jobs) & (typical_jobs > 0)
    ratio = np.divide(jobs, typical_jobs, out=np.full(jobs.shape, np.nan), where=valid)
    return 1.0 - np.exp2(-ratio / PULL_HALF_SATURATION)


@dataclass(frozen=True)
class NamedInputs:
    """Per lead: how many inputs it names (its own industry left out), how many of them are
    usable supplier cells in its region, and the sum of their gap x relatedness."""

    given: FloatArray
    usable: FloatArray
    term_sum: FloatArray


def named_inputs(
    cells: PullCells,
    region: IntArray,
    industry: IntArray,
    indptr: IntArray,
    indices: NDArray[np.int32],
) -> NamedInputs:
    """Gather the supplier terms of each lead's named inputs (CSR rows) in its region."""
    n = region.shape[0]
    if indices.size == 0:
        zeros = np.zeros(n)
        return NamedInputs(zeros, zeros.copy(), zeros.copy())
    owner = np.repeat(np.arange(n), np.diff(indptr))
    # A lead naming its own industry as an input is not pulling a supplier (s has no diagonal).
    other = indices != industry[owner]
    owner, picked = owner[other], indices[other].astype(np.int64)
    flat = region[owner] * cells.term.shape[1] + picked
    usable = cells.usable.ravel()[flat].astype(np.float64)
    return NamedInputs(
        given=np.bincount(owner, minlength=n).astype(np.float64),
        usable=np.bincount(owner, weights=usable, minlength=n).astype(np.float64),
        term_sum=np.bincount(owner, weights=cells.term.ravel()[flat], minlength=n).astype(
            np.float64
        ),
    )


def raw_pull(
    cells: PullCells, flat: IntArray, industry: IntArray, named: NamedInputs
) -> tuple[FloatArray, FloatArray]:
    """Per lead, the size-free pull (0-1, NaN = no evidence) and its data coverage (0-1).

    raw is the mean of the defined sides (chain map, named inputs), each a usable-weighted
    mean of gap x relatedness; coverage is the mean, over the sides that exist (the map gives
    suppliers / the lead names inputs), of the known share of that side's input weight.
    """
    known_weight = cells.known_weight.ravel()[flat]
    map_side = np.divide(
        cells.open_related.ravel()[flat],
        known_weight,
        out=np.full(flat.shape, np.nan),
        where=known_weight > 0,
    )
    input_side = np.divide(
        named.term_sum, named.usable, out=np.full(flat.shape, np.nan), where=named.usable > 0
    )
    num = np.nan_to_num(map_side) + np.nan_to_num(input_side)
    den = np.isfinite(map_side).astype(np.float64) + np.isfinite(input_side)
    raw = np.divide(num, den, out=np.full(flat.shape, np.nan), where=den > 0)
    mapped = cells.mapped[industry].astype(np.float64)
    given = named.given > 0
    input_cov = np.divide(named.usable, named.given, out=np.zeros(flat.shape), where=given)
    sides = mapped + given
    coverage = np.divide(
        known_weight * mapped + input_cov, sides, out=np.zeros(flat.shape), where=sides > 0
    )
    return raw, coverage


def input_profile(
    supplier_share: FloatArray, industry: int, named: NDArray[np.int32]
) -> FloatArray:
    """(I,) a[q]: the lead's input shares, the mean of the map's column and its named inputs."""
    n_i = supplier_share.shape[0]
    sides = []
    column = supplier_share[:, industry]
    if column.sum() > 0:
        sides.append(column)
    others = [int(q) for q in named if int(q) != industry]
    if others:
        listed = np.zeros(n_i)
        listed[others] = 1.0 / len(others)
        sides.append(listed)
    return np.mean(sides, axis=0) if sides else np.zeros(n_i)


@dataclass(frozen=True)
class PulledSupplier:
    """One supplier industry a lead would draw in: its input share, local presence and
    relatedness (density score), and its contribution a x gap x rel to raw pull."""

    industry: int
    input_share: float
    presence: float
    relatedness: float
    contribution: float


def pulled_suppliers(
    cells: PullCells,
    presence: FloatArray,
    density_score: FloatArray,
    profile: FloatArray,
    region: int,
) -> tuple[list[PulledSupplier], float]:
    """The suppliers the lead would draw in, largest contribution first, and the share of its
    known input weight that is missing locally (sum a x gap / sum a over usable cells)."""
    usable = cells.usable[region] & (profile > 0)
    gap = 1.0 - presence[region]
    weight = profile[usable].sum()
    missing = float((profile * gap)[usable].sum() / weight) if weight > 0 else float("nan")
    contribution = np.where(usable, profile * cells.term[region], 0.0)
    order = np.flatnonzero(contribution > 0)
    order = order[np.argsort(-contribution[order], kind="stable")]
    return [
        PulledSupplier(
            industry=int(q),
            input_share=float(profile[q]),
            presence=float(presence[region, q]),
            relatedness=float(density_score[region, q]),
            contribution=float(contribution[q]),
        )
        for q in order
    ], missing
