"""Rebuilding a World after one region's cluster edit reuses the other regions' cluster
tables (build_world's `previous`), and gives exactly what a full build gives."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from screening.scoring.cluster import ClusterTables
from screening.scoring.engine import build_world, score_leads
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
