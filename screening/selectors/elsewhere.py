""" "Where else would this lead fit": its project placed in other regions, scored now.

One computation behind the lead page's sibling regions (projects.views.scorecard) and the
API's best regions (screening.api.rankings): the lead's inputs read once, scored by the core
in each region, totals re-weighted by the one re-weighting function. Nothing is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from screening.scoring import (
    Robustness,
    ScoreArrays,
    SubScoreWeights,
    rank_robustness,
    score_lead_everywhere,
    weighted_totals,
)
from screening.selectors.batches import read_lead_rows
from screening.selectors.profiles import profiles_in_force
from screening.world import current_world


@dataclass(frozen=True)
class Placements:
    """Row k: the lead placed in region `region_ids[k]` (World position `positions[k]`)."""

    region_ids: list[int]
    positions: np.ndarray
    scores: ScoreArrays  # sub-scores and confidence (confidence under the weights used)
    totals: np.ndarray


def lead_in_regions(
    lead_id: int, region_ids: Sequence[int], weights: SubScoreWeights | None = None
) -> Placements | None:
    """The lead scored in each of these regions (those the World knows, in the given order).

    Totals are under `weights`, or, when None, under the profile in force in each region (as a
    stored score there would be; confidence then under the balanced preset). None when no
    region is known or the lead cannot be read into the World (e.g. deleted meanwhile).
    """
    loaded = current_world()
    known = [int(r) for r in region_ids if r in loaded.region_pos]
    rows = read_lead_rows([lead_id], loaded)
    if not known or len(rows.frame) == 0:
        return None
    positions = np.array([loaded.region_pos[r] for r in known], dtype=np.int64)
    scores = score_lead_everywhere(loaded.world, rows.batch, 0, positions, weights)
    if weights is None:
        _, per_region = profiles_in_force().arrays(np.array(known, dtype=np.int64))
        chosen: np.ndarray = per_region
    else:
        chosen = weights.as_array()
    totals = weighted_totals(
        scores.local_fit, scores.chain_completion, scores.cluster_strength, chosen
    )
    return Placements(known, positions, scores, totals)


# Draws and spread of the where-else rank ranges: the shortlist page's settings.
RANGE_DRAWS, RANGE_CONCENTRATION = 500, 50.0


def rank_ranges(
    scores: ScoreArrays, weights: tuple[float, float, float] | SubScoreWeights
) -> Robustness | None:
    """Rank ranges of the placements under weights drawn around `weights` (a region's profile):
    two regions whose order the draws often reverse are within the noise of each other
    (`Robustness.tied_with_next`), and any region whose range reaches 1 could be the best.
    None for fewer than two placements."""
    if len(scores.total) < 2:
        return None
    raw = weights.as_array() if isinstance(weights, SubScoreWeights) else np.asarray(weights)
    return rank_robustness(
        scores.sub_scores(),
        np.asarray(raw, dtype=np.float64) / float(np.sum(raw)),
        draws=RANGE_DRAWS,
        concentration=RANGE_CONCENTRATION,
        top_k=1,
    )
