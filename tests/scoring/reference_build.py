"""The World's builders as they were before the vectorised rewrite (issue 17), kept verbatim.

tests/scoring/test_fast_build.py checks that the fast builders give these results bit for bit
on random worlds; build_world with these patched in (reference_world) is the old build_world.
Not a test module. Do not "improve" this file: it is the yardstick.
"""

# ruff: noqa
# mypy: ignore-errors

from __future__ import annotations

import numpy as np

from screening.scoring.chain import NEUTRAL_SELF_PRESENCE, UNKNOWN_SELF_CONFIDENCE, ChainCells
from screening.scoring.cluster import (
    CLUSTER_BLOCK,
    STRONG_EMPLOYMENT_PERCENTILE,
    STRONG_LQ_PERCENTILE,
    ClusterTables,
)
from screening.scoring.exact import (
    MEMBER_BITS,
    NATIONAL_SHARE_BITS,
    PRESENCE_BITS,
    SIZE_BITS,
    TERM_BITS,
)
from screening.scoring.pull import (
    FALLBACK_PLANT_SHARE,
    TYPICAL_FROM_EMPLOYMENT,
    TYPICAL_FROM_FIRMS,
    TYPICAL_UNKNOWN,
    PullCells,
    TypicalPlant,
)

FloatArray = IntArray = BoolArray = np.ndarray


# from screening/scoring/exact.py
def on_grid(values: FloatArray, bits: int) -> FloatArray:
    """`values` rounded to the nearest multiple of 2**-bits (NaN and inf stay as they are).

    Idempotent: a value already on the grid is returned unchanged.
    """
    scaled = np.ldexp(np.asarray(values, dtype=np.float64), bits)
    return np.ldexp(np.rint(scaled), -bits)


# from screening/scoring/cluster.py
def relatedness_to(members: FloatArray, phi: FloatArray) -> FloatArray:
    """(k, I) relatedness of each industry to each of k clusters (members (k, I)).

    1 for member industries (membership counts fully, core or support); otherwise the
    member-weighted mean phi between the industry and the cluster's members.
    """
    members = on_grid(members, MEMBER_BITS)  # with phi on its grid: an exact sum
    weight = members.sum(axis=1, keepdims=True)
    mean_phi = np.divide(members @ phi, weight, out=np.zeros(members.shape), where=weight > 0)
    return np.where(members > 0, 1.0, mean_phi)


# from screening/scoring/cluster.py
def _strength_block(
    emp: FloatArray, total: FloatArray, own: IntArray, national: FloatArray | None = None
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, BoolArray, FloatArray]:
    """For a block of clusters: LQ, its p75, employment p25, employment, strong, strength.

    emp (n, b) is each cluster definition's employment in every region of the level, total
    (n,) the regions' total employment, own (b,) the row of each cluster's own region;
    national (b,), optional, each cluster's share of the reference economy (else the level's).
    """
    columns = np.arange(emp.shape[1])
    share = np.divide(emp, total[:, None], out=np.zeros(emp.shape), where=total[:, None] > 0)
    if national is None:
        national = emp.sum(axis=0) / total.sum() if total.sum() > 0 else np.zeros(emp.shape[1])
    lq = np.divide(share, national, out=np.zeros(emp.shape), where=national > 0)
    own_lq, own_emp = lq[own, columns], emp[own, columns]
    # Percentiles along contiguous rows: partitioning strided columns is several times slower.
    p75 = np.percentile(np.ascontiguousarray(lq.T), STRONG_LQ_PERCENTILE, axis=1)
    p25 = np.percentile(np.ascontiguousarray(emp.T), STRONG_EMPLOYMENT_PERCENTILE, axis=1)
    strong = (own_lq >= p75) & (own_lq >= 1.0) & (own_emp > p25)
    strength = np.where(own_emp > 0, (lq <= own_lq).sum(axis=0) / emp.shape[0], 0.0)
    return own_lq, p75, p25, own_emp, strong, strength


