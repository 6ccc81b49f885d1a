"""The scoring world: region-level data in, every region-level measure precomputed once.

`build_world` runs once per data version (the result is plain arrays, picklable, cached by the
caller); scoring a lead is then a handful of gathers (see engine.py). Pure numpy: never
imports Django. Methods and citations: docs/scoring.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from screening.scoring.chain import ChainCells, chain_cells, link_shares
from screening.scoring.cluster import ClusterTables, cluster_tables
from screening.scoring.complexity import relatedness
from screening.scoring.exact import PHI_BITS, on_grid
from screening.scoring.local_fit import (
    EndowmentMasks,
    endowment_masks,
    known_density,
    share_below,
    sorted_reference,
)
from screening.scoring.pull import PullCells, pull_cells, typical_plant, with_region_row

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]
Names = dict[str, tuple[str, str]]

# A level with fewer regions than this borrows proximity (phi) and the RCA reference from the
# level with most regions: co-location across two or three provinces says nothing about
# relatedness. The largest level always uses its own.
MIN_REGIONS_FOR_OWN_PROXIMITY = 5


@dataclass(frozen=True)
class WorldInputs:
    """Region-level data, as the Django boundary reads it from the database.

    Shapes: R regions, I industries, F factors (<= 63), K clusters. ``size`` is employment
    (R, I), NaN = unknown (never read as 0). ``link_weight`` (I, I) >= 0, W[i, j] = supplier i
    -> customer j. ``endowment`` (R, F), NaN = unknown; a factor is available when > 0
    ('industrial_land_ha' is compared with the lead's land need). ``cluster_members`` (K, I):
    1.0 core, 0.5 support, 0 none. ``capex_per_job`` (capex units per job, NaN = do not
    estimate jobs from capex) converts capex into jobs when a lead's jobs are unknown.
    ``firms`` (R, I), NaN = unknown (None: none known), counts the firms of each cell; it only
    sets the typical plant size of each industry for anchor pull (pull.typical_plant).
    """

    region_codes: list[str]
    region_levels: list[str]
    region_parent: IntArray
    region_names: Names
    industry_codes: list[str]
    industry_names: Names
    size: FloatArray
    link_weight: FloatArray
    factor_names: list[str]
    endowment: FloatArray
    cluster_region: IntArray
    cluster_codes: list[str]
    cluster_names: Names
    cluster_members: FloatArray
    threshold: float = 1.0
    capex_per_job: float = float("nan")
    firms: FloatArray | None = None


@dataclass(frozen=True)
class World:
    """Everything region-level, precomputed by build_world. Plain arrays; picklable.

    Per (R, I) cell: ``known`` size cell known; ``rca``, ``mcp`` (0/1), ``presence`` =
    min(1, RCA); ``density`` (Atlas, diagonal kept, known cells only; NaN = unknown),
    ``density_coverage``, ``density_score`` (share of same-level cells with lower density;
    ``density_reference[l]`` holds level l's sorted densities, the fixed reference).
    ``proximity[level_proximity[l]]`` is the phi used for level l. ``pull`` holds the
    region-level part of anchor pull and each industry's typical plant (pull.py).
    """

    inputs: WorldInputs
    level_names: tuple[str, ...]
    region_level: IntArray
    level_proximity: IntArray
    proximity: FloatArray
    known: BoolArray
    rca: FloatArray
    mcp: FloatArray
    presence: FloatArray
    density: FloatArray
    density_coverage: FloatArray
    density_score: FloatArray
    density_reference: tuple[FloatArray, ...]
    endowment: EndowmentMasks
    supplier_share: FloatArray
    customer_share: FloatArray
    chain: ChainCells
    pull: PullCells
    clusters: ClusterTables
    region_has_clusters: BoolArray
    warnings: tuple[str, ...] = field(default=())
    measures: Measures | None = field(default=None, repr=False, compare=False)

    @property
    def n_regions(self) -> int:
        return len(self.inputs.region_codes)

    @property
    def n_industries(self) -> int:
        return len(self.inputs.industry_codes)

    def phi_for_region(self, region: int) -> FloatArray:
        """The (I, I) proximity matrix used for this region's level."""
        return self.proximity[self.level_proximity[self.region_level[region]]]


def _check_inputs(inputs: WorldInputs) -> None:
    n_r, n_i = len(inputs.region_codes), len(inputs.industry_codes)
    n_f, n_k = len(inputs.factor_names), len(inputs.cluster_codes)
    expected = {
        "size": (inputs.size, (n_r, n_i)),
        "link_weight": (inputs.link_weight, (n_i, n_i)),
        "endowment": (inputs.endowment, (n_r, n_f)),
        "cluster_members": (inputs.cluster_members, (n_k, n_i)),
        "region_parent": (inputs.region_parent, (n_r,)),
        "cluster_region": (inputs.cluster_region, (n_k,)),
    }
    if inputs.firms is not None:
        expected["firms"] = (inputs.firms, (n_r, n_i))
    for name, (array, shape) in expected.items():
        if np.shape(array) != shape:
            raise ValueError(f"{name} has shape {np.shape(array)}, expected {shape}")
    if len(inputs.region_levels) != n_r:
        raise ValueError(f"region_levels has {len(inputs.region_levels)} entries, expected {n_r}")
    if np.any(inputs.size < 0):
        raise ValueError("size must be >= 0 where known (NaN = unknown)")
    if inputs.firms is not None and np.any(np.asarray(inputs.firms) < 0):
        raise ValueError("firms must be >= 0 where known (NaN = unknown)")
    if n_k and (inputs.cluster_region.min() < 0 or inputs.cluster_region.max() >= n_r):
        raise ValueError("cluster_region holds an index outside 0..R-1")


def _rca_against(x: FloatArray, reference_share: FloatArray) -> FloatArray:
    """RCA of each row against a fixed national industry share (0 where undefined)."""
    total = x.sum(axis=1, keepdims=True)
    row_share = np.divide(x, total, out=np.zeros_like(x), where=total > 0)
    ratio = np.zeros_like(x)
    np.divide(row_share, reference_share, out=ratio, where=reference_share[np.newaxis, :] > 0)
    return ratio


@dataclass
class _Levels:
    names: tuple[str, ...]
    region_level: IntArray
    rows: list[IntArray]
    main: int


def _levels(region_levels: list[str]) -> _Levels:
    names = tuple(dict.fromkeys(region_levels))
    region_level = np.array([names.index(v) for v in region_levels], dtype=np.int64)
    rows = [np.flatnonzero(region_level == level) for level in range(len(names))]
    main = int(np.argmax([r.size for r in rows])) if rows else 0
    return _Levels(names, region_level, rows, main)


def _specialisation(
    sizes: FloatArray, levels: _Levels, threshold: float, codes: list[str]
) -> tuple[FloatArray, FloatArray, FloatArray, IntArray, list[str]]:
    """RCA, presence and phi per level (small levels borrow from the main level)."""
    rca, mcp = np.zeros(sizes.shape), np.zeros(sizes.shape)
    main_rows = levels.rows[levels.main]
    main = relatedness(sizes[main_rows], threshold, industry_codes=codes)
    prox, slots, notes = [main.proximity], np.zeros(len(levels.names), dtype=np.int64), []
    notes += [f"{levels.names[levels.main]}: {w}" for w in main.warnings]
    rca[main_rows], mcp[main_rows] = main.rca, main.mcp
    national = sizes[main_rows].sum(axis=0) / max(sizes[main_rows].sum(), 1e-300)
    for level, rows in enumerate(levels.rows):
        if level == levels.main:
            continue
        if rows.size >= MIN_REGIONS_FOR_OWN_PROXIMITY:
            own = relatedness(sizes[rows], threshold, industry_codes=codes)
            rca[rows], mcp[rows] = own.rca, own.mcp
            slots[level] = len(prox)
            prox.append(own.proximity)
            notes += [f"{levels.names[level]}: {w}" for w in own.warnings]
        else:
            rca[rows] = _rca_against(sizes[rows], national)
            mcp[rows] = (rca[rows] >= threshold).astype(np.float64)
            notes.append(
                f"level {levels.names[level]!r} has {rows.size} region(s): it uses proximity "
                f"and the RCA reference of level {levels.names[levels.main]!r}"
            )
    # On a dyadic grid, so that every sum over phi is exact (screening.scoring.exact).
    return rca, mcp, on_grid(np.stack(prox), PHI_BITS), slots, notes


def _density_parts(
    mcp: FloatArray, known: BoolArray, prox: FloatArray, slots: IntArray, levels: _Levels
) -> tuple[FloatArray, FloatArray, FloatArray, tuple[FloatArray, ...]]:
    """Density, its coverage, its score and the per-level reference distributions."""
    dens, cov, score = (np.full(mcp.shape, np.nan) for _ in range(3))
    references = []
    for level, rows in enumerate(levels.rows):
        dens[rows], cov[rows] = known_density(mcp[rows], known[rows], prox[slots[level]])
        references.append(sorted_reference(dens[rows]))
        score[rows] = share_below(references[-1], dens[rows])
    return dens, cov, score, tuple(references)


@dataclass(frozen=True)
class Measures:
    """The part of the World that depends only on sizes, chain links and region levels.

    A change to one region's clusters or endowments leaves it as it is, so the caller can
    keep it per data version and rebuild only the cheap region-level parts (build_world's
    `measures` argument).
    """

    size: FloatArray
    link_weight: FloatArray
    firms: FloatArray | None
    region_levels: tuple[str, ...]
    threshold: float
    level_names: tuple[str, ...]
    region_level: IntArray
    level_proximity: IntArray
    proximity: FloatArray
    known: BoolArray
    rca: FloatArray
    mcp: FloatArray
    presence: FloatArray
    density: FloatArray
    density_coverage: FloatArray
    density_score: FloatArray
    density_reference: tuple[FloatArray, ...]
    supplier_share: FloatArray
    customer_share: FloatArray
    chain: ChainCells
    pull: PullCells
    warnings: tuple[str, ...]

    def fits(self, inputs: WorldInputs) -> bool:
        """True when `inputs` has the same sizes, firm counts, links, levels and threshold."""
        return (
            self.threshold == inputs.threshold
            and self.region_levels == tuple(inputs.region_levels)
            and np.array_equal(self.size, inputs.size, equal_nan=True)
            and _same_optional(self.firms, inputs.firms)
            and np.array_equal(self.link_weight, inputs.link_weight)
        )


def _same_optional(a: FloatArray | None, b: FloatArray | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return np.array_equal(a, b, equal_nan=True)


def build_measures(inputs: WorldInputs) -> Measures:
    """Relatedness, density and chain cells: the expensive, shared part of the World."""
    _check_inputs(inputs)
    known = ~np.isnan(inputs.size)
    sizes = np.where(known, inputs.size, 0.0)
    levels = _levels(inputs.region_levels)
    rca, mcp, prox, slots, notes = _specialisation(
        sizes, levels, inputs.threshold, inputs.industry_codes
    )
    dens, cov, dscore, references = _density_parts(mcp, known, prox, slots, levels)
    presence = np.minimum(rca, 1.0)
    s, c = link_shares(inputs.link_weight)
    typical = typical_plant(inputs.size, inputs.firms, mcp, levels.rows[levels.main])
    return Measures(
        size=inputs.size,
        link_weight=inputs.link_weight,
        firms=inputs.firms,
        region_levels=tuple(inputs.region_levels),
        threshold=inputs.threshold,
        level_names=levels.names,
        region_level=levels.region_level,
        level_proximity=slots,
        proximity=prox,
        known=known,
        rca=rca,
        mcp=mcp,
        presence=presence,
        density=dens,
        density_coverage=cov,
        density_score=dscore,
        density_reference=references,
        supplier_share=s,
        customer_share=c,
        chain=chain_cells(presence, known, s, c),
        pull=pull_cells(presence, known, dscore, s, typical),
        warnings=tuple(notes),
    )


def build_world(inputs: WorldInputs, measures: Measures | None = None) -> World:
    """Precompute every region-level measure once per data version.

    Complexity (RCA, presence, phi) is computed per region level, since a province and its
    cities are not comparable units. Unknown size cells enter complexity as 0 (as its interface
    requires) but are excluded from density, chain shares and cluster employment, and lower
    the confidence of every score that leans on them. `measures` from an earlier build is
    reused when it fits these inputs (same sizes, links and levels); otherwise it is rebuilt.
    """
    _check_inputs(inputs)
    m = measures if measures is not None and measures.fits(inputs) else build_measures(inputs)
    sizes = np.where(m.known, inputs.size, 0.0)
    per_level_phi = [m.proximity[m.level_proximity[level]] for level in range(len(m.level_names))]
    return World(
        inputs=inputs,
        level_names=m.level_names,
        region_level=m.region_level,
        level_proximity=m.level_proximity,
        proximity=m.proximity,
        known=m.known,
        rca=m.rca,
        mcp=m.mcp,
        presence=m.presence,
        density=m.density,
        density_coverage=m.density_coverage,
        density_score=m.density_score,
        density_reference=m.density_reference,
        endowment=endowment_masks(inputs.endowment, inputs.factor_names),
        supplier_share=m.supplier_share,
        customer_share=m.customer_share,
        chain=m.chain,
        pull=m.pull,
        clusters=cluster_tables(
            sizes,
            m.known,
            m.region_level,
            per_level_phi,
            np.asarray(inputs.cluster_region, dtype=np.int64),
            np.asarray(inputs.cluster_members, dtype=np.float64),
        ),
        region_has_clusters=np.isin(np.arange(len(inputs.region_codes)), inputs.cluster_region),
        warnings=m.warnings,
        measures=m,
    )


def with_industry_present(world: World, region: int, industry: int) -> World:
    """The world as if `industry` were present (RCA >= threshold) in `region`: a scenario.

    Proximity, link shares, clusters and the normalisation references are held fixed; only the
    region's presence row, and the density and chain cells that depend on it, change. Under
    these conditions no density score or upstream/downstream availability in the region can
    fall (both are non-decreasing in presence), so no lead's local fit falls unless its density
    was unknown before (it then leaves the neutral value). A full rebuild with more employment
    also moves RCA and phi elsewhere and is not covered by that guarantee.
    """
    mcp, known, presence = world.mcp.copy(), world.known.copy(), world.presence.copy()
    mcp[region, industry], known[region, industry], presence[region, industry] = 1.0, True, 1.0
    row = slice(region, region + 1)
    phi = world.phi_for_region(region)
    dens, cov = known_density(mcp[row], known[row], phi)
    reference = world.density_reference[world.region_level[region]]
    chain_row = chain_cells(presence[row], known[row], world.supplier_share, world.customer_share)
    density_score = _with_row(world.density_score, region, share_below(reference, dens))
    pull = with_region_row(
        world.pull,
        region,
        presence[region],
        known[region],
        density_score[region],
        world.supplier_share,
    )
    return replace(
        world,
        measures=None,  # the scenario's cells no longer match the shared measures
        mcp=mcp,
        known=known,
        presence=presence,
        density=_with_row(world.density, region, dens),
        density_coverage=_with_row(world.density_coverage, region, cov),
        density_score=density_score,
        chain=_with_chain_row(world.chain, region, chain_row),
        pull=pull,
    )


def _with_row(matrix: FloatArray, region: int, row: FloatArray) -> FloatArray:
    out = matrix.copy()
    out[region] = row[0]
    return out


def _with_chain_row(cells: ChainCells, region: int, row: ChainCells) -> ChainCells:
    per_cell = {
        name: _with_row(getattr(cells, name), region, getattr(row, name))
        for name in (
            "upstream",
            "downstream",
            "side_sum",
            "side_count",
            "gap_factor",
            "coverage_sum",
            "self_confidence",
        )
    }
    return replace(cells, **per_cell)
