"""US section of the real-data report: complexity, relatedness, IO links, clusters, rescoring."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, SupportsInt, cast

import numpy as np
import pandas as pd
from common import best_of, pct, table
from phi_sample import phi_sample_section
from scipy.stats import spearmanr
from us_data import UsData, load_us, naics_table

from regions.statistics.iotables import IOTable, link_table
from screening.scoring.chain import link_shares
from screening.scoring.complexity import Complexity, compute_complexity
from screening.scoring.engine import (
    LeadBatch,
    WorldInputs,
    build_world,
    score_leads,
)
from screening.scoring.weights import PRESETS

MIN_SHARE = 0.01
# Well-known specialisations checked by name: (CBSA, DPS traded cluster code).
KNOWN = [
    ("19820", 4),  # Detroit, Automotive
    ("42660", 1),  # Seattle, Aerospace Vehicles and Defense
    ("41940", 23),  # San Jose, Information Technology and Analytical Instruments
    ("48620", 1),  # Wichita, Aerospace
    ("26420", 35),  # Houston, Oil and Gas Production and Transportation
    ("34980", 33),  # Nashville, Music and Sound Recording
    ("29820", 22),  # Las Vegas, Hospitality and Tourism
    ("25540", 24),  # Hartford, Insurance Services
    ("31080", 48),  # Los Angeles, Video Production and Distribution
    ("35620", 16),  # New York, Financial Services
]
SEMICONDUCTORS = "334413"


@dataclass
class UsResult:
    lines: list[str] = field(default_factory=list)
    headline: dict[str, Any] = field(default_factory=dict)
    inputs: WorldInputs | None = None


def us_section(data: Path, n_leads: int, seed: int = 7) -> UsResult:
    """Every US figure of the report, as Markdown lines plus headline numbers."""
    out = UsResult()
    us = load_us(data)
    out.lines += ["## United States: 400 metro areas x NAICS-6 (CBP 2019, BEA 2017, DPS)", ""]
    out.lines += _coverage(us, out.headline)
    seconds, cx = best_of(5, lambda: compute_complexity(np.nan_to_num(us.employment)))
    out.headline["complexity_s"] = seconds
    out.lines += _complexity(us, cx, seconds)
    out.lines += _proximity(us, cx, out.headline)
    start = time.perf_counter()
    io, concordance = naics_table(data, us)
    links = link_table(io, min_share=MIN_SHARE)
    out.headline["links"] = len(links)
    out.lines += _links(us, io, concordance, links, cx, time.perf_counter() - start, out.headline)
    out.inputs = _world_inputs(us, links, us.employment)
    out.lines += _engine(us, links, out.inputs, n_leads, seed, out.headline)
    out.lines += _pull(us, links, out.inputs)
    sample_lines, sample_headline = phi_sample_section(
        data, us, out.inputs, generate_leads(us, links, n_leads, seed)
    )
    out.lines += sample_lines
    out.headline.update(sample_headline)
    return out


def _pull(us: UsData, links: pd.DataFrame, inputs: WorldInputs) -> list[str]:
    """The anchor-pull section (us_pull.py), with missing cells read as absent and unknown."""
    from us_pull import pull_section

    zero_world = build_world(_world_inputs(us, links, np.nan_to_num(us.employment)))
    return [*pull_section(zero_world, build_world(inputs), us), ""]


def _coverage(us: UsData, headline: dict[str, Any]) -> list[str]:
    known = np.isfinite(us.employment)
    covered = np.nansum(us.employment, axis=1) / us.total_employment
    headline["cells_known"] = known.mean()
    return [
        "### Data",
        "",
        f"- Regions: the {len(us.areas)} metro/micro areas with the most CBP employment "
        f"({us.total_employment.sum() / 1e6:.1f} million jobs). Industries: the "
        f"{len(us.industries)} NAICS-6 codes found in them.",
        f"- Published cells: {pct(known.mean())} of the {known.size:,} area x industry cells. "
        "CBP leaves out cells with fewer than 3 establishments, so a missing cell is "
        "'none or suppressed'; the engine is given them as unknown (NaN), as the importer does.",
        f"- Employment in published 6-digit cells / area total: median {pct(np.median(covered))}, "
        f"lowest {pct(covered.min())}. The rest sits in suppressed cells.",
        "",
    ]


def _complexity(us: UsData, cx: Complexity, seconds: float) -> list[str]:
    rank = pd.Series(cx.eci, index=us.areas).rank(ascending=False)
    named = [
        (us.name(a), int(cx.diversity[i]), f"{cx.eci[i]:.2f}", int(rank[a]))
        for i, a in enumerate(us.areas)
        if a in {"41940", "41860", "14460", "35620", "19820", "42660", "29820", "48620"}
    ]
    return [
        "### Complexity measures at this scale",
        "",
        f"`compute_complexity` on the {len(us.areas)} x {len(us.industries)} matrix (RCA, "
        f"presence, proximity, density, ECI/PCI, COI, COG): **{seconds:.2f} s** (best of 5; "
        "unknown cells enter as 0, as its interface requires). Diversity (industries with "
        "RCA >= 1) and ECI of a few areas, for orientation:",
        "",
        *table(["area", "diversity", "ECI", "ECI rank of 400"], named),
        "",
    ]


def _pairs_within(codes: list[str], cluster_of: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Upper-triangle masks over traded-industry pairs: same DPS cluster / different ones."""
    ids = pd.Series(codes).map(cluster_of).to_numpy(dtype=np.float64)
    traded = np.isfinite(ids)
    iu = np.triu_indices(len(codes), 1)
    both = traded[iu[0]] & traded[iu[1]]
    same = ids[iu[0]] == ids[iu[1]]
    return both & same, both & ~same


