"""Editing a cluster's profile (on its page) and a region's endowments (on the region page),
with the edit's impact on the region's scores previewed before it is saved.

Admins edit every region; a regional admin only their own regions (screening.access): another
region's editor answers 404, like a lead outside an officer's regions. Every request answers
htmx with the editor (re-rendered with the posted values, errors beside their fields, and the
preview), and a plain form post with the whole page. Preview writes nothing
(screening.services.impact); save goes through regions.services, which checks every value by
the rules the importer and the API use, bumps the region's version and enqueues the recompute.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects.editor_forms import (
    AnchorRow,
    ClusterEdit,
    ClusterFieldsForm,
    EndowmentEdit,
    EndowmentRow,
    MemberRow,
    new_key,
    posted_id,
)
from projects.forms import factor_choices
from projects.views.clusters import profile_context
from regions.models import Cluster, ClusterRole, Industry, Region
from regions.services import (
    ClusterDraft,
    EndowmentDraft,
    cluster_save,
    endowments_save,
    validate_cluster,
    validate_endowments,
)
from screening.access import Role, can_edit_region
from screening.cluster_profile import LinkStatus, cluster_profile, standing
from screening.services.impact import Impact, region_edit_impact
from screening.web import role_required
from screening.world import RegionDraft, current_world

EDITORS = (Role.ADMIN, Role.REGIONAL_ADMIN)
PICKER_ROWS = 12


def editable_cluster(request: HttpRequest, pk: int) -> Cluster:
    """The cluster if this user may edit its region; 404 otherwise (never "forbidden")."""
    cluster = get_object_or_404(Cluster.objects.select_related("region"), pk=pk)
    if not can_edit_region(request.user, cluster.region_id):
        raise Http404
    return cluster


def editable_region(request: HttpRequest, pk: int) -> Region:
    region = get_object_or_404(Region, pk=pk)
    if not can_edit_region(request.user, region.pk):
        raise Http404
    return region


def cluster_region_draft(cluster: Cluster, draft: ClusterDraft) -> RegionDraft:
    fields = draft.fields
    return RegionDraft(
        region_id=cluster.region_id,
        cluster_id=cluster.pk,
        cluster_names=(
            str(fields.get("code", cluster.code)),
            str(fields.get("name", cluster.name)),
            str(fields.get("name_en", cluster.name_en)),
        ),
        members=tuple((m.industry_id, m.role) for m in draft.members or ()),
    )


def stored_cluster_edit(cluster: Cluster) -> ClusterEdit:
    """The editor's starting point: the cluster as stored."""
    form = ClusterFieldsForm(
        initial={name: getattr(cluster, name) for name in ClusterFieldsForm.base_fields}
    )
    members = [
        MemberRow(f"m{m.industry_id}", m.industry_id, m.industry, m.role)
        for m in cluster.members.select_related("industry").order_by("industry__code")
    ]
    anchors = [
        AnchorRow(f"a{a.pk}", a.name, a.name_en, a.source) for a in cluster.anchors.order_by("name")
    ]
    targets = list(cluster.target_links.values_list("industry_id", flat=True))
    return ClusterEdit(form, members, anchors, targets)


@require_http_methods(["GET", "POST"])
@role_required(*EDITORS)
def cluster_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the editor with the stored profile. POST: save (all or nothing)."""
    cluster = editable_cluster(request, pk)
    if request.method == "GET":
        return cluster_editor(request, cluster, stored_cluster_edit(cluster))
    edit = ClusterEdit.read(request.POST)
    draft = edit.draft()
    if draft is not None:
        try:
            validate_cluster(cluster, draft)
            impact = region_edit_impact(cluster_region_draft(cluster, draft))
            cluster_save(cluster, draft)
        except ValidationError as error:
            edit.show(error)
        else:
            messages.success(request, saved_message(impact))
            return cluster_saved(request, cluster, impact)
    return cluster_editor(request, cluster, edit)


@require_POST
@role_required(*EDITORS)
def cluster_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """What the posted edit would do to the region's scores; nothing is written."""
    cluster = editable_cluster(request, pk)
    edit = ClusterEdit.read(request.POST)
    draft = edit.draft()
    impact = None
    if draft is not None:
        try:
            validate_cluster(cluster, draft)
        except ValidationError as error:
            edit.show(error)
        else:
            impact = region_edit_impact(cluster_region_draft(cluster, draft))
    return cluster_editor(request, cluster, edit, impact)


