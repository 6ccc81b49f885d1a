"""Per-lead explanation: the evidence behind each score, as data and as short sentences.

`explain_lead` gathers the local industries that make the fit, the local suppliers and
customers the lead would connect, the cluster(s) it would strengthen, the missing suppliers it
would draw in (anchor pull), the unmet and unknown needs, and what lowered confidence.
`Explanation.to_dict()` is JSON-serialisable (stored in the database); sentences come in
Chinese and English (see explain_text.py). Pure numpy.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from screening.scoring.chain import top_links
from screening.scoring.cluster import related_clusters, size_effect
from screening.scoring.engine import (
    NEUTRAL_CHAIN,
    NEUTRAL_LOCAL,
    NEUTRAL_PULL,
    NEUTRAL_STRENGTHEN,
    LeadParts,
    ScoreArrays,
    available_for_lead,
    lead_parts,
    score_leads,
)
from screening.scoring.explain_text import sentences
from screening.scoring.leads import LeadBatch
from screening.scoring.local_fit import factors_in
from screening.scoring.pull import (
    TYPICAL_FROM_EMPLOYMENT,
    TYPICAL_FROM_FIRMS,
    input_profile,
    named_inputs,
    pulled_suppliers,
    raw_pull,
    size_effect_plants,
)
from screening.scoring.weights import PRESETS, SubScoreWeights
from screening.scoring.world import MIN_REGIONS_FOR_ESTIMATED_PROXIMITY, World

# How many related industries, suppliers, customers, clusters and pulled suppliers an
# explanation lists.
TOP_RELATED, TOP_LINKS, TOP_CLUSTERS, TOP_PULLED = 5, 5, 3, 5
# The explanation names a supplier as one the lead would draw in when it is at most half
# present here (presence = min(1, RCA) <= 0.5): what an officer calls absent or weak. The
# score counts every supplier by its gap; this only keeps near-present ones out of the text.
PULL_NAMED_MAX_PRESENCE = 0.5
LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class Explanation:
    """Evidence for one lead's scores. Every field is plain JSON data (str, float, list, dict).

    ``sentences`` holds both languages ({'zh': [...], 'en': [...]}); ``lang`` says which one
    `text()` returns.
    """

    lang: str
    region: dict[str, Any]
    industry: dict[str, Any]
    scores: dict[str, float]
    local_fit: dict[str, Any]
    chain: dict[str, Any]
    clusters: list[dict[str, Any]]
    pull: dict[str, Any]
    confidence: dict[str, Any]
    sentences: dict[str, list[str]]
    lead_jobs: float | None = None  # given, or estimated from capex; None: unknown

    def text(self) -> list[str]:
        """The sentences in this explanation's language."""
        return self.sentences[self.lang]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict of every field."""
        return asdict(self)


def _named(names: dict[str, tuple[str, str]], code: str) -> dict[str, Any]:
    zh, en = names.get(code, (code, code))
    return {"code": code, "name_zh": zh, "name_en": en}


def _industry(world: World, i: int) -> dict[str, Any]:
    return _named(world.inputs.industry_names, world.inputs.industry_codes[i])


def _r(value: float, digits: int = 2) -> float | None:
    """Rounded float, or None for NaN (JSON has no NaN)."""
    return None if not np.isfinite(value) else round(float(value), digits)


def _related_present(world: World, region: int, industry: int) -> list[dict[str, Any]]:
    """Locally specialised industries (RCA >= threshold) most related to the lead's, by phi."""
    phi = world.phi_for_region(region)[:, industry]
    present = (world.mcp[region] > 0) & (phi > 0)
    present[industry] = False
    candidates = np.flatnonzero(present)
    order = candidates[np.argsort(-phi[candidates], kind="stable")][:TOP_RELATED]
    return [{**_industry(world, int(q)), "phi": _r(phi[q])} for q in order]


def _needs(world: World, batch: LeadBatch, lead: int) -> dict[str, list[str]]:
    names = world.inputs.factor_names
    region = int(batch.region[lead])
    needs = int(batch.needs[lead])
    unknown = needs & int(world.endowment.unknown[region])
    available = int(available_for_lead(world, batch.take(np.array([lead])))[0])
    return {
        "met": factors_in(needs & ~unknown & available, names),
        "unmet": factors_in(needs & ~unknown & ~available, names),
        "unknown": factors_in(unknown, names),
    }


