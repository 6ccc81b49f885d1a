"""Inline workflow actions on one lead: owner, stage, status with reason, notes.

Each action answers an htmx request from the inbox (ctx=row) with the lead's re-rendered row,
one from the lead page with the re-rendered workflow panel, and a plain form post with a
redirect to the lead page. Bad input changes nothing and is shown beside its field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from projects import services
from projects.forms import NoteForm, OwnerForm, StageForm, StatusForm
from projects.models import STAGE_ORDER, Lead, Stage
from projects.views.common import acting_user, add_service_errors, editable_lead
from projects.views.inbox_query import owners_for, region_scope, rows_for
from projects.views.scorecard import timeline
from screening.access import Role
from screening.web import role_required

EDITORS = (Role.OFFICER, Role.ADMIN, Role.REGIONAL_ADMIN)
StrOrPromise = str | Promise


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
            "announce": True,  # the outcome goes to the page's one live region
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


@dataclass(frozen=True)
class Action:
    """One inline action: its form (bound to the POST, or empty), the service call it makes,
    and how a refusal by the service is shown."""

    key: str  # the form's name in the workflow panel
    form: Callable[[Lead, QueryDict | None], BaseForm]
    apply: Callable[[Lead, AbstractBaseUser, dict[str, Any]], object]
    done: StrOrPromise  # the message after a successful write
    aliases: dict[str, str] = field(default_factory=dict)  # service field -> form field
    reread: tuple[str, ...] = ()  # lead fields to read again after a refused write
    fresh_form_after: bool = False  # an empty form for the next entry (notes)


def act(request: HttpRequest, pk: int, action: Action) -> HttpResponse:
    """Validate the action's form, call its service, answer with the row, panel or redirect."""
    lead = editable_lead(request, pk)
    form = action.form(lead, request.POST)
    if form.is_valid():
        try:
            action.apply(lead, acting_user(request), form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error, action.aliases)
            if action.reread:
                lead.refresh_from_db(fields=list(action.reread))
        else:
            if action.fresh_form_after:
                form = action.form(lead, None)
    return respond(request, lead, forms={action.key: form}, done=str(action.done))


def _assign_owner(lead: Lead, user: AbstractBaseUser, data: dict[str, Any]) -> None:
    services.lead_assign_owner(lead=lead, user=user, owner=data["owner"])
    lead.owner = data["owner"]


STAGE = Action(
    key="stage",
    form=lambda lead, data: StageForm(data, auto_id=auto_id(lead)),
    apply=lambda lead, user, data: services.lead_move_stage(
        lead=lead, user=user, to_stage=data["stage"]
    ),
    done=gettext_lazy("阶段已更新。"),
    reread=("stage",),
)
STATUS = Action(
    key="status",
    form=lambda lead, data: StatusForm(data, auto_id=auto_id(lead)),
    apply=lambda lead, user, data: services.lead_set_status(
        lead=lead,
        user=user,
        status=data["status"],
        reason=data["reason"],
        lost_to=data["lost_to"],
    ),
    done=gettext_lazy("状态已更新。"),
    aliases={"status_reason": "reason"},
    reread=("status", "status_reason", "lost_to"),
)
OWNER = Action(
    key="owner",
    form=lambda lead, data: OwnerForm(data, owners=eligible_owners(lead), auto_id=auto_id(lead)),
    apply=_assign_owner,
    done=gettext_lazy("负责人已更新。"),
)
NOTE = Action(
    key="note",
    form=lambda lead, data: NoteForm(data, auto_id=auto_id(lead)),
    apply=lambda lead, user, data: services.lead_add_activity(
        lead=lead,
        user=user,
        kind=data["kind"],
        text=data["text"],
        happened_on=data["happened_on"],
    ),
    done=gettext_lazy("备注已添加。"),
    fresh_form_after=True,
)


@require_POST
@role_required(*EDITORS)
def lead_stage(request: HttpRequest, pk: int) -> HttpResponse:
    return act(request, pk, STAGE)


@require_POST
@role_required(*EDITORS)
def lead_status(request: HttpRequest, pk: int) -> HttpResponse:
    return act(request, pk, STATUS)


@require_POST
@role_required(*EDITORS)
def lead_owner(request: HttpRequest, pk: int) -> HttpResponse:
    return act(request, pk, OWNER)


@require_POST
@role_required(*EDITORS)
def lead_note(request: HttpRequest, pk: int) -> HttpResponse:
    return act(request, pk, NOTE)


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
