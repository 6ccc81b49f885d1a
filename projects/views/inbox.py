"""The inbox: the leads of my regions (all leads for managers and admins), filtered and sorted."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from projects.forms import SORT_LABELS, InboxFilterForm
from projects.models import Stage
from projects.views.inbox_query import (
    clusters_for,
    inbox_page,
    light_choices,
    owners_for,
    region_scope,
)
from screening.access import visible_leads
from screening.web import role_required


@require_GET
@role_required()
def inbox(request: HttpRequest) -> HttpResponse:
    """The full page, or only the results when htmx asks for them (filters, sort, pages)."""
    scope = region_scope(request.user)
    owners = owners_for(scope)
    form = InboxFilterForm(request.GET, clusters=clusters_for(scope), owners=owners)
    form.is_valid()  # collects errors; the valid filters still apply
    page = inbox_page(request.user, visible_leads(request.user), form)
    context = {
        "form": form,
        "light_choices": {
            "industry": light_choices(form.fields["industry"].queryset, _("全部产业")),  # type: ignore[attr-defined]
            "cluster": light_choices(form.fields["cluster"].queryset, _("全部集群")),  # type: ignore[attr-defined]
        },
        "page": page,
        "owners": owners,
        "stages": Stage.choices,
        "sort": form.value("sort") or "total",
        # Sub-scores first, the total last: the order of the row's cells.
        "score_columns": [*SORT_LABELS[1:4], SORT_LABELS[0]],
    }
    partial = request.htmx and request.htmx.target == "results"  # type: ignore[attr-defined]
    template = "projects/_inbox_results.html" if partial else "projects/inbox.html"
    return render(request, template, context)