def _relatedness_source(world: World, region: int) -> dict[str, Any]:
    """Where the phi behind density and cluster relatedness comes from, and how far it holds."""
    level = int(world.region_level[region])
    return {
        "reference": world.uses_reference_proximity,
        "source": world.inputs.proximity_source if world.uses_reference_proximity else "",
        "regions": int(world.proximity_regions[level]),
        "minimum_regions": MIN_REGIONS_FOR_ESTIMATED_PROXIMITY,
        "reliability": _r(world.proximity_reliability[level]),
        "rca_reference": world.inputs.reference_size_source
        if world.inputs.reference_size is not None
        else None,
        "baseline_year": world.inputs.baseline_year,
    }


def _local_fit(world: World, batch: LeadBatch, lead: int) -> dict[str, Any]:
    region, industry = int(batch.region[lead]), int(batch.industry[lead])
    return {
        "density": _r(world.density[region, industry], 3),
        "density_share_below": _r(world.density_score[region, industry]),
        "density_coverage": _r(world.density_coverage[region, industry]),
        "level": world.level_names[world.region_level[region]],
        "related_present": _related_present(world, region, industry),
        "relatedness": _relatedness_source(world, region),
        "needs": _needs(world, batch, lead),
        "land_ha": _r(batch.land_ha[lead], 1),
    }


def _links(world: World, shares: np.ndarray, region: int, key: str) -> list[dict[str, Any]]:
    rows = top_links(shares, world.presence[region], world.known[region], TOP_LINKS)
    return [{**_industry(world, i), key: _r(s), "presence": _r(p)} for i, s, p in rows]


def _inputs(world: World, batch: LeadBatch, lead: int) -> dict[str, list[dict[str, Any]]]:
    region = int(batch.region[lead])
    groups: dict[str, list[dict[str, Any]]] = {"present": [], "absent": [], "unknown": []}
    for i in batch.inputs_of(lead):
        if not world.known[region, i]:
            groups["unknown"].append(_industry(world, int(i)))
        elif world.presence[region, i] > 0:
            item = {**_industry(world, int(i)), "presence": _r(world.presence[region, i])}
            groups["present"].append(item)
        else:
            groups["absent"].append(_industry(world, int(i)))
    return groups


def _chain(world: World, batch: LeadBatch, lead: int) -> dict[str, Any]:
    region, industry = int(batch.region[lead]), int(batch.industry[lead])
    cells = world.chain
    return {
        "mapped": bool(world.chain.sides_mapped[industry] > 0),
        "upstream": _r(cells.upstream[region, industry]),
        "downstream": _r(cells.downstream[region, industry]),
        "own_rca": _r(world.rca[region, industry]) if world.known[region, industry] else None,
        "suppliers": _links(world, world.supplier_share[:, industry], region, "input_share"),
        "customers": _links(world, world.customer_share[industry], region, "sales_share"),
        "inputs": _inputs(world, batch, lead),
    }


def _lead_jobs(world: World, batch: LeadBatch, lead: int) -> tuple[float, str]:
    jobs, capex, per_job = batch.jobs[lead], batch.capex[lead], world.inputs.capex_per_job
    if np.isfinite(jobs):
        return float(jobs), "given"
    if np.isfinite(capex) and per_job > 0:
        return float(capex / per_job), "from_capex"
    return float("nan"), "unknown"


def _clusters(world: World, batch: LeadBatch, lead: int) -> list[dict[str, Any]]:
    region, industry = int(batch.region[lead]), int(batch.industry[lead])
    tables, inputs = world.clusters, world.inputs
    jobs, _ = _lead_jobs(world, batch, lead)
    chosen = int(tables.best[region, industry])
    out = []
    phi = world.phi_for_region(region)
    related = related_clusters(
        tables, inputs.cluster_region, inputs.cluster_members, phi, region, industry
    )
    for k, relatedness in related[:TOP_CLUSTERS]:
        employment = tables.employment[k]
        ratio = jobs / employment if employment > 0 else float("nan")
        effect = size_effect(np.array([jobs]), np.array([employment]))[0]
        out.append(
            {
                **_named(inputs.cluster_names, inputs.cluster_codes[k]),
                "chosen": bool(k == chosen),
                "member": bool(inputs.cluster_members[k, industry] > 0),
                "relatedness": _r(relatedness),
                "lq": _r(tables.lq[k]),
                "lq_p75": _r(tables.lq_p75[k]),
                "strong": bool(tables.strong[k]),
                "strength": _r(tables.strength[k]),
                "employment": _r(employment, 0),
                "size_ratio": _r(ratio, 3),
                "size_effect": _r(effect),
            }
        )
    return out


