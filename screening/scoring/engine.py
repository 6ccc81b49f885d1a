"""Lead scoring engine: local fit, chain completion, cluster strengthening, total, confidence.

Cluster strengthening has two parts: strengthening an existing cluster and anchor pull
(drawing missing suppliers in, pull.py), mixed by the weights' ``pull_share``.

Every score is a function of one lead and the precomputed World only (never of the other
leads in the batch), normalised against fixed references computed from region data. Missing
data never silently becomes zero: unknown parts are left out and lower the confidence; a
sub-score with no usable evidence at all takes the neutral value 50 and confidence 0 for it.
Methods, formulas and citations: docs/scoring.md. Pure numpy: never imports Django.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike, NDArray

from screening.scoring.chain import lead_inputs
from screening.scoring.cluster import NEUTRAL_SIZE_EFFECT, size_effect
from screening.scoring.leads import LeadBatch
from screening.scoring.pull import NEUTRAL_PULL_SIZE, named_inputs, raw_pull, size_effect_plants
from screening.scoring.reweight import cluster_mix, weighted_totals
from screening.scoring.weights import (
    DEFAULT_PULL_SHARE,
    PRESETS,
    SubScoreWeights,
    as_weight_array,
)
from screening.scoring.world import World, WorldInputs, build_world

__all__ = [
    "LeadBatch",
    "ScoreArrays",
    "World",
    "WorldInputs",
    "apply_weights",
    "available_for_lead",
    "build_world",
    "lead_parts",
    "score_lead_everywhere",
    "score_leads",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# Local fit = 0.6 x relatedness-density score + 0.4 x share of known needs met.
DENSITY_WEIGHT = 0.6
NEEDS_WEIGHT = 0.4
# Value (0-1) of a sub-score for which there is no usable evidence: the middle of the scale.
NEUTRAL_SCORE = 0.5
# Confidence in the lead's size: jobs given / estimated from capex / neither (neutral effect).
SIZE_CONFIDENCE_JOBS, SIZE_CONFIDENCE_CAPEX, SIZE_CONFIDENCE_NONE = 1.0, 0.75, 0.5
# Bits of ScoreArrays.neutral: which sub-scores fell back to NEUTRAL_SCORE. Cluster
# strengthening is neutral when both its parts are: strengthen (no mapped cluster) and pull
# (no supplier data); each part has its own bit as well.
NEUTRAL_LOCAL, NEUTRAL_CHAIN, NEUTRAL_CLUSTER = 1, 2, 4
NEUTRAL_STRENGTHEN, NEUTRAL_PULL = 8, 16


@dataclass(frozen=True)
class ScoreArrays:
    """Scores of n leads: sub-scores and total 0-100, confidence 0-1 (all float64, (n,)).

    ``neutral`` (uint8) has bit NEUTRAL_LOCAL / NEUTRAL_CHAIN / NEUTRAL_CLUSTER set where that
    sub-score had no usable evidence and took the neutral value 50 (its confidence is 0), and
    NEUTRAL_STRENGTHEN / NEUTRAL_PULL for the two parts of cluster strengthening.
    ``strengthen`` and ``pull`` are those parts (0-100, neutral 50); ``cluster_strength`` mixes
    them with the weights' pull_share. ``part_confidence`` (n, 4) holds the confidences of
    local fit, chain, strengthen and pull (0 where neutral), for reweighting (apply_weights).
    """

    local_fit: FloatArray
    chain_completion: FloatArray
    cluster_strength: FloatArray
    total: FloatArray
    confidence: FloatArray
    neutral: NDArray[np.uint8]
    strengthen: FloatArray
    pull: FloatArray
    part_confidence: FloatArray

    def sub_scores(self) -> FloatArray:
        """(n, 3) sub-scores in weight order (local fit, chain completion, cluster strength)."""
        return np.column_stack([self.local_fit, self.chain_completion, self.cluster_strength])

    def parts(self) -> FloatArray:
        """(n, 4) parts in part-weight order (local fit, chain, strengthen, pull)."""
        return np.column_stack([self.local_fit, self.chain_completion, self.strengthen, self.pull])


@dataclass(frozen=True)
class LeadParts:
    """Sub-scores (0-1, NaN = no evidence) and sub-confidences (0-1) before combining.

    ``cluster`` is the strengthen-an-existing-cluster part, ``pull`` the anchor-pull part.
    """

    local: FloatArray
    chain: FloatArray
    cluster: FloatArray
    local_confidence: FloatArray
    chain_confidence: FloatArray
    cluster_confidence: FloatArray
    pull: FloatArray
    pull_confidence: FloatArray


def _mean_of_defined(values: list[FloatArray], weights: list[float]) -> FloatArray:
    """Weighted mean over the non-NaN values of each row; NaN where none is defined."""
    num = sum(w * np.nan_to_num(v) for v, w in zip(values, weights, strict=True))
    den = sum(w * np.isfinite(v) for v, w in zip(values, weights, strict=True))
    return np.divide(num, den, out=np.full(values[0].shape, np.nan), where=den > 0)


def available_for_lead(world: World, batch: LeadBatch) -> NDArray[np.uint64]:
    """Regions' available-factor masks, with industrial land compared with the lead's need."""
    masks = world.endowment
    available = masks.available[batch.region]
    if masks.land_bit < 0:
        return available
    land = masks.land_ha[batch.region]
    enough = np.where(np.isnan(batch.land_ha), land > 0, land >= batch.land_ha)
    bit = np.uint64(1) << np.uint64(masks.land_bit)
    return (available & ~bit) | np.where(enough, bit, np.uint64(0))


def _local_parts(world: World, batch: LeadBatch, flat: IntArray) -> tuple[FloatArray, FloatArray]:
    """Local fit (0-1, NaN = no evidence) and its confidence."""
    needs = batch.needs
    unknown = needs & world.endowment.unknown[batch.region]
    n_needs = np.bitwise_count(needs).astype(np.float64)
    n_unknown = np.bitwise_count(unknown).astype(np.float64)
    n_met = np.bitwise_count(needs & ~unknown & available_for_lead(world, batch))
    n_known = n_needs - n_unknown
    met = np.divide(n_met, n_known, out=np.full(n_needs.shape, np.nan), where=n_known > 0)
    known_share = np.divide(n_known, n_needs, out=np.ones(n_needs.shape), where=n_needs > 0)
    land_bit = world.endowment.land_bit
    if land_bit >= 0:
        # A land need with unknown land_ha is checked only as "some land": half known.
        bit = np.uint64(1) << np.uint64(land_bit)
        vague = ((needs & ~unknown & bit) > 0) & np.isnan(batch.land_ha)
        known_share -= np.divide(0.5 * vague, n_needs, out=np.zeros(n_needs.shape), where=vague)
    density = world.density_score.ravel()[flat]
    local = _mean_of_defined([density, met], [DENSITY_WEIGHT, NEEDS_WEIGHT])
    # Density rests on phi: phi estimated from too few regions counts for less.
    coverage = world.density_coverage.ravel()[flat] * world.proximity_confidence(batch.region)
    return local, DENSITY_WEIGHT * coverage + NEEDS_WEIGHT * known_share


def _chain_parts(world: World, batch: LeadBatch, flat: IntArray) -> tuple[FloatArray, FloatArray]:
    """Chain completion (0-1, NaN = no evidence) and its confidence."""
    cells = world.chain
    inputs = lead_inputs(
        world.presence, world.known, batch.region, batch.inputs_indptr, batch.inputs_indices
    )
    input_share = np.divide(
        inputs.present_sum, inputs.known, out=np.zeros(inputs.known.shape), where=inputs.known > 0
    )
    has_inputs = inputs.known > 0
    num = cells.side_sum.ravel()[flat] + input_share
    den = cells.side_count.ravel()[flat] + has_inputs
    gap = cells.gap_factor.ravel()[flat]
    chain = np.divide(gap * num, den, out=np.full(num.shape, np.nan), where=den > 0)
    given = inputs.given > 0
    input_cov = np.divide(inputs.known, inputs.given, out=np.zeros(num.shape), where=given)
    cov_num = cells.coverage_sum.ravel()[flat] + input_cov
    cov_den = cells.sides_mapped[batch.industry] + given
    coverage = np.divide(cov_num, cov_den, out=np.zeros(num.shape), where=cov_den > 0)
    return chain, coverage * cells.self_confidence.ravel()[flat]


def _lead_jobs(world: World, batch: LeadBatch) -> tuple[FloatArray, FloatArray]:
    """Jobs (given, else capex / capex_per_job, else NaN) and the confidence in that size."""
    per_job = world.inputs.capex_per_job
    from_capex = batch.capex / per_job if per_job > 0 else np.full(batch.capex.shape, np.nan)
    jobs = np.where(np.isnan(batch.jobs), from_capex, batch.jobs)
    size_conf = np.where(
        np.isfinite(batch.jobs),
        SIZE_CONFIDENCE_JOBS,
        np.where(np.isfinite(jobs), SIZE_CONFIDENCE_CAPEX, SIZE_CONFIDENCE_NONE),
    )
    return jobs, size_conf


def _cluster_parts(world: World, batch: LeadBatch, flat: IntArray) -> tuple[FloatArray, FloatArray]:
    """Cluster strengthening (0-1, NaN = no evidence) and its confidence."""
    tables = world.clusters
    if tables.employment.size == 0:
        return np.full(flat.shape, np.nan), np.zeros(flat.shape)
    best = tables.best.ravel()[flat]
    mapped = best >= 0
    safe = np.where(mapped, best, 0)
    jobs, size_conf = _lead_jobs(world, batch)
    effect = np.nan_to_num(size_effect(jobs, tables.employment[safe]), nan=NEUTRAL_SIZE_EFFECT)
    cluster = np.where(mapped, tables.base.ravel()[flat] * effect, np.nan)
    coverage = np.where(mapped, tables.coverage[safe], 0.0)
    # A member's relatedness is 1 by definition; a non-member's rests on phi.
    member = world.inputs.cluster_members[safe, batch.industry] > 0
    phi_based = np.where(member, 1.0, world.proximity_confidence(batch.region))
    return cluster, coverage * size_conf * phi_based


def _pull_parts(world: World, batch: LeadBatch, flat: IntArray) -> tuple[FloatArray, FloatArray]:
    """Anchor pull (0-1, NaN = no evidence) and its confidence (pull.py)."""
    cells = world.pull
    named = named_inputs(
        cells, batch.region, batch.industry, batch.inputs_indptr, batch.inputs_indices
    )
    raw, coverage = raw_pull(cells, flat, batch.industry, named)
    jobs, size_conf = _lead_jobs(world, batch)
    typical = cells.typical
    effect = size_effect_plants(jobs, typical.jobs[batch.industry])
    effect = np.where(np.isfinite(effect), effect, NEUTRAL_PULL_SIZE)
    # The size effect is as sure as the lead's size and its industry's typical plant together.
    size_conf = size_conf * typical.confidence[batch.industry]
    # Each supplier's relatedness is its density score, which rests on phi: phi estimated from
    # too few regions counts for less, as in local fit.
    phi_based = world.proximity_confidence(batch.region)
    return raw * effect, coverage * size_conf * phi_based


def lead_parts(world: World, batch: LeadBatch) -> LeadParts:
    """Sub-scores on 0-1 (NaN = no usable evidence) and their confidences, per lead."""
    n_i = world.n_industries
    if len(batch) and (batch.region.max() >= world.n_regions or batch.industry.max() >= n_i):
        raise ValueError("lead region or industry index outside the world")
    if len(batch) and (batch.region.min() < 0 or batch.industry.min() < 0):
        raise ValueError("lead region or industry index is negative")
    flat = batch.region * n_i + batch.industry
    local, local_conf = _local_parts(world, batch, flat)
    chain, chain_conf = _chain_parts(world, batch, flat)
    cluster, cluster_conf = _cluster_parts(world, batch, flat)
    pull, pull_conf = _pull_parts(world, batch, flat)
    return LeadParts(local, chain, cluster, local_conf, chain_conf, cluster_conf, pull, pull_conf)


def _combine(parts: LeadParts, weights: FloatArray, pull_share: ArrayLike) -> ScoreArrays:
    """Sub-scores 0-100, total and confidence under `weights`: (3,) for every lead, or (n, 3)
    one row per lead (each lead's own profile), and `pull_share`, one for all or (n,).
    Elementwise only, so a lead's numbers never depend on the others in the batch."""
    values = [parts.local, parts.chain, parts.cluster, parts.pull]
    bits = (NEUTRAL_LOCAL, NEUTRAL_CHAIN, NEUTRAL_STRENGTHEN, NEUTRAL_PULL)
    neutral = np.zeros(parts.local.shape, dtype=np.uint8)
    for bit, value in zip(bits, values, strict=True):
        neutral |= np.where(np.isnan(value), np.uint8(bit), np.uint8(0))
    both = NEUTRAL_STRENGTHEN | NEUTRAL_PULL
    neutral |= np.where((neutral & both) == both, np.uint8(NEUTRAL_CLUSTER), np.uint8(0))
    filled = [100.0 * np.where(np.isnan(v), NEUTRAL_SCORE, v) for v in values]
    confs = [
        parts.local_confidence,
        parts.chain_confidence,
        parts.cluster_confidence,
        parts.pull_confidence,
    ]
    confs = [np.where(np.isnan(v), 0.0, c) for v, c in zip(values, confs, strict=True)]
    unweighted = ScoreArrays(
        local_fit=filled[0],
        chain_completion=filled[1],
        cluster_strength=filled[2],
        total=filled[0],
        confidence=confs[0],
        neutral=neutral,
        strengthen=filled[2],
        pull=filled[3],
        part_confidence=np.column_stack(confs),
    )
    return apply_weights(unweighted, weights, pull_share)


def apply_weights(scores: ScoreArrays, weights: ArrayLike, pull_share: ArrayLike) -> ScoreArrays:
    """The same parts under other weights: cluster strengthening, total and confidence.

    ``weights`` is (3,) or one (3,) row per lead, ``pull_share`` a scalar or one per lead.
    Cluster strengthening, total and confidence all come from the one re-weighting function
    (reweight.py): cluster = (1 - pull_share) x strengthen + pull_share x pull (both parts
    filled, neutral 50), total = the weighted sum of the three sub-scores, confidence = the
    same weighted sum of the part confidences (a neutral part contributes 0).
    """
    w = np.asarray(weights, dtype=np.float64)
    share = np.asarray(pull_share, dtype=np.float64)
    confs = scores.part_confidence
    total = weighted_totals(
        scores.local_fit, scores.chain_completion, scores.strengthen, scores.pull, w, share
    )
    confidence = weighted_totals(confs[:, 0], confs[:, 1], confs[:, 2], confs[:, 3], w, share)
    return replace(
        scores,
        cluster_strength=cluster_mix(scores.strengthen, scores.pull, share),
        total=total,
        confidence=np.clip(confidence, 0.0, 1.0),
    )


def score_leads(
    world: World,
    batch: LeadBatch,
    weights: SubScoreWeights | FloatArray,
    pull_share: ArrayLike | None = None,
) -> ScoreArrays:
    """Score every lead in the batch against the precomputed world.

    `weights` is one SubScoreWeights for every lead (its own pull_share; `pull_share` must then
    be None), or an (n, 3) array with each lead's own profile weights (rows non-negative,
    summing to 1) and `pull_share` one share of pull within cluster strengthening for all or
    (n,) one per lead (None: DEFAULT_PULL_SHARE). The total *and the confidence* then use that
    lead's weights, so every stored figure agrees with the profile in force.

    Each lead's scores depend on that lead and the world only: scoring a batch, each lead
    alone or a shuffled batch gives identical numbers. Sub-scores and total are 0-100 (total =
    weighted sum of the sub-scores); confidence is 0-1, the weighted mean of the sub-score
    confidences. Unknown jobs/capex/land/endowments/size cells lower confidence; see
    docs/scoring.md for each rule. Cluster strengthening mixes its two parts (strengthen,
    pull) with the share of pull.
    """
    if isinstance(weights, SubScoreWeights):
        if pull_share is not None:
            raise ValueError("pull_share is given by the SubScoreWeights; pass None")
        return _combine(lead_parts(world, batch), as_weight_array(weights), weights.pull_share)
    rows = np.asarray(weights, dtype=np.float64)
    if rows.shape != (len(batch), 3):
        raise ValueError(f"per-lead weights must have shape ({len(batch)}, 3), got {rows.shape}")
    shares = np.asarray(DEFAULT_PULL_SHARE if pull_share is None else pull_share, dtype=float)
    if shares.shape not in ((), (len(batch),)):
        raise ValueError(f"pull_share must be one value or ({len(batch)},), got {shares.shape}")
    if not ((shares >= 0.0) & (shares <= 1.0)).all():
        raise ValueError("pull_share must be between 0 and 1")
    return _combine(lead_parts(world, batch), rows, shares)


def score_lead_everywhere(
    world: World,
    batch: LeadBatch,
    lead_i: int,
    region_indices: IntArray,
    weights: SubScoreWeights | None = None,
) -> ScoreArrays:
    """Scores of lead `lead_i`'s profile (industry, size, needs, inputs) placed in each region.

    For "where else would this fit": one row per entry of region_indices, in that order.
    weights defaults to the 'balanced' preset.
    """
    chosen = weights if weights is not None else PRESETS["balanced"]
    return score_leads(world, batch.placed_in(lead_i, np.asarray(region_indices)), chosen)
