"""Where each shortlist row stands among the scored leads of its region and of its province.

The lead page gives one lead's standing among the stored totals (screening.selectors.standing).
A shortlist ranks under its own (possibly what-if) weights, so its rows stand among the totals
under those weights: computed from the same in-process copy of the sub-scores the ranking uses
(shortlists.ranking.score_table), for all rows at once. Per request this is one weighted sum
over the copy and one bincount over the leads of the rows' regions and provinces (a million
leads: tens of milliseconds), and no query per row; the region tree is one small query.
Comparable leads are all scored leads of the area, whatever their stage or status, as on the
lead page; totals closer than 0.1 point are ties, by the lead page's rule.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from regions.models import Region
from screening.selectors.standing import (
    Standing,
    area_counts,
    bins_of,
    root_of,
    standing_in,
    subtrees,
)
from shortlists.ranking import ScoreTable, Weights, score_table


@dataclass(frozen=True)
class RowStanding(Standing):
    """A row's place among the scored leads of one area under the shortlist's weights (the
    lead page's Standing, with the "top x %" a row has room for)."""

    @property
    def top_percent(self) -> int:
        """The smallest whole 'top x %' the lead is in: rank 3 of 120 is in the top 3 %."""
        return max(1, math.ceil(100 * self.rank / self.scored))


@dataclass(frozen=True)
class StandingQuery:
    lead_id: int
    region_id: int  # the lead's target region
    total: float  # under the shortlist's weights


def row_standings(
    rows: Sequence[StandingQuery],
    weights: Weights,
    pull_share: float,
    table: ScoreTable | None = None,
) -> dict[int, tuple[RowStanding, ...]]:
    """Per lead: its standing in its region, then in its province when that is another
    region (a lead without other scored leads in an area has no standing there).

    `table`: the copy of the scores the rows were ranked from (read again when not given);
    its totals under these weights are computed once for both."""
    if not rows:
        return {}
    parent: dict[int, int | None] = dict(Region.objects.values_list("pk", "parent_id"))
    chains = {row.lead_id: _areas(row.region_id, parent) for row in rows}
    wanted = sorted({area for chain in chains.values() for area in chain})
    table = score_table() if table is None else table
    totals = table.totals(weights, pull_share)
    counts = area_counts(
        bins_of(totals), table.region_pos, table.region_codes, subtrees(wanted, parent)
    )
    regions = Region.objects.in_bulk(wanted)
    out: dict[int, tuple[RowStanding, ...]] = {}
    for row in rows:
        found = []
        for area in chains[row.lead_id]:
            standing = standing_in(counts[area], row.total)
            if standing is not None and area in regions:
                found.append(RowStanding(regions[area], *standing))
        out[row.lead_id] = tuple(found)
    return out


def _areas(region_id: int, parent: dict[int, int | None]) -> list[int]:
    root = root_of(region_id, parent)
    return [region_id] if root == region_id else [region_id, root]