def _typical_source(confidence: float) -> str:
    if confidence == TYPICAL_FROM_FIRMS:
        return "firms"
    return "employment" if confidence == TYPICAL_FROM_EMPLOYMENT else "unknown"


def _pull(world: World, batch: LeadBatch, lead: int) -> dict[str, Any]:
    """The missing suppliers the lead would draw in, and its size against a typical plant."""
    region, industry = int(batch.region[lead]), int(batch.industry[lead])
    cells = world.pull
    profile = input_profile(world.supplier_share, industry, batch.inputs_of(lead))
    pulled, missing = pulled_suppliers(cells, world.presence, world.density_score, profile, region)
    # Named largest share of inputs first (as the chain's suppliers are), among those at most
    # half present; pulled_suppliers' order (largest contribution) breaks ties.
    named = [p for p in pulled if p.presence <= PULL_NAMED_MAX_PRESENCE]
    named = sorted(named, key=lambda p: -p.input_share)[:TOP_PULLED]
    jobs, _ = _lead_jobs(world, batch, lead)
    typical = float(cells.typical.jobs[industry])
    effect = size_effect_plants(np.array([jobs]), np.array([typical]))[0]
    return {
        "mapped": bool(cells.mapped[industry]),
        "named_inputs": len(batch.inputs_of(lead)),
        "missing_share": _r(missing),
        "suppliers": [
            {
                **_industry(world, p.industry),
                "input_share": _r(p.input_share),
                "presence": _r(p.presence),
                "relatedness": _r(p.relatedness),
            }
            for p in named
        ],
        "unrelated_missing": _unrelated_missing(world, profile, region),
        "typical_plant": _r(typical, 0),
        "typical_source": _typical_source(float(cells.typical.confidence[industry])),
        "size_ratio": _r(jobs / typical if typical > 0 else float("nan"), 2),
        "size_effect": _r(effect),
    }


def _unrelated_missing(world: World, profile: np.ndarray, region: int) -> list[dict[str, Any]]:
    """Missing suppliers with nothing related here (density score 0): unlikely to follow."""
    usable = world.pull.usable[region] & (profile > 0)
    gap = 1.0 - world.presence[region]
    weak = world.presence[region] <= PULL_NAMED_MAX_PRESENCE
    unrelated = usable & weak & (gap > 0) & (np.nan_to_num(world.density_score[region]) == 0)
    items = np.flatnonzero(unrelated)
    items = items[np.argsort(-profile[items], kind="stable")][:TOP_PULLED]
    return [{**_industry(world, int(q)), "input_share": _r(profile[q])} for q in items]


