"""What one shortlist request computes once and reuses (issue 17): the copy's totals under the
request's weights (ranking, then the rows' standings), and the per-area counts of a million
leads without selecting the leads of no area out first. Each compared with a fresh
computation, or with the code it replaced."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from screening.scoring import weighted_totals
from screening.selectors import standing
from shortlists import ranking


def area_counts_before(
    bins: np.ndarray, region_pos: np.ndarray, region_codes: np.ndarray, areas: dict
) -> dict[int, np.ndarray]:
    """area_counts as it was (boolean selection of the leads of some area)."""
    wanted = np.unique(np.fromiter((r for ids in areas.values() for r in ids), dtype=np.int64))
    found = np.searchsorted(wanted, region_codes).clip(0, max(wanted.size - 1, 0))
    is_wanted = wanted[found] == region_codes if wanted.size else np.zeros(0, dtype=bool)
    slot_of_code = np.where(is_wanted, found, -1)
    slot = slot_of_code[region_pos] if region_codes.size else np.zeros(0, dtype=np.int64)
    keep = slot >= 0
    bins_ = standing.BINS
    flat = np.bincount(slot[keep] * bins_ + bins[keep], minlength=wanted.size * bins_)
    per_region = flat.reshape(wanted.size, bins_)
    return {
        area: per_region[np.searchsorted(wanted, np.asarray(ids, dtype=np.int64))].sum(axis=0)
        for area, ids in areas.items()
    }


@pytest.mark.parametrize("seed", range(10))
def test_area_counts_are_those_of_the_selection(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_codes = int(rng.integers(1, 60))
    codes = np.sort(rng.choice(1000, n_codes, replace=False)).astype(np.int64)
    n = int(rng.integers(0, 5000))
    positions = rng.integers(0, n_codes, n).astype(np.int32)
    bins = standing.bins_of(rng.uniform(0, 100, n))
    # Areas over some of the codes, and ids no lead has (regions without leads).
    areas = {
        int(a): sorted({int(c) for c in rng.choice(codes, rng.integers(1, n_codes + 1))} | {5000})
        for a in rng.choice(codes, min(n_codes, int(rng.integers(1, 4))), replace=False)
    }
    got = standing.area_counts(bins, positions, codes, areas)
    expected = area_counts_before(bins, positions, codes, areas)
    assert got.keys() == expected.keys()
    for area in got:
        assert np.array_equal(got[area], expected[area])


def _table(n: int, seed: int) -> ranking.ScoreTable:
    rng = np.random.default_rng(seed)
    parts = [np.round(rng.uniform(0, 100, n), 2) for _ in range(4)]
    return ranking.ScoreTable(
        version=(1, n),
        lead_id=np.arange(1, n + 1, dtype=np.int64),
        local_fit=parts[0],
        chain_completion=parts[1],
        strengthen=parts[2],
        pull=parts[3],
        region_codes=np.array([7], dtype=np.int64),
        region_pos=np.zeros(n, dtype=np.int32),
        industry_codes=np.array([3], dtype=np.int64),
        industry_pos=np.zeros(n, dtype=np.int32),
    )


def _fresh(table: ranking.ScoreTable, w: ranking.Weights, m: float) -> np.ndarray:
    return weighted_totals(table.local_fit, table.chain_completion, table.strengthen, table.pull,
                           w, m)  # fmt: skip


def test_totals_are_computed_once_per_weights_and_are_the_fresh_ones() -> None:
    table = _table(1000, 1)
    w, other = (0.5, 0.3, 0.2), (0.2, 0.3, 0.5)
    first = table.totals(w, 0.4)
    assert table.totals(w, 0.4) is first  # the ranking's totals, again for the standings
    assert np.array_equal(first, _fresh(table, w, 0.4))
    assert not first.flags.writeable  # shared: nobody may write to them
    assert np.array_equal(table.totals(other, 0.4), _fresh(table, other, 0.4))
    assert np.array_equal(table.totals(w, 0.6), _fresh(table, w, 0.6))
    assert np.array_equal(table.totals(w, 0.4), first)


def test_a_new_copy_does_not_inherit_the_old_ones_totals() -> None:
    table = _table(500, 2)
    w = (0.4, 0.3, 0.3)
    old = table.totals(w, 0.5)
    newer = dataclasses.replace(table, local_fit=table.local_fit + 1.0)
    assert np.array_equal(newer.totals(w, 0.5), _fresh(newer, w, 0.5))
    assert not np.array_equal(newer.totals(w, 0.5), old)
