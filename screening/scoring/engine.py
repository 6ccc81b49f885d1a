"""Lead scoring engine: local fit, chain completion, cluster strengthening, total, confidence.

Every score is a function of one lead and the precomputed World only (never of the other
leads in the batch), normalised against fixed references computed from region data. Missing
data never silently becomes zero: unknown parts are left out and lower the confidence; a
sub-score with no usable evidence at all takes the neutral value 50 and confidence 0 for it.
Methods, formulas and citations: docs/scoring.md. Pure numpy: never imports Django.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from screening.scoring.chain import lead_inputs
from screening.scoring.cluster import NEUTRAL_SIZE_EFFECT, size_effect
from screening.scoring.leads import LeadBatch
from screening.scoring.weights import PRESETS, SubScoreWeights, as_weight_array
from screening.scoring.world import World, WorldInputs, build_world

__all__ = [
    "LeadBatch",
    "ScoreArrays",
    "World",
    "WorldInputs",
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
# Bits of ScoreArrays.neutral: which sub-scores fell back to NEUTRAL_SCORE.
NEUTRAL_LOCAL, NEUTRAL_CHAIN, NEUTRAL_CLUSTER = 1, 2, 4


@dataclass(frozen=True)
class ScoreArrays:
    """Scores of n leads: sub-scores and total 0-100, confidence 0-1 (all float64, (n,)).

    ``neutral`` (uint8) has bit NEUTRAL_LOCAL / NEUTRAL_CHAIN / NEUTRAL_CLUSTER set where that
    sub-score had no usable evidence and took the neutral value 50 (its confidence is 0).
    """

    local_fit: FloatArray
    chain_completion: FloatArray
    cluster_strength: FloatArray
    total: FloatArray
    confidence: FloatArray
    neutral: NDArray[np.uint8]

    def sub_scores(self) -> FloatArray:
        """(n, 3) sub-scores in weight order (local fit, chain completion, cluster strength)."""
        return np.column_stack([self.local_fit, self.chain_completion, self.cluster_strength])


@dataclass(frozen=True)
class LeadParts:
    """Sub-scores (0-1, NaN = no evidence) and sub-confidences (0-1) before combining."""

    local: FloatArray
    chain: FloatArray
    cluster: FloatArray
    local_confidence: FloatArray
    chain_confidence: FloatArray
    cluster_confidence: FloatArray


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
    return LeadParts(local, chain, cluster, local_conf, chain_conf, cluster_conf)


def _combine(parts: LeadParts, weights: FloatArray) -> ScoreArrays:
    """Sub-scores 0-100, total and confidence under `weights`: (3,) for every lead, or (n, 3)
    one row per lead (each lead's own profile). Elementwise only, so a lead's numbers never
    depend on the others in the batch."""
    values = [parts.local, parts.chain, parts.cluster]
    neutral = np.zeros(parts.local.shape, dtype=np.uint8)
    for bit, value in zip((NEUTRAL_LOCAL, NEUTRAL_CHAIN, NEUTRAL_CLUSTER), values, strict=True):
        neutral |= np.where(np.isnan(value), np.uint8(bit), np.uint8(0))
    filled = [100.0 * np.where(np.isnan(v), NEUTRAL_SCORE, v) for v in values]
    confs = [parts.local_confidence, parts.chain_confidence, parts.cluster_confidence]
    confs = [np.where(np.isnan(v), 0.0, c) for v, c in zip(values, confs, strict=True)]
    w = [weights[..., s] for s in range(3)]
    return ScoreArrays(
        local_fit=filled[0],
        chain_completion=filled[1],
        cluster_strength=filled[2],
        total=w[0] * filled[0] + w[1] * filled[1] + w[2] * filled[2],
        confidence=np.clip(w[0] * confs[0] + w[1] * confs[1] + w[2] * confs[2], 0.0, 1.0),
        neutral=neutral,
    )


def score_leads(
    world: World, batch: LeadBatch, weights: SubScoreWeights | FloatArray
) -> ScoreArrays:
    """Score every lead in the batch against the precomputed world.

    `weights` is one SubScoreWeights for every lead, or an (n, 3) array with each lead's own
    profile weights (rows non-negative, summing to 1): the total *and the confidence* then use
    that lead's weights, so every stored figure agrees with the profile in force.

    Each lead's scores depend on that lead and the world only: scoring a batch, each lead
    alone or a shuffled batch gives identical numbers. Sub-scores and total are 0-100 (total =
    weighted sum of the sub-scores); confidence is 0-1, the weighted mean of the sub-score
    confidences. Unknown jobs/capex/land/endowments/size cells lower confidence; see
    docs/scoring.md for each rule.
    """
    if isinstance(weights, SubScoreWeights):
        return _combine(lead_parts(world, batch), as_weight_array(weights))
    rows = np.asarray(weights, dtype=np.float64)
    if rows.shape != (len(batch), 3):
        raise ValueError(f"per-lead weights must have shape ({len(batch)}, 3), got {rows.shape}")
    return _combine(lead_parts(world, batch), rows)


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
