"""Cluster strengthening: how much a lead would strengthen a region's industrial cluster.

Cluster strength follows the US Cluster Mapping Project (Delgado, Porter & Stern 2016): the
cluster location quotient LQ[r,k] = (E[r,k] / E[r]) / (E[level,k] / E[level]), compared with
the same cluster definition (member industries) evaluated in every region of the same level.
'Strong' means LQ >= the 75th percentile across those regions, LQ >= 1, and cluster employment
above the 25th percentile (establishment counts are usually unknown here, so that part of the
US definition is not applied).

The effect of a lead grows with relatedness (Greenstone, Hornbeck & Moretti 2010: spillovers
from a large new plant are larger where labour and technology pools are shared) and, with
diminishing returns, with its size relative to the cluster:
    size_effect = 1 - 2 ** (-(jobs / cluster_employment) / SIZE_HALF_SATURATION).
Pure numpy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from screening.scoring.exact import (
    MEMBER_BITS,
    NATIONAL_SHARE_BITS,
    SIZE_BITS,
    in_parallel,
    on_grid,
    take_rows,
    thread_count,
)

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

# A lead that adds this share to the cluster's employment gets half the maximum size effect
# (1% -> 0.13, 5% -> 0.50, 10% -> 0.75, 20% -> 0.94).
SIZE_HALF_SATURATION = 0.05
# Size effect used when neither jobs nor capex is known: the value of a lead adding
# SIZE_HALF_SATURATION to the cluster, i.e. the middle of the 0-1 range.
NEUTRAL_SIZE_EFFECT = 0.5
STRONG_LQ_PERCENTILE = 75.0
STRONG_EMPLOYMENT_PERCENTILE = 25.0


@dataclass(frozen=True)
class ClusterTables:
    """Per-cluster measures (K,) and, per (region, industry), the best cluster to strengthen.

    employment is member-weighted (core 1.0, support 0.5) over known cells; coverage is the
    member-weighted share of known cells; strength is the share of same-level regions whose
    LQ for this member set is at or below this one (0 when the cluster has no employment, NaN
    when none of its member cells is known). Relatedness: see relatedness_to.
    best (R, I) is the region's cluster with the highest strength x relatedness (-1: region has
    no clusters), base its strength x relatedness (NaN: strength unknown).
    """

    employment: FloatArray
    lq: FloatArray
    lq_p75: FloatArray
    employment_p25: FloatArray
    strong: BoolArray
    strength: FloatArray
    coverage: FloatArray
    best: IntArray
    base: FloatArray


def size_effect(jobs: FloatArray, employment: FloatArray) -> FloatArray:
    """0-1 effect of adding `jobs` to a cluster of `employment` (both in jobs; diminishing).

    Strictly increasing in jobs when employment > 0; 1 when the cluster has no employment
    yet (the lead would found it). NaN jobs give NaN (the caller substitutes a neutral value).
    """
    ratio = np.divide(jobs, employment, out=np.full(np.shape(jobs), np.inf), where=employment > 0)
    return 1.0 - np.exp2(-ratio / SIZE_HALF_SATURATION)


def relatedness_to(members: FloatArray, phi: FloatArray) -> FloatArray:
    """(k, I) relatedness of each industry to each of k clusters (members (k, I)).

    1 for member industries (membership counts fully, core or support); otherwise the
    member-weighted mean phi between the industry and the cluster's members.
    """
    members = on_grid(members, MEMBER_BITS)  # with phi on its grid: an exact sum
    weight = members.sum(axis=1, keepdims=True)
    mean_phi = np.divide(members @ phi, weight, out=np.zeros(members.shape), where=weight > 0)
    return np.where(members > 0, 1.0, mean_phi)


# Clusters handled per block in _best_clusters, to bound memory at CLUSTER_BLOCK x industries.
CLUSTER_BLOCK = 1024
# Cells (clusters x regions of a level) per block of the strength tables: small enough to stay
# in the CPU cache for the several passes over them (LQ, counts, percentiles).
STRENGTH_BLOCK_CELLS = 1 << 19
# Cells (clusters x regions) of employment computed per product, and columns per chunk of the
# dense operand of the sparse products (sizes by region, phi by industry): measured at 3,000
# regions x 1,400 industries, a chunk of 64 columns (0.7 MB) stays in a core's cache, and
# blocks of ~1,000 clusters make every chunk serve many of them (employment 0.49 -> 0.30 CPU
# seconds).
PRODUCT_BLOCK_CELLS = 1 << 22
CHUNK_COLUMNS = 64
# Rows per block where a pass over the sizes needs only a block of them at a time.
ROW_BLOCK = 256


def _sparse(members: FloatArray) -> sp.csr_array:
    """Member weights (K, I) as sparse rows: a cluster has tens of members out of a thousand
    industries, so products over its members cost K x members, not K x I. The inputs are on
    dyadic grids (screening.scoring.exact): every sum is exact, so the sparse products equal
    the dense ones bit for bit."""
    return sp.csr_array(np.asarray(members, dtype=np.float64))


def _percentile_rows(rows: FloatArray, q: float) -> FloatArray:
    """np.percentile(rows, q, axis=1) (linear method) for rows without NaN, bit for bit.

    One partition around the upper neighbour and a max below it find both order statistics
    (numpy's own partitions around four, which is several times slower); the interpolation is
    numpy's (_lerp). `rows` is partitioned in place.
    """
    n = rows.shape[1]
    virtual = (n - 1) * (q / 100)
    lower_at = int(np.floor(virtual))
    upper_at = min(lower_at + 1, n - 1)
    gamma = virtual - lower_at
    rows.partition(upper_at, axis=1)
    upper = rows[:, upper_at]
    lower = rows[:, :upper_at].max(axis=1) if upper_at > lower_at else upper
    diff = upper - lower
    return upper - diff * (1 - gamma) if gamma >= 0.5 else lower + diff * gamma


def _strength_block(
    emp: FloatArray,
    total: FloatArray,
    own: IntArray,
    national: FloatArray | None = None,
    exact_totals: bool = False,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, BoolArray, FloatArray]:
    """For a block of clusters: LQ, its p75, employment p25, employment, strong, strength.

    emp (b, n) is each cluster definition's employment (a row per cluster) in every region of
    the level, total (n,) the regions' total employment, own (b,) the column of each cluster's
    own region; national (b,), optional, each cluster's share of the reference economy (else
    the level's). exact_totals: every sum of a row of emp is exact (so its order does not
    matter). `emp` is overwritten (it is a scratch block).
    """
    clusters = np.arange(emp.shape[0])
    # Divisions without where= (numpy's masked loops are twice as slow): a zero denominator
    # is replaced by 1 and its quotients set to 0 afterwards, as where= and a zero fill give.
    share = np.divide(emp, np.where(total > 0, total, 1.0))
    share[:, ~(total > 0)] = 0.0
    if national is None:
        level_total = total.sum()
        # Region by region in their order unless the sums are exact (a row sum is pairwise):
        # the rounding of the column sums of the region-major layout.
        sums = emp.sum(axis=1) if exact_totals else _sums_in_order(emp)
        national = sums / level_total if level_total > 0 else np.zeros(emp.shape[0])
    lq = np.divide(share, np.where(national > 0, national, 1.0)[:, None], out=share)
    lq[national <= 0] = 0.0
    own_lq, own_emp = lq[clusters, own], emp[clusters, own]
    strength = np.where(own_emp > 0, (lq <= own_lq[:, None]).sum(axis=1) / emp.shape[1], 0.0)
    p75 = _percentile_rows(lq, STRONG_LQ_PERCENTILE)
    p25 = _percentile_rows(emp, STRONG_EMPLOYMENT_PERCENTILE)
    strong = (own_lq >= p75) & (own_lq >= 1.0) & (own_emp > p25)
    return own_lq, p75, p25, own_emp, strong, strength


def _sums_in_order(rows: FloatArray) -> FloatArray:
    """Each row's sum, adding its values one at a time from the first (np.cumsum's rounding).

    A reduction over the first axis of the transposed copy adds one column to every row's
    running sum at a time, six times faster than cumsum's dependent chain along each row. With
    a single row numpy would reduce that axis pairwise instead, so one row takes cumsum.
    """
    if rows.shape[0] < 2:
        return np.cumsum(rows, axis=1)[:, -1]
    return np.ascontiguousarray(rows.T).sum(axis=0)


def cluster_tables(
    sizes: FloatArray,
    known: BoolArray,
    region_level: IntArray,
    proximity: list[FloatArray],
    cluster_region: IntArray,
    members: FloatArray,
    reference_share: FloatArray | None = None,
) -> ClusterTables:
    """Cluster measures from sizes (R, I; unknown cells already 0 and flagged in `known`).

    proximity[l] is the phi matrix used for regions of level l. Unknown cells are left out of
    employment (an under-estimate, reflected in coverage), never imputed. Each cluster's
    definition is evaluated in every region of its own region's level (the LQ reference).
    reference_share (I,), optional: national industry shares (NaN = not given); the LQ then
    compares a cluster's share of the region with its share of the nation (industries without
    a national share keep their level's share).
    """
    strength = cluster_strength(
        sizes, known, region_level, cluster_region, members, reference_share
    )
    return with_best_clusters(strength, region_level, proximity, cluster_region)


@dataclass(frozen=True)
class ClusterStrength:
    """The per-cluster part of ClusterTables (see there), and the member rows it was built
    from (on their grid, sparse). It needs no proximity, so a build can compute it beside the
    relatedness measures."""

    employment: FloatArray
    lq: FloatArray
    lq_p75: FloatArray
    employment_p25: FloatArray
    strong: BoolArray
    strength: FloatArray
    coverage: FloatArray
    rows_of: sp.csr_array
    shape: tuple[int, int]


def cluster_strength(
    sizes: FloatArray,
    known: BoolArray,
    region_level: IntArray,
    cluster_region: IntArray,
    members: FloatArray,
    reference_share: FloatArray | None = None,
) -> ClusterStrength:
    """The per-cluster measures of cluster_tables (arguments as there)."""
    n_clusters = cluster_region.shape[0]
    # On dyadic grids, so that cluster employment is an exact sum (screening.scoring.exact);
    # the sizes a block at a time where they are read (no gridded copy of the whole matrix).
    rows_of = _sparse(members)
    rows_of.data = on_grid(rows_of.data, MEMBER_BITS)
    out = np.zeros((6, n_clusters))  # the six _strength_block outputs
    total_emp = np.concatenate(
        [
            on_grid(sizes[start : start + ROW_BLOCK], SIZE_BITS).sum(axis=1)
            for start in range(0, sizes.shape[0], ROW_BLOCK)
        ]
    )
    for level in np.unique(region_level[cluster_region]):
        _level_strength(out, sizes, total_emp, region_level == level, cluster_region, rows_of,
                        reference_share)  # fmt: skip
    member_weight = np.asarray(rows_of.sum(axis=1), dtype=np.float64)
    coverage = np.divide(
        _known_weight(rows_of, known, cluster_region),
        member_weight,
        out=np.zeros(n_clusters),
        where=member_weight > 0,
    )
    return ClusterStrength(
        lq=out[0],
        lq_p75=out[1],
        employment_p25=out[2],
        employment=out[3],
        strong=out[4].astype(bool),
        # With no member cell known the cluster's strength is unknown, not zero.
        strength=np.where(coverage > 0, out[5], np.nan),
        coverage=coverage,
        rows_of=rows_of,
        shape=(sizes.shape[0], sizes.shape[1]),
    )


def with_best_clusters(
    strength: ClusterStrength,
    region_level: IntArray,
    proximity: list[FloatArray],
    cluster_region: IntArray,
) -> ClusterTables:
    """The cluster tables: the per-cluster measures and each region's best cluster."""
    best, base = _best_clusters(
        strength.shape,
        region_level,
        proximity,
        cluster_region,
        strength.rows_of,
        strength.strength,
    )
    return ClusterTables(
        lq=strength.lq,
        lq_p75=strength.lq_p75,
        employment_p25=strength.employment_p25,
        employment=strength.employment,
        strong=strength.strong,
        strength=strength.strength,
        coverage=strength.coverage,
        best=best,
        base=base,
    )


