"""The 'what the real data say about the engine' section of REPORT.md.

The interpretation was written after reading the figures; the numbers are filled in from the
run, so a rerun on other data keeps the figures true (re-read the wording if they move a lot).
"""

from __future__ import annotations

from typing import Any

from common import pct


def findings(us: dict[str, Any], china: dict[str, Any]) -> list[str]:
    lines = ["## Findings: what the real data say about the engine", ""]
    if us:
        lines += _us_findings(us)
    if china:
        lines += _china_findings(china)
    if us and "curve" in us:
        lines += [_sample_finding(us), ""]
    return lines


def _sample_finding(h: dict[str, Any]) -> str:
    curve = {row["n"]: row for row in h["curve"]}
    return (
        f"12. **A province cannot estimate phi; a national reference can.** phi from 16 random "
        f"areas correlates {h['sample_phi_corr']:.2f} with the national phi (mean absolute "
        f"difference {h['sample_phi_mae']:.3f} at a typical phi of 0.1-0.2), and phi from 16 "
        f"areas agrees with phi from 16 other areas at {curve[16]['split']:.2f} (split-half): "
        "mostly noise. On the same leads in the same 16 areas, local fit ranks with a "
        f"Spearman correlation of {h['sample_local_rho']:.2f} to local fit under the national "
        f"phi, {h['sample_top_decile_changed']:.0%} of leads enter or leave the top decile, "
        f"and 'where else' names the same best area for {h['sample_where_else_same']:.0%} of "
        "leads. Of the related industries the explanations name, "
        f"{h['sample_same_cluster_estimated']:.0%} share the lead's DPS cluster with 16-area phi "
        f"against {h['sample_same_cluster_reference']:.0%} with the national phi. Only at a few "
        f"hundred regions does phi approach the national one (split-half "
        f"{curve[100]['split']:.2f} at 100, {curve[400]['split']:.2f} at 400). Hence the "
        "reference industry space (`industry_relatedness.csv`, `build_relatedness`), and the "
        "warning and lower confidence when a level falls back on fewer than 100 regions."
    )


def _us_findings(h: dict[str, Any]) -> list[str]:
    ratio = h["phi_within"] / h["phi_between"]
    lift = h["top1000_within"] / h["base_within"]
    return [
        f"1. **Co-location and the DPS clusters agree, but not everywhere.** Industries of one "
        f"cluster are {ratio:.1f}x as proximate as industries of different clusters. A few "
        "clusters (nonmetal mining, power generation, leather, trailers and appliances) have "
        "almost no internal proximity: their members go where a resource or a market is, not "
        "near one another. Local fit (phi) and cluster membership are complementary "
        "evidence, as the engine treats them.",
        f"2. **Strong IO links cluster, but most cross cluster borders.** "
        f"{pct(h['top1000_within'])} of the 1,000 strongest links fall within one DPS cluster, "
        f"{lift:.0f}x the base rate; the other {pct(1 - h['top1000_within'])} connect different "
        "clusters. Chain completion therefore carries information that cluster membership does "
        "not, and the cluster score's use of phi rather than IO links (docs/methods.md §3) "
        "is a real choice, not a duplicate.",
        f"3. **How missing CBP cells are read changes the ranking more than anything else.** "
        f"{pct(h['cells_known'])} of area x industry cells are published. Read as unknown (the "
        "importer's default, 'never zero'), density is computed over published cells only, "
        "which in CBP are almost all cells where the industry exists (3+ establishments); the "
        "denominator shrinks most in small areas, inflating their density, and most missing "
        "links become 'unknown' rather than gaps. Read as zero, the same leads rank with a "
        f"Spearman correlation of only {h['unknown_zero_rho']:.2f} to the first reading, and "
        f"confidence rises from {h['unknown_confidence']:.2f} to {h['zero_confidence']:.2f}. "
        "For a register with a known publication threshold, 'missing' means 'none or below "
        "the threshold', which for RCA and presence is much closer to zero than to unknown: "
        "`import_region_table --missing zero` exists for that case, and the choice belongs in "
        "the data documentation of each source (decision for the lead: default per source).",
        f"4. **Customer shares derived from supplier-share weights are not the flows' customer "
        f"shares.** With weight = supplier share, the engine's row-normalised customer shares "
        f"name a different largest customer for {pct(h['top_customer_differs'])} of industries "
        "than the flows do. The downstream-market side of chain completion thus favours "
        "customers for which the supplier is an important input, not customers that take much "
        "of the supplier's sales. Links now carry that second number "
        "(`IndustryLink.customer_weight`, filled by `import_io_table`; docs/real-data.md, "
        "'Weights'), and with it the engine's customer shares are the flows' "
        f"(largest distance {h.get('stored_customer_tv', float('nan')):.1e}). Hand-drawn maps "
        "without it keep the derived shares.",
        f"5. **Data quirks surface in the printed partners.** The largest intermediate customer "
        f"of semiconductors (334413) after mapping is {h['semis_customer']} "
        f"({pct(h['semis_customer_share'])} of their intermediate sales), straight from the BEA "
        "2017 Use table. Whatever its cause, a chain map built blindly from the table would "
        "inherit it; `import_io_table` prints each industry's strongest partners so a person "
        "sees such links before they enter the scores.",
        f"6. **The Cluster Mapping flags come out right.** Of the {h['known_total']} well-known "
        f"area-clusters checked by name, {h['known_strong']} are strong under the engine's "
        f"rule and {h['known_strong_full']} under the full rule. Dropping the establishment "
        "test and using totals over published cells, as the "
        f"engine does, flags {h['strong_engine']:,} area-clusters against {h['strong_full']:,} "
        "under the full rule, with the same verdict on almost all of them.",
        f"7. **Scoring is cheap; building the world is most of a full rescore.** score_leads "
        f"handles {h['n_leads']:,} leads in {h['score_s']:.3f} s; build_world takes "
        f"{h['build_s']:.1f} s, mostly in the cluster tables: 20,400 clusters (51 definitions "
        "in each of 400 areas; see the profile above). All areas share the same 51 member sets, "
        "so relatedness to a cluster could be computed once per definition rather than once "
        "per area when clusters are defined nationally, as in the US.",
        f"8. **The sub-scores are not redundant.** Local fit and chain completion correlate at "
        f"{h['corr_local_chain']:.2f} across the generated leads, by construction: chain "
        "completion rewards a missing link (1 - presence) while density rewards closeness to "
        f"what is there. Local fit and cluster strength correlate at "
        f"{h['corr_local_cluster']:.2f}.",
        "",
    ]


