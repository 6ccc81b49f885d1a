"""Figures behind the shortlist charts, read in bulk for a scope (one query per chart).

- feasibility vs attractiveness (Atlas / Metroverse): x = local fit (can the region host
  it), y = the chain and cluster value under the chosen weights (is it worth having);
- the pipeline by stage: leads, known capex and known jobs per stage;
- time in stage from the recorded stage changes (projects.StageChange);
- the total's distribution per region (the scope region's sub-regions);
- each cluster's signed capex and projects in a year against its yearly targets; a lead
  counts as signed in the year its first move to "signed" or a later stage was recorded.
Unknown amounts (NULL capex or jobs) are left out of sums, never counted as zero. Capex is
summed in 万元 only: foreign amounts at the configured rates (projects.money), an amount in a
currency without a rate is left out like an unknown one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from projects import money
from projects.models import STAGE_ORDER, Lead, Stage, StageChange
from regions.models import Cluster, ClusterIndustry, Industry, Region
from regions.names import local_name
from screening.access import descendants_and_self
from shortlists.charts import (
    Distribution,
    FunnelStep,
    Point,
    StageTime,
    TargetRow,
    scatter_grid,
)
from shortlists.ranking import LeadFilters, scope_totals
from shortlists.scopes import Scope
from shortlists.services import ShortlistParams, ShortlistRow

SIGNED_PLUS = STAGE_ORDER[STAGE_ORDER.index(Stage.SIGNED) :]
SECONDS_PER_DAY = 86_400.0
TARGET_ROWS = 12


def attractiveness(
    cc: np.ndarray, cs: np.ndarray, weights: tuple[float, float, float]
) -> np.ndarray:
    """Chain and cluster value on 0-100: their weighted mean under the chosen weights
    (plain mean when both weights are 0)."""
    wc, ws = weights[1], weights[2]
    if wc + ws <= 0:
        return (cc + cs) / 2
    return (wc * cc + ws * cs) / (wc + ws)


@dataclass(frozen=True)
class Feasibility:
    grid: np.ndarray
    points: list[Point]
    in_scope: int


def feasibility(params: ShortlistParams, rows: list[ShortlistRow]) -> Feasibility:
    """The scope's leads as a density grid and the shortlisted leads as points."""
    _regions, _totals, subs = scope_totals(params.rank_request(1))
    grid = scatter_grid(subs[:, 0], attractiveness(subs[:, 1], subs[:, 2], params.weights))
    points = [
        Point(
            x=r.scores.local_fit,
            y=float(
                attractiveness(
                    np.array(r.scores.chain_completion),
                    np.array(r.scores.cluster_strength),
                    params.weights,
                )
            ),
            label=str(r.rank),
            title=f"{r.rank}. {r.lead.company} · {r.scores.total:.1f}",
            company=r.lead.company,
        )
        for r in rows
    ]
    return Feasibility(grid, points, int(subs.shape[0]))


def funnel(scope: Scope, filters: LeadFilters) -> list[FunnelStep]:
    """Leads now at each stage, with their known capex (in 万元) and jobs, and how many got
    this far."""
    status_only = LeadFilters(statuses=filters.statuses, min_confidence=filters.min_confidence)
    rows = (
        Lead.objects.filter(scope.lead_q() & status_only.q(prefix=""))
        .values("stage", "currency")
        .annotate(n=Count("pk"), capex=Sum("capex"), jobs=Sum("jobs"))
    )
    by_stage = _stage_sums([dict(row) for row in rows], money.configured_rates())
    counts = [by_stage[s]["n"] for s in STAGE_ORDER]
    return [
        FunnelStep(
            label=str(Stage(stage).label),
            count=counts[i],
            capex=by_stage[stage]["capex"],
            jobs=by_stage[stage]["jobs"],
            reached=sum(counts[i:]),
            currencies=tuple(sorted(by_stage[stage]["currencies"])),
        )
        for i, stage in enumerate(STAGE_ORDER)
    ]


