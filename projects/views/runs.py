"""Score runs: the progress of recomputations (and imports), polled by htmx while running."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from screening import tasks
from screening.access import Role
from screening.models import ScoreRun
from screening.selectors.staleness import stale_leads
from screening.web import role_required

RECENT_RUNS = 20
WAIT_FOR_FIRST_RUN = dt.timedelta(minutes=2)


@require_GET
@role_required(Role.MANAGER, Role.ADMIN)
def runs(request: HttpRequest) -> HttpResponse:
    """Recent runs; with `since` (ISO time) only those started since then, e.g. by an import."""
    recent = ScoreRun.objects.order_by("-created_at")
    try:
        since = parse_datetime(request.GET.get("since", ""))
    except ValueError:
        since = None
    if since is not None and timezone.is_naive(since):
        since = timezone.make_aware(since)
    if since is not None:
        recent = recent.filter(created_at__gte=since)
    found = list(recent[:RECENT_RUNS])
    context = {
        "runs": found,
        "since": request.GET.get("since", ""),
        "polling": since is not None and still_running(found, since),
    }
    if request.htmx and request.htmx.target == "run-list":  # type: ignore[attr-defined]
        return render(request, "projects/_run_list.html", context)
    context["stale_exists"] = stale_leads().exists()
    return render(request, "projects/runs.html", context)


def still_running(runs: list[ScoreRun], since: dt.datetime) -> bool:
    """Whether a list of runs started since `since` may still change: one is unfinished, or
    none has been queued yet and a worker may still pick the work up."""
    if not runs:
        return timezone.now() - since < WAIT_FOR_FIRST_RUN
    return any(run.state in {ScoreRun.State.QUEUED, ScoreRun.State.RUNNING} for run in runs)


@require_GET
@role_required(Role.MANAGER, Role.ADMIN)
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ScoreRun, pk=pk)
    return render(request, "projects/_run_progress.html", {"run": run})


@require_POST
@role_required(Role.ADMIN)
def rescore_stale(request: HttpRequest) -> HttpResponse:
    """Queue the recomputation of every stale score (the periodic sweep, started by hand)."""
    tasks.rescore_stale.delay()
    messages.success(request, _("已开始重新计算过期评分。"))
    return redirect("runs")
