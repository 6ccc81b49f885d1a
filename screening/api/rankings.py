"""Read-side rankings for the API: shortlists under chosen weights, best regions for a lead.

Both move data between the ORM and the numeric core in bulk and leave the arithmetic to it:
`rerank_top` picks a shortlist from stored sub-scores without recomputing them, and
`score_lead_everywhere` places one lead in every candidate region. Nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet

from projects.models import Lead
from regions.models import Region
from screening.frames import read_frame
from screening.models import LeadScore, ScoringProfile
from screening.scoring.engine import ScoreArrays, score_lead_everywhere
from screening.scoring.weights import SubScoreWeights, rerank_top
from screening.services.batches import read_lead_rows
from screening.services.profiles import profiles_in_force
from screening.world import current_world

SUB_SCORES = ["local_fit", "chain_completion", "cluster_strength"]


@dataclass(frozen=True)
class Ranked:
    """One ranked row: scores 0-100 (total under the ranking's weights), confidence 0-1."""

    rank: int
    total: float
    local_fit: float
    chain_completion: float
    cluster_strength: float
    confidence: float


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
    return SubScoreWeights.normalised(*profile.weights())


def shortlist(
    scores: QuerySet[LeadScore], weights: SubScoreWeights, k: int
) -> tuple[list[ShortlistEntry], int]:
    """The k best of these stored scores under `weights`, best first; ties to the lower lead
    id. Returns the entries and how many scores were considered. Unscored leads are not
    ranked (they have no sub-scores yet)."""
    columns = ["lead_id", *SUB_SCORES, "total", "confidence"]
    try:
        sql, params = scores.order_by("lead_id").values_list(*columns).query.sql_with_params()
    except EmptyResultSet:  # e.g. an officer with no regions: nothing to rank
        return [], 0
    frame = read_frame(sql, list(params), columns=columns)
    if len(frame) == 0:
        return [], 0
    subs = frame[SUB_SCORES].to_numpy(dtype=float)
    top = rerank_top(subs, weights, k)
    totals = subs[top] @ weights.as_array()
    lead_ids = frame["lead_id"].to_numpy(dtype=np.int64)[top]
    leads = Lead.objects.in_bulk([int(i) for i in lead_ids])
    entries = [
        ShortlistEntry(
            rank=rank,
            total=float(totals[rank - 1]),
            **{n: float(frame[n].iat[row]) for n in [*SUB_SCORES, "confidence"]},
            lead=leads[int(lead_ids[rank - 1])],
            stored_total=float(frame["total"].iat[row]),
        )
        for rank, row in enumerate(top, start=1)
    ]
    return entries, len(frame)


def best_regions(
    lead: Lead, weights: SubScoreWeights, *, level: str | None, limit: int
) -> list[RegionFit]:
    """The `limit` regions (optionally of one level) where this lead's project would score
    best, best first; ties to the region listed first in the World. Uses the data in force
    now, not the stored score."""
    loaded = current_world()
    rows = read_lead_rows([lead.pk], loaded)
    candidates = Region.objects.order_by("pk").values("pk", "code", "name", "level")
    if level:
        candidates = candidates.filter(level=level)
    regions = [r for r in candidates if r["pk"] in loaded.region_pos]
    if not regions or len(rows.frame) == 0:
        return []
    positions = np.array([loaded.region_pos[r["pk"]] for r in regions], dtype=np.int64)
    scores = score_lead_everywhere(loaded.world, rows.batch, 0, positions, weights)
    order = np.lexsort((positions, -scores.total))[:limit]
    return [
        _region_fit(rank, regions[i], scores, int(i), is_target=regions[i]["pk"] == lead.region_id)
        for rank, i in enumerate(order, start=1)
    ]


def _region_fit(
    rank: int, region: dict[str, object], scores: ScoreArrays, i: int, *, is_target: bool
) -> RegionFit:
    return RegionFit(
        rank=rank,
        total=float(scores.total[i]),
        local_fit=float(scores.local_fit[i]),
        chain_completion=float(scores.chain_completion[i]),
        cluster_strength=float(scores.cluster_strength[i]),
        confidence=float(scores.confidence[i]),
        region={
            "id": region["pk"],
            "code": region["code"],
            "name": region["name"],
            "level": region["level"],
        },
        is_target=is_target,
    )
