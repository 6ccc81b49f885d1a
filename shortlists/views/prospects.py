"""Prospect pages: the firm directory ranked for a region, courting a firm, the Excel export,
and "who could fill this missing link" on a cluster's page.

Managers and admins see every region; officers and regional admins their own regions, where
they may also court a firm (which makes a lead of their region; managers only read).
Everything is computed on request; nothing but the courted lead is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from projects.services import lead_court_firm
from regions.models import Cluster, Firm, Industry, Region
from regions.names import is_english, local_name
from screening.access import (
    Role,
    can_court_in,
    can_manage_shortlists,
    can_see_prospects,
    has_role,
    officer_region_ids,
)
from screening.selectors.firms import current_directory
from screening.selectors.prospect_text import gap_text, prospect_explanation
from screening.selectors.prospects import (
    MAX_LIMIT,
    ProspectFilters,
    ProspectList,
    prospects_for_cluster_gaps,
    prospects_for_region,
    region_gap_industry_ids,
)
from screening.web import to_login
from screening.world import cluster_key, current_world
from shortlists.prospect_forms import PAGE_SIZE, ProspectForm
from shortlists.prospecting import prospect_list, prospects_xlsx
from shortlists.views.common import is_partial, signed_in

ViewFunc = Callable[..., HttpResponse]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CLUSTER_GAPS = 6  # gap links shown on a cluster page, with their best firms


def prospects_access(view: ViewFunc) -> ViewFunc:
    """Managers, admins, officers and regional admins; anonymous users sign in first, the rest
    get 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return to_login(request)
        roles = (Role.MANAGER, Role.ADMIN, Role.OFFICER, Role.REGIONAL_ADMIN)
        if not has_role(request.user, *roles):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def visible_regions(request: HttpRequest) -> QuerySet[Region]:
    """Every region for managers and admins; an officer's or regional admin's own regions."""
    if has_role(request.user, Role.MANAGER, Role.ADMIN):
        return Region.objects.order_by("code")
    return Region.objects.filter(pk__in=officer_region_ids(request.user)).order_by("code")


def _chosen_region(request: HttpRequest, regions: QuerySet[Region]) -> Region | None:
    """The region asked for (when the user may see it), else the first city they may see."""
    raw = request.GET.get("region", "")
    if raw.isdigit():
        found = regions.filter(pk=int(raw)).first()
        if found is not None:
            return found
    return regions.filter(level="city").first() or regions.first()


def _form(request: HttpRequest) -> tuple[ProspectForm, Region | None]:
    regions = visible_regions(request)
    region = _chosen_region(request, regions)
    data = request.GET.copy()
    if region is not None:
        data["region"] = str(region.pk)
    form = ProspectForm(
        data,
        regions=regions,
        region=region,
        gap_ids=region_gap_industry_ids(region) if region is not None else [],
        countries=current_directory().countries,
    )
    return form, region


@require_GET
@prospects_access
def prospects_page(request: HttpRequest) -> HttpResponse:
    """The region's prospects under the chosen filters, best first, a page at a time."""
    form, region = _form(request)
    found = prospect_list(form.prospect_request()) if form.is_valid() else None
    context = {
        "form": form,
        "region": region,
        "found": found,
        "rows": _rows(request, found) if found else [],
        "headline": _headline(form, found) if found else "",
        "query": _query(request.GET, offset=None),
        "pages": _pages(request, found) if found else {},
        "can_manage": can_manage_shortlists(request.user),
        "may_court": region is not None and can_court_in(request.user, region.pk),
        # An empty directory is not "no firm matches your filters": say where firms come from.
        "directory_empty": len(current_directory()) == 0,
    }
    return render(request, "shortlists/prospects.html", context)


def _rows(request: HttpRequest, found: ProspectList) -> list[dict[str, Any]]:
    """Each prospect with what the page shows beside its scores."""
    may_court = can_court_in(request.user, found.scope.region.pk)
    return [
        {
            "p": p,
            "gap": gap_text(found.loaded.world, p.gap),
            "may_court": may_court and not p.leads_here,
        }
        for p in found.prospects
    ]


def _headline(form: ProspectForm, found: ProspectList) -> str:
    """ "Zaozhuang's lithium-battery cluster lacks separators: these 12 firms fit, best first"."""
    gap, region = form.cleaned_data.get("gap"), found.scope.region
    if gap is None:
        return _("%(region)s：%(n)s 家企业符合条件，按总分排序。") % {
            "region": local_name(region),
            "n": found.matched,
        }
    values = {"region": local_name(region), "industry": local_name(gap), "n": found.matched}
    named = found.gaps.get(found.loaded.industry_pos.get(gap.pk, -1))
    if named is not None and not named.missing:
        return (
            _(
                "%(region)s的%(industry)s较弱：以下 %(n)s 家%(industry)s企业"
                "按适配度排序，最适合的在前。"
            )
            % values
        )
    return (
        _("%(region)s缺少%(industry)s：以下 %(n)s 家%(industry)s企业按适配度排序，最适合的在前。")
        % values
    )