@require_GET
@role_required(*EDITORS)
def cluster_industries(request: HttpRequest, pk: int) -> HttpResponse:
    """The member picker: industries of the classification matching `q` (by default the
    chain's suppliers and customers that are not members), with their LQ in the region."""
    cluster = editable_cluster(request, pk)
    query = request.GET.get("q", "").strip()[:60]
    if query:
        found = Industry.objects.filter(
            Q(code__icontains=query) | Q(name__icontains=query) | Q(name_en__icontains=query)
        ).order_by("code")[:PICKER_ROWS]
        industries = list(found)
    else:
        profile = cluster_profile(current_world(), cluster)
        industries = [link.industry for link in [*profile.upstream, *profile.downstream]]
        industries = list({i.pk: i for i in industries}.values())[:PICKER_ROWS]
    cells = standing(current_world(), cluster.region_id, [i.pk for i in industries])
    rows = [(industry, cells.get(industry.pk)) for industry in industries]
    return render(
        request,
        "regions/_industry_picker.html",
        {"cluster": cluster, "rows": rows, "query": query},
    )


@require_GET
@role_required(*EDITORS)
def cluster_member_row(request: HttpRequest, pk: int) -> HttpResponse:
    """A new member row for an industry chosen in the picker (role: supporting, changeable)."""
    cluster = editable_cluster(request, pk)
    industry = get_object_or_404(Industry, pk=posted_id(request.GET.get("industry", "")) or 0)
    row = MemberRow(new_key(), industry.pk, industry, ClusterRole.SUPPORT)
    cell = standing(current_world(), cluster.region_id, [industry.pk]).get(industry.pk)
    return render(
        request,
        "regions/_member_row.html",
        {"row": row, "cell": cell, "role_choices": ClusterRole.choices},
    )


@require_GET
@role_required(*EDITORS)
def cluster_anchor_row(request: HttpRequest, pk: int) -> HttpResponse:
    editable_cluster(request, pk)
    return render(request, "regions/_anchor_row.html", {"row": AnchorRow(new_key())})


def cluster_editor(
    request: HttpRequest, cluster: Cluster, edit: ClusterEdit, impact: Impact | None = None
) -> HttpResponse:
    """The editor alone (htmx) or the cluster page with the editor open."""
    editor = cluster_editor_context(cluster, edit, impact)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "regions/_cluster_editor.html", editor)
    page = profile_context(request, cluster) | editor | {"editing": True}
    return render(request, "regions/cluster_profile.html", page)


def cluster_editor_context(
    cluster: Cluster, edit: ClusterEdit, impact: Impact | None
) -> dict[str, Any]:
    """The editor's rows with each member's LQ in the region, and the target choices: the
    chain's suppliers and customers that are not members (plus any industry already marked)."""
    loaded = current_world()
    profile = cluster_profile(loaded, cluster)
    member_ids = {m.industry_id for m in edit.members if m.industry_id and not m.removed}
    chain = [*profile.upstream, *profile.downstream]
    listed = {link.industry.pk for link in chain}
    extra = Industry.objects.in_bulk([t for t in edit.targets if t not in listed])
    candidates: list[tuple[Industry, str, LinkStatus | None]] = [
        (link.industry, link.side, link.status)
        for link in chain
        if link.industry.pk not in member_ids
    ]
    candidates += [(industry, "", None) for industry in extra.values()]
    seen: set[int] = set()
    targets = []
    for industry, side, status in candidates:
        if industry.pk not in seen:
            seen.add(industry.pk)
            targets.append((industry, side, status, industry.pk in edit.targets))
    cells = standing(
        loaded, cluster.region_id, [m.industry_id for m in edit.members if m.industry_id]
    )
    return {
        "cluster": cluster,
        "edit": edit,
        "form": edit.form,
        "members": [(row, cells.get(row.industry_id or 0)) for row in edit.members],
        "role_choices": ClusterRole.choices,
        "target_choices": targets,
        "impact": impact,
    }


