"""The vectorised World builders (issue 17) give the old builders' results bit for bit.

tests/scoring/reference_build.py keeps the builders as they were; every array of a World built
both ways must be identical (NaN where NaN), on random worlds of every shape the product meets:
several region levels (one too small for its own RCA reference), unknown cells, fractional and
huge level totals (sums that are no longer exact), firm counts, a reference economy and a reference
industry space, regions with many clusters split across blocks.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from screening.scoring import cluster as cluster_module
from screening.scoring.engine import World, WorldInputs, build_world, score_leads
from screening.scoring.exact import PHI_BITS, exact_products, on_grid, take_rows
from screening.scoring.local_fit import known_density, scored_against_themselves
from screening.scoring.pull import _median_specialised
from tests.scoring import reference_build as old
from tests.scoring.engine_worlds import EQUAL, random_leads


def random_world(seed: int) -> WorldInputs:
    """A random world; the seed also picks which optional inputs it has."""
    rng = np.random.default_rng(seed)
    n_i = int(rng.integers(5, 40))
    levels = ["province"] * int(rng.integers(0, 3)) + ["city"] * int(rng.integers(6, 40))
    levels += ["zone"] * int(rng.integers(0, 8))
    n_r = len(levels)
    size = rng.lognormal(3, 1.5, (n_r, n_i))
    if seed % 3 == 0:
        size = np.round(size)
    if seed % 4 == 1:
        # Each region below 2**32 jobs (the budget of screening.scoring.exact) but the level
        # above 2**33: a cluster's level total is no longer an exact sum, its order matters.
        size = np.round(size * 4.2e9 / size.sum(axis=1).max(), 3)
    size[rng.random(size.shape) < 0.35] = 0.0
    size[rng.random(size.shape) < rng.choice([0.0, 0.05, 0.2])] = np.nan
    links = np.where(
        rng.random((n_i, n_i)) < rng.choice([0.05, 0.3]), rng.lognormal(0, 1, (n_i, n_i)), 0.0
    )
    np.fill_diagonal(links, 0.0)
    factors = ["port", "industrial_land_ha", "power_price"]
    endowment = rng.lognormal(2, 1, (n_r, 3)) * (rng.random((n_r, 3)) < 0.7)
    per_region = rng.integers(0, 6, n_r)
    cluster_region = np.repeat(np.arange(n_r), per_region).astype(np.int64)
    members = np.zeros((cluster_region.size, n_i))
    for k in range(cluster_region.size):
        most = n_i if seed % 4 == 1 else 8  # large clusters: large sums
        picked = rng.choice(n_i, size=min(n_i, int(rng.integers(1, most))), replace=False)
        members[k, picked] = rng.choice([1.0, 0.5, 0.3], picked.size)
    reference_phi = None
    if seed % 5 == 2:
        phi = rng.random((n_i, n_i)) * (rng.random((n_i, n_i)) < 0.5)
        reference_phi = np.round(np.triu(phi) + np.triu(phi, 1).T, 6)
    reference_size = None
    if seed % 4 == 3:
        reference_size = rng.lognormal(8, 1, n_i)
        reference_size[rng.random(n_i) < 0.2] = np.nan
    firms = None
    if seed % 3 == 1:
        firms = np.where(np.isnan(size), np.nan, np.round(rng.lognormal(1, 1, size.shape)))
    customer = None
    if seed % 7 == 3:
        customer = np.where(links > 0, rng.lognormal(0, 1, links.shape), np.nan)
    regions = [f"R{r}" for r in range(n_r)]
    industries = [f"I{i}" for i in range(n_i)]
    clusters = [f"K{k}" for k in range(cluster_region.size)]
    return WorldInputs(
        region_codes=regions,
        region_levels=levels,
        region_parent=np.full(n_r, -1, dtype=np.int64),
        region_names={c: (c, c) for c in regions},
        industry_codes=industries,
        industry_names={c: (c, c) for c in industries},
        size=size,
        link_weight=links,
        factor_names=factors,
        endowment=endowment,
        cluster_region=cluster_region,
        cluster_codes=clusters,
        cluster_names={c: (c, c) for c in clusters},
        cluster_members=members,
        capex_per_job=120.0,
        firms=firms,
        reference_proximity=reference_phi,
        customer_weight=customer,
        reference_size=reference_size,
    )


def assert_identical(new: object, ref: object, where: str = "world") -> None:
    """Every array of two (nested) dataclasses equal bit for bit, NaN where NaN."""
    if dataclasses.is_dataclass(new) and not isinstance(new, type):
        for field in dataclasses.fields(new):
            if field.name in ("inputs", "measures"):
                continue
            assert_identical(
                getattr(new, field.name), getattr(ref, field.name), f"{where}.{field.name}"
            )
    elif isinstance(new, np.ndarray):
        assert isinstance(ref, np.ndarray) and new.dtype == ref.dtype, where
        assert np.array_equal(new, ref, equal_nan=new.dtype.kind == "f"), where
    elif isinstance(new, tuple) and new and isinstance(new[0], np.ndarray):
        assert len(new) == len(ref)  # type: ignore[arg-type]
        for i, (a, b) in enumerate(zip(new, ref, strict=True)):  # type: ignore[call-overload]
            assert_identical(a, b, f"{where}[{i}]")
    else:
        assert new == ref, where


@pytest.mark.parametrize("seed", range(40))
def test_the_fast_build_is_the_old_build_bit_for_bit(seed: int) -> None:
    inputs = random_world(seed)
    new, ref = build_world(inputs), old.reference_world(inputs)
    assert_identical(new, ref)
    leads = random_leads(new, 200, seed)
    a, b = score_leads(new, leads, EQUAL), score_leads(ref, leads, EQUAL)
    assert np.array_equal(a.total, b.total, equal_nan=True)
    assert np.array_equal(a.confidence, b.confidence, equal_nan=True)


@pytest.mark.parametrize("seed", range(8))
def test_blocks_of_any_size_give_the_same_tables(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Clusters split into blocks of a few (a region's clusters across blocks, too)."""
    inputs = random_world(seed)
    ref = old.reference_world(inputs)
    monkeypatch.setattr(cluster_module, "STRENGTH_BLOCK_CELLS", 3 + seed)
    # Employment products over a few clusters and regions at a time, too.
    monkeypatch.setattr(cluster_module, "PRODUCT_BLOCK_CELLS", 5 + 3 * seed)
    monkeypatch.setattr(cluster_module, "CHUNK_COLUMNS", 1 + seed % 4)
    monkeypatch.setattr(cluster_module, "CLUSTER_BLOCK", 2 + seed % 3)
    monkeypatch.setattr(old, "CLUSTER_BLOCK", 2 + seed % 3)
    assert_identical(build_world(inputs).clusters, ref.clusters, "clusters")