def _query(params: QueryDict, **changes: Any) -> str:
    query = params.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = str(value)
    return query.urlencode()


def _pages(request: HttpRequest, found: ProspectList) -> dict[str, Any]:
    pages: dict[str, Any] = {
        "first": found.offset + 1,
        "last": found.offset + len(found.prospects),
    }
    if found.offset > 0:
        pages["previous"] = _query(request.GET, offset=max(found.offset - PAGE_SIZE, 0))
    if found.offset + PAGE_SIZE < found.matched:
        pages["next"] = _query(request.GET, offset=found.offset + PAGE_SIZE)
    return pages


@require_GET
@prospects_access
def prospects_export(request: HttpRequest) -> HttpResponse:
    """The list as filtered, from the first firm, as an Excel workbook (at most MAX_LIMIT)."""
    form, _region = _form(request)
    if not form.is_valid():
        messages.error(request, _("请先修正筛选条件。"))
        return redirect(f"{reverse('shortlists:prospects')}?{_query(request.GET)}")
    prospect = replace(form.prospect_request(limit=MAX_LIMIT), offset=0)
    found = prospect_list(prospect)
    title = _("潜在投资方：%(region)s") % {"region": local_name(prospect.region)}
    response = HttpResponse(prospects_xlsx(found, title), content_type=XLSX)
    filename = f"prospects-{prospect.region.code}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _region_firm(request: HttpRequest, data: QueryDict) -> tuple[Region, Firm]:
    """The region and firm of a request, after checking the user may see the region."""
    region = get_object_or_404(Region, pk=_int(data.get("region")))
    if not can_see_prospects(request.user, region.pk):
        raise PermissionDenied
    firm = get_object_or_404(Firm.objects.select_related("industry"), pk=_int(data.get("firm")))
    return region, firm


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


@require_GET
@prospects_access
def prospect_explain(request: HttpRequest) -> HttpResponse:
    """One firm's explanation in one region (loaded when its row is opened)."""
    region, firm = _region_firm(request, request.GET)
    found = prospects_for_region(region, ProspectFilters(firm_ids=frozenset({firm.pk})), limit=1)
    sentences: list[str] = []
    if found.prospects:
        p = found.prospects[0]
        data = prospect_explanation(found.loaded, found.scope, p.firm, p.gap, found.profile)
        # Without the headline (the row shows the scores) and the gap (the row names it).
        skip = 2 if data["gap"] is not None else 1
        sentences = data["sentences"]["en" if is_english() else "zh"][skip:]
    return render(request, "shortlists/_prospect_explain.html", {"sentences": sentences})


@require_POST
@prospects_access
def prospect_court(request: HttpRequest) -> HttpResponse:
    """Court a firm: make it a lead of the region (one click), then show the lead's link."""
    region, firm = _region_firm(request, request.POST)
    if not can_court_in(request.user, region.pk):
        raise PermissionDenied
    error = ""
    try:
        lead = lead_court_firm(firm=firm, region=region, user=signed_in(request))
    except ValidationError as exc:
        error = " ".join(exc.messages)
        lead = None
    if is_partial(request, f"court-{firm.pk}"):
        context = {
            "firm": firm,
            "region": region,
            "lead": lead,
            "error": error,
            "answer": True,  # an answer to a court request: say the outcome
        }
        return render(request, "shortlists/_prospect_court.html", context)
    if lead is not None:
        messages.success(request, _("已将“%(firm)s”建为线索。") % {"firm": firm.name})
        return redirect("lead_detail", pk=lead.pk)
    messages.error(request, error)
    return redirect(f"{reverse('shortlists:prospects')}?region={region.pk}")


@require_GET
@prospects_access
def cluster_gap_prospects(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Who could fill this missing link": a cluster's gaps with their best firms (a partial of
    the cluster page; empty for users who may not see the cluster region's prospects)."""
    cluster = get_object_or_404(Cluster.objects.select_related("region"), pk=pk)
    if not can_see_prospects(request.user, cluster.region_id):
        return HttpResponse("")
    found = prospects_for_cluster_gaps(
        cluster.region, cluster_key(cluster.region_id, cluster.code), max_gaps=CLUSTER_GAPS
    )
    loaded = current_world()
    industries = Industry.objects.in_bulk([int(loaded.industry_ids[g.gap.industry]) for g in found])
    gaps = [
        {
            "industry": industries[int(loaded.industry_ids[g.gap.industry])],
            "text": gap_text(loaded.world, g.gap),
            "matched": g.matched,
            "prospects": g.prospects,
        }
        for g in found
    ]
    context = {"cluster": cluster, "gaps": gaps}
    return render(request, "shortlists/_cluster_prospects_body.html", context)
