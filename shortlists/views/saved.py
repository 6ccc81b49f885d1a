"""Saved shortlists: the list, one snapshot against today, decisions, and the exports."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from screening.services.explanations import explanation_lang
from shortlists.exports import shortlist_pdf, shortlist_xlsx
from shortlists.forms import DecisionForm
from shortlists.models import Decision, SavedShortlist, ShortlistEntry
from shortlists.review import movement
from shortlists.scopes import saved_scope_label
from shortlists.services import entry_decide
from shortlists.views.common import manager_required, query_string, signed_in

DECISIONS = [("", _("未决定")), *Decision.choices]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def saved_or_404(pk: int) -> SavedShortlist:
    return get_object_or_404(
        SavedShortlist.objects.select_related(
            "profile", "created_by", "region", "cluster", "industry"
        ),
        pk=pk,
    )


@require_GET
@manager_required
def saved_list(request: HttpRequest) -> HttpResponse:
    shortlists = SavedShortlist.objects.select_related(
        "profile", "created_by", "region", "cluster", "industry"
    ).annotate(
        n_entries=Count("entries"),
        n_decided=Count("entries", filter=~Q(entries__decision="")),
    )
    return render(request, "shortlists/saved_list.html", {"shortlists": shortlists})


@require_GET
@manager_required
def saved_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The snapshot as saved, each entry beside the lead today, and who has climbed in since."""
    saved = saved_or_404(pk)
    entries = list(saved.entries.select_related("decided_by"))
    moved = movement(saved, entries)
    return render(
        request,
        "shortlists/saved_detail.html",
        {
            "saved": saved,
            "scope_label": saved_scope_label(saved),
            "moved": moved,
            "lang": explanation_lang(),
            "decisions": DECISIONS,
            "charts_query": query_string(saved.filters, saved=saved.pk),
            "compare_query": query_string({"lead": [e.lead_id for e in entries[:4] if e.lead_id]}),
        },
    )


@require_POST
@manager_required
def entry_decide_view(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    """Set the decision and comment of one entry; htmx gets the entry's row back."""
    saved = saved_or_404(pk)
    entry = get_object_or_404(
        ShortlistEntry.objects.select_related("decided_by"), pk=entry_pk, shortlist=saved
    )
    form = DecisionForm(request.POST)
    status = 200
    if form.is_valid():
        entry = entry_decide(
            entry=entry,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
            user=signed_in(request),
        )
        entry.decided_by = signed_in(request)
    else:
        status = 400
    return render(
        request,
        "shortlists/_entry_decision.html",
        {
            "saved": saved,
            "entry": entry,
            "form": form,
            "done": form.is_valid(),
            "decisions": DECISIONS,
        },
        status=status,
    )


def _export_entries(saved: SavedShortlist) -> list[ShortlistEntry]:
    # The lead's region and industry name the rows in the export's language (exports.region_name).
    related = ("decided_by", "lead__region", "lead__industry")
    return list(saved.entries.select_related(*related))


@require_GET
@manager_required
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    saved = saved_or_404(pk)
    content = shortlist_xlsx(saved, _export_entries(saved), explanation_lang())
    return _attachment(content, XLSX, f"{saved.name}.xlsx")


@require_GET
@manager_required
def export_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    saved = saved_or_404(pk)
    content = shortlist_pdf(saved, _export_entries(saved), explanation_lang())
    return _attachment(content, "application/pdf", f"{saved.name}.pdf")


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
