"""One lead: its fields, workflow, timeline and score card; the editor; lazy score parts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects import services
from projects.forms import LeadForm
from projects.models import Lead
from projects.views.actions import workflow_context
from projects.views.common import (
    acting_user,
    add_service_errors,
    editable_lead,
    visible_lead_or_404,
)
from projects.views.scorecard import fit_elsewhere, same_company_elsewhere, score_card, timeline
from regions.models import Region
from screening.access import Role, can_edit_lead, has_role, officer_region_ids, sees_all_regions
from screening.selectors.changes import history_panel, lead_changes
from screening.services.explanations import explanation_lang
from screening.web import role_required


@require_GET
@role_required()
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lead = visible_lead_or_404(request, pk)
    context: dict[str, Any] = workflow_context(request, lead) | {
        "editable": can_edit_lead(request.user, lead),
        "may_archive": has_role(request.user, Role.ADMIN),
        "card": score_card(lead, explanation_lang()),
        "timeline": timeline(lead),
        "inputs": list(lead.input_industries.order_by("code")),
        "history": history_panel(
            lead_changes(lead.pk), show_all=request.GET.get("history") == "all"
        ),
    }
    return render(request, "projects/lead_detail.html", context)


def editable_regions(request: HttpRequest) -> QuerySet[Region]:
    """Regions a lead may be aimed at by this user: all for admins, an officer's own."""
    if sees_all_regions(request.user):
        return Region.objects.order_by("code")
    return Region.objects.filter(pk__in=officer_region_ids(request.user)).order_by("code")


@require_http_methods(["GET", "POST"])
@role_required()
def lead_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lead = editable_lead(request, pk)
    # The form validates a copy: a ModelForm writes cleaned values into its instance, and the
    # service must see the stored values to know which scoring inputs changed.
    form = LeadForm(
        request.POST or None,
        instance=Lead.objects.get(pk=lead.pk),
        regions=editable_regions(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.lead_update(
                lead=lead,
                user=acting_user(request),
                inputs=form.cleaned_data["input_industries"],
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error, {})
        else:
            messages.success(request, _("线索已保存。"))
            return redirect("lead_detail", pk=lead.pk)
    return render(request, "projects/lead_edit.html", {"lead": lead, "form": form})


@require_POST
@role_required(Role.ADMIN)
def lead_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete in the browser = archive (as in the API and the admin): the lead leaves every
    list and keeps its stage history, activities and audit trail. Admins only, like the API."""
    lead = visible_lead_or_404(request, pk)
    services.lead_archive(lead=lead, user=acting_user(request))
    messages.success(request, _("线索“%(company)s”已归档。") % {"company": lead.company})
    return redirect("inbox")


@require_GET
@role_required()
def lead_scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    """The score card alone: the lead page polls it while the score is being recomputed."""
    lead = visible_lead_or_404(request, pk)
    return render(
        request,
        "projects/_scorecard.html",
        {"lead": lead, "card": score_card(lead, explanation_lang())},
    )


@require_GET
@role_required()
def lead_elsewhere(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Where else would this fit": loaded after the page, as it scores the sibling regions;
    without JavaScript the lead page links here and gets a page of its own."""
    lead = visible_lead_or_404(request, pk)
    template = "projects/_elsewhere.html" if request.htmx else "projects/elsewhere.html"  # type: ignore[attr-defined]
    return render(request, template, {"lead": lead, "placements": fit_elsewhere(lead)})


@require_GET
@role_required()
def lead_duplicates(request: HttpRequest, pk: int) -> HttpResponse:
    """The warning that the same company is a lead elsewhere, loaded after the page (it looks
    the company up across all leads)."""
    lead = visible_lead_or_404(request, pk)
    return render(
        request,
        "projects/_duplicates.html",
        {"lead": lead, "duplicates": same_company_elsewhere(request.user, lead)},
    )