def _level_strength(
    out: FloatArray,
    sizes: FloatArray,
    total_emp: FloatArray,
    in_level: BoolArray,
    cluster_region: IntArray,
    rows_of: sp.csr_array,
    reference_share: FloatArray | None,
) -> None:
    """The _strength_block outputs of one level's clusters, into their columns of `out`."""
    rows = np.flatnonzero(in_level)
    position = np.full(sizes.shape[0], -1, dtype=np.int64)
    position[rows] = np.arange(rows.size)
    ks = np.flatnonzero(in_level[cluster_region])
    level_sizes = take_rows(sizes, rows)
    national = _national_cluster_share(level_sizes, rows_of[ks], reference_share)
    totals = total_emp[rows]
    # Employment on its grid (2**-20) sums exactly while it stays below 2**33 jobs.
    exact = float(np.max(rows_of.data, initial=0.0)) * float(totals.sum()) < 2.0**32
    # The rows of the products (I, regions), in chunks of regions narrow enough for a chunk to
    # stay in the CPU's cache while every cluster of a block reads its members' rows of it.
    chunks = [on_grid(chunk, SIZE_BITS, out=chunk) for chunk in _column_chunks(level_sizes.T)]
    per_product = max(1, PRODUCT_BLOCK_CELLS // rows.size)
    per_block = max(1, STRENGTH_BLOCK_CELLS // rows.size)
    products = range(0, ks.size, per_product)
    groups = max(1, min(thread_count(), len(products)))

    def one_group(group: int) -> None:
        scratch = np.empty((min(per_product, ks.size), rows.size))  # reused by the group
        for start in products[group::groups]:
            block = ks[start : start + per_product]
            emp = _sparse_times(rows_of[block], chunks, scratch[: block.size])  # exact
            for first in range(0, block.size, per_block):
                part = slice(first, first + per_block)
                at = slice(start + first, start + first + per_block)
                share = None if national is None else national[at]
                own = position[cluster_region[block[part]]]
                parts = _strength_block(emp[part], totals, own, share, exact)
                out[:, block[part]] = np.array(parts, dtype=np.float64)

    in_parallel(one_group, range(groups))


def _member_rows(rows_of: sp.csr_array) -> IntArray:
    """The row (cluster) of each stored entry of a CSR matrix."""
    return np.repeat(np.arange(rows_of.shape[0]), np.diff(rows_of.indptr))


def _known_weight(rows_of: sp.csr_array, known: BoolArray, cluster_region: IntArray) -> FloatArray:
    """Per cluster: the member weight over its own region's known cells (an exact sum)."""
    owner = _member_rows(rows_of)
    cell_known = known[cluster_region[owner], rows_of.indices]
    return np.bincount(
        owner, weights=np.where(cell_known, rows_of.data, 0.0), minlength=rows_of.shape[0]
    ).astype(np.float64)


def _national_cluster_share(
    level_sizes: FloatArray, members: sp.csr_array, reference_share: FloatArray | None
) -> FloatArray | None:
    """Each cluster's share of the reference economy (member-weighted), or None.

    The industry shares go on a dyadic grid so that the product is an exact sum: a cluster's
    share is then the same bit for bit whichever clusters are computed with it (a partial
    rebuild after an edit computes one region's; screening.scoring.exact)."""
    if reference_share is None:
        return None
    level_sizes = on_grid(level_sizes, SIZE_BITS)
    level_total = level_sizes.sum()
    level_share = (
        level_sizes.sum(axis=0) / level_total if level_total > 0 else np.zeros(level_sizes.shape[1])
    )
    share = np.where(np.isfinite(reference_share), reference_share, level_share)
    return np.asarray(members @ on_grid(share, NATIONAL_SHARE_BITS), dtype=np.float64)


def _column_chunks(matrix: FloatArray) -> list[FloatArray]:
    """Contiguous copies of CHUNK_COLUMNS columns of `matrix` at a time: the right operand of
    _sparse_times, a chunk small enough to stay in a core's cache. Always copies (a caller may
    write to them; np.ascontiguousarray would return a one-column view as it is)."""
    return [
        np.array(matrix[:, start : start + CHUNK_COLUMNS], order="C", copy=True)
        for start in range(0, matrix.shape[1], CHUNK_COLUMNS)
    ]


def _sparse_times(rows: sp.csr_array, chunks: list[FloatArray], out: FloatArray) -> FloatArray:
    """rows @ (the chunks side by side), into `out`, chunk by chunk: each row reads its
    members' rows of one cached chunk instead of their full rows from memory (0.25 -> 0.14 CPU
    seconds for relatedness at 3,000 regions x 1,400 industries). With the operands on dyadic
    grids the sums are exact, so the numbers are the one product's bit for bit."""
    start = 0
    for chunk in chunks:
        out[:, start : start + chunk.shape[1]] = rows @ chunk
        start += chunk.shape[1]
    return out


def _relatedness_rows(rows_of: sp.csr_array, phi_chunks: list[FloatArray]) -> FloatArray:
    """relatedness_to for sparse member rows: the same values, bit for bit (exact sums).
    phi_chunks: _column_chunks(phi)."""
    weight = np.asarray(rows_of.sum(axis=1), dtype=np.float64)[:, None]
    n_i = sum(chunk.shape[1] for chunk in phi_chunks)
    rel = _sparse_times(rows_of, phi_chunks, np.empty((rows_of.shape[0], n_i)))
    # Divided in place; 0 where a cluster has no member weight (as relatedness_to).
    np.divide(rel, weight, out=rel, where=weight > 0)
    rel[~(weight[:, 0] > 0)] = 0.0
    member = rows_of.data > 0
    rel[_member_rows(rows_of)[member], rows_of.indices[member]] = 1.0
    return rel


def _best_clusters(
    shape: tuple[int, ...],
    region_level: IntArray,
    proximity: list[FloatArray],
    cluster_region: IntArray,
    rows_of: sp.csr_array,
    strength: FloatArray,
) -> tuple[IntArray, FloatArray]:
    """Per (region, industry): the region's cluster with the largest strength x relatedness.

    Clusters of unknown strength are chosen only when no other is known (base NaN then).
    Ties go to the cluster listed first, so the choice never depends on anything but the data.
    Relatedness is computed for up to CLUSTER_BLOCK clusters of whole regions at a time, and
    every region of a block picks its best cluster at once (a segmented argmax).
    """
    best = np.full(shape, -1, dtype=np.int64)
    base = np.zeros(shape)
    # Clusters grouped by (level, region), keeping their listed order within a region.
    levels = region_level[cluster_region]
    order = np.lexsort((np.arange(cluster_region.size), cluster_region, levels))
    chunks_of = {id(phi): _column_chunks(phi) for phi in proximity}

    def one_block(block: slice) -> None:
        ks = order[block]
        phi = proximity[region_level[cluster_region[ks[0]]]]
        rel = _relatedness_rows(rows_of[ks], chunks_of[id(phi)])
        # strength x relatedness, NaN strength scored -1 (np.nan_to_num(..., nan=-1) of the
        # product: relatedness is finite, so only an unknown strength makes it NaN).
        unknown = np.isnan(strength[ks])
        scored = np.multiply(np.where(unknown, 0.0, strength[ks])[:, np.newaxis], rel, out=rel)
        scored[unknown] = -1.0
        regions, starts = np.unique(cluster_region[ks], return_index=True)
        pick, top = _first_max_per_region(scored, starts)
        best[regions] = ks[pick]
        base[regions] = np.where(unknown[pick], np.nan, top)

    in_parallel(one_block, _whole_region_blocks(cluster_region[order], levels[order]))
    return best, base


def _first_max_per_region(scored: FloatArray, starts: IntArray) -> tuple[IntArray, FloatArray]:
    """Per region (its rows start at `starts`, in order) and column: the first row reaching
    the region's maximum (np.argmax's choice) and that maximum. `scored` holds no NaN.

    Slot by slot (a region's j-th cluster against the best so far, replaced only when strictly
    larger, so the first of equal values stays): a region has a few clusters, so this is a few
    passes over (regions, I) instead of segmented reductions over every row.
    """
    counts = np.diff(np.append(starts, scored.shape[0]))
    top = scored[starts]  # a copy: the first cluster of every region
    pick = np.repeat(starts[:, np.newaxis], scored.shape[1], axis=1)
    for slot in range(1, int(counts.max(initial=0))):
        has = np.flatnonzero(counts > slot)
        rows = starts[has] + slot
        candidate = scored[rows]
        if has.size == starts.size:  # every region has this slot: no gathers
            better = candidate > top
            np.copyto(top, candidate, where=better)
            np.copyto(pick, rows[:, np.newaxis], where=better)
        else:
            current = top[has]
            better = candidate > current
            np.copyto(current, candidate, where=better)
            top[has] = current
            chosen = pick[has]
            np.copyto(chosen, rows[:, np.newaxis], where=better)
            pick[has] = chosen
    return pick, top


def _whole_region_blocks(sorted_regions: IntArray, sorted_levels: IntArray) -> list[slice]:
    """Slices of at most CLUSTER_BLOCK entries (more only for one large region) that never
    split a region nor mix levels; the inputs are grouped by level, then region."""
    n = sorted_regions.size
    bounds = [*np.flatnonzero(np.diff(sorted_regions, prepend=-1)).tolist(), n]
    level_starts = set(np.flatnonzero(np.diff(sorted_levels, prepend=-1)).tolist())
    blocks, begin = [], 0
    for i in range(1, len(bounds)):
        region_start = bounds[i - 1]
        too_big = bounds[i] - begin > CLUSTER_BLOCK
        if region_start > begin and (too_big or region_start in level_starts):
            blocks.append(slice(begin, region_start))
            begin = region_start
    if n:
        blocks.append(slice(begin, n))
    return blocks


# The per-cluster arrays of ClusterTables (the others, best and base, are per region x industry).
_PER_CLUSTER = ("employment", "lq", "lq_p75", "employment_p25", "strong", "strength", "coverage")


def update_cluster_tables(
    previous: ClusterTables,
    compute: Callable[[IntArray, FloatArray], ClusterTables],
    cluster_region: IntArray,
    members: FloatArray,
    regions: IntArray,
) -> ClusterTables:
    """The tables after the member lists of some clusters of `regions` changed (the clusters,
    their order and every size unchanged), without recomputing the other regions' clusters.

    `compute(cluster_region, members)` is cluster_tables over the same sizes and proximity.
    It is run on the clusters of `regions` only; their measures and those regions' best
    cluster replace the previous entries. Nothing else can differ from a full computation:
    a cluster's measures depend on its own members and the sizes only, a region's best cluster
    on that region's clusters only, and every sum is exact (on dyadic grids), so the result is
    bit for bit what cluster_tables over every cluster gives (tests/scoring check it).
    """
    ks = np.flatnonzero(np.isin(cluster_region, regions))
    part = compute(cluster_region[ks], members[ks])
    updated = {name: getattr(previous, name).copy() for name in _PER_CLUSTER}
    for name in _PER_CLUSTER:
        updated[name][ks] = getattr(part, name)
    rows = np.unique(cluster_region[ks])
    best, base = previous.best.copy(), previous.base.copy()
    chosen = part.best[rows]
    best[rows] = np.where(chosen >= 0, ks[np.maximum(chosen, 0)], -1)
    base[rows] = part.base[rows]
    return ClusterTables(best=best, base=base, **updated)


def related_clusters(
    tables: ClusterTables,
    cluster_region: IntArray,
    members: FloatArray,
    phi: FloatArray,
    region: int,
    industry: int,
) -> list[tuple[int, float]]:
    """(cluster, relatedness) for the region's clusters related to the industry, best first.

    Best = largest strength x relatedness; clusters of unknown strength come last.
    """
    ks = np.flatnonzero(cluster_region == region)
    # One industry's column of relatedness_to, without the full (k, I) @ (I, I) product.
    own = on_grid(members[ks], MEMBER_BITS)
    weight = own.sum(axis=1)
    mean_phi = np.divide(own @ phi[:, industry], weight, out=np.zeros(ks.size), where=weight > 0)
    rel = np.where(own[:, industry] > 0, 1.0, mean_phi)
    score = np.nan_to_num(tables.strength[ks] * rel, nan=-1.0)
    order = np.argsort(-score, kind="stable")
    return [(int(ks[i]), float(rel[i])) for i in order if rel[i] > 0]