def _stage_sums(rows: list[dict[str, Any]], rates: money.Rates) -> dict[str, dict[str, Any]]:
    """Per stage: leads, capex in 万元 (None when no amount is known and convertible), jobs
    (None when none is known) and the currencies whose amounts were summed."""
    sums: dict[str, dict[str, Any]] = {
        s: {"n": 0, "capex": None, "jobs": None, "currencies": set()} for s in STAGE_ORDER
    }
    for row in rows:
        stage = sums.setdefault(
            row["stage"], {"n": 0, "capex": None, "jobs": None, "currencies": set()}
        )
        stage["n"] += row["n"]
        if row["jobs"] is not None:
            stage["jobs"] = (stage["jobs"] or 0) + row["jobs"]
        cny = money.to_cny(row["capex"], row["currency"], rates)
        if cny is not None:
            stage["capex"] = (stage["capex"] or 0.0) + cny
            stage["currencies"].add(money.normalise(row["currency"]))
    return sums


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def stage_times(
    scope: Scope, filters: LeadFilters, now: dt.datetime | None = None
) -> list[StageTime]:
    """Days spent per stage: completed stays (until the next change) and current stays."""
    now = now or timezone.now()
    status_only = LeadFilters(statuses=filters.statuses, min_confidence=filters.min_confidence)
    changes = pd.DataFrame.from_records(
        StageChange.objects.filter(scope.lead_q(prefix="lead__") & status_only.q())
        .order_by("lead_id", "changed_at")
        .values_list("lead_id", "to_stage", "changed_at"),
        columns=["lead", "stage", "at"],
    )
    if changes.empty:
        return [StageTime(str(Stage(s).label), 0, None, None, None, 0, None) for s in STAGE_ORDER]
    changes["at"] = pd.to_datetime(changes["at"], utc=True)
    ended = changes.groupby("lead")["at"].shift(-1)
    changes["days"] = (ended - changes["at"]).dt.total_seconds() / SECONDS_PER_DAY
    changes["current"] = ended.isna()
    changes.loc[changes["current"], "days"] = (
        pd.Timestamp(now) - changes.loc[changes["current"], "at"]
    ).dt.total_seconds() / SECONDS_PER_DAY
    return [_stage_time(stage, changes[changes["stage"] == stage]) for stage in STAGE_ORDER]


def _stage_time(stage: str, rows: pd.DataFrame) -> StageTime:
    done = rows.loc[~rows["current"], "days"].to_numpy(dtype=float)
    now = rows.loc[rows["current"], "days"].to_numpy(dtype=float)
    quartiles = np.percentile(done, [25, 50, 75]) if done.size else [None] * 3
    return StageTime(
        label=str(Stage(stage).label),
        n=int(done.size),
        p25=_opt(quartiles[0]),
        median=_opt(quartiles[1]),
        p75=_opt(quartiles[2]),
        current=int(now.size),
        current_median=float(np.median(now)) if now.size else None,
    )