def _confidence_reasons(
    world: World, batch: LeadBatch, lead: int, parts: LeadParts, neutral: int
) -> list[dict[str, Any]]:
    """What lowered confidence, each with the number behind it (codes are stable keys)."""
    region, industry = int(batch.region[lead]), int(batch.industry[lead])
    reasons: list[dict[str, Any]] = []

    def add(code: str, **values: Any) -> None:
        reasons.append({"code": code, **values})

    level = int(world.region_level[region])
    if world.proximity_reliability[level] < 1:
        add("phi_few_regions", regions=int(world.proximity_regions[level]))
    if neutral & NEUTRAL_LOCAL:
        add("local_no_evidence")
    elif world.density_coverage[region, industry] < 1:
        add("related_sizes_unknown", share=_r(1 - world.density_coverage[region, industry]))
    needs = _needs(world, batch, lead)
    if needs["unknown"]:
        add("needs_unknown", factors=needs["unknown"])
    land_bit = world.endowment.land_bit
    if land_bit >= 0 and (int(batch.needs[lead]) >> land_bit) & 1 and np.isnan(batch.land_ha[lead]):
        add("land_need_unknown")
    if neutral & NEUTRAL_CHAIN:
        add("chain_no_evidence", mapped=bool(world.chain.sides_mapped[industry] > 0))
    elif parts.chain_confidence[0] < 1:
        add("chain_sizes_unknown", confidence=_r(parts.chain_confidence[0]))
    if not world.known[region, industry]:
        add("own_size_unknown")
    _, source = _lead_jobs(world, batch, lead)
    if source != "given" and (neutral & (NEUTRAL_STRENGTHEN | NEUTRAL_PULL)) != (
        NEUTRAL_STRENGTHEN | NEUTRAL_PULL
    ):
        add("jobs_" + source)
    if neutral & NEUTRAL_STRENGTHEN:
        add("cluster_no_evidence", mapped=bool(world.region_has_clusters[region]))
    else:
        k = int(world.clusters.best[region, industry])
        if k >= 0 and world.clusters.coverage[k] < 1:
            add("cluster_sizes_unknown", share=_r(1 - world.clusters.coverage[k]))
    _pull_reasons(world, batch.take(np.array([lead])), neutral, add)
    return reasons


def _pull_reasons(world: World, one: LeadBatch, neutral: int, add: Any) -> None:
    """Why pull is less than sure: no evidence, the typical plant, unknown supplier cells."""
    if neutral & NEUTRAL_PULL:
        add("pull_no_evidence")
        return
    industry = int(one.industry[0])
    typical = _typical_source(float(world.pull.typical.confidence[industry]))
    if typical != "firms":
        add("typical_plant_" + typical)
    named = named_inputs(
        world.pull, one.region, one.industry, one.inputs_indptr, one.inputs_indices
    )
    flat = one.region * world.n_industries + one.industry
    coverage = float(raw_pull(world.pull, flat, one.industry, named)[1][0])
    if coverage < 1:
        add("pull_sizes_unknown", share=_r(1 - coverage))


def _scores(scores: ScoreArrays) -> dict[str, float]:
    return {
        "local_fit": round(float(scores.local_fit[0]), 1),
        "chain_completion": round(float(scores.chain_completion[0]), 1),
        "cluster_strength": round(float(scores.cluster_strength[0]), 1),
        "strengthen": round(float(scores.strengthen[0]), 1),
        "pull": round(float(scores.pull[0]), 1),
        "total": round(float(scores.total[0]), 1),
        "confidence": round(float(scores.confidence[0]), 2),
        "neutral": int(scores.neutral[0]),
    }


def explain_lead(
    world: World,
    batch: LeadBatch,
    lead_i: int,
    lang: str = "zh",
    weights: SubScoreWeights | None = None,
) -> Explanation:
    """Explain lead `lead_i` of the batch: evidence per sub-score and sentences in zh and en.

    weights (default: the 'balanced' preset) only affects the total and the confidence.
    Unknown values appear as None in the data and are named in ``confidence['reasons']``.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, got {lang!r}")
    one = batch.take(np.array([lead_i]))
    scores = score_leads(world, one, weights if weights is not None else PRESETS["balanced"])
    parts = lead_parts(world, one)
    region, industry = int(one.region[0]), int(one.industry[0])
    confidence = {
        "value": round(float(scores.confidence[0]), 2),
        "reasons": _confidence_reasons(world, one, 0, parts, int(scores.neutral[0])),
    }
    data: dict[str, Any] = {
        "region": {
            **_named(world.inputs.region_names, world.inputs.region_codes[region]),
            "level": world.level_names[world.region_level[region]],
        },
        "industry": _industry(world, industry),
        "scores": _scores(scores),
        "local_fit": _local_fit(world, one, 0),
        "chain": _chain(world, one, 0),
        "clusters": _clusters(world, one, 0),
        "pull": _pull(world, one, 0),
        "confidence": confidence,
    }
    data["lead_jobs"] = _r(_lead_jobs(world, one, 0)[0], 0)
    texts = {language: sentences(data, language) for language in LANGUAGES}
    return Explanation(lang=lang, sentences=texts, **data)