# from screening/scoring/cluster.py
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
    n_clusters = cluster_region.shape[0]
    # On dyadic grids, so that cluster employment is an exact sum (screening.scoring.exact).
    sizes, members = on_grid(sizes, SIZE_BITS), on_grid(members, MEMBER_BITS)
    out = np.zeros((7, n_clusters))  # the six _strength_block outputs, then known weight
    total_emp = sizes.sum(axis=1)
    for level in np.unique(region_level[cluster_region]):
        rows = np.flatnonzero(region_level == level)
        position = np.full(sizes.shape[0], -1, dtype=np.int64)
        position[rows] = np.arange(rows.size)
        ks = np.flatnonzero(region_level[cluster_region] == level)
        for block in np.array_split(ks, max(1, -(-ks.size // CLUSTER_BLOCK))):
            emp = sizes[rows] @ members[block].T
            national = _national_cluster_share(sizes[rows], members[block], reference_share)
            parts = _strength_block(emp, total_emp[rows], position[cluster_region[block]], national)
            out[:6, block] = np.array(parts, dtype=np.float64)
            own_known = known[cluster_region[block]].astype(np.float64)
            out[6, block] = np.einsum("ki,ki->k", own_known, members[block])
    member_weight = members.sum(axis=1)
    coverage = np.divide(out[6], member_weight, out=np.zeros(n_clusters), where=member_weight > 0)
    # With no member cell known the cluster's strength is unknown, not zero.
    strength = np.where(coverage > 0, out[5], np.nan)
    best, base = _best_clusters(
        sizes.shape, region_level, proximity, cluster_region, members, strength
    )
    return ClusterTables(
        lq=out[0],
        lq_p75=out[1],
        employment_p25=out[2],
        employment=out[3],
        strong=out[4].astype(bool),
        strength=strength,
        coverage=coverage,
        best=best,
        base=base,
    )


# from screening/scoring/cluster.py
def _national_cluster_share(
    level_sizes: FloatArray, members: FloatArray, reference_share: FloatArray | None
) -> FloatArray | None:
    """Each cluster's share of the reference economy (member-weighted), or None.

    The industry shares go on a dyadic grid so that the product is an exact sum: a cluster's
    share is then the same bit for bit whichever clusters are computed with it (a partial
    rebuild after an edit computes one region's; screening.scoring.exact)."""
    if reference_share is None:
        return None
    level_total = level_sizes.sum()
    level_share = (
        level_sizes.sum(axis=0) / level_total if level_total > 0 else np.zeros(level_sizes.shape[1])
    )
    share = np.where(np.isfinite(reference_share), reference_share, level_share)
    return members @ on_grid(share, NATIONAL_SHARE_BITS)


# from screening/scoring/cluster.py
def _best_clusters(
    shape: tuple[int, ...],
    region_level: IntArray,
    proximity: list[FloatArray],
    cluster_region: IntArray,
    members: FloatArray,
    strength: FloatArray,
) -> tuple[IntArray, FloatArray]:
    """Per (region, industry): the region's cluster with the largest strength x relatedness.

    Clusters of unknown strength are chosen only when no other is known (base NaN then).
    Ties go to the cluster listed first, so the choice never depends on anything but the data.
    Relatedness is computed for up to CLUSTER_BLOCK clusters of whole regions at a time: one
    large matrix product instead of one small product per region.
    """
    best = np.full(shape, -1, dtype=np.int64)
    base = np.zeros(shape)
    # Clusters grouped by (level, region), keeping their listed order within a region.
    levels = region_level[cluster_region]
    order = np.lexsort((np.arange(cluster_region.size), cluster_region, levels))
    for block in _whole_region_blocks(cluster_region[order], levels[order]):
        ks = order[block]
        rel = relatedness_to(members[ks], proximity[region_level[cluster_region[ks[0]]]])
        candidates = strength[ks, np.newaxis] * rel
        regions, starts = np.unique(cluster_region[ks], return_index=True)
        for r, rows in zip(regions, np.split(np.arange(ks.size), starts[1:]), strict=True):
            pick = np.argmax(np.nan_to_num(candidates[rows], nan=-1.0), axis=0)
            best[r] = ks[rows[pick]]
            base[r] = candidates[rows[pick], np.arange(shape[1])]
    return best, base


# from screening/scoring/cluster.py
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


# from screening/scoring/local_fit.py
def _divide_or_nan(num: FloatArray, den: FloatArray) -> FloatArray:
    out = np.full(np.broadcast_shapes(num.shape, den.shape), np.nan)
    np.divide(num, den, out=out, where=np.broadcast_to(den > 0, out.shape))
    return out


# from screening/scoring/local_fit.py
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
    k = known.astype(np.float64)
    weight = k @ phi
    dens = _divide_or_nan((mcp * k) @ phi, weight)
    coverage = np.nan_to_num(_divide_or_nan(weight, phi.sum(axis=0)[np.newaxis, :]))
    return dens, coverage


# from screening/scoring/local_fit.py
def sorted_reference(values: FloatArray) -> FloatArray:
    """The finite values, sorted: a fixed reference distribution for percentile scores."""
    flat = np.asarray(values, dtype=np.float64).ravel()
    return np.sort(flat[np.isfinite(flat)])


# from screening/scoring/local_fit.py
def share_below(reference: FloatArray, values: FloatArray) -> FloatArray:
    """Share (0-1) of the reference strictly below each value; NaN stays NaN.

    Strictly below, so the lowest value in the reference (typically density 0) scores 0.
    """
    values = np.asarray(values, dtype=np.float64)
    if reference.size == 0:
        return np.full(values.shape, np.nan)
    out = np.searchsorted(reference, values, side="left") / reference.size
    return np.where(np.isnan(values), np.nan, out)


# from screening/scoring/chain.py
def chain_cells(presence: FloatArray, known: BoolArray, s: FloatArray, c: FloatArray) -> ChainCells:
    """U, D, gap parts and coverage for every (region, industry) cell; see ChainCells."""
    k = known.astype(np.float64)
    # Presence on its grid (and s, c on theirs, see link_shares): every sum below is exact.
    kp = k * on_grid(presence, PRESENCE_BITS)
    up_cov, down_cov = k @ s, k @ c.T
    up = _divide_or_nan(kp @ s, up_cov)
    down = _divide_or_nan(kp @ c.T, down_cov)
    self_presence = np.where(known, presence, NEUTRAL_SELF_PRESENCE)
    return ChainCells(
        upstream=up,
        downstream=down,
        side_sum=np.nan_to_num(up) + np.nan_to_num(down),
        side_count=np.isfinite(up).astype(np.float64) + np.isfinite(down),
        gap_factor=1.0 - self_presence,
        coverage_sum=up_cov + down_cov,
        sides_mapped=(s.sum(axis=0) > 0).astype(np.float64) + (c.sum(axis=1) > 0),
        self_confidence=np.where(known, 1.0, UNKNOWN_SELF_CONFIDENCE),
    )


# from screening/scoring/pull.py
def supplier_terms(
    presence: FloatArray, known: BoolArray, density_score: FloatArray
) -> tuple[BoolArray, FloatArray]:
    """Which supplier cells count (size known, density defined) and their gap x relatedness.

    Terms are on the grid of screening.scoring.exact, so that every sum of them (over the
    chain map, over a lead's named inputs) is exact in any order.
    """
    usable = known & np.isfinite(density_score)
    term = np.where(usable, (1.0 - presence) * np.nan_to_num(density_score), 0.0)
    return usable, on_grid(term, TERM_BITS)


# from screening/scoring/pull.py
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
    counts = np.full(size.shape, np.nan) if firms is None else np.asarray(firms, dtype=np.float64)
    # On dyadic grids, so that the sums over regions are exact (screening.scoring.exact).
    size, counts = on_grid(size, SIZE_BITS), on_grid(counts, SIZE_BITS)
    both = np.isfinite(size) & np.isfinite(counts) & (counts > 0)
    employment = np.where(both, size, 0.0).sum(axis=0)
    plants = np.where(both, counts, 0.0).sum(axis=0)
    from_firms = np.divide(employment, plants, out=np.full(n_i, np.nan), where=plants > 0)
    from_firms[from_firms <= 0] = np.nan
    fallback = FALLBACK_PLANT_SHARE * _median_specialised(size[main_rows], mcp[main_rows])
    jobs = np.where(np.isfinite(from_firms), from_firms, fallback)
    confidence = np.where(
        np.isfinite(from_firms),
        TYPICAL_FROM_FIRMS,
        np.where(np.isfinite(fallback), TYPICAL_FROM_EMPLOYMENT, TYPICAL_UNKNOWN),
    )
    return TypicalPlant(jobs=jobs, confidence=confidence)


# from screening/scoring/pull.py
def _median_specialised(size: FloatArray, mcp: FloatArray) -> FloatArray:
    """Median employment per industry over regions with RCA >= 1 and known size > 0."""
    cells = np.where((mcp > 0) & np.isfinite(size) & (size > 0), size, np.nan)
    out = np.full(size.shape[1], np.nan)
    has = np.isfinite(cells).any(axis=0)
    if has.any():
        out[has] = np.nanmedian(cells[:, has], axis=0)
    return out


# from screening/scoring/pull.py
def pull_cells(
    presence: FloatArray,
    known: BoolArray,
    density_score: FloatArray,
    supplier_share: FloatArray,
    typical: TypicalPlant,
) -> PullCells:
    """The map side of pull for every (region, industry) cell; see PullCells."""
    usable, term = supplier_terms(presence, known, density_score)
    return PullCells(
        usable=usable,
        term=term,
        open_related=term @ supplier_share,
        known_weight=usable.astype(np.float64) @ supplier_share,
        mapped=supplier_share.sum(axis=0) > 0,
        typical=typical,
    )


# from screening/scoring/world.py (the density part of build_measures)
def _density_parts(mcp, known, prox, slots, levels):
    """Density, its coverage, its score and the per-level reference distributions."""
    dens, cov, score = (np.full(mcp.shape, np.nan) for _ in range(3))
    references = []
    for level, rows in enumerate(levels.rows):
        dens[rows], cov[rows] = known_density(mcp[rows], known[rows], prox[slots[level]])
        references.append(sorted_reference(dens[rows]))
        score[rows] = share_below(references[-1], dens[rows])
    return dens, cov, score, tuple(references)


def reference_world(inputs, **kwargs):
    """build_world with every builder above in place of the fast ones: the old World."""
    from unittest import mock

    from screening.scoring import world

    def strength_arguments(*arguments):  # the fast build's per-cluster step: only its inputs
        return arguments

    def old_cluster_tables(arguments, region_level, proximity, cluster_region):
        sizes, known, _, _, members, reference_share = arguments
        return cluster_tables(
            sizes, known, region_level, proximity, cluster_region, members, reference_share
        )

    with mock.patch.multiple(
        world,
        _density_parts=_density_parts,
        cluster_tables=cluster_tables,
        cluster_strength=strength_arguments,
        with_best_clusters=old_cluster_tables,
        chain_cells=chain_cells,
        pull_cells=pull_cells,
        typical_plant=typical_plant,
    ):
        return world.build_world(inputs, **kwargs)