def _proximity(us: UsData, cx: Complexity, headline: dict[str, Any]) -> list[str]:
    within, between = _pairs_within(us.industries, us.cluster_of)
    phi = cx.proximity[np.triu_indices(len(us.industries), 1)]
    headline["phi_within"], headline["phi_between"] = phi[within].mean(), phi[between].mean()
    per_cluster = _per_cluster_phi(us, cx)
    top = per_cluster.head(5)
    low = per_cluster.tail(5)
    return [
        "### Relatedness within and between DPS clusters",
        "",
        f"Mean proximity phi over pairs of traded industries in the **same** DPS cluster: "
        f"**{phi[within].mean():.3f}** ({within.sum():,} pairs); in **different** clusters: "
        f"**{phi[between].mean():.3f}** ({between.sum():,} pairs); ratio "
        f"{phi[within].mean() / phi[between].mean():.2f}. phi is the co-location measure the "
        "local-fit score is built on; the DPS clusters were drawn from co-location, "
        "input-output and occupation links, so a ratio well above 1 says the two agree.",
        "",
        "Clusters whose members co-locate most / least (mean phi within the cluster):",
        "",
        *table(
            ["cluster", "members here", "mean phi within"],
            [(n, int(m), float(v)) for n, m, v in pd.concat([top, low]).itertuples(index=False)],
        ),
        "",
    ]


def _per_cluster_phi(us: UsData, cx: Complexity) -> pd.DataFrame:
    ids = pd.Series(us.industries).map(us.cluster_of)
    rows = []
    for code, members in ids.groupby(ids).groups.items():
        idx = np.asarray(list(members))
        if idx.size < 2:
            continue
        block = cx.proximity[np.ix_(idx, idx)]
        mean = (block.sum() - np.trace(block)) / (idx.size * (idx.size - 1))
        # Keys are cluster codes: numpy ints, or floats if some industry has no cluster (NaN).
        rows.append((us.cluster_names[int(cast(SupportsInt, code))], idx.size, mean))
    frame = pd.DataFrame(rows, columns=["cluster", "members", "phi"])
    return frame.sort_values("phi", ascending=False).reset_index(drop=True)


