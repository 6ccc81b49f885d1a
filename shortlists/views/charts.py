"""The charts page: the shortlist on the feasibility map, the pipeline, time in stage, score
distributions per region, and the clusters' targets."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from projects import money
from regions.names import is_english
from shortlists import charts, dashboard
from shortlists.forms import ShortlistForm, params_from_form
from shortlists.models import SavedShortlist
from shortlists.review import movement
from shortlists.services import ShortlistRow, build_shortlist
from shortlists.views.common import manager_required, query_string

YEARS_BACK = 5


@require_GET
@manager_required
def charts_page(request: HttpRequest) -> HttpResponse:
    form = ShortlistForm(request.GET)
    if not form.is_valid():
        return render(request, "shortlists/charts.html", {"form": form}, status=400)
    params = params_from_form(form)
    shortlist = build_shortlist(params, extra_rows=0)
    saved = _saved(request)
    rows = saved_rows(saved) if saved else shortlist.chosen
    year = _year(request)
    english = is_english()
    feasibility = dashboard.feasibility(params, rows)
    distributions = dashboard.region_distributions(params)
    funnel = dashboard.funnel(params.scope, params.filters)
    times = dashboard.stage_times(params.scope, params.filters)
    targets = dashboard.cluster_targets(params.scope, year)
    chosen = shortlist.chosen
    context = {
        "form": form,
        "params": params,
        "saved": saved,
        "year": year,
        "years": range(timezone.localdate().year, timezone.localdate().year - YEARS_BACK, -1),
        "query": query_string(params.query()),
        "feasibility": feasibility,
        "feasibility_svg": charts.feasibility_chart(
            feasibility.grid,
            feasibility.points,
            x_label=_("本地适配（能否落地）"),
            y_label=_("补链与强群价值（是否值得）"),
            title=_("可行性与吸引力"),
        ),
        "funnel": funnel,
        "funnel_svg": charts.funnel_chart(funnel, english=english, title=_("招商漏斗")),
        "times": times,
        "times_svg": charts.stage_time_chart(times, title=_("各阶段停留时间")),
        "distributions": distributions,
        "distribution_svg": charts.distribution_chart(
            distributions,
            cutoff_total=chosen[-1].scores.total if chosen else None,
            title=_("各地区总分分布"),
        ),
        "funnel_rates": rates_note(c for step in funnel for c in step.currencies),
        "targets": targets,
        "targets_rates": rates_note(dashboard.target_currencies(targets.rows)),
        "targets_svg": charts.targets_chart(
            targets.rows, english=english, year=year, title=_("集群目标与签约")
        ),
    }
    return render(request, "shortlists/charts.html", context)


def rates_note(currencies: Iterable[str]) -> str:
    """Which rates converted the foreign amounts summed into a chart ("" if none were)."""
    return money.rates_note(currencies, money.configured_rates(), english=is_english())


def _saved(request: HttpRequest) -> SavedShortlist | None:
    pk = request.GET.get("saved", "")
    return get_object_or_404(SavedShortlist, pk=int(pk)) if pk.isdigit() else None


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    this_year = timezone.localdate().year
    return int(value) if value.isdigit() and 2000 <= int(value) <= this_year + 1 else this_year


def saved_rows(saved: SavedShortlist) -> list[ShortlistRow]:
    """The saved shortlist's leads placed by their scores today (for the feasibility map)."""
    moved = movement(saved, list(saved.entries.all()))
    return [
        ShortlistRow(
            rank=item.entry.rank,
            lead=item.lead,
            scores=item.scores,
            band_low=None,
            band_high=None,
            p_top_k=None,
            crosses_cutoff=False,
            above_cutoff=True,
            stale=False,
        )
        for item in moved.entries
        if item.scores is not None and item.lead is not None
    ]
