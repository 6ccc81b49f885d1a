"""Cluster pages (all roles): the list, and a cluster's profile with the visible leads that
would fill the gaps in its chain. Admins edit the profile in place (projects.views.editor)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from projects.forms import ClusterListFilter
from projects.models import Status
from regions.models import Cluster
from screening.access import can_edit_region, descendants_and_self, visible_leads
from screening.cluster_profile import cluster_list_rows, cluster_profile, leads_pulling_gaps
from screening.selectors.changes import cluster_changes, history_panel
from screening.web import role_required
from screening.world import current_world

GAP_LEADS = 20


@require_GET
@role_required()
def cluster_list(request: HttpRequest) -> HttpResponse:
    """The clusters by region, priority clusters first, filtered by region and chain."""
    form = ClusterListFilter(request.GET)
    valid = form.is_valid()
    region = form.cleaned_data.get("region") if valid else None
    chain = form.cleaned_data.get("chain") if valid else None
    rows = cluster_list_rows(
        descendants_and_self([region.pk]) if region else None, chain.pk if chain else None
    )
    return render(request, "regions/cluster_list.html", {"form": form, "rows": rows})


@require_GET
@role_required()
def cluster_profile_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The cluster's industries, the chain around it, and the visible leads filling its gaps."""
    cluster = get_object_or_404(Cluster.objects.select_related("region"), pk=pk)
    return render(request, "regions/cluster_profile.html", profile_context(request, cluster))


def profile_context(request: HttpRequest, cluster: Cluster) -> dict[str, Any]:
    """What the cluster page shows (the editor views render the same page around it)."""
    loaded = current_world()
    profile = cluster_profile(loaded, cluster)
    in_region = visible_leads(request.user).filter(
        status=Status.ACTIVE, region_id__in=descendants_and_self([cluster.region_id])
    )
    leads = (
        in_region.filter(industry_id__in=profile.gap_industry_ids)
        .select_related("score", "industry", "region")
        .defer("score__explanation")
        .order_by("-score__total", "-pk")[:GAP_LEADS]
    )
    return {
        "cluster": cluster,
        "profile": profile,
        "leads": list(leads),
        "pulling": leads_pulling_gaps(loaded, profile, in_region, GAP_LEADS),
        "anchors": list(cluster.anchors.order_by("name")),
        "targets": set(cluster.target_links.values_list("industry_id", flat=True)),
        "may_edit": can_edit_region(request.user, cluster.region_id),
        "history": history_panel(
            cluster_changes(cluster.pk), show_all=request.GET.get("history") == "all"
        ),
    }
