"""The cluster profile: a cluster's industries, the chain around it, and the gaps in that chain.

Read-only, from the scoring World in force (so the numbers are the ones the scores use):
member industries with their location quotient (RCA) and strength (share of same-level regions
with a lower LQ); the suppliers and customers of the members, each marked present (LQ >= 1),
weak (0 < LQ < 1), missing (known size, none here) or unknown (no size data); and the leads
whose plants would draw the missing or weak links in (anchor pull, screening.scoring.pull).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from django.db.models import F, Q, QuerySet

from projects.models import Lead
from regions.models import Cluster, Industry
from screening.scoring import input_profile
from screening.world import LoadedWorld, cluster_key

TOP_LINKED = 24
# Leads read (best pull first) to find those that would draw a gap in; more than shown,
# since a lead whose industry buys from a gap may still pull nothing here.
PULL_CANDIDATES = 60


class LinkStatus(StrEnum):
    PRESENT = "present"
    WEAK = "weak"
    MISSING = "missing"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class IndustryCell:
    industry: Industry
    role: str
    lq: float | None
    strength: float | None
    employment: float | None
    status: LinkStatus


@dataclass(frozen=True)
class LinkedIndustry:
    industry: Industry
    side: str  # "upstream" (supplies the members) or "downstream" (buys from them)
    share: float  # largest share of a member's inputs (upstream) or sales (downstream)
    lq: float | None
    status: LinkStatus


@dataclass(frozen=True)
class ClusterMeasures:
    lq: float | None
    lq_p75: float | None
    strength: float | None
    strong: bool
    employment: float | None
    coverage: float | None


@dataclass(frozen=True)
class ClusterProfile:
    measures: ClusterMeasures | None
    members: list[IndustryCell]
    upstream: list[LinkedIndustry]
    downstream: list[LinkedIndustry]

    @property
    def gap_industry_ids(self) -> list[int]:
        """Industries of the cluster and the chain around it that are weak or missing here."""
        gaps = {LinkStatus.WEAK, LinkStatus.MISSING}
        cells: list[IndustryCell | LinkedIndustry] = [
            *self.members,
            *self.upstream,
            *self.downstream,
        ]
        return sorted({x.industry.pk for x in cells if x.status in gaps})

    @property
    def gap_supplier_ids(self) -> list[int]:
        """Weak or missing member and upstream industries: the links a plant can draw in."""
        gaps = {LinkStatus.WEAK, LinkStatus.MISSING}
        cells: list[IndustryCell | LinkedIndustry] = [*self.members, *self.upstream]
        return sorted({x.industry.pk for x in cells if x.status in gaps})


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def status_of(loaded: LoadedWorld, region: int, industry: int) -> LinkStatus:
    world = loaded.world
    if not world.known[region, industry]:
        return LinkStatus.UNKNOWN
    rca = world.rca[region, industry]
    if rca >= 1:
        return LinkStatus.PRESENT
    return LinkStatus.WEAK if rca > 0 else LinkStatus.MISSING


def _measures(loaded: LoadedWorld, cluster: Cluster) -> ClusterMeasures | None:
    codes = loaded.world.inputs.cluster_codes
    key = cluster_key(cluster.region_id, cluster.code)
    if key not in codes:
        return None
    k, tables = codes.index(key), loaded.world.clusters
    return ClusterMeasures(
        lq=_finite(tables.lq[k]),
        lq_p75=_finite(tables.lq_p75[k]),
        strength=_finite(tables.strength[k]),
        strong=bool(tables.strong[k]),
        employment=_finite(tables.employment[k]),
        coverage=_finite(tables.coverage[k]),
    )


def _industry_strength(loaded: LoadedWorld, region: int, industry: int) -> float | None:
    """Share of same-level regions whose LQ in this industry is at or below this region's."""
    world = loaded.world
    if not world.known[region, industry]:
        return None
    peers = np.flatnonzero(world.region_level == world.region_level[region])
    values = world.rca[peers, industry]
    return float(np.count_nonzero(values <= world.rca[region, industry])) / max(len(values), 1)


def cluster_profile(loaded: LoadedWorld, cluster: Cluster) -> ClusterProfile:
    """The profile of a cluster (empty lists when its region or industries are not loaded)."""
    region = loaded.region_pos.get(cluster.region_id)
    roles = {m.industry_id: m.role for m in cluster.members.all()}
    industries = Industry.objects.in_bulk(list(roles))
    if region is None:
        return ClusterProfile(None, [], [], [])
    members = [
        _member(loaded, region, industries[pk], role)
        for pk, role in sorted(roles.items())
        if pk in loaded.industry_pos
    ]
    member_pos = [loaded.industry_pos[m.industry.pk] for m in members]
    upstream, downstream = _linked(loaded, region, member_pos)
    return ClusterProfile(_measures(loaded, cluster), members, upstream, downstream)


def _member(loaded: LoadedWorld, region: int, industry: Industry, role: str) -> IndustryCell:
    world, i = loaded.world, loaded.industry_pos[industry.pk]
    known = bool(world.known[region, i])
    return IndustryCell(
        industry=industry,
        role=role,
        lq=float(world.rca[region, i]) if known else None,
        strength=_industry_strength(loaded, region, i),
        employment=float(world.inputs.size[region, i]) if known else None,
        status=status_of(loaded, region, i),
    )