def _opt(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def region_distributions(params: ShortlistParams) -> list[Distribution]:
    """Quantiles of the total per sub-region of the scope (the region itself if it has none)."""
    regions, totals, _subs = scope_totals(params.rank_request(1))
    groups = region_groups(params.scope.region)
    out = []
    for group, members in groups:
        values = totals[np.isin(regions, members)]
        if values.size:
            q = np.percentile(values, [5, 25, 50, 75, 95])
            out.append(Distribution(local_name(group), int(values.size), *map(float, q)))
    return sorted(out, key=lambda d: -d.p50)


def region_groups(region: Region | None) -> list[tuple[Region, list[int]]]:
    """The sub-regions of `region` (of the top regions when None), each with its subtree."""
    if region is None:
        tops = list(Region.objects.filter(parent__isnull=True))
        region = tops[0] if len(tops) == 1 else None
    parent_q = Q(parent=region) if region is not None else Q(parent__isnull=True)
    children = list(Region.objects.filter(parent_q).order_by("code"))
    if not children and region is not None:
        return [(region, [region.pk])]
    return [(child, descendants_and_self([child.pk])) for child in children]


@dataclass(frozen=True)
class ClusterTargets:
    rows: list[TargetRow]
    omitted: int  # clusters of the scope not drawn (no target, or beyond TARGET_ROWS)


def cluster_targets(scope: Scope, year: int) -> ClusterTargets:
    """The scope's clusters with a target (largest capex target first), then those with
    signings, at most TARGET_ROWS: capex and projects signed in `year` against the targets."""
    rows = _cluster_target_rows(scope, year)
    ranked = sorted(
        rows,
        key=lambda r: (
            r.target_capex is None and r.target_projects is None,
            -(r.target_capex or 0),
            -r.signed_capex,
            r.label,
        ),
    )
    shown = [
        r
        for r in ranked
        if r.target_capex or r.target_projects or r.signed_projects or r.undated_projects
    ][:TARGET_ROWS]
    return ClusterTargets(shown, len(rows) - len(shown))


def _cluster_target_rows(scope: Scope, year: int) -> list[TargetRow]:
    clusters = scope_clusters(scope)
    if not clusters:
        return []
    members = cluster_members(clusters)
    regions = {c.pk: descendants_and_self([c.region_id]) for c in clusters}
    all_regions = sorted(set().union(*map(set, regions.values())))
    signed = pd.DataFrame.from_records(
        Lead.objects.filter(stage__in=SIGNED_PLUS, region_id__in=all_regions).values_list(
            "pk", "region_id", "industry_id", "capex", "currency"
        ),
        columns=["lead", "region", "industry", "capex", "currency"],
    )
    first = dict(
        StageChange.objects.filter(
            lead__stage__in=SIGNED_PLUS,
            lead__region_id__in=all_regions,
            to_stage__in=SIGNED_PLUS,
        )
        .values("lead_id")
        .annotate(first=Min("changed_at"))
        .values_list("lead_id", "first")
    )
    years = signed["lead"].map(lambda pk: _year(first[pk]) if pk in first else 0)
    signed["dated"] = years == year
    signed["undated"] = years == 0
    signed["capex"] = _capex_cny(signed)
    return [
        _target_row(
            c, signed[signed["region"].isin(regions[c.pk]) & signed["industry"].isin(members[c.pk])]
        )
        for c in clusters
    ]


def _capex_cny(leads: pd.DataFrame) -> pd.Series:
    """Capex in 万元 at the configured rates; unknown or unconvertible amounts add 0."""
    rates = money.configured_rates()
    rate = leads["currency"].map(lambda code: rates.rate(str(code)) or np.nan).astype(float)
    return (leads["capex"].astype(float) * rate).fillna(0.0)


def target_currencies(rows: list[TargetRow]) -> tuple[str, ...]:
    """The currencies summed into the target rows (for the rates note)."""
    return tuple(sorted({code for r in rows for code in r.currencies}))


def _target_row(cluster: Cluster, leads: pd.DataFrame) -> TargetRow:
    dated, undated = leads[leads["dated"]], leads[leads["undated"]]
    counted = leads[(leads["dated"] | leads["undated"]) & (leads["capex"] > 0)]
    return TargetRow(
        label=local_name(cluster),
        target_capex=_float(cluster.target_capex),
        signed_capex=float(dated["capex"].sum()),
        undated_capex=float(undated["capex"].sum()),
        target_projects=cluster.target_projects,
        signed_projects=len(dated),
        undated_projects=len(undated),
        currencies=tuple(sorted({money.normalise(c) for c in counted["currency"]})),
    )


def _year(when: dt.datetime) -> int:
    return timezone.localtime(when).year


def scope_clusters(scope: Scope) -> list[Cluster]:
    if scope.cluster is not None:
        return [scope.cluster]
    clusters = Cluster.objects.select_related("region").order_by("region__code", "code")
    if scope.region_ids is not None:
        clusters = clusters.filter(region_id__in=scope.region_ids)
    if scope.industry_ids is not None:
        clusters = clusters.filter(members__industry_id__in=scope.industry_ids).distinct()
    return list(clusters)


def cluster_members(clusters: list[Cluster]) -> dict[int, set[int]]:
    """Each cluster's member industries and their sub-industries (one read of the tree)."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent in Industry.objects.values_list("pk", "parent_id"):
        children[parent].append(pk)
    direct: dict[int, list[int]] = defaultdict(list)
    for cluster_id, industry_id in ClusterIndustry.objects.filter(cluster__in=clusters).values_list(
        "cluster_id", "industry_id"
    ):
        direct[cluster_id].append(industry_id)
    return {c.pk: _subtree(direct[c.pk], children) for c in clusters}


def _subtree(roots: list[int], children: dict[int | None, list[int]]) -> set[int]:
    found, stack = set(roots), list(roots)
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found
