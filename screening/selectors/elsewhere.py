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

from screening.scoring import ScoreArrays, SubScoreWeights, apply_weights, score_lead_everywhere
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