def _linked(
    loaded: LoadedWorld, region: int, members: list[int]
) -> tuple[list[LinkedIndustry], list[LinkedIndustry]]:
    """Suppliers and customers of the member industries, outside the cluster, gaps first."""
    world = loaded.world
    if not members:
        return [], []
    supplies = world.supplier_share[:, members].max(axis=1)  # share of a member's inputs
    buys = world.customer_share[members, :].max(axis=0)  # share of a member's sales
    supplies[members] = 0
    buys[members] = 0
    ids = loaded.industry_ids
    wanted = [int(ids[i]) for i in np.flatnonzero((supplies > 0) | (buys > 0))]
    industries = Industry.objects.in_bulk(wanted)
    side = {"upstream": supplies, "downstream": buys}
    out: dict[str, list[LinkedIndustry]] = {"upstream": [], "downstream": []}
    for name, shares in side.items():
        for i in np.argsort(-shares, kind="stable")[:TOP_LINKED]:
            if shares[i] <= 0:
                break
            known = bool(world.known[region, i])
            out[name].append(
                LinkedIndustry(
                    industries[int(ids[i])],
                    name,
                    float(shares[i]),
                    float(world.rca[region, i]) if known else None,
                    status_of(loaded, region, int(i)),
                )
            )
    order = {
        LinkStatus.MISSING: 0,
        LinkStatus.WEAK: 1,
        LinkStatus.UNKNOWN: 2,
        LinkStatus.PRESENT: 3,
    }
    for items in out.values():
        items.sort(key=lambda x: (order[x.status], -x.share))
    return out["upstream"], out["downstream"]


@dataclass(frozen=True)
class PullingLead:
    """A lead whose plant would draw some of the cluster's missing or weak links in."""

    lead: Lead
    links: list[Industry]  # those links, largest share of the lead's inputs first


def leads_pulling_gaps(
    loaded: LoadedWorld, profile: ClusterProfile, leads: QuerySet[Lead], limit: int
) -> list[PullingLead]:
    """Among `leads`, those that buy from a gap of the cluster's chain (by their industry's
    links or their named inputs) where the gap could take root (anchor pull's gap x
    relatedness > 0 in the lead's region), best stored pull first."""
    world = loaded.world
    gap_ids = [pk for pk in profile.gap_supplier_ids if pk in loaded.industry_pos]
    if not gap_ids:
        return []
    gaps = np.array([loaded.industry_pos[pk] for pk in gap_ids], dtype=np.int64)
    buyers = np.flatnonzero(world.supplier_share[gaps].sum(axis=0) > 0)
    buyer_ids = [int(loaded.industry_ids[p]) for p in buyers]
    candidates = (
        leads.filter(Q(industry_id__in=buyer_ids) | Q(input_industries__in=gap_ids))
        .distinct()
        .select_related("score", "industry", "region")
        .defer("score__explanation")
        .prefetch_related("input_industries")
        .order_by(F("score__pull").desc(nulls_last=True), "-pk")[:PULL_CANDIDATES]
    )
    industries = Industry.objects.in_bulk(gap_ids)
    found = []
    for lead in candidates:
        links = _pulled_gaps(loaded, lead, gaps)
        if links:
            found.append(
                PullingLead(lead, [industries[int(loaded.industry_ids[q])] for q in links])
            )
    return found[:limit]


def _pulled_gaps(loaded: LoadedWorld, lead: Lead, gaps: np.ndarray) -> list[int]:
    """The gap positions this lead's plant would draw in, largest input share first."""
    region = loaded.region_pos.get(lead.region_id)
    industry = loaded.industry_pos.get(lead.industry_id)
    if region is None or industry is None:
        return []
    named = np.array(
        [
            loaded.industry_pos[i.pk]
            for i in lead.input_industries.all()
            if i.pk in loaded.industry_pos
        ],
        dtype=np.int32,
    )
    shares = input_profile(loaded.world.supplier_share, industry, named)
    term = loaded.world.pull.term[region]
    drawn = [int(q) for q in gaps if shares[q] > 0 and term[q] > 0]
    return sorted(drawn, key=lambda q: -shares[q])


def standing(
    loaded: LoadedWorld, region_id: int, industry_ids: list[int]
) -> dict[int, IndustryCell]:
    """Each industry's LQ, strength, employment and status in a region (the member picker
    and the editor's rows show them); industries or a region not in the World are left out."""
    region = loaded.region_pos.get(region_id)
    if region is None:
        return {}
    industries = Industry.objects.in_bulk([i for i in industry_ids if i in loaded.industry_pos])
    return {pk: _member(loaded, region, industry, "") for pk, industry in industries.items()}


# --- The cluster list ---------------------------------------------------------------------


@dataclass(frozen=True)
class ClusterListRow:
    cluster: Cluster
    chains: list[Industry]  # the top-level industries (chains) its members belong to


def cluster_list_rows(region_ids: list[int] | None, chain_id: int | None) -> list[ClusterListRow]:
    """The clusters of these regions (None: every region) with a member in this chain (None:
    any), each with its chains: by region, the priority clusters first, then by name."""
    parents: dict[int, int | None] = dict(Industry.objects.values_list("pk", "parent_id"))
    chains = {industry.pk: industry for industry in Industry.objects.filter(parent__isnull=True)}
    clusters = Cluster.objects.select_related("region").prefetch_related("members")
    if region_ids is not None:
        clusters = clusters.filter(region_id__in=region_ids)
    rows = []
    for cluster in clusters.order_by("region__code", "-priority", "name"):
        roots = {_chain_of(m.industry_id, parents) for m in cluster.members.all()}
        if chain_id is None or chain_id in roots:
            found = sorted((chains[r] for r in roots if r in chains), key=lambda i: i.code)
            rows.append(ClusterListRow(cluster, found))
    return rows


def _chain_of(industry_id: int, parents: dict[int, int | None]) -> int:
    """The top-level industry above this one (itself at the top)."""
    for _depth in range(16):
        parent = parents.get(industry_id)
        if parent is None:
            return industry_id
        industry_id = parent
    return industry_id
