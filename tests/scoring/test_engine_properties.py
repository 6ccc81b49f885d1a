"""The scoring properties the issue asks for, each pinned by a test (no database).

(1) chain completion: missing link > region with the industry strong, > region with no chain
    (test_chain.py::test_it_scores_the_missing_link_above_the_strong_region_and_the_empty_one);
(2) adding related industries never lowers local fit (held-reference framing; see below);
(3) a region meeting the lead's needs beats an otherwise identical one that does not;
(4) a larger lead strengthens a cluster at least as much
    (test_cluster.py::test_a_larger_lead_strengthens_the_cluster_at_least_as_much);
(5) a lead's scores never depend on which other leads exist;
(6) two regions with identical data give identical scores.

(5) and (6) are bit-identical by construction, not to a tolerance: a lead's numbers are
gathers and elementwise operations on the World, and the World's matrix products sum values on
dyadic grids, which is exact in any order (screening/scoring/exact.py). So neither the BLAS
kernel, its thread count nor a region's position can move a bit; the permutation tests below
change the summation order that BLAS sees and demand identical cells.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from screening.scoring.engine import NEUTRAL_PULL, LeadBatch, build_world, lead_parts, score_leads
from screening.scoring.pull import typical_plant
from screening.scoring.weights import PRESETS, SubScoreWeights
from screening.scoring.world import with_industry_present
from tests.scoring.engine_worlds import make_world, random_inputs, random_leads, score
from tests.scoring.test_engine import WORKED_X

BALANCED = PRESETS["balanced"]


def _all_leads_in(world, region: int, needs: int) -> LeadBatch:
    n_i = world.n_industries
    return LeadBatch(
        region=np.full(n_i, region, dtype=np.int64),
        industry=np.arange(n_i, dtype=np.int64),
        jobs=np.full(n_i, 100.0),
        capex=np.full(n_i, np.nan),
        land_ha=np.full(n_i, 10.0),
        needs=np.full(n_i, needs, dtype=np.uint64),
        inputs_indptr=np.zeros(n_i + 1, dtype=np.int64),
        inputs_indices=np.zeros(0, dtype=np.int32),
    )


@pytest.mark.parametrize("seed", range(8))
def test_making_a_related_industry_present_never_lowers_local_fit(seed):
    """Property 2, held-reference framing. Held fixed: proximity phi, link shares, clusters,
    endowments and the normalisation reference (each level's density distribution), i.e. the
    world against which a region is compared. Changed: one region's presence of one industry q
    it lacked (0 -> 1; unknown cells become known). Then the density of every industry in
    that region, its score and so its local fit cannot fall, for every lead industry whose
    density was known before. Random worlds with unknown cells and endowments."""
    world = build_world(random_inputs(seed))
    rng = np.random.default_rng(seed)
    for region in rng.choice(world.n_regions, size=4, replace=False):
        batch = _all_leads_in(world, int(region), needs=int(rng.integers(0, 16)))
        before = lead_parts(world, batch).local
        for q in np.flatnonzero(world.mcp[region] == 0):
            after = lead_parts(with_industry_present(world, int(region), int(q)), batch).local
            defined = np.isfinite(world.density[region])
            assert np.all(after[defined] >= before[defined] - 1e-12)
            related = defined & (world.phi_for_region(int(region))[q] > 0)
            related[q] = False
            assert np.all(after[related] > before[related] - 1e-12)


def test_making_a_related_industry_present_raises_upstream_and_downstream_too():
    world = build_world(random_inputs(11))
    region = 2
    for q in np.flatnonzero(world.mcp[region] == 0):
        scenario = with_industry_present(world, region, int(q))
        for side in ("upstream", "downstream"):
            old, new = getattr(world.chain, side)[region], getattr(scenario.chain, side)[region]
            ok = np.isnan(old) | (new >= old - 1e-12)
            assert ok.all()


def test_adding_a_related_industry_raises_local_fit_with_full_recompute_in_this_example():
    """Property 2, full-recompute example (worked reference world). R4 lacks I2; adding 100
    jobs of I2 there and rebuilding everything (RCA, phi, references) raises the local fit of
    every industry related to I2 in R4 or leaves it equal. This is an example, not a
    guarantee: see the next test."""
    before = make_world(WORKED_X)
    size = WORKED_X.copy()
    size[3, 1] += 100
    after = make_world(size)
    related = [p for p in range(8) if p != 1 and before.phi_for_region(3)[1, p] > 0]
    leads = [{"region": "R4", "industry": p} for p in related]
    old, new = score(before, *leads), score(after, *leads)
    assert np.all(new.local_fit >= old.local_fit)
    assert np.any(new.local_fit > old.local_fit)


def test_full_recompute_can_lower_a_related_score_because_phi_and_rca_move():
    """The limit of property 2, stated honestly: adding I4 to R6 and rebuilding changes phi
    (I4 now co-occurs with R6's industries elsewhere in the matrix) and R6's shares, and I2's
    density score in R6 falls. The guarantee is the held-reference one above."""
    before = make_world(WORKED_X)
    size = WORKED_X.copy()
    size[5, 3] += 20
    after = make_world(size)
    assert after.mcp[5, 3] == 1 and before.phi_for_region(5)[3, 1] > 0
    assert after.density_score[5, 1] < before.density_score[5, 1]


def test_a_region_with_the_needed_port_scores_higher_on_local_fit():
    """Property 3: R1 and R7 have identical employment rows and endowments except the port
    (R1 has one, R7 has none). A lead needing a port scores exactly 40 points (the needs
    weight) higher on local fit in R1, and higher in total."""
    size = np.vstack([WORKED_X, WORKED_X[0]])
    endowment = np.ones((7, 2))
    endowment[6, 0] = 0.0
    world = make_world(size, factors=["port", "power"], endowment=endowment)
    lead = {"industry": "I3", "jobs": 50, "needs": ["port", "power"]}
    scores = score(world, {**lead, "region": "R1"}, {**lead, "region": "R7"})
    assert scores.local_fit[0] - scores.local_fit[1] == pytest.approx(100 * 0.4 * 0.5)
    assert scores.total[0] > scores.total[1]


@pytest.mark.parametrize("seed", range(4))
def test_a_leads_scores_do_not_depend_on_the_other_leads(seed):
    """Property 5: scoring a batch, each lead alone, a shuffled batch and the batch with extra
    leads gives bit-identical numbers for every lead."""
    world = build_world(random_inputs(seed))
    batch = random_leads(world, 400, seed=seed + 100)
    together = score_leads(world, batch, BALANCED)
    order = np.random.default_rng(seed).permutation(len(batch))
    shuffled = score_leads(world, batch.take(order), BALANCED)
    extra = random_leads(world, 50, seed=seed + 200)
    columns = ("region", "industry", "jobs", "capex", "land_ha", "needs", "inputs_indices")
    both = LeadBatch(
        **{f: np.concatenate([getattr(batch, f), getattr(extra, f)]) for f in columns},
        inputs_indptr=np.concatenate(
            [batch.inputs_indptr, extra.inputs_indptr[1:] + batch.inputs_indptr[-1]]
        ),
    )
    widened = score_leads(world, both, BALANCED)
    for field in ("local_fit", "chain_completion", "cluster_strength", "total", "confidence"):
        values = getattr(together, field)
        assert np.array_equal(getattr(shuffled, field), values[order])
        assert np.array_equal(getattr(widened, field)[: len(batch)], values)
        for i in range(0, len(batch), 37):
            alone = score_leads(world, batch.take(np.array([i])), BALANCED)
            assert getattr(alone, field)[0] == values[i]


@pytest.mark.parametrize("seed", range(4))
def test_two_regions_with_identical_data_give_identical_scores(seed):
    """Property 6: a copy of region 0 (same employment row, endowments and clusters) is
    appended as a new region; every lead profile scores identically in both."""
    inputs = random_inputs(seed)
    n_k = len(inputs.cluster_codes)
    copies = np.flatnonzero(inputs.cluster_region == 0)
    new_codes = [f"{inputs.cluster_codes[k]}_copy" for k in copies]
    twin = replace(
        inputs,
        region_codes=[*inputs.region_codes, "TWIN"],
        region_levels=[*inputs.region_levels, inputs.region_levels[0]],
        region_parent=np.append(inputs.region_parent, -1),
        size=np.vstack([inputs.size, inputs.size[0]]),
        endowment=np.vstack([inputs.endowment, inputs.endowment[0]]),
        cluster_region=np.concatenate(
            [inputs.cluster_region, np.full(copies.size, len(inputs.region_codes))]
        ),
        cluster_codes=[*inputs.cluster_codes, *new_codes],
        cluster_names={**inputs.cluster_names, **{c: (c, c) for c in new_codes}},
        cluster_members=np.vstack([inputs.cluster_members, inputs.cluster_members[copies]]),
    )
    assert len(twin.cluster_codes) == n_k + copies.size
    world = build_world(twin)
    assert np.array_equal(world.density[0], world.density[-1], equal_nan=True)
    leads = random_leads(world, 300, seed=seed)
    here = score_leads(world, leads.take(np.arange(300)), BALANCED)
    at_zero = score_leads(world, _placed(leads, 0), BALANCED)
    at_twin = score_leads(world, _placed(leads, world.n_regions - 1), BALANCED)
    assert np.isfinite(here.total).all()
    for field in ("local_fit", "chain_completion", "cluster_strength", "total", "confidence"):
        assert np.array_equal(getattr(at_zero, field), getattr(at_twin, field))


def _placed(batch: LeadBatch, region: int) -> LeadBatch:
    return replace(batch, region=np.full(len(batch), region, dtype=np.int64))


def _permuted(inputs, region_order: np.ndarray, industry_order: np.ndarray):
    """The same world with regions and industries listed in another order."""
    new_position = np.argsort(region_order)
    return replace(
        inputs,
        region_codes=[inputs.region_codes[r] for r in region_order],
        region_levels=[inputs.region_levels[r] for r in region_order],
        region_parent=inputs.region_parent[region_order],
        industry_codes=[inputs.industry_codes[i] for i in industry_order],
        size=inputs.size[np.ix_(region_order, industry_order)],
        link_weight=inputs.link_weight[np.ix_(industry_order, industry_order)],
        endowment=inputs.endowment[region_order],
        cluster_region=new_position[inputs.cluster_region],
        cluster_members=inputs.cluster_members[:, industry_order],
        firms=None if inputs.firms is None else inputs.firms[np.ix_(region_order, industry_order)],
    )


def _with_firms(inputs, seed: int):
    """Firm counts for most cells (some unknown), none at all for a few industries, so that
    the typical plant comes from firm counts for some industries and from the employment
    fallback for others."""
    rng = np.random.default_rng(seed + 50)
    size = inputs.size
    plants = np.ceil(np.nan_to_num(size) / rng.uniform(5.0, 60.0, size.shape))
    firms = np.where(np.isfinite(size), plants, np.nan)
    firms[rng.random(size.shape) < 0.1] = np.nan
    firms[:, rng.choice(size.shape[1], size=size.shape[1] // 6, replace=False)] = np.nan
    return replace(inputs, firms=firms)


def _renumbered(batch: LeadBatch, region_order: np.ndarray, industry_order: np.ndarray):
    """The same leads with region and industry indices of the permuted world."""
    regions, industries = np.argsort(region_order), np.argsort(industry_order)
    return replace(
        batch,
        region=regions[batch.region],
        industry=industries[batch.industry],
        inputs_indices=industries[batch.inputs_indices].astype(np.int32),
    )


@pytest.mark.parametrize("seed", range(3))
def test_the_world_does_not_depend_on_the_order_of_regions_or_industries(seed):
    """Listing regions and industries in another order changes the order (and tiling) in
    which BLAS sums every matrix product. The World's cells must come out bit-identical,
    which is what makes scores independent of the BLAS kernel and of a region's position:
    anchor pull's cells and typical plants too, and so every lead's scores."""
    inputs = _with_firms(random_inputs(seed, n_regions=97, n_industries=71), seed)
    rng = np.random.default_rng(seed)
    region_order, industry_order = rng.permutation(97), rng.permutation(71)
    world = build_world(inputs)
    other = build_world(_permuted(inputs, region_order, industry_order))
    cells = np.ix_(region_order, industry_order)
    for name in ("density", "density_coverage", "density_score", "presence"):
        assert np.array_equal(getattr(world, name)[cells], getattr(other, name), equal_nan=True)
    for name in ("upstream", "downstream", "side_sum", "coverage_sum"):
        mine, theirs = getattr(world.chain, name)[cells], getattr(other.chain, name)
        assert np.array_equal(mine, theirs, equal_nan=True), name
    for name in ("employment", "lq", "strength", "coverage"):
        assert np.array_equal(
            getattr(world.clusters, name), getattr(other.clusters, name), equal_nan=True
        ), name
    assert np.array_equal(world.clusters.base[cells], other.clusters.base, equal_nan=True)
    for name in ("usable", "term", "open_related", "known_weight"):
        mine, theirs = getattr(world.pull, name)[cells], getattr(other.pull, name)
        assert np.array_equal(mine, theirs, equal_nan=True), name
    assert np.array_equal(world.pull.mapped[industry_order], other.pull.mapped)
    for name in ("jobs", "confidence"):
        mine, theirs = (
            getattr(world.pull.typical, name)[industry_order],
            getattr(other.pull.typical, name),
        )
        assert np.array_equal(mine, theirs, equal_nan=True), name
    # And so the leads' scores, anchor pull included (named inputs summed per lead too).
    batch = random_leads(world, 500, seed=seed + 300)
    here = score_leads(world, batch, BALANCED)
    there = score_leads(other, _renumbered(batch, region_order, industry_order), BALANCED)
    assert np.isfinite(here.pull).all() and ((here.neutral & NEUTRAL_PULL) == 0).any()
    for name in (
        "local_fit",
        "chain_completion",
        "strengthen",
        "pull",
        "cluster_strength",
        "total",
        "confidence",
        "part_confidence",
    ):
        assert np.array_equal(getattr(here, name), getattr(there, name)), name


@pytest.mark.parametrize("seed", range(3))
def test_the_typical_plant_does_not_depend_on_the_order_of_regions(seed):
    """Anchor pull's typical plant sums employment and firm counts over all regions. With
    employment in thousands of jobs (not integers) those sums are exact only on their grid:
    listing the regions in another order must give bit-identical typical plants."""
    inputs = _with_firms(random_inputs(seed, n_regions=97, n_industries=71), seed)
    size, firms = inputs.size / 1000.0, inputs.firms
    world = build_world(inputs)
    main = np.flatnonzero(np.array(inputs.region_levels) == inputs.region_levels[0])
    order = np.random.default_rng(seed).permutation(97)
    here = typical_plant(size, firms, world.mcp, main)
    there = typical_plant(size[order], firms[order], world.mcp[order], np.argsort(order)[main])
    assert np.isfinite(here.jobs).sum() > 60
    assert np.array_equal(here.jobs, there.jobs, equal_nan=True)
    assert np.array_equal(here.confidence, there.confidence)


def test_profile_weights_per_lead_give_the_same_numbers_as_one_profile_at_a_time():
    """compute_rows scores each lead under its own profile (an (n, 3) weight array): total and
    confidence must equal scoring that lead with its profile as SubScoreWeights, bit for bit,
    and confidence must follow the profile (it differs from the balanced preset's)."""
    world = build_world(random_inputs(5))
    batch = random_leads(world, 200, seed=5)
    rng = np.random.default_rng(5)
    rows = rng.dirichlet(np.ones(3), size=len(batch))
    mixed = score_leads(world, batch, rows)
    for i in range(0, len(batch), 13):
        alone = score_leads(world, batch.take(np.array([i])), SubScoreWeights(*rows[i]))
        assert alone.total[0] == mixed.total[i]
        assert alone.confidence[0] == mixed.confidence[i]
    balanced = score_leads(world, batch, BALANCED)
    assert not np.array_equal(balanced.confidence, mixed.confidence)
