""" "Where else would this lead fit": its project placed in other regions, scored now.

One computation behind the lead page's sibling regions (projects.views.scorecard) and the
API's best regions (screening.api.rankings): the lead's inputs read once, scored by the core
in each region, re-weighted by the one re-weighting function (scoring.apply_weights, which
sums with scoring.weighted_totals). Nothing is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from screening.scoring import (
    Robustness,
    ScoreArrays,
    SubScoreWeights,
    apply_weights,
    rank_robustness,
    score_lead_everywhere,
)
from screening.selectors.batches import read_lead_rows
from screening.selectors.profiles import profiles_in_force
from screening.world import current_world


@dataclass(frozen=True)
class Placements:
    """Row k: the lead placed in region `region_ids[k]` (World position `positions[k]`)."""

    region_ids: list[int]
    positions: np.ndarray
    scores: ScoreArrays  # parts, cluster mix, total and confidence under the weights used
    totals: np.ndarray  # scores.total


def lead_in_regions(
    lead_id: int, region_ids: Sequence[int], weights: SubScoreWeights | None = None
) -> Placements | None:
    """The lead scored in each of these regions (those the World knows, in the given order).

    Scores are under `weights`, or, when None, under the profile in force in each region (as a
    stored score there would be: cluster mix, total and confidence). None when no
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
        # Each region's own profile: its weights and share of pull set the cluster mix, the
        # total and the confidence, as a stored score there would have them.
        _, per_region, shares = profiles_in_force().arrays(np.array(known, dtype=np.int64))
        scores = apply_weights(scores, per_region, shares)
    return Placements(known, positions, scores, scores.total)


# Draws and spread of the where-else rank ranges: the shortlist page's settings.
RANGE_DRAWS, RANGE_CONCENTRATION = 500, 50.0


def rank_ranges(scores: ScoreArrays, weights: SubScoreWeights) -> Robustness | None:
    """Rank ranges of the placements under weights drawn around `weights` (a region's profile):
    two regions whose order the draws often reverse are within the noise of each other
    (`Robustness.tied_with_next`), and any region whose range reaches 1 could be the best.
    The draws cover all four part weights (the three sub-scores' and the share of pull within
    cluster strengthening), as the shortlist's rank bands do. None for fewer than two
    placements."""
    if len(scores.total) < 2:
        return None
    return rank_robustness(
        scores.parts(),
        weights,
        draws=RANGE_DRAWS,
        concentration=RANGE_CONCENTRATION,
        top_k=1,
    )
