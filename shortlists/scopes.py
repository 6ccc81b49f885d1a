"""What a shortlist ranks: the leads of a region, of a cluster, or of a chain.

- region: leads aimed at the region or any region below it (a city includes its counties);
  no region means the whole lead base;
- cluster: leads aimed at the cluster's region (and below) in one of its member industries
  (or their sub-industries);
- chain: leads in an industry (and its sub-industries) or in a direct supplier or customer
  industry of it (IndustryLink), optionally within a region.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from regions.models import Cluster, ClusterIndustry, Industry, IndustryLink, Region
from regions.names import local_name
from screening.access import descendants_and_self
from shortlists.models import SavedShortlist, ScopeKind

TREE_DEPTH_MAX = 16


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    region: Region | None
    cluster: Cluster | None
    industry: Industry | None
    region_ids: tuple[int, ...] | None  # None: any region
    industry_ids: tuple[int, ...] | None  # None: any industry
    label: str

    def lead_q(self, prefix: str = "") -> Q:
        """The scope as a Q on Lead (prefix '') or on a model with a `lead` FK ('lead__')."""
        query = Q()
        if self.region_ids is not None:
            query &= Q(**{f"{prefix}region_id__in": self.region_ids})
        if self.industry_ids is not None:
            query &= Q(**{f"{prefix}industry_id__in": self.industry_ids})
        return query


def industry_descendants(industry_ids: list[int]) -> list[int]:
    """These industries and every sub-industry below them."""
    found, frontier = set(industry_ids), set(industry_ids)
    for _depth in range(TREE_DEPTH_MAX):
        children = set(Industry.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = children - found
        if not frontier:
            break
        found |= frontier
    return sorted(found)


def chain_industry_ids(industry: Industry) -> list[int]:
    """The industry, its sub-industries, and their direct suppliers and customers."""
    core = industry_descendants([industry.pk])
    links = IndustryLink.objects.filter(Q(supplier_id__in=core) | Q(customer_id__in=core))
    neighbours = {i for pair in links.values_list("supplier_id", "customer_id") for i in pair}
    return industry_descendants(sorted(neighbours | set(core)))


def cluster_industry_ids(cluster: Cluster) -> list[int]:
    members = list(
        ClusterIndustry.objects.filter(cluster=cluster).values_list("industry_id", flat=True)
    )
    return industry_descendants(members)


def region_scope(region: Region | None) -> Scope:
    if region is None:
        return Scope(ScopeKind.REGION, None, None, None, None, None, _("全部地区"))
    return Scope(
        ScopeKind.REGION,
        region,
        None,
        None,
        tuple(descendants_and_self([region.pk])),
        None,
        region_label(region),
    )


def cluster_scope(cluster: Cluster) -> Scope:
    region = cluster.region
    label = _("集群：%(cluster)s（%(region)s）") % {
        "cluster": local_name(cluster),
        "region": region_label(region),
    }
    return Scope(
        ScopeKind.CLUSTER,
        region,
        cluster,
        None,
        tuple(descendants_and_self([region.pk])),
        tuple(cluster_industry_ids(cluster)),
        label,
    )


def chain_scope(industry: Industry, region: Region | None) -> Scope:
    ids = tuple(chain_industry_ids(industry))
    label = _("产业链：%(industry)s 及其上下游（%(n)s 个产业）") % {
        "industry": local_name(industry),
        "n": len(ids),
    }
    if region is not None:
        label += " · " + region_label(region)
    region_ids = tuple(descendants_and_self([region.pk])) if region is not None else None
    return Scope(ScopeKind.CHAIN, region, None, industry, region_ids, ids, label)


def region_label(region: Region) -> str:
    return local_name(region)


def saved_scope_label(saved: SavedShortlist) -> str:
    """A saved list's scope named in the active language from the objects it keeps; the label
    stored at save time (in the saver's language) when they have since been deleted."""
    if saved.scope_kind == ScopeKind.REGION:
        if saved.region is not None:
            return region_label(saved.region)
        everywhere = {_("全部地区")}
        for language in ("zh-hans", "en"):
            with translation.override(language):
                everywhere.add(_("全部地区"))
        return _("全部地区") if saved.scope_label in everywhere else saved.scope_label
    if saved.scope_kind == ScopeKind.CLUSTER and saved.cluster is not None:
        return cluster_scope(saved.cluster).label
    if saved.scope_kind == ScopeKind.CHAIN and saved.industry is not None:
        return chain_scope(saved.industry, saved.region).label
    return saved.scope_label


def regions_with_scored_leads() -> set[int]:
    """The regions whose ranking has something in it: those with a scored lead aimed at
    them or at a region below them (a county's leads count for its city and province)."""
    parents = dict(Region.objects.values_list("pk", "parent_id"))
    found: set[int] = set()
    frontier = set(
        Region.objects.filter(leads__score__isnull=False).values_list("pk", flat=True).distinct()
    )
    for _depth in range(TREE_DEPTH_MAX):
        frontier -= found
        if not frontier:
            break
        found |= frontier
        frontier = {parents[pk] for pk in frontier if parents.get(pk) is not None}
    return found