def _links(
    us: UsData,
    io: IOTable,
    concordance: pd.DataFrame,
    links: pd.DataFrame,
    cx: Complexity,
    seconds: float,
    headline: dict[str, Any],
) -> list[str]:
    within, between = _pairs_within(us.industries, us.cluster_of)
    base = within.sum() / (within.sum() + between.sum())
    traded = links[
        links["supplier"].isin(us.cluster_of.index) & links["customer"].isin(us.cluster_of.index)
    ]
    same = traded["supplier"].map(us.cluster_of) == traded["customer"].map(us.cluster_of)
    shares = []
    for n in (100, 1000, 5000):
        top = traded.nlargest(n, "flow")
        shares.append((f"strongest {n:,} by flow", pct(same[top.index].mean())))
    first = traded.sort_values("supplier_share", ascending=False).groupby("customer").head(1)
    shares.append(("each industry's largest supplier", pct(same[first.index].mean())))
    shares.append(("all traded pairs (base rate)", pct(base)))
    headline["top1000_within"] = same[traded.nlargest(1000, "flow").index].mean()
    headline["base_within"] = base
    return [
        "### Input-output links (BEA 2017 detail through the crosswalk)",
        "",
        f"BEA Make and Use (402 industries, $ million) -> industry x industry flows under the "
        f"industry-technology assumption -> NAICS-6 through MasterCrosswalk2017 "
        f"({len(concordance):,} concordance rows; a BEA code split across its NAICS-6 codes "
        f"by national CBP employment). {len(links):,} links with a supplier or customer share "
        f">= {MIN_SHARE:g} (what `import_io_table --min-share {MIN_SHARE:g}` would write); "
        f"reading, mapping and listing took {seconds:.1f} s. Notes from the adapters:",
        "",
        *[f"- {note}" for note in io.notes],
        "",
        "Share of IO links that fall within one DPS traded cluster:",
        "",
        *table(["links", "within one cluster"], shares),
        "",
        *_link_phi(us, traded, cx),
        *_top_flows(us, links),
        *_partners(us, links, headline),
        *_customer_share_check(io, links, headline),
    ]


def _link_phi(us: UsData, traded: pd.DataFrame, cx: Complexity) -> list[str]:
    pos = {c: i for i, c in enumerate(us.industries)}
    top = traded.nlargest(1000, "flow")
    phi_top = cx.proximity[top["supplier"].map(pos), top["customer"].map(pos)].mean()
    phi_all = cx.proximity[np.triu_indices(len(us.industries), 1)].mean()
    return [
        f"Mean proximity of the 1,000 strongest traded links: {phi_top:.3f}, against "
        f"{phi_all:.3f} over all industry pairs: industries that trade heavily also tend "
        "to co-locate, but the two relations are far from the same.",
        "",
    ]


def _top_flows(us: UsData, links: pd.DataFrame) -> list[str]:
    top = links.nlargest(8, "flow")
    rows = [
        (
            f"{s} {us.titles.get(s, '')[:40]}",
            f"{c} {us.titles.get(c, '')[:40]}",
            f"{f:,.0f}",
            pct(ss),
            pct(cs),
        )
        for s, c, f, ss, cs in top.itertuples(index=False)
    ]
    return [
        "Largest flows after mapping ($ million, 2017):",
        "",
        *table(["supplier", "customer", "flow", "supplier share", "customer share"], rows),
        "",
    ]


def _partners(us: UsData, links: pd.DataFrame, headline: dict[str, Any]) -> list[str]:
    lines = ["Strongest partners of a few industries (as `import_io_table` prints them):", ""]
    semis = links[links["supplier"] == SEMICONDUCTORS].nlargest(1, "customer_share")
    headline["semis_customer"] = (
        f"{semis['customer'].iloc[0]} {us.titles.get(semis['customer'].iloc[0], '')}"
    )
    headline["semis_customer_share"] = float(semis["customer_share"].iloc[0])
    for code in ("336111", "336411", SEMICONDUCTORS):
        sup = links[links["customer"] == code].nlargest(3, "supplier_share")
        cus = links[links["supplier"] == code].nlargest(3, "customer_share")
        up = ", ".join(
            f"{s} {us.titles.get(s, '')[:28]} {pct(v)}"
            for s, v in zip(sup["supplier"], sup["supplier_share"], strict=True)
        )
        down = ", ".join(
            f"{c} {us.titles.get(c, '')[:28]} {pct(v)}"
            for c, v in zip(cus["customer"], cus["customer_share"], strict=True)
        )
        lines.append(f"- {code} {us.titles.get(code, '')}: suppliers {up}; customers {down}")
    return [*lines, ""]


