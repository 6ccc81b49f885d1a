"""The inbox query: filters, sort and "has next page" pagination over the visible leads.

Built for a million leads: no COUNT(*) (one extra row tells whether a next page exists), one
query for the rows with their score, region, industry and owner joined, and the explanation
JSON left out of the list. Sorted by a score, the list holds the scored leads only: an inner
join lets PostgreSQL walk the score index and stop after one page (an outer join sorts every
matching lead: 30 ms against 1.3 s over a million). A lead waiting for its first score (a few
seconds after it arrives) is listed by received date, marked as being scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import F, Q, QuerySet
from django.utils.translation import get_language

from projects.forms import BANDS, SORTS, InboxFilterForm
from projects.models import Lead
from regions.models import Cluster, ClusterIndustry, Industry
from screening.access import (
    can_edit_lead,
    descendants_and_self,
    officer_region_ids,
    sees_all_regions,
)
from screening.selectors.profiles import ProfilesInForce, profiles_in_force
from screening.selectors.staleness import is_stale, measures_version

PAGE_SIZE = 50
AnyUser = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class InboxRow:
    lead: Lead
    stale: bool
    editable: bool


@dataclass(frozen=True)
class InboxPage:
    rows: list[InboxRow]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def region_scope(user: AnyUser) -> list[int] | None:
    """The region ids an officer works for (with descendants); None for all regions."""
    return None if sees_all_regions(user) else officer_region_ids(user)


def clusters_for(scope: list[int] | None) -> QuerySet[Cluster]:
    """Clusters the filter offers: all for managers and admins, an officer's regions' own."""
    clusters = Cluster.objects.select_related("region").order_by("region__code", "code")
    return clusters if scope is None else clusters.filter(region_id__in=scope)


def owners_for(scope: list[int] | None) -> list[User]:
    """Officers a lead can be assigned to: those sharing the user's regions, or all officers."""
    officers = User.objects.filter(is_active=True, groups__name="officer")
    if scope is not None:
        officers = officers.filter(officer_regions__region_id__in=scope)
    return list(officers.distinct().order_by("username"))


def light_choices(queryset: QuerySet[Any], empty_label: str) -> list[tuple[Any, str]]:
    """(pk, name in the active language) pairs read as tuples, not model instances: a
    thousand industries and clusters are offered to managers, and instances cost 10x more."""
    english = (get_language() or "").startswith("en")
    rows = queryset.values_list("pk", "name", "name_en")
    return [("", empty_label)] + [(pk, en if english and en else zh) for pk, zh, en in rows]


def industry_and_descendants(industry_id: int) -> list[int]:
    found, frontier = {industry_id}, {industry_id}
    for _ in range(8):  # industry taxonomies are a few levels deep; the bound guards bad data
        frontier = (
            set(Industry.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            - found
        )
        if not frontier:
            break
        found |= frontier
    return sorted(found)


def filtered_leads(user: AnyUser, leads: QuerySet[Lead], form: InboxFilterForm) -> QuerySet[Lead]:
    """Apply the valid filters of the form (invalid ones were reported and are ignored)."""
    for name in ("stage", "status"):
        if form.value(name):
            leads = leads.filter(**{name: form.value(name)})
    if industry := form.value("industry"):
        leads = leads.filter(industry_id__in=industry_and_descendants(industry.pk))
    if cluster := form.value("cluster"):
        members = ClusterIndustry.objects.filter(cluster=cluster).values("industry_id")
        leads = leads.filter(
            industry_id__in=members, region_id__in=descendants_and_self([cluster.region_id])
        )
    leads = _owner_filter(user, leads, form.value("owner"))
    leads = _band_filter(leads, form.value("band"))
    if form.value("received_from"):
        leads = leads.filter(received_on__gte=form.value("received_from"))
    if form.value("received_to"):
        leads = leads.filter(received_on__lte=form.value("received_to"))
    if q := (form.value("q") or "").strip():
        leads = leads.filter(Q(company__icontains=q) | Q(products__icontains=q) | Q(external_id=q))
    return leads


def _owner_filter(user: AnyUser, leads: QuerySet[Lead], owner: str | None) -> QuerySet[Lead]:
    if owner == "me":
        return leads.filter(owner_id=user.pk)
    if owner == "none":
        return leads.filter(owner__isnull=True)
    return leads.filter(owner_id=int(owner)) if owner else leads


def _band_filter(leads: QuerySet[Lead], band: str | None) -> QuerySet[Lead]:
    if not band:
        return leads
    low, high = BANDS[band]
    if low is not None:
        leads = leads.filter(score__total__gte=low)
    if high is not None:
        leads = leads.filter(score__total__lt=high)
    return leads


def ordered(leads: QuerySet[Lead], sort: str | None) -> QuerySet[Lead]:
    if sort == "received":
        return leads.order_by(F("received_on").desc(nulls_last=True), "-pk")
    field = SORTS.get(sort or "total", SORTS["total"])
    return leads.filter(score__isnull=False).order_by(F(field).desc(), "-pk")


def inbox_page(user: AnyUser, leads: QuerySet[Lead], form: InboxFilterForm) -> InboxPage:
    """One page of rows: PAGE_SIZE + 1 are fetched to learn whether a next page exists."""
    number = form.value("page") or 1
    start = (number - 1) * PAGE_SIZE
    queryset = ordered(filtered_leads(user, leads, form), form.value("sort"))
    fetched = list(
        queryset.select_related("score", "region", "industry", "owner").defer("score__explanation")[
            start : start + PAGE_SIZE + 1
        ]
    )
    return InboxPage(
        rows=rows_for(user, fetched[:PAGE_SIZE]), number=number, has_next=len(fetched) > PAGE_SIZE
    )


def rows_for(user: AnyUser, leads: list[Lead]) -> list[InboxRow]:
    """Rows with their stale mark and edit right; the checks run once per region, not per row."""
    measures = measures_version()
    profiles = profiles_in_force()
    editable: dict[int, bool] = {}
    rows = []
    for lead in leads:
        if lead.region_id not in editable:
            editable[lead.region_id] = can_edit_lead(user, lead)
        rows.append(InboxRow(lead, _stale(lead, measures, profiles), editable[lead.region_id]))
    return rows


def _stale(lead: Lead, measures: int, profiles: ProfilesInForce) -> bool:
    return is_stale(lead, measures=measures, profile_id=profiles.for_region(lead.region_id).pk)
