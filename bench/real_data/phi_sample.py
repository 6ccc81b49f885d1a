"""phi from a province-sized sample of regions against the national reference, on the same leads.

A province has 16 cities; the US has 933 metro/micro areas. This section draws 16 of the 400
largest areas at random (a "province"), scores the same generated leads there twice -- with phi
estimated from the 16 areas (the engine's fallback) and with phi from all 933 areas (a
reference industry space, as `build_relatedness` writes it) -- and compares. It also measures
how far phi from n random areas is from the national phi, the evidence behind the engine's
MIN_REGIONS_FOR_ESTIMATED_PROXIMITY (docs/scoring.md).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from common import table
from scipy.stats import spearmanr
from us_data import UsData

from screening.scoring.complexity import presence, proximity, rca
from screening.scoring.engine import (
    LeadBatch,
    World,
    WorldInputs,
    build_world,
    score_lead_everywhere,
    score_leads,
)
from screening.scoring.weights import PRESETS
from screening.scoring.world import MIN_REGIONS_FOR_ESTIMATED_PROXIMITY

PROVINCE = 16
DRAWS = 20
LEADS_PER_DRAW = 2_000
WHERE_ELSE_LEADS = 200
CURVE = (16, 30, 50, 100, 200, 400)
CURVE_DRAWS = 8
TOP_RELATED = 3
CBP = Path("us_cbp_2019") / "cbp2019_cbsa_naics6.csv.gz"


def national_phi(data: Path, industries: list[str]) -> tuple[np.ndarray, np.ndarray, int]:
    """phi over all CBP areas for `industries` (RCA against each area's whole economy), the
    all-area presence matrix, and the number of areas. Suppressed cells enter as 0."""
    cbp = pd.read_csv(data / CBP, dtype={"cbsa_code": str, "naics_code": str})
    grid = cbp.pivot_table(index="cbsa_code", columns="naics_code", values="EMP", aggfunc="sum")
    sizes = grid.fillna(0.0)
    mcp = presence(rca(sizes.to_numpy()))
    cols = sizes.columns.get_indexer(pd.Index(industries))
    return proximity(mcp[:, cols]), mcp[:, cols], sizes.shape[0]


def _province(inputs: WorldInputs, rows: np.ndarray) -> WorldInputs:
    """The world restricted to some areas (their clusters too)."""
    position = np.full(len(inputs.region_codes), -1, dtype=np.int64)
    position[rows] = np.arange(rows.size)
    keep = np.flatnonzero(np.isin(inputs.cluster_region, rows))
    codes = [inputs.region_codes[r] for r in rows]
    cluster_codes = [inputs.cluster_codes[k] for k in keep]
    return replace(
        inputs,
        region_codes=codes,
        region_levels=[inputs.region_levels[r] for r in rows],
        region_parent=np.full(rows.size, -1, dtype=np.int64),
        region_names={c: inputs.region_names[c] for c in codes},
        size=inputs.size[rows],
        endowment=inputs.endowment[rows],
        cluster_region=position[inputs.cluster_region[keep]],
        cluster_codes=cluster_codes,
        cluster_names={c: inputs.cluster_names[c] for c in cluster_codes},
        cluster_members=inputs.cluster_members[keep],
    )


def _leads(batch: LeadBatch, n_regions: int, rng: np.random.Generator) -> LeadBatch:
    """The generated leads' profiles, each placed in a random area of the province."""
    return replace(batch, region=rng.integers(0, n_regions, len(batch)).astype(np.int64))


def _related(world: World, region: int, industry: int) -> list[int]:
    """The TOP_RELATED locally specialised industries most related to `industry` (as the
    explanation names them)."""
    phi = world.phi_for_region(region)[:, industry].copy()
    phi[industry] = 0.0
    candidates = np.flatnonzero((world.mcp[region] > 0) & (phi > 0))
    return candidates[np.argsort(-phi[candidates], kind="stable")][:TOP_RELATED].tolist()


def _same_cluster_share(world: World, batch: LeadBatch, cluster_of: np.ndarray) -> float:
    """Of the related industries named for traded-industry leads, the share in the lead's DPS
    cluster: an outside check of which phi names sensible neighbours."""
    hits, named = 0, 0
    for region, industry in zip(batch.region.tolist(), batch.industry.tolist(), strict=True):
        if cluster_of[industry] < 0:
            continue
        related = _related(world, region, industry)
        hits += sum(cluster_of[q] == cluster_of[industry] for q in related)
        named += len(related)
    return hits / named if named else float("nan")


def _where_else_agreement(a: World, b: World, batch: LeadBatch, n_regions: int) -> float:
    """Share of leads whose best area of the province is the same under both phi."""
    regions = np.arange(n_regions)
    same = 0
    for lead in range(min(WHERE_ELSE_LEADS, len(batch))):
        best_a = np.argmax(score_lead_everywhere(a, batch, lead, regions).total)
        best_b = np.argmax(score_lead_everywhere(b, batch, lead, regions).total)
        same += int(best_a == best_b)
    return same / min(WHERE_ELSE_LEADS, len(batch))


def _one_draw(
    inputs: WorldInputs,
    reference: np.ndarray,
    batch: LeadBatch,
    cluster_of: np.ndarray,
    rng: np.random.Generator,
) -> dict[str, float]:
    rows = np.sort(rng.choice(len(inputs.region_codes), PROVINCE, replace=False))
    province = _province(inputs, rows)
    estimated = build_world(province)
    given = build_world(replace(province, reference_proximity=reference))
    leads = _leads(batch, PROVINCE, rng)
    weights = PRESETS["balanced"]
    a, b = score_leads(estimated, leads, weights), score_leads(given, leads, weights)
    present = estimated.mcp.sum(axis=0) > 0
    pairs = np.triu(np.outer(present, present), 1)
    phi16, phi_ref = estimated.proximity[0][pairs], reference[pairs]
    top = a.total >= np.percentile(a.total, 90)
    top_ref = b.total >= np.percentile(b.total, 90)
    return {
        "phi_mae": float(np.mean(np.abs(phi16 - phi_ref))),
        "phi_corr": float(np.corrcoef(phi16, phi_ref)[0, 1]),
        "local_rho": float(spearmanr(a.local_fit, b.local_fit).statistic),
        "cluster_rho": float(spearmanr(a.cluster_strength, b.cluster_strength).statistic),
        "total_rho": float(spearmanr(a.total, b.total).statistic),
        "top_decile_changed": float(np.mean(top != top_ref)),
        "mean_abs_total": float(np.mean(np.abs(a.total - b.total))),
        "conf_estimated": float(a.confidence.mean()),
        "conf_reference": float(b.confidence.mean()),
        "same_cluster_estimated": _same_cluster_share(estimated, leads, cluster_of),
        "same_cluster_reference": _same_cluster_share(given, leads, cluster_of),
        "where_else_same": _where_else_agreement(estimated, given, leads, PROVINCE),
    }


def noise_curve(all_mcp: np.ndarray, reference: np.ndarray, seed: int) -> list[dict[str, float]]:
    """phi from n random areas (of all) against the national phi, and against phi from n other
    areas (split-half), for each n in CURVE."""
    rng = np.random.default_rng(seed)
    upper = np.triu_indices(reference.shape[0], 1)
    out = []
    for n in CURVE:
        mae, corr, split = [], [], []
        for _ in range(CURVE_DRAWS):
            order = rng.permutation(all_mcp.shape[0])
            first = proximity(all_mcp[order[:n]])[upper]
            second = proximity(all_mcp[order[n : 2 * n]])[upper]
            mae.append(np.mean(np.abs(first - reference[upper])))
            corr.append(np.corrcoef(first, reference[upper])[0, 1])
            split.append(np.corrcoef(first, second)[0, 1])
        out.append({"n": n, "mae": np.mean(mae), "corr": np.mean(corr), "split": np.nanmean(split)})
    return out


def phi_sample_section(
    data: Path, us: UsData, inputs: WorldInputs, batch: LeadBatch, seed: int = 11
) -> tuple[list[str], dict[str, Any]]:
    """Markdown lines and headline figures of the province-sample experiment."""
    reference, all_mcp, n_areas = national_phi(data, us.industries)
    cluster_of = np.array([us.cluster_of.get(c, -1) for c in us.industries])
    rng = np.random.default_rng(seed)
    leads = batch.take(np.arange(min(LEADS_PER_DRAW, len(batch))))
    draws = pd.DataFrame(
        [_one_draw(inputs, reference, leads, cluster_of, rng) for _ in range(DRAWS)]
    )
    curve = noise_curve(all_mcp, reference, seed)
    mean, sd = draws.mean(), draws.std()
    headline = {f"sample_{k}": v for k, v in mean.items()} | {"sample_areas": n_areas}

    def cell(name: str, fmt: str = ".2f") -> str:
        return f"{mean[name]:{fmt}} ± {sd[name]:{fmt}}"

    lines = [
        f"### phi from a province: {PROVINCE} random areas against the national reference",
        "",
        f"A province's cities are too few to estimate phi. Here {DRAWS} times, {PROVINCE} of "
        f"the 400 areas are drawn at random (a 'province', with its clusters) and the same "
        f"{len(leads):,} generated leads (profiles as above, each placed in a random area of the "
        "province) are scored twice: with phi estimated from the 16 areas (the engine's "
        f"fallback) and with phi from all {n_areas} CBP areas (a reference industry space, as "
        "`build_relatedness` writes it). Sizes, links, clusters and RCA are the same in both; "
        "only phi differs. Mean ± sd over the draws:",
        "",
        *table(
            ["measure", "value"],
            [
                ("phi: mean absolute difference, 16 areas vs national", cell("phi_mae", ".3f")),
                ("phi: correlation, 16 areas vs national", cell("phi_corr")),
                ("rank correlation of local fit (Spearman)", cell("local_rho")),
                ("rank correlation of cluster strengthening", cell("cluster_rho")),
                ("rank correlation of totals", cell("total_rho")),
                ("leads entering or leaving the top decile", cell("top_decile_changed", ".1%")),
                ("mean absolute difference of totals (points)", cell("mean_abs_total", ".1f")),
                (
                    f"'where else': same best area of the 16 ({WHERE_ELSE_LEADS} leads per draw)",
                    cell("where_else_same", ".1%"),
                ),
                (
                    f"of the {TOP_RELATED} related industries an explanation names, share in "
                    "the lead's DPS cluster: 16-area phi / national phi",
                    f"{cell('same_cluster_estimated', '.1%')} / "
                    f"{cell('same_cluster_reference', '.1%')}",
                ),
                (
                    "mean confidence: 16-area phi (reliability 0.40) / national phi",
                    f"{cell('conf_estimated')} / {cell('conf_reference')}",
                ),
            ],
        ),
        "",
        "How noisy phi is with n regions: phi from n random areas of all "
        f"{n_areas} against the national phi, and against phi from n other areas (split-half), "
        f"over the 960 industries ({CURVE_DRAWS} draws each). Presence here is the national "
        "one (RCA against all areas), so the table isolates the sample size; in the province "
        "experiment above RCA is also measured within the 16 areas, which adds to the "
        f"difference. The engine warns below {MIN_REGIONS_FOR_ESTIMATED_PROXIMITY} regions "
        "(docs/scoring.md):",
        "",
        *table(
            ["regions n", "mean abs. difference from national phi", "correlation", "split-half"],
            [(r["n"], f"{r['mae']:.3f}", f"{r['corr']:.2f}", f"{r['split']:.2f}") for r in curve],
        ),
        "",
    ]
    headline["curve"] = curve
    return lines, headline
