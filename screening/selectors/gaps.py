"""The gaps in a region's chains: which weak or missing industry would complete which link.

The rule is the cluster page's (screening.cluster_profile): an industry is a gap of a cluster
when it is a member, or a direct supplier or customer of a member (by the chain map's input
and sales shares), and its size is known and its location quotient is below 1 — weak when it
has some employment here, missing when it has none. An industry of unknown size is never
called a gap: nobody knows. Where a region has no cluster around an industry, a weak or
missing industry with a present local customer or supplier is still named as a gap of the
chain around that partner.

Read-only, from the World in force; positions are World positions (not database ids).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from screening.scoring import World

# An industry counts as a local partner (customer or supplier) from this presence on.
PARTNER_PRESENCE = 1.0


class GapSide(StrEnum):
    MEMBER = "member"  # the cluster's own member industry is weak or missing
    SUPPLIES = "supplies"  # the industry would supply `partner` (upstream of it)
    BUYS = "buys"  # the industry would buy from `partner` (downstream of it)


@dataclass(frozen=True)
class ChainGap:
    """A weak or missing link in one region: World positions of industry, cluster, partner.

    ``cluster`` is -1 when no cluster of the region is around the industry (a chain gap next
    to a present partner). ``partner`` is -1 for a member gap. ``share`` is what the link
    carries: in a cluster, the share of the member's inputs (SUPPLIES) or sales (BUYS); next
    to a partner, the share of the industry's own sales (SUPPLIES) or inputs (BUYS); 1 for a
    member.
    """

    industry: int
    missing: bool  # True: none here; False: weak (0 < LQ < 1)
    cluster: int
    side: GapSide
    partner: int
    share: float


def gap_status(world: World, region: int) -> tuple[np.ndarray, np.ndarray]:
    """(I,) bool arrays: the industry is weak here, and it is missing here (size known)."""
    known, rca = world.known[region], world.rca[region]
    return known & (rca > 0) & (rca < 1), known & (rca <= 0)


def region_gaps(world: World, region: int) -> dict[int, ChainGap]:
    """Every gap industry of the region, with the link it would complete (best one named).

    A member gap beats a supplier or customer gap; among those the largest share wins, then
    the cluster listed first. Industries whose size here is unknown or whose LQ is >= 1 are
    not gaps.
    """
    found: dict[int, ChainGap] = {}
    for k in np.flatnonzero(world.inputs.cluster_region == region):
        for gap in cluster_gaps(world, int(k)):
            best = found.get(gap.industry)
            if best is None or _rank(gap) > _rank(best):
                found[gap.industry] = gap
    weak, missing = gap_status(world, region)
    is_gap = weak | missing
    for gap in _partner_gaps(world, region, is_gap, missing, exclude=set(found)):
        found[gap.industry] = gap
    return found


def cluster_gaps(world: World, k: int) -> list[ChainGap]:
    """The gaps of one cluster (World cluster index k), one per industry, the most direct
    first: missing or weak members, then suppliers and customers by the share they carry."""
    region = int(world.inputs.cluster_region[k])
    weak, missing = gap_status(world, region)
    best: dict[int, ChainGap] = {}
    for gap in _cluster_gaps(world, k, weak | missing, missing):
        if gap.industry not in best or _rank(gap) > _rank(best[gap.industry]):
            best[gap.industry] = gap
    return sorted(best.values(), key=lambda g: (g.side is not GapSide.MEMBER, -g.share, g.industry))


def _rank(gap: ChainGap) -> tuple[bool, float]:
    return (gap.side is GapSide.MEMBER, gap.share)


def _cluster_gaps(world: World, k: int, is_gap: np.ndarray, missing: np.ndarray) -> list[ChainGap]:
    members = np.flatnonzero(world.inputs.cluster_members[k] > 0)
    if members.size == 0:
        return []
    gaps = [
        ChainGap(int(i), bool(missing[i]), k, GapSide.MEMBER, -1, 1.0) for i in members if is_gap[i]
    ]
    supplies = world.supplier_share[:, members]  # (I, m): share of member m's inputs from i
    buys = world.customer_share[members, :].T  # (I, m): share of member m's sales going to i
    outside = np.ones(is_gap.shape, dtype=bool)
    outside[members] = False
    for side, shares in ((GapSide.SUPPLIES, supplies), (GapSide.BUYS, buys)):
        best = np.argmax(shares, axis=1)
        share = shares[np.arange(shares.shape[0]), best]
        for i in np.flatnonzero(outside & is_gap & (share > 0)):
            gaps.append(
                ChainGap(int(i), bool(missing[i]), k, side, int(members[best[i]]), float(share[i]))
            )
    return gaps


def _partner_gaps(
    world: World, region: int, is_gap: np.ndarray, missing: np.ndarray, exclude: set[int]
) -> list[ChainGap]:
    """Gaps outside every cluster: next to a present local customer, else a present supplier."""
    present = world.known[region] & (world.presence[region] >= PARTNER_PRESENCE)
    sells = world.customer_share * present[np.newaxis, :]  # (I, J): i's sales to local j
    bought = world.supplier_share.T * present[np.newaxis, :]  # (I, J): i's inputs from local j
    out = []
    for i in np.flatnonzero(is_gap):
        if int(i) in exclude:
            continue
        for side, row in ((GapSide.SUPPLIES, sells[i]), (GapSide.BUYS, bought[i])):
            j = int(np.argmax(row))
            if row[j] > 0:
                out.append(ChainGap(int(i), bool(missing[i]), -1, side, j, float(row[j])))
                break
    return out