def _customer_share_check(io: IOTable, links: pd.DataFrame, headline: dict[str, Any]) -> list[str]:
    """How far the engine's customer shares (rows of W = supplier shares) are from the flows'."""
    pos = {c: i for i, c in enumerate(io.codes)}
    n = len(io.codes)
    rows, cols = links["supplier"].map(pos).to_numpy(), links["customer"].map(pos).to_numpy()
    w, f = np.zeros((n, n)), np.zeros((n, n))
    w[rows, cols] = links["supplier_share"].to_numpy()
    f[rows, cols] = links["flow"].to_numpy()
    sales = np.full((n, n), np.nan)
    sales[rows, cols] = links["customer_share"].to_numpy()
    _, derived_c = link_shares(w)
    _, stored_c = link_shares(w, sales)  # customer_weight as import_io_table now stores it
    _, flow_c = link_shares(f)
    sells = flow_c.sum(axis=1) > 0
    tv = 0.5 * np.abs(derived_c - flow_c).sum(axis=1)[sells]
    top_differs = (derived_c.argmax(axis=1) != flow_c.argmax(axis=1))[sells]
    stored_tv = 0.5 * np.abs(stored_c - flow_c).sum(axis=1)[sells]
    headline["top_customer_differs"] = top_differs.mean()
    headline["stored_customer_tv"] = stored_tv.max()
    return [
        "**Customer shares.** A link's weight is its supplier share. Derived the old way, by "
        "normalising each supplier's row of weights, customer shares differ from those of the "
        f"flows: mean total-variation distance {tv.mean():.2f} (0 = same, 1 = disjoint), and "
        f"the largest customer differs for {pct(top_differs.mean())} of industries. "
        "`import_io_table` now also stores each link's customer share (`customer_weight`) and "
        "the engine uses it for the downstream side: over the same links the engine's customer "
        f"shares then match the flows' to within {stored_tv.max():.1e} (largest distance).",
        "",
    ]


def _world_inputs(us: UsData, links: pd.DataFrame, employment: np.ndarray) -> WorldInputs:
    pos = {c: i for i, c in enumerate(us.industries)}
    n_r, n_i = employment.shape
    weights = np.zeros((n_i, n_i))
    weights[links["supplier"].map(pos), links["customer"].map(pos)] = links["supplier_share"]
    clusters = sorted(us.cluster_names)
    members = np.zeros((len(clusters), n_i))
    for k, code in enumerate(clusters):
        members[k, [pos[c] for c in us.cluster_of.index[us.cluster_of == code] if c in pos]] = 1.0
    names = {a: (us.name(a), us.name(a)) for a in us.areas}
    return WorldInputs(
        region_codes=us.areas,
        region_levels=["metro"] * n_r,
        region_parent=np.full(n_r, -1, dtype=np.int64),
        region_names=names,
        industry_codes=us.industries,
        industry_names={c: (us.titles.get(c, c), us.titles.get(c, c)) for c in us.industries},
        size=employment,
        firms=us.establishments,  # typical plant sizes for anchor pull
        link_weight=weights,
        factor_names=[],
        endowment=np.zeros((n_r, 0)),
        cluster_region=np.repeat(np.arange(n_r, dtype=np.int64), len(clusters)),
        cluster_codes=[f"{a}:{k}" for a in us.areas for k in clusters],
        cluster_names={f"{a}:{k}": (us.cluster_names[k],) * 2 for a in us.areas for k in clusters},
        cluster_members=np.tile(members, (n_r, 1)),
    )


def generate_leads(us: UsData, links: pd.DataFrame, n: int, seed: int) -> LeadBatch:
    """n leads: areas drawn by size, traded industries by sqrt(national employment), log-normal
    jobs (20% unknown), half of them naming their industry's three largest suppliers."""
    rng = np.random.default_rng(seed)
    region = rng.choice(len(us.areas), n, p=us.total_employment / us.total_employment.sum())
    traded = np.array([c in us.cluster_of.index for c in us.industries])
    weight = np.sqrt(np.nan_to_num(np.nansum(us.employment, axis=0))) * traded
    industry = rng.choice(len(us.industries), n, p=weight / weight.sum())
    jobs = np.round(rng.lognormal(4.0, 1.0, n))
    jobs[rng.random(n) < 0.2] = np.nan
    pos = {c: i for i, c in enumerate(us.industries)}
    top = links.sort_values("supplier_share", ascending=False).groupby("customer").head(3)
    suppliers = {pos[c]: [pos[s] for s in g["supplier"]] for c, g in top.groupby("customer")}
    rows = [suppliers.get(int(i), []) if rng.random() < 0.5 else [] for i in industry]
    lengths = np.array([len(r) for r in rows], dtype=np.int64)
    return LeadBatch(
        region=region.astype(np.int64),
        industry=industry.astype(np.int64),
        jobs=jobs,
        capex=np.full(n, np.nan),
        land_ha=np.full(n, np.nan),
        needs=np.zeros(n, dtype=np.uint64),
        inputs_indptr=np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        inputs_indices=np.array([i for r in rows for i in r], dtype=np.int32),
    )