def _china_findings(h: dict[str, Any]) -> list[str]:
    return [
        f"9. **The national table confirms most of the battery and NEV chain map at sector "
        f"level** ({h.get('verdict_confirmed', 0)} of {h['chain_links']} links), but cannot see "
        "inside a sector: the cell -> pack -> power/storage links "
        f"({h.get('verdict_same sector', 0)}) all lie within NBS sector 087 (batteries). "
        "Of the weak and absent ones, a third are the recycling links (in 2020 the "
        "waste-resources sector sold scrap to steel, paper and non-ferrous smelting, hardly "
        "anything to battery makers); others are inputs that are real but small in money "
        "terms (robots, inverters, software, port logistics), or links the table routes "
        "through a third sector (resins reach auto parts as plastic products, 047 -> 053 -> "
        "080), or whose two ends share one sector (fine chemicals and electrolyte are both "
        "mostly 048, special chemical products).",
        f"10. **Proportional splitting gives narrow industries their whole sector's partners.** "
        f"Cathode material is 3% of 'electronic components' in the concordance, so the import "
        f"gives LIB-CATH -> LIB-CELL a supplier share of "
        f"{pct(h.get('cathode_import_weight', 0.0))} (the sector pair: "
        f"{pct(h.get('cathode_sector_share', 0.0))}), where the hand-drawn map says it is the "
        "cell's main input; and it gives battery recycling the scrap trade's customers (steel). "
        "A 153-sector table is evidence that two sectors trade, not of how much two narrow "
        "industries do. Keep hand-drawn weights for narrow chains (the default "
        "`--keep-hand-drawn`), let the table write links where demo industries are whole "
        "sectors (steel, auto parts, chemicals), and use `--industries` to choose per chain.",
        f"11. **What the 2020 table says that the map does not.** The largest intermediate "
        f"customers of batteries were {h.get('battery_customers', '')}: consumer electronics, "
        "not vehicles. Batteries were "
        f"{pct(h.get('battery_to_cars_supplier_share', 0.0))} of automobile makers' inputs, since "
        "the table's 'automobiles' are mostly combustion cars (new-energy vehicles were about "
        "5% of 2020 output). The demo's LIB chain has no link to computers or communication "
        "equipment; the NEV chain's table weights describe car making in general.",
        "",
    ]
