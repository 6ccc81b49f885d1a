"""Read-side rankings for the API: shortlists under chosen weights, best regions for a lead.

A shortlist is ranked from the stored sub-scores by the same code as the shortlist page
(shortlists.ranking), so both give the same order; "best regions" places one lead's project
in every candidate region (screening.selectors.elsewhere, as the lead page does). Nothing is
stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from projects.models import Lead
from regions.models import Region
from screening.models import ScoringProfile
from screening.scoring import SubScoreWeights
from screening.selectors.elsewhere import Placements, lead_in_regions
from screening.selectors.profiles import profiles_in_force
from shortlists.ranking import RankRequest, rank_leads


@dataclass(frozen=True)
class Ranked:
    """One ranked row: scores 0-100 (total under the ranking's weights), confidence 0-1."""

    rank: int
    total: float
    local_fit: float
    chain_completion: float
    cluster_strength: float
    confidence: float
    strengthen: float
    pull: float


@dataclass(frozen=True)
class ShortlistEntry(Ranked):
    lead: Lead
    stored_total: float


@dataclass(frozen=True)
class RegionFit(Ranked):
    region: dict[str, object]
    is_target: bool


def weights_in_force(region_id: int | None) -> SubScoreWeights:
    """The normalised weights of the profile in force for a region (or the default one)."""
    profiles = profiles_in_force()
    profile: ScoringProfile = (
        profiles.for_region(region_id) if region_id is not None else profiles.default
    )
    return profile.sub_score_weights()


def shortlist(request: RankRequest) -> tuple[list[ShortlistEntry], int]:
    """The shortlist the browser's shortlist page would rank for the same request (shared
    code: shortlists.ranking), best first with ties to the lower lead id, each lead with its
    stored total. Returns the entries and how many scored leads were in scope. Unscored leads
    are not ranked (they have no sub-scores yet)."""
    ranking = rank_leads(request)
    leads = (
        Lead.objects.select_related("score")
        .defer("score__explanation")
        .in_bulk([row.lead_id for row in ranking.rows])
    )
    entries = [
        ShortlistEntry(
            rank=rank,
            total=row.total,
            local_fit=row.local_fit,
            chain_completion=row.chain_completion,
            cluster_strength=row.cluster_strength,
            confidence=row.confidence,
            strengthen=row.strengthen,
            pull=row.pull,
            lead=leads[row.lead_id],
            stored_total=leads[row.lead_id].score.total,
        )
        for rank, row in enumerate(ranking.rows, start=1)
        if row.lead_id in leads  # deleted since it was ranked
    ]
    return entries, ranking.scored_in_scope


def best_regions(
    lead: Lead, weights: SubScoreWeights, *, level: str | None, limit: int
) -> list[RegionFit]:
    """The `limit` regions (optionally of one level) where this lead's project would score
    best, best first; ties to the region listed first in the World. Uses the data in force
    now, not the stored score."""
    candidates = Region.objects.order_by("pk").values("pk", "code", "name", "level")
    if level:
        candidates = candidates.filter(level=level)
    regions = {r["pk"]: r for r in candidates}
    found = lead_in_regions(lead.pk, list(regions), weights)
    if found is None:
        return []
    order = np.lexsort((found.positions, -found.totals))[:limit]
    return [
        _region_fit(rank, regions[found.region_ids[i]], found, int(i), lead.region_id)
        for rank, i in enumerate(order, start=1)
    ]


def _region_fit(
    rank: int, region: Mapping[str, Any], found: Placements, i: int, target: int
) -> RegionFit:
    scores = found.scores
    return RegionFit(
        rank=rank,
        total=float(found.totals[i]),
        local_fit=float(scores.local_fit[i]),
        chain_completion=float(scores.chain_completion[i]),
        cluster_strength=float(scores.cluster_strength[i]),
        confidence=float(scores.confidence[i]),
        strengthen=float(scores.strengthen[i]),
        pull=float(scores.pull[i]),
        region={
            "id": region["pk"],
            "code": region["code"],
            "name": region["name"],
            "level": region["level"],
        },
        is_target=region["pk"] == target,
    )
