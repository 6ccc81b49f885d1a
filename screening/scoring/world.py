"""The scoring world: region-level data in, every region-level measure precomputed once.

`build_world` runs once per data version (the result is plain arrays, picklable, cached by the
caller); scoring a lead is then a handful of gathers (see engine.py). Pure numpy: never
imports Django. Methods and citations: docs/scoring.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np
from numpy.typing import NDArray

from screening.scoring.chain import ChainCells, chain_cells, link_shares
from screening.scoring.cluster import (
    ClusterTables,
    cluster_strength,
    cluster_tables,
    update_cluster_tables,
    with_best_clusters,
)
from screening.scoring.complexity import empty_warnings, presence, proximity, rca
from screening.scoring.exact import PHI_BITS, on_grid, started, take_rows
from screening.scoring.local_fit import (
    EndowmentMasks,
    endowment_masks,
    known_density,
    scored_against_themselves,
    share_below,
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
# phi estimated from fewer regions than this is mostly noise (docs/scoring.md, "Reference
# industry space"): with n regions each conditional probability behind phi rests on at most n
# co-occurrences. On US CBP data (4-digit manufacturing), phi from 100 random metro areas is
# off the national phi by 0.10 on average; from 16 areas by 0.21, at a typical phi of 0.1-0.3.
# Below this number the World warns and the phi-based evidence counts for less in confidence.
MIN_REGIONS_FOR_ESTIMATED_PROXIMITY = 100


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

    ``reference_proximity`` (I, I), optional: phi from a reference industry space (symmetric,
    0-1, a pair not known = 0; the diagonal is set to 1). When given, every level uses it and
    no phi is estimated from these regions. ``proximity_source`` names where it comes from.
    ``customer_weight`` (I, I), optional: the customer-side weight of each link (share of the
    supplier's sales to the customer), NaN where the source gives none (chain.link_shares).
    ``reference_size`` (I,), optional: each industry's size in the reference economy (the
    nation; NaN = not given). When given, RCA and cluster LQ compare every region with these
    national shares instead of with the regions of its level. ``baseline_year`` says which
    vintage of the region data ``size`` is (the boundary chose the rows; shown to users only).
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
    reference_proximity: FloatArray | None = None
    proximity_source: str = ""
    customer_weight: FloatArray | None = None
    reference_size: FloatArray | None = None
    reference_size_source: str = ""
    baseline_year: int | None = None


@dataclass(frozen=True)
class World:
    """Everything region-level, precomputed by build_world. Plain arrays; picklable.

    Per (R, I) cell: ``known`` size cell known; ``rca``, ``mcp`` (0/1), ``presence`` =
    min(1, RCA); ``density`` (Atlas, diagonal kept, known cells only; NaN = unknown),
    ``density_coverage``, ``density_score`` (share of same-level cells with lower density;
    ``density_reference[l]`` holds level l's sorted densities, the fixed reference).
    ``proximity[level_proximity[l]]`` is the phi used for level l; ``proximity_regions[l]``
    is the number of regions it was estimated from (0: the reference industry space) and
    ``proximity_reliability[l]`` (0-1] the factor on the confidence of phi-based evidence (1
    for the reference space or enough regions; see proximity_reliability()). ``pull`` holds
    the region-level part of anchor pull and each industry's typical plant (pull.py).
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
    proximity_regions: IntArray
    proximity_reliability: FloatArray
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

    @property
    def uses_reference_proximity(self) -> bool:
        return self.inputs.reference_proximity is not None

    def proximity_confidence(self, regions: IntArray) -> FloatArray:
        """Per region: the factor on the confidence of phi-based evidence (see World)."""
        return self.proximity_reliability[self.region_level[regions]]


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
    _check_reference_proximity(inputs.reference_proximity, n_i)
    reference = inputs.reference_size
    if reference is not None and (
        np.shape(reference) != (n_i,) or np.any(np.asarray(reference) < 0)
    ):
        raise ValueError(f"reference_size must have shape {(n_i,)} and be >= 0 (NaN = not given)")
    if n_k and (inputs.cluster_region.min() < 0 or inputs.cluster_region.max() >= n_r):
        raise ValueError("cluster_region holds an index outside 0..R-1")


def _check_reference_proximity(phi: FloatArray | None, n_i: int) -> None:
    if phi is None:
        return
    if np.shape(phi) != (n_i, n_i):
        raise ValueError(f"reference_proximity has shape {np.shape(phi)}, expected {(n_i, n_i)}")
    if not np.all(np.isfinite(phi)) or np.any(phi < 0) or np.any(phi > 1):
        raise ValueError("reference_proximity must hold finite values in [0, 1]")
    if not np.array_equal(phi, phi.T):
        raise ValueError("reference_proximity must be symmetric (phi[p, q] == phi[q, p])")


def proximity_reliability(n_regions: int) -> float:
    """Factor (0-1] on the confidence of phi estimated from `n_regions` regions.

    The sampling error of a conditional probability estimated from n regions shrinks like
    1/sqrt(n); relative to the error accepted at MIN_REGIONS_FOR_ESTIMATED_PROXIMITY regions
    the evidence is worth sqrt(n / MIN): 16 regions -> 0.40, 50 -> 0.71, >= 100 -> 1.
    """
    return min(1.0, float(np.sqrt(max(n_regions, 0) / MIN_REGIONS_FOR_ESTIMATED_PROXIMITY)))


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


@dataclass
class _Specialisation:
    """RCA and presence (R, I), the phi matrices and which one each level uses."""

    rca: FloatArray
    mcp: FloatArray
    proximity: FloatArray  # (n_phi, I, I)
    slots: IntArray  # (L,) index into proximity per level
    regions: IntArray  # (L,) regions behind each level's phi (0: reference space)
    reliability: FloatArray  # (L,)
    notes: list[str]


def _specialisation(sizes: FloatArray, levels: _Levels, inputs: WorldInputs) -> _Specialisation:
    """RCA, presence and phi per level (small levels borrow from the main level).

    With a reference industry space every level uses it and no phi is estimated here.
    """
    n_levels = len(levels.names)
    out = _Specialisation(
        rca=_level_rca(sizes, levels, inputs.reference_size),
        mcp=np.zeros(sizes.shape),
        proximity=np.zeros((0, sizes.shape[1], sizes.shape[1])),
        slots=np.zeros(n_levels, dtype=np.int64),
        regions=np.zeros(n_levels, dtype=np.int64),
        reliability=np.ones(n_levels),
        notes=_borrowed_rca_notes(levels) + _reference_size_notes(inputs),
    )
    out.mcp = presence(out.rca, inputs.threshold)
    if inputs.reference_proximity is not None:
        out.proximity = _reference_phi(inputs.reference_proximity)[np.newaxis]
        out.notes += _reference_notes(inputs)
    else:
        _estimated_proximity(out, levels, inputs)
    # On a dyadic grid, so that every sum over phi is exact (screening.scoring.exact).
    out.proximity = on_grid(out.proximity, PHI_BITS)
    return out


def _own_level(levels: _Levels, level: int) -> bool:
    """Whether a level has enough regions for its own RCA reference (and estimated phi)."""
    return level == levels.main or levels.rows[level].size >= MIN_REGIONS_FOR_OWN_PROXIMITY


def _level_rca(sizes: FloatArray, levels: _Levels, reference: FloatArray | None) -> FloatArray:
    """RCA of each region against its own level; small levels against the main level.

    With a reference economy, every industry it gives a size for is measured against the
    national share instead (the others keep their level's reference).
    """
    if len(levels.rows) == 1:  # one level: its RCA is the whole matrix (no copies)
        out = rca(sizes)
    else:
        out = np.zeros(sizes.shape)
        main = take_rows(sizes, levels.rows[levels.main])
        national = main.sum(axis=0) / max(main.sum(), 1e-300)
        for level, rows in enumerate(levels.rows):
            part = take_rows(sizes, rows)
            out[rows] = rca(part) if _own_level(levels, level) else _rca_against(part, national)
    if reference is not None:
        given = np.isfinite(reference)
        out[:, given] = _rca_against(sizes, reference_shares(reference))[:, given]
    return out


def reference_shares(reference: FloatArray) -> FloatArray:
    """National industry shares from reference sizes (0 where not given)."""
    given = np.where(np.isfinite(reference), reference, 0.0)
    return given / max(given.sum(), 1e-300)


def _reference_share_or_nan(reference: FloatArray | None) -> FloatArray | None:
    if reference is None:
        return None
    return np.where(np.isfinite(reference), reference_shares(reference), np.nan)


def _reference_size_notes(inputs: WorldInputs) -> list[str]:
    if inputs.reference_size is None:
        return []
    missing = np.flatnonzero(~np.isfinite(inputs.reference_size))
    notes = [
        f"RCA and cluster LQ are measured against the reference economy "
        f"({inputs.reference_size_source or 'industry_reference.csv'})"
    ]
    if missing.size:
        notes.append(
            f"{missing.size} industry(ies) have no reference size: their RCA is measured "
            f"against the agency's own regions: {_codes(missing, inputs)}"
        )
    return notes


def _borrowed_rca_notes(levels: _Levels) -> list[str]:
    return [
        f"level {levels.names[level]!r} has {rows.size} region(s): it uses proximity and the "
        f"RCA reference of level {levels.names[levels.main]!r}"
        for level, rows in enumerate(levels.rows)
        if not _own_level(levels, level)
    ]


def _reference_phi(phi: FloatArray) -> FloatArray:
    full = np.array(phi, dtype=np.float64)
    np.fill_diagonal(full, 1.0)
    return full


def _reference_notes(inputs: WorldInputs) -> list[str]:
    """Industries the reference space relates to no other industry (their phi row is 0)."""
    phi = np.array(inputs.reference_proximity, dtype=np.float64)
    np.fill_diagonal(phi, 0.0)
    alone = np.flatnonzero(~(phi > 0).any(axis=1))
    if not alone.size:
        return []
    return [
        f"the reference industry space relates {alone.size} industry(ies) to no other "
        f"industry (their density counts only themselves): {_codes(alone, inputs)}"
    ]


def _codes(indices: IntArray, inputs: WorldInputs, limit: int = 20) -> str:
    shown = [inputs.industry_codes[i] for i in indices[:limit]]
    more = indices.size - limit
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _estimated_proximity(out: _Specialisation, levels: _Levels, inputs: WorldInputs) -> None:
    """phi estimated per level from the presence matrix: the fallback without a reference."""
    phis: list[FloatArray] = []
    for level in [levels.main, *range(len(levels.names))]:
        rows = levels.rows[level]
        if not _own_level(levels, level) or (phis and level == levels.main):
            continue
        out.slots[level], out.regions[level] = len(phis), rows.size
        mcp = take_rows(out.mcp, rows)
        phis.append(proximity(mcp))
        diversity, ubiquity = mcp.sum(axis=1), mcp.sum(axis=0)
        notes = empty_warnings(diversity, ubiquity, inputs.threshold, None, inputs.industry_codes)
        out.notes += [f"{levels.names[level]}: {w}" for w in notes]
    for level in range(len(levels.names)):
        if not _own_level(levels, level):  # borrows the main level's phi
            out.slots[level], out.regions[level] = out.slots[levels.main], out.regions[levels.main]
        n = int(out.regions[level])
        out.reliability[level] = proximity_reliability(n)
        if n < MIN_REGIONS_FOR_ESTIMATED_PROXIMITY:
            out.notes.append(_few_regions_note(levels.names[level], n))
    out.proximity = np.stack(phis)


def _few_regions_note(level: str, n: int) -> str:
    return (
        f"level {level!r}: proximity phi is estimated from {n} region(s), fewer than "
        f"{MIN_REGIONS_FOR_ESTIMATED_PROXIMITY}; co-location over so few regions cannot tell "
        "related from unrelated industries. Load a reference industry space "
        "(industry_relatedness.csv; manage.py build_relatedness). Until then phi-based "
        f"evidence counts x{proximity_reliability(n):.2f} in confidence."
    )


def _density_parts(
    mcp: FloatArray, known: BoolArray, prox: FloatArray, slots: IntArray, levels: _Levels
) -> tuple[FloatArray, FloatArray, FloatArray, tuple[FloatArray, ...]]:
    """Density, its coverage, its score and the per-level reference distributions."""
    if len(levels.rows) == 1:  # one level: the whole matrices, no copies
        dens, cov = known_density(mcp, known, prox[slots[0]])
        reference, score = scored_against_themselves(dens)
        return dens, cov, score, (reference,)
    dens, cov, score = (np.full(mcp.shape, np.nan) for _ in range(3))
    references = []
    for level, rows in enumerate(levels.rows):
        dens[rows], cov[rows] = known_density(mcp[rows], known[rows], prox[slots[level]])
        reference, score[rows] = scored_against_themselves(dens[rows])
        references.append(reference)
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
    customer_weight: FloatArray | None
    reference_proximity: FloatArray | None
    reference_size: FloatArray | None
    region_levels: tuple[str, ...]
    threshold: float
    level_names: tuple[str, ...]
    region_level: IntArray
    level_proximity: IntArray
    proximity: FloatArray
    proximity_regions: IntArray
    proximity_reliability: FloatArray
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
        """True when `inputs` has the same sizes, firm counts, links, reference data, levels and
        threshold."""
        return (
            self.threshold == inputs.threshold
            and self.region_levels == tuple(inputs.region_levels)
            and np.array_equal(self.size, inputs.size, equal_nan=True)
            and _same_optional(self.firms, inputs.firms)
            and np.array_equal(self.link_weight, inputs.link_weight)
            and _same_optional(self.reference_proximity, inputs.reference_proximity)
            and _same_optional(self.customer_weight, inputs.customer_weight)
            and _same_optional(self.reference_size, inputs.reference_size)
        )


def _same_optional(a: FloatArray | None, b: FloatArray | None) -> bool:
    return (a is None and b is None) or (
        a is not None and b is not None and np.array_equal(a, b, equal_nan=True)
    )


def build_measures(inputs: WorldInputs) -> Measures:
    """Relatedness, density and chain cells: the expensive, shared part of the World."""
    _check_inputs(inputs)
    known = ~np.isnan(inputs.size)
    return _build_measures(
        inputs, known, np.where(known, inputs.size, 0.0), _levels(inputs.region_levels)
    )


def _build_measures(
    inputs: WorldInputs, known: BoolArray, sizes: FloatArray, levels: _Levels
) -> Measures:
    spec = _specialisation(sizes, levels, inputs)
    presence = np.minimum(spec.rca, 1.0)
    s, c = link_shares(inputs.link_weight, inputs.customer_weight)
    # The chain cells and the typical plants do not depend on density: built beside it.
    chain = started(partial(chain_cells, presence, known, s, c))
    typical_of = started(
        partial(typical_plant, inputs.size, inputs.firms, spec.mcp, levels.rows[levels.main])
    )
    dens, cov, dscore, references = _density_parts(
        spec.mcp, known, spec.proximity, spec.slots, levels
    )
    typical = typical_of()
    return Measures(
        size=inputs.size,
        link_weight=inputs.link_weight,
        firms=inputs.firms,
        customer_weight=inputs.customer_weight,
        reference_proximity=inputs.reference_proximity,
        reference_size=inputs.reference_size,
        region_levels=tuple(inputs.region_levels),
        threshold=inputs.threshold,
        level_names=levels.names,
        region_level=levels.region_level,
        level_proximity=spec.slots,
        proximity=spec.proximity,
        proximity_regions=spec.regions,
        proximity_reliability=spec.reliability,
        known=known,
        rca=spec.rca,
        mcp=spec.mcp,
        presence=presence,
        density=dens,
        density_coverage=cov,
        density_score=dscore,
        density_reference=references,
        supplier_share=s,
        customer_share=c,
        chain=chain(),
        pull=pull_cells(presence, known, dscore, s, typical),
        warnings=tuple(spec.notes),
    )


def build_world(
    inputs: WorldInputs, measures: Measures | None = None, previous: World | None = None
) -> World:
    """Precompute every region-level measure once per data version.

    Complexity (RCA, presence, phi) is computed per region level, since a province and its
    cities are not comparable units. Unknown size cells enter complexity as 0 (as its interface
    requires) but are excluded from density, chain shares and cluster employment, and lower
    the confidence of every score that leans on them. `measures` from an earlier build is
    reused when it fits these inputs (same sizes, links and levels); otherwise it is rebuilt.
    `previous`, a World built on those same measures, lends its cluster tables: only the
    regions whose cluster members changed are recomputed (an edit of one region's clusters or
    endowments then costs a fraction of a full build, with identical results).
    """
    _check_inputs(inputs)
    cluster_region = np.asarray(inputs.cluster_region, dtype=np.int64)
    members = np.asarray(inputs.cluster_members, dtype=np.float64)
    reference_share = _reference_share_or_nan(inputs.reference_size)
    if measures is not None and measures.fits(inputs):
        m = measures
        sizes = np.where(m.known, inputs.size, 0.0)
        clusters = _clusters(
            # One computation for the full build and the partial rebuild (update_cluster_tables
            # runs it on the changed regions' clusters), so both compare with the same reference.
            partial(
                cluster_tables,
                sizes,
                m.known,
                m.region_level,
                _per_level_phi(m),
                reference_share=reference_share,
            ),
            cluster_region,
            members,
            m,
            previous,
        )
    else:
        # Nothing to reuse (`previous` cannot stand on measures built now): the clusters'
        # per-cluster tables need only sizes and levels, so they are built beside the measures
        # (on a second core), and each region's best cluster once phi is known. The same
        # numbers as cluster_tables (it is these two steps).
        known = ~np.isnan(inputs.size)
        sizes = np.where(known, inputs.size, 0.0)
        levels = _levels(inputs.region_levels)
        strength = started(
            partial(
                cluster_strength,
                sizes,
                known,
                levels.region_level,
                cluster_region,
                members,
                reference_share,
            )
        )
        m = _build_measures(inputs, known, sizes, levels)
        clusters = with_best_clusters(strength(), m.region_level, _per_level_phi(m), cluster_region)
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
        clusters=clusters,
        region_has_clusters=np.isin(np.arange(len(inputs.region_codes)), inputs.cluster_region),
        proximity_regions=m.proximity_regions,
        proximity_reliability=m.proximity_reliability,
        warnings=m.warnings,
        measures=m,
    )


def _per_level_phi(m: Measures) -> list[FloatArray]:
    """The phi matrix each region level uses, by level."""
    return [m.proximity[m.level_proximity[level]] for level in range(len(m.level_names))]


def _clusters(
    compute: Callable[[IntArray, FloatArray], ClusterTables],
    cluster_region: IntArray,
    members: FloatArray,
    measures: Measures,
    previous: World | None,
) -> ClusterTables:
    """Cluster tables, recomputing only the regions whose clusters changed since `previous`
    (all of them when previous stood on other measures or another list of clusters)."""
    old = previous.inputs if previous is not None else None
    if (
        previous is None
        or old is None
        or previous.measures is not measures
        or not np.array_equal(old.cluster_region, cluster_region)
        or np.shape(old.cluster_members) != members.shape
    ):
        return compute(cluster_region, members)
    changed = np.flatnonzero(np.any(old.cluster_members != members, axis=1))
    if changed.size == 0:
        return previous.clusters
    regions = np.unique(cluster_region[changed])
    return update_cluster_tables(previous.clusters, compute, cluster_region, members, regions)


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
