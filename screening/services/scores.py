"""Rescoring leads and storing their scores: the one write path for LeadScore.

`rescore_leads` reads a chunk of leads, scores them against the World in force, and writes
only what changed: a changed score is upserted with its explanation and a history row; an
unchanged one only gets its version stamps moved forward, so it stops counting as stale
without being rewritten.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from screening.scoring import SubScoreWeights, explain_lead, score_leads
from screening.selectors.batches import LeadRows, read_lead_rows
from screening.selectors.profiles import profiles_in_force
from screening.services.score_store import StampRows, store_scores
from screening.world import LoadedWorld, current_world

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RescoreResult:
    scored: int
    changed: int


def rescore_leads(lead_ids: Sequence[int]) -> RescoreResult:
    """Recompute and store the scores of these leads (missing ids are ignored)."""
    if not lead_ids:
        return RescoreResult(0, 0)
    start = time.perf_counter()
    loaded = current_world()
    got_world = time.perf_counter()
    rows = read_lead_rows(lead_ids, loaded)
    if len(rows.frame) == 0:
        return RescoreResult(0, 0)
    read = time.perf_counter()
    computed = compute_rows(rows, loaded)
    scored = time.perf_counter()
    weights, shares = computed.weights, computed.pull_share
    # Small recomputations (an edit) store explanations at once; bulk ones leave them to be
    # built on first read (screening.services.explanations), see there for why.
    inline = len(rows.frame) <= settings.EXPLAIN_INLINE_MAX
    with transaction.atomic():
        changed = store_scores(
            computed,
            explain=(
                (lambda i: _explanation(loaded, rows, i, weights[i], shares[i])) if inline else None
            ),
        )
    # Where a recompute's time goes (bench/bench_national_e2e.py reads these lines).
    log.info(
        "timing rescore: world %.3f s, read %.3f s, score %.3f s, write %.3f s "
        "(%d leads, %d changed)",
        got_world - start,
        read - got_world,
        scored - read,
        time.perf_counter() - scored,
        len(rows.frame),
        changed,
    )
    return RescoreResult(scored=len(rows.frame), changed=changed)


def compute_rows(rows: LeadRows, loaded: LoadedWorld) -> StampRows:
    """Scores of a chunk under each lead's profile in force, with the versions they stand on."""
    region_ids = rows.frame["region_id"].to_numpy(dtype=np.int64)
    profile_ids, weights, pull_share = profiles_in_force().arrays(region_ids)
    # Each lead under its own profile: total, cluster mix and confidence all follow it.
    scores = score_leads(loaded.world, rows.batch, weights, pull_share)
    region_versions = dict(loaded.version.region_versions)
    return StampRows(
        lead_id=rows.frame["id"].to_numpy(dtype=np.int64),
        region_id=region_ids,
        local_fit=scores.local_fit,
        chain_completion=scores.chain_completion,
        cluster_strength=scores.cluster_strength,
        strengthen=scores.strengthen,
        pull=scores.pull,
        total=scores.total,
        confidence=scores.confidence,
        profile_id=profile_ids,
        lead_revision=rows.frame["score_revision"].to_numpy(dtype=np.int64),
        region_version=np.array(
            [region_versions.get(int(r), 1) for r in region_ids], dtype=np.int64
        ),
        measures_version=np.full(len(region_ids), loaded.version.measures_version, dtype=np.int64),
        computed_at=timezone.now(),
        weights=weights,
        pull_share=pull_share,
    )


def _explanation(
    loaded: LoadedWorld, rows: LeadRows, i: int, weights: np.ndarray, pull_share: float
) -> dict[str, object]:
    # The row as stored (already normalised): normalising again could move the last bit.
    lf, cc, cs = (float(w) for w in weights)
    profile_weights = SubScoreWeights(lf, cc, cs, pull_share=float(pull_share))
    return explain_lead(loaded.world, rows.batch, i, weights=profile_weights).to_dict()
