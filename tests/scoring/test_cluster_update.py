"""Rebuilding a World after one region's cluster edit reuses the other regions' cluster
tables (build_world's `previous`), and gives exactly what a full build gives."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pytest

from screening.scoring.cluster import ClusterTables, cluster_tables, update_cluster_tables
from screening.scoring.engine import build_world, score_leads
from screening.scoring.exact import PHI_BITS, on_grid
from screening.scoring.world import World
from tests.scoring.engine_worlds import EQUAL, random_inputs, random_leads


def assert_same_tables(a: ClusterTables, b: ClusterTables) -> None:
    for field in dataclasses.fields(ClusterTables):
        left, right = getattr(a, field.name), getattr(b, field.name)
        assert np.array_equal(left, right, equal_nan=True), field.name


def edited(world: World, seed: int) -> np.ndarray:
    """The members of one region's clusters changed (a member added, one's role flipped)."""
    rng = np.random.default_rng(seed)
    members = world.inputs.cluster_members.copy()
    region = int(rng.choice(np.unique(world.inputs.cluster_region)))
    for k in np.flatnonzero(world.inputs.cluster_region == region):
        members[k, int(rng.integers(0, members.shape[1]))] = float(rng.choice([1.0, 0.5]))
        present = np.flatnonzero(members[k])
        members[k, present[0]] = 1.5 - members[k, present[0]]  # core <-> support
    return members


@pytest.mark.parametrize("seed", range(12))
def test_a_partial_rebuild_equals_a_full_one(seed: int) -> None:
    inputs = random_inputs(seed, n_regions=14, n_industries=18)
    if not len(inputs.cluster_codes):
        pytest.skip("no clusters drawn")
    before = build_world(inputs)
    changed = dataclasses.replace(inputs, cluster_members=edited(before, seed))
    full = build_world(changed, measures=before.measures)
    partial = build_world(changed, measures=before.measures, previous=before)
    assert_same_tables(partial.clusters, full.clusters)
    leads = random_leads(full, 300, seed)
    a, b = score_leads(full, leads, EQUAL), score_leads(partial, leads, EQUAL)
    assert np.array_equal(a.total, b.total) and np.array_equal(a.confidence, b.confidence)


@pytest.mark.parametrize("seed", range(8))
def test_a_partial_rebuild_against_a_reference_economy_equals_a_full_one(seed: int) -> None:
    """With national industry sizes (some missing), cluster LQ compares with the nation's
    share of each cluster: the partial rebuild must use that same reference (the one
    computation build_world hands both paths), firm counts and anchor pull included."""
    plain = random_inputs(seed, n_regions=14, n_industries=18)
    if not len(plain.cluster_codes):
        pytest.skip("no clusters drawn")
    rng = np.random.default_rng(100 + seed)
    n_industries = plain.size.shape[1]
    national = np.where(  # some industries without a national size
        rng.random(n_industries) < 0.2, np.nan, rng.uniform(1e3, 1e6, n_industries)
    )
    counted = rng.random(plain.size.shape) < 0.8
    firms = np.where(counted, rng.integers(1, 60, plain.size.shape).astype(float), np.nan)
    inputs = dataclasses.replace(plain, reference_size=national, firms=firms)
    before = build_world(inputs)
    no_reference = build_world(dataclasses.replace(inputs, reference_size=None))
    assert not np.array_equal(before.clusters.lq, no_reference.clusters.lq, equal_nan=True)
    changed = dataclasses.replace(inputs, cluster_members=edited(before, seed))
    full = build_world(changed, measures=before.measures)
    partial = build_world(changed, measures=before.measures, previous=before)
    assert_same_tables(partial.clusters, full.clusters)
    leads = random_leads(full, 300, seed)
    mixed = dataclasses.replace(EQUAL, pull_share=0.4)
    a, b = score_leads(full, leads, mixed), score_leads(partial, leads, mixed)
    for name in ("strengthen", "pull", "cluster_strength", "total", "confidence"):
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name


@pytest.mark.parametrize("seed", range(4))
def test_a_clusters_national_share_does_not_depend_on_the_clusters_beside_it(seed: int) -> None:
    """Against a reference economy, a cluster's LQ divides by its member-weighted national
    share; that product must be the same bit for bit whether one region's clusters or all are
    computed (a matrix product's order, and so its last bit, depends on the block's shape
    unless the shares are on a dyadic grid). Big enough for BLAS to block the product."""
    rng = np.random.default_rng(seed)
    n_regions, n_industries, n_clusters = 24, 301, 60
    sizes = np.where(
        rng.random((n_regions, n_industries)) < 0.5,
        rng.integers(0, 5000, (n_regions, n_industries)).astype(float),
        0.0,
    )
    cluster_region = rng.integers(0, n_regions, n_clusters).astype(np.int64)
    members = np.where(
        rng.random((n_clusters, n_industries)) < 0.1,
        rng.choice([0.5, 1.0], (n_clusters, n_industries)),
        0.0,
    )
    national = np.where(rng.random(n_industries) < 0.2, np.nan, rng.random(n_industries))
    compute = functools.partial(
        cluster_tables,
        sizes,
        np.ones(sizes.shape, dtype=bool),
        np.zeros(n_regions, dtype=np.int64),
        [on_grid(rng.random((n_industries, n_industries)), PHI_BITS)],  # as the World's phi
        reference_share=national / np.nansum(national),
    )
    full = compute(cluster_region, members)
    for region in np.unique(cluster_region)[:6]:
        one = update_cluster_tables(full, compute, cluster_region, members, np.array([region]))
        assert_same_tables(one, full)


def test_an_endowment_edit_keeps_the_cluster_tables() -> None:
    inputs = random_inputs(3)
    before = build_world(inputs)
    endowment = inputs.endowment.copy()
    endowment[0] = 1.0
    after = build_world(
        dataclasses.replace(inputs, endowment=endowment), measures=before.measures, previous=before
    )
    assert after.clusters is before.clusters
    assert not np.array_equal(after.endowment.available, before.endowment.available)


def test_other_measures_or_other_clusters_mean_a_full_build() -> None:
    inputs = random_inputs(5)
    before = build_world(inputs)
    sizes = inputs.size.copy()
    sizes[0, 0] = (0 if np.isnan(sizes[0, 0]) else sizes[0, 0]) + 100
    moved = dataclasses.replace(inputs, size=sizes)
    rebuilt = build_world(moved, measures=before.measures, previous=before)
    assert_same_tables(rebuilt.clusters, build_world(moved).clusters)
    fewer = dataclasses.replace(
        inputs,
        cluster_region=inputs.cluster_region[1:],
        cluster_codes=inputs.cluster_codes[1:],
        cluster_members=inputs.cluster_members[1:],
    )
    shrunk = build_world(fewer, measures=before.measures, previous=before)
    assert_same_tables(shrunk.clusters, build_world(fewer).clusters)