def _engine(
    us: UsData,
    links: pd.DataFrame,
    inputs: WorldInputs,
    n_leads: int,
    seed: int,
    headline: dict[str, Any],
) -> list[str]:
    build_s, world = best_of(2, lambda: build_world(inputs))
    batch = generate_leads(us, links, n_leads, seed)
    weights = PRESETS["balanced"]
    score_s, scores = best_of(3, lambda: score_leads(world, batch, weights))
    headline.update(build_s=build_s, score_s=score_s, n_leads=n_leads)
    zero_world = build_world(_world_inputs(us, links, np.nan_to_num(us.employment)))
    zero_scores = score_leads(zero_world, batch, weights)
    return [
        f"### Full rescore of {n_leads:,} generated leads (numeric core, in memory)",
        "",
        f"World: {len(us.areas)} areas x {len(us.industries)} industries, {len(links):,} IO links "
        f"(weight = supplier share), {len(us.areas) * len(us.cluster_names):,} clusters (the 51 "
        "DPS traded clusters in every area), no endowments. Leads: areas drawn in proportion to "
        "employment, traded industries in proportion to sqrt(national employment), log-normal "
        "jobs (median 55, 20% unknown), half naming their industry's three largest suppliers.",
        "",
        *table(
            ["step", "time"],
            [
                ("build_world", f"{build_s:.2f} s (best of 2; once per data version)"),
                ("score_leads", f"{score_s:.3f} s (best of 3)"),
                ("full rescore", f"{build_s + score_s:.2f} s"),
            ],
        ),
        "",
        *_score_summary(scores, headline),
        *_clusters(us, world, headline),
        *_unknown_vs_zero(scores, zero_scores, (world, zero_world), headline),
    ]


def _score_summary(scores: Any, headline: dict[str, Any]) -> list[str]:
    subs = scores.sub_scores()
    corr = np.corrcoef(subs.T)
    headline.update(corr_local_chain=corr[0, 1], corr_local_cluster=corr[0, 2])
    neutral = [(scores.neutral & bit).astype(bool).mean() for bit in (1, 2, 4)]
    rows = [
        (
            name,
            f"{subs[:, k].mean():.1f}",
            f"{np.percentile(subs[:, k], 10):.1f}",
            f"{np.percentile(subs[:, k], 90):.1f}",
            pct(neutral[k]),
        )
        for k, name in enumerate(["local fit", "chain completion", "cluster strength"])
    ]
    return [
        "Scores of the generated leads (balanced preset):",
        "",
        *table(["sub-score", "mean", "p10", "p90", "no evidence (neutral 50)"], rows),
        "",
        f"Correlation of sub-scores across leads: local fit ~ chain {corr[0, 1]:.2f}, local fit "
        f"~ cluster {corr[0, 2]:.2f}, chain ~ cluster {corr[1, 2]:.2f}. Mean confidence "
        f"{scores.confidence.mean():.2f}.",
        "",
    ]


