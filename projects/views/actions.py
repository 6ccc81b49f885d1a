"""Inline workflow actions on one lead: owner, stage, status with reason, notes.

Each action answers an htmx request from the inbox (ctx=row) with the lead's re-rendered row,
one from the lead page with the re-rendered workflow panel, and a plain form post with a
redirect to the lead page. Bad input changes nothing and is shown beside its field.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from projects import services
from projects.forms import NoteForm, OwnerForm, StageForm, StatusForm
from projects.models import STAGE_ORDER, Lead, Stage
from projects.views.common import acting_user, add_service_errors, editable_lead
from projects.views.inbox_query import owners_for, region_scope, rows_for
from projects.views.scorecard import timeline
from screening.access import Role
from screening.web import role_required

EDITORS = (Role.OFFICER, Role.ADMIN)


def eligible_owners(lead: Lead) -> QuerySet[User]:
    """Active officers who work for the lead's region or one of its ancestors."""
    region_ids = [r.pk for r in lead.region.ancestors(include_self=True)]
    return (
        User.objects.filter(
            is_active=True, groups__name="officer", officer_regions__region_id__in=region_ids
        )
        .distinct()
        .order_by("username")
    )


def respond(
    request: HttpRequest, lead: Lead, *, forms: dict[str, BaseForm] | None = None, done: str = ""
) -> HttpResponse:
    """The re-rendered row or workflow panel (htmx), or a redirect to the lead page."""
    forms = forms or {}
    failed = any(f.errors for f in forms.values())
    if not request.htmx:  # type: ignore[attr-defined]
        for form in forms.values():
            for errors in form.errors.values():
                messages.error(request, " ".join(str(e) for e in errors))
        if done and not failed:
            messages.success(request, done)
        return redirect("lead_detail", pk=lead.pk)
    context = workflow_context(request, lead, forms)
    context |= {"done": "" if failed else done, "editable": True}
    if request.POST.get("ctx", request.GET.get("ctx")) == "row":
        context |= {
            "row": rows_for(request.user, [lead])[0],
            "owners": owners_for(region_scope(request.user)),
            "stages": Stage.choices,
            "panel": "panel" in request.POST,
        }
        return render(request, "projects/_lead_row.html", context)
    context["timeline"] = timeline(lead)
    return render(request, "projects/_workflow.html", context)


def workflow_context(
    request: HttpRequest, lead: Lead, forms: dict[str, BaseForm] | None = None
) -> dict[str, Any]:
    """Forms of the workflow panel, bound ones (with their errors) taking precedence."""
    forms = forms or {}
    ids = auto_id(lead)
    return {
        "lead": lead,
        "stage_choices": Stage.choices,
        "stage_index": STAGE_ORDER.index(lead.stage),
        "stage_form": forms.get("stage") or StageForm(initial={"stage": lead.stage}, auto_id=ids),
        "status_form": forms.get("status")
        or StatusForm(
            initial={"status": lead.status, "reason": lead.status_reason, "lost_to": lead.lost_to},
            auto_id=ids,
        ),
        "owner_form": forms.get("owner")
        or OwnerForm(initial={"owner": lead.owner_id}, owners=eligible_owners(lead), auto_id=ids),
        "note_form": forms.get("note") or NoteForm(auto_id=ids),
    }


def auto_id(lead: Lead) -> str:
    """Field ids unique per lead, as several leads' forms can be open on one page."""
    return f"id_{lead.pk}_%s"


@require_POST
@role_required(*EDITORS)
def lead_stage(request: HttpRequest, pk: int) -> HttpResponse:
    lead = editable_lead(request, pk)
    form = StageForm(request.POST, auto_id=auto_id(lead))
    if form.is_valid():
        try:
            services.lead_move_stage(
                lead=lead, user=acting_user(request), to_stage=form.cleaned_data["stage"]
            )
        except ValidationError as error:
            add_service_errors(form, error, {})
            lead.refresh_from_db(fields=["stage"])
    return respond(request, lead, forms={"stage": form}, done=_("阶段已更新。"))


@require_POST
@role_required(*EDITORS)
def lead_status(request: HttpRequest, pk: int) -> HttpResponse:
    lead = editable_lead(request, pk)
    form = StatusForm(request.POST, auto_id=auto_id(lead))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.lead_set_status(
                lead=lead,
                user=acting_user(request),
                status=data["status"],
                reason=data["reason"],
                lost_to=data["lost_to"],
            )
        except ValidationError as error:
            add_service_errors(form, error, {"status_reason": "reason"})
            lead.refresh_from_db(fields=["status", "status_reason", "lost_to"])
    return respond(request, lead, forms={"status": form}, done=_("状态已更新。"))


@require_POST
@role_required(*EDITORS)
def lead_owner(request: HttpRequest, pk: int) -> HttpResponse:
    lead = editable_lead(request, pk)
    form = OwnerForm(request.POST, owners=eligible_owners(lead), auto_id=auto_id(lead))
    if form.is_valid():
        services.lead_assign_owner(
            lead=lead, user=acting_user(request), owner=form.cleaned_data["owner"]
        )
        lead.owner = form.cleaned_data["owner"]
    return respond(request, lead, forms={"owner": form}, done=_("负责人已更新。"))


@require_POST
@role_required(*EDITORS)
def lead_note(request: HttpRequest, pk: int) -> HttpResponse:
    lead = editable_lead(request, pk)
    form = NoteForm(request.POST, auto_id=auto_id(lead))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.lead_add_activity(
                lead=lead,
                user=acting_user(request),
                kind=data["kind"],
                text=data["text"],
                happened_on=data["happened_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error, {})
        else:
            form = NoteForm(auto_id=auto_id(lead))  # an empty form for the next note
    return respond(request, lead, forms={"note": form}, done=_("备注已添加。"))


@require_GET
@role_required(*EDITORS)
def lead_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The inbox row with its action panel (status and note forms) opened, or closed again."""
    lead = editable_lead(request, pk)
    context = workflow_context(request, lead) | {
        "row": rows_for(request.user, [lead])[0],
        "owners": owners_for(region_scope(request.user)),
        "stages": Stage.choices,
        "panel": "close" not in request.GET,
    }
    return render(request, "projects/_lead_row.html", context)
