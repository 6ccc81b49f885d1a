"""The best firms of the directory for every region at once (bench, batch exports).

The same ranking as screening.selectors.prospects.rank_firms, without filters, for thousands
of regions: only the firms that can place are scored (see best_firms_everywhere).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from screening.scoring import ScoreArrays, World
from screening.selectors.prospects import RegionProfile, best_first, score_firms, take_scores


def best_firms_everywhere(
    world: World,
    industries: np.ndarray,
    employees: np.ndarray,
    firm_ids: np.ndarray,
    profiles: Sequence[RegionProfile],
    limit: int,
    on_region: Callable[[int, np.ndarray, ScoreArrays], None],
) -> None:
    """For every World region r, call on_region(r, rows, scores) with its `limit` best firms.

    The same ranking as rank_firms, without filters (industries are World positions, >= 0;
    `profiles` one per World region, its profile in force), made affordable for thousands of
    regions by a property of the engine: in one region, the scores of the firms of one
    industry depend on their employees only and do not fall as employees grow, and every firm
    of unknown size scores the same. Employees enter only through the two size effects of
    cluster strengthening, both increasing in jobs: strengthening an existing cluster (more
    jobs never weaken a cluster) and anchor pull (a larger plant against the industry's
    typical plant pulls more); the total mixes them with non-negative weights. Hence:

    - a region's best `limit` firms are among each industry's `limit` largest firms and its
      first `limit` firms of unknown size (the candidates);
    - an industry's best candidate (its largest firm, or one of unknown size) bounds all of
      its firms, and the `limit`-th best of these leaders is a real firm's total, so an
      industry whose leaders fall below it cannot place a firm: only the other industries'
      candidates are scored.

    tests/prospects checks the result against scoring every firm.
    """
    candidates = _largest_per_industry(industries, employees, firm_ids, limit)
    ind, emp, ids = industries[candidates], employees[candidates], firm_ids[candidates]
    leaders = _industry_leaders(ind, emp)
    n_industries = world.n_industries
    for region in range(world.n_regions):
        led = score_firms(world, region, ind[leaders], emp[leaders], profiles[region]).total
        bar = np.partition(led, led.size - limit)[led.size - limit] if led.size > limit else -1.0
        alive = np.zeros(n_industries, dtype=bool)
        alive[ind[leaders[led >= bar]]] = True
        rows = np.flatnonzero(alive[ind])
        scores = score_firms(world, region, ind[rows], emp[rows], profiles[region])
        best = best_first(scores.total, emp[rows], ids[rows], limit)
        on_region(region, candidates[rows[best]], take_scores(scores, best))


def _industry_leaders(industries: np.ndarray, employees: np.ndarray) -> np.ndarray:
    """Rows of each industry's first firm of known size and first of unknown size, given rows
    grouped by industry, largest first (as _largest_per_industry returns them, re-sorted)."""
    unknown = np.isnan(employees)
    key = industries * 2 + unknown  # one group per (industry, size known or not)
    return np.unique(key, return_index=True)[1].astype(np.int64)


def _largest_per_industry(
    industries: np.ndarray, employees: np.ndarray, firm_ids: np.ndarray, limit: int
) -> np.ndarray:
    """Rows of each industry's `limit` largest firms and its `limit` first of unknown size,
    ordered by industry, largest first (industries are World positions, >= 0)."""
    unknown_last = np.nan_to_num(employees, nan=-1.0)  # employees are >= 0 where known
    order = np.lexsort((firm_ids, -unknown_last, industries))  # by industry, largest first
    industry = industries[order]
    unknown = np.isnan(employees[order])
    per_industry = np.bincount(industry)
    starts = np.cumsum(per_industry) - per_industry
    rank = np.arange(order.size) - starts[industry]  # 0 = largest firm of its industry
    known = np.bincount(industry, weights=~unknown, minlength=per_industry.size).astype(np.int64)
    keep = np.where(unknown, rank - known[industry] < limit, rank < limit)
    return order[keep]