@pytest.mark.parametrize("seed", range(0, 40, 3))
def test_one_level_is_built_without_copies_and_the_same(seed: int) -> None:
    """One region level (the national case): RCA, density and its scores come from the whole
    matrices, not per-level copies; the numbers must not change."""
    inputs = random_world(seed)
    inputs = dataclasses.replace(inputs, region_levels=["city"] * len(inputs.region_codes))
    assert_identical(build_world(inputs), old.reference_world(inputs))


@pytest.mark.parametrize("seed", [1, 5, 10])
def test_the_build_leaves_its_inputs_alone_and_repeats_itself(seed: int) -> None:
    """Parts of the build run on threads and work in place: none may write to the inputs (a
    level of one region once had its sizes put on the grid in place by another thread)."""
    inputs = random_world(seed)
    arrays = {f.name: getattr(inputs, f.name) for f in dataclasses.fields(inputs)}
    copies = {k: v.copy() for k, v in arrays.items() if isinstance(v, np.ndarray)}
    first, second = build_world(inputs), build_world(inputs)
    for name, copy in copies.items():
        assert np.array_equal(arrays[name], copy, equal_nan=True), name
    assert_identical(first, second)


@pytest.mark.parametrize("shape", [(1, 7), (1, 3000), (2, 1), (2, 1000), (3, 3000), (17, 5)])
def test_sums_in_order_are_cumsums(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(shape[0] * 10_000 + shape[1])
    rows = np.round(rng.lognormal(10, 3, shape), 3)
    expected = np.cumsum(rows, axis=1)[:, -1]
    assert np.array_equal(cluster_module._sums_in_order(rows), expected)


def test_take_rows_is_a_view_only_for_one_run() -> None:
    matrix = np.arange(20.0).reshape(5, 4)
    run = take_rows(matrix, np.array([1, 2, 3]))
    assert np.shares_memory(run, matrix) and np.array_equal(run, matrix[[1, 2, 3]])
    for rows in ([3, 1], [0, 2], [], [4]):
        picked = take_rows(matrix, np.array(rows, dtype=np.int64))
        assert np.array_equal(picked, matrix[np.array(rows, dtype=np.int64)])


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 8, 13, 100, 2999, 3000])
def test_percentile_rows_is_numpys_percentile(n: int) -> None:
    rng = np.random.default_rng(n)
    rows = np.round(rng.lognormal(0, 2, (40, n)), int(rng.integers(0, 3)))
    rows[rng.random(rows.shape) < 0.3] = 0.0
    for q in (cluster_module.STRONG_LQ_PERCENTILE, cluster_module.STRONG_EMPLOYMENT_PERCENTILE):
        expected = np.percentile(rows, q, axis=1)
        assert np.array_equal(cluster_module._percentile_rows(rows.copy(), q), expected)