def _clusters(us: UsData, world: Any, headline: dict[str, Any]) -> list[str]:
    """Strong flags: the engine's (no establishment test, known-cell totals) and the full
    Cluster Mapping rule (area totals from CBP, establishments above their 25th percentile)."""
    clusters = sorted(us.cluster_names)
    n_r, n_k = len(us.areas), len(clusters)
    engine_lq = world.clusters.lq.reshape(n_r, n_k)
    engine_strong = world.clusters.strong.reshape(n_r, n_k)
    full_lq, full_strong = _full_rule(us, clusters)
    agree = (engine_strong == full_strong).mean()
    headline.update(strong_engine=engine_strong.sum(), strong_full=full_strong.sum())
    rows = []
    for area, code in KNOWN:
        r, k = us.areas.index(area), clusters.index(code)
        rank = int((full_lq[:, k] > full_lq[r, k]).sum()) + 1
        rows.append(
            (
                us.name(area),
                us.cluster_names[code],
                f"{engine_lq[r, k]:.2f}",
                f"{full_lq[r, k]:.2f}",
                rank,
                _yes(engine_strong[r, k]),
                _yes(full_strong[r, k]),
            )
        )
    headline["known_strong"] = sum(1 for row in rows if row[5] == "yes")
    headline["known_strong_full"] = sum(1 for row in rows if row[6] == "yes")
    headline["known_total"] = len(rows)
    return [
        "### Cluster Mapping 'strong' flags recomputed",
        "",
        f"Engine rule (LQ >= 75th percentile of the 400 areas and >= 1, employment above the "
        f"25th percentile; totals over published cells): {engine_strong.sum():,} strong "
        f"area-clusters of {engine_strong.size:,}. Full Cluster Mapping rule (area totals from "
        f"CBP, establishments also above their 25th percentile): {full_strong.sum():,}. The two "
        f"agree on {pct(agree)} of area-clusters.",
        "",
        *table(
            [
                "area",
                "cluster",
                "LQ (engine)",
                "LQ (CBP totals)",
                "LQ rank of 400",
                "strong (engine)",
                "strong (full rule)",
            ],
            rows,
        ),
        "",
    ]


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _full_rule(us: UsData, clusters: list[int]) -> tuple[np.ndarray, np.ndarray]:
    pos = {c: i for i, c in enumerate(us.industries)}
    members = np.zeros((len(us.industries), len(clusters)))
    for k, code in enumerate(clusters):
        members[[pos[c] for c in us.cluster_of.index[us.cluster_of == code] if c in pos], k] = 1
    emp = np.nan_to_num(us.employment) @ members
    est = np.nan_to_num(us.establishments) @ members
    share = emp / us.total_employment[:, None]
    lq = share / (emp.sum(axis=0) / us.total_employment.sum())
    strong = (
        (lq >= np.percentile(lq, 75, axis=0))
        & (lq >= 1)
        & (emp > np.percentile(emp, 25, axis=0))
        & (est > np.percentile(est, 25, axis=0))
    )
    return lq, strong


def _unknown_vs_zero(
    scores: Any, zero: Any, worlds: tuple[Any, Any], headline: dict[str, Any]
) -> list[str]:
    rho = spearmanr(scores.total, zero.total).statistic
    chain_rho = spearmanr(scores.chain_completion, zero.chain_completion).statistic
    local_rho = spearmanr(scores.local_fit, zero.local_fit).statistic
    cut, cut0 = np.percentile(scores.total, 90), np.percentile(zero.total, 90)
    moved = ((scores.total >= cut) != (zero.total >= cut0)).mean()
    headline.update(
        unknown_zero_rho=rho,
        unknown_confidence=scores.confidence.mean(),
        zero_confidence=zero.confidence.mean(),
    )
    return [
        "### Missing CBP cells: unknown or zero?",
        "",
        "The same leads scored on a second world in which every missing cell is 0 instead of "
        f"unknown: Spearman rank correlation of totals {rho:.3f} (local fit {local_rho:.3f}, "
        f"chain {chain_rho:.3f}); {pct(moved)} of leads enter or leave the top decile; mean "
        f"confidence {scores.confidence.mean():.2f} (unknown) against "
        f"{zero.confidence.mean():.2f} (zero).",
        "",
        "Mean density (0-1) of the 100 largest and the 100 smallest areas (areas are sorted "
        "by size):",
        "",
        *table(
            ["missing cells read as", "100 largest", "100 smallest"],
            [
                (label, f"{np.nanmean(w.density[:100]):.3f}", f"{np.nanmean(w.density[-100:]):.3f}")
                for label, w in zip(("unknown", "zero"), worlds, strict=True)
            ],
        ),
        "",
        "Read as unknown, density is computed over published cells only; small areas publish "
        "few cells, nearly all of them industries that are there, so their density rises above "
        "that of large areas: the order is reversed.",
        "",
    ]