def saved_message(impact: Impact) -> str:
    return _(
        "已保存。本地区 %(leads)d 条线索中有 %(changed)d 条的评分随之变化，评分已安排重算。"
    ) % {"leads": impact.leads, "changed": impact.changed}


def swap_main(response: HttpResponse) -> HttpResponse:
    """Have htmx put the page's <main> in place of the editor's (the page after a save,
    without a reload)."""
    response["HX-Retarget"] = "#main"
    response["HX-Reswap"] = "outerHTML"
    response["HX-Reselect"] = "#main"
    return response


def cluster_saved(request: HttpRequest, cluster: Cluster, impact: Impact) -> HttpResponse:
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect("cluster_profile", pk=cluster.pk)
    fresh = Cluster.objects.select_related("region").get(pk=cluster.pk)
    context = profile_context(request, fresh) | {"saved": impact}
    return swap_main(render(request, "regions/cluster_profile.html", context))


def region_saved(request: HttpRequest, region: Region, impact: Impact) -> HttpResponse:
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect("region_page", pk=region.pk)
    context = region_context(request, region) | {"saved": impact}
    return swap_main(render(request, "regions/region_page.html", context))


# The region page and its endowments editor.


@require_GET
@role_required()
def region_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A region: its clusters and endowments (what the scores of its leads stand on)."""
    region = get_object_or_404(Region.objects.select_related("parent"), pk=pk)
    return render(request, "regions/region_page.html", region_context(request, region))


def region_context(request: HttpRequest, region: Region) -> dict[str, Any]:
    return {
        "region": region,
        "clusters": list(region.clusters.order_by("code")),
        "children": list(region.children.order_by("code")),
        "endowments": list(region.endowments.order_by("factor")),
        "may_edit": can_edit_region(request.user, region.pk),
    }


def stored_endowment_edit(region: Region) -> EndowmentEdit:
    return EndowmentEdit(
        [
            EndowmentRow(
                f"e{e.pk}",
                e.factor,
                "" if e.value is None else f"{e.value:g}",
                e.source,
            )
            for e in region.endowments.order_by("factor")
        ]
    )


def endowment_region_draft(region: Region, drafts: list[EndowmentDraft]) -> RegionDraft:
    return RegionDraft(region_id=region.pk, endowments=tuple((d.factor, d.value) for d in drafts))


@require_http_methods(["GET", "POST"])
@role_required(*EDITORS)
def region_endowments(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the endowments editor. POST: save the region's endowments (all or nothing)."""
    region = editable_region(request, pk)
    if request.method == "GET":
        return endowment_editor(request, region, stored_endowment_edit(region))
    edit = EndowmentEdit.read(request.POST)
    drafts = edit.draft()
    if drafts is not None:
        try:
            validate_endowments(region, drafts)
            impact = region_edit_impact(endowment_region_draft(region, drafts))
            endowments_save(region, drafts)
        except ValidationError as error:
            edit.show(error)
        else:
            messages.success(request, saved_message(impact))
            return region_saved(request, region, impact)
    return endowment_editor(request, region, edit)


@require_POST
@role_required(*EDITORS)
def region_endowments_preview(request: HttpRequest, pk: int) -> HttpResponse:
    region = editable_region(request, pk)
    edit = EndowmentEdit.read(request.POST)
    drafts = edit.draft()
    impact = None
    if drafts is not None:
        try:
            validate_endowments(region, drafts)
        except ValidationError as error:
            edit.show(error)
        else:
            impact = region_edit_impact(endowment_region_draft(region, drafts))
    return endowment_editor(request, region, edit, impact)


@require_GET
@role_required(*EDITORS)
def region_endowment_row(request: HttpRequest, pk: int) -> HttpResponse:
    editable_region(request, pk)
    return render(request, "regions/_endowment_row.html", {"row": EndowmentRow(new_key())})


def endowment_editor(
    request: HttpRequest, region: Region, edit: EndowmentEdit, impact: Impact | None = None
) -> HttpResponse:
    editor = {
        "region": region,
        "edit": edit,
        "impact": impact,
        "factors": factor_choices(),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "regions/_endowment_editor.html", editor)
    page = region_context(request, region) | editor | {"editing": True}
    return render(request, "regions/region_page.html", page)