def test_scores_against_themselves_equal_the_search() -> None:
    rng = np.random.default_rng(3)
    values = np.round(rng.random((50, 30)), 2)
    values[rng.random(values.shape) < 0.1] = np.nan
    values[0, :3] = [np.inf, -np.inf, 0.0]
    reference, score = scored_against_themselves(values)
    assert np.array_equal(reference, old.sorted_reference(values))
    assert np.array_equal(score, old.share_below(reference, values), equal_nan=True)
    empty_reference, empty_score = scored_against_themselves(np.full((2, 2), np.nan))
    assert empty_reference.size == 0 and np.isnan(empty_score).all()


@pytest.mark.parametrize("on_the_grid", [True, False])
def test_known_density_with_few_unknown_cells(on_the_grid: bool) -> None:
    rng = np.random.default_rng(4)
    phi = rng.random((60, 60))
    phi = on_grid(phi, PHI_BITS) if on_the_grid else phi
    mcp = (rng.random((80, 60)) < 0.3).astype(float)
    known = rng.random((80, 60)) > 0.04
    new, ref = known_density(mcp, known, phi), old.known_density(mcp, known, phi)
    for a, b in zip(new, ref, strict=True):
        assert np.array_equal(a, b, equal_nan=True)


def test_sparse_and_dense_products_agree_on_the_grid() -> None:
    rng = np.random.default_rng(5)
    x = on_grid(rng.random((70, 90)), 20)
    m = on_grid(rng.random((90, 90)) * (rng.random((90, 90)) < 0.03), 30)
    y = on_grid(rng.random((70, 90)), 20)
    assert all(
        np.array_equal(a, b @ m) for a, b in zip(exact_products([x, y], m), [x, y], strict=True)
    )


def test_median_of_specialised_regions_is_nanmedian() -> None:
    rng = np.random.default_rng(6)
    size = np.round(rng.lognormal(3, 1, (41, 25)), 1)
    size[rng.random(size.shape) < 0.2] = np.nan
    mcp = (rng.random(size.shape) < 0.4).astype(float)
    mcp[:, 0] = 0.0  # an industry specialised nowhere
    expected = old._median_specialised(size, mcp)
    assert np.array_equal(_median_specialised(size, mcp), expected, equal_nan=True)


def test_world_type_is_unchanged() -> None:
    assert isinstance(build_world(random_world(1)), World)
