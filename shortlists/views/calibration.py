"""The calibration page: did the leads scored high land? AUC per sub-score with intervals,
reliability, fitted weights, and adopting them as a new profile version (docs/outcomes.md)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from regions.models import Region
from screening.models import CalibrationRun, ScoringProfile
from screening.scoring import TooFewOutcomes
from screening.selectors.profiles import profiles_in_force
from screening.services.calibration import calibration_adopt, calibration_run_create
from shortlists.calibration_charts import auc_chart, reliability_chart
from shortlists.calibration_forms import AdoptForm, CalibrationForm
from shortlists.views.common import manager_required, signed_in

RUNS_LISTED = 8


def score_labels() -> dict[str, str]:
    return {
        "local_fit": _("本地适配"),
        "chain_completion": _("补链"),
        "cluster_strength": _("强群"),
        "strengthen": _("壮大集群"),
        "pull": _("带动配套"),
        "total_in_force": _("总分（现行方案）"),
        "total_at_decision": _("总分（决策时）"),
        "fitted": _("拟合模型（交叉验证）"),
    }


def plain_words(name: str, row: dict[str, Any]) -> str:
    """What an AUC says, in a sentence a bureau chief reads."""
    values = {"name": name, "auc": row["auc"], "low": row["low"], "high": row["high"]}
    if row["verdict"] == "predicts":
        return _(
            "%(name)s 能区分落地与未落地的线索：落地线索在此项得分更高的概率为 %(auc).0f%%。"
        ) % {**values, "auc": 100 * row["auc"]}
    if row["verdict"] == "against":
        return _("%(name)s 起反作用：落地的线索在这一项上反而得分更低（AUC %(auc).2f）。") % values
    return (
        _(
            "%(name)s 什么也预测不了：与随机无法区分"
            "（AUC %(auc).2f，区间 %(low).2f–%(high).2f 含 0.5）。"
        )
        % values
    )


@require_GET
@manager_required
def calibration_page(request: HttpRequest) -> HttpResponse:
    form = CalibrationForm(request.GET or None)
    region = form.cleaned_data.get("region") if form.is_valid() else None
    return render(request, "shortlists/calibration.html", _context(request, form, region))


@require_POST
@manager_required
def calibration_run_view(request: HttpRequest) -> HttpResponse:
    form = CalibrationForm(request.POST)
    if not form.is_valid():
        context = _context(request, form, None)
        return render(request, "shortlists/calibration.html", context, status=400)
    region, since = form.cleaned_data["region"], form.cleaned_data["since"]
    try:
        run, _calibration = calibration_run_create(
            region=region, since=since, user=signed_in(request)
        )
    except TooFewOutcomes as refusal:
        context = _context(request, form, region, refusal=refusal)
        return render(request, "shortlists/calibration.html", context, status=422)
    messages.success(request, _("回测已完成（第 %(id)s 次）。") % {"id": run.pk})
    return redirect(_page_url(region, run))


@require_POST
@manager_required
def calibration_adopt_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(CalibrationRun, pk=pk)
    form = AdoptForm(request.POST)
    if form.is_valid():
        try:
            profiles = calibration_adopt(
                run=run, user=signed_in(request), reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            names = ", ".join(str(p) for p in profiles)
            messages.success(
                request, _("已采用这组权重：新方案版本 %(names)s。") % {"names": names}
            )
    return redirect(_page_url(run.region, run))


def _page_url(region: Region | None, run: CalibrationRun) -> str:
    query = {"run": run.pk, **({"region": region.pk} if region else {})}
    return f"{reverse('shortlists:calibration')}?{urlencode(query)}"


def _context(
    request: HttpRequest,
    form: CalibrationForm,
    region: Region | None,
    refusal: TooFewOutcomes | None = None,
) -> dict[str, Any]:
    runs = CalibrationRun.objects.filter(region=region).select_related("created_by", "adopted_by")[
        :RUNS_LISTED
    ]
    chosen = request.GET.get("run", "")
    run = (
        CalibrationRun.objects.filter(pk=int(chosen), region=region).first()
        if chosen.isdigit()
        else None
    ) or (runs[0] if runs else None)
    context: dict[str, Any] = {
        "form": form,
        "region": region,
        "runs": runs,
        "run": run,
        "refusal": refusal,
        "adopt_form": AdoptForm(),
    }
    if run is not None:
        context |= _run_context(run, region)
    return context


def _run_context(run: CalibrationRun, region: Region | None) -> dict[str, Any]:
    result, labels = run.result, score_labels()
    auc_rows = [(labels.get(name, name), row) for name, row in result["auc"].items()]
    in_force = profiles_in_force()
    profile = in_force.for_region(region.pk) if region else in_force.default
    return {
        "auc_rows": [(label, row, plain_words(label, row)) for label, row in auc_rows],
        "auc_svg": auc_chart(auc_rows, title=_("各项评分的 AUC 及 95% 区间")),
        "reliability_svg": reliability_chart(result["reliability"], title=_("校准曲线")),
        "weights": _weights_rows(result, profile, labels),
        "profile": profile,
        "adopted_profiles": list(run.adopted_profiles.all()),
    }


def _weights_rows(
    result: dict[str, Any], profile: ScoringProfile, labels: dict[str, str]
) -> list[tuple[str, float, float | None]]:
    """(part, fitted weight, weight in the profile in force) per fitted part."""
    w = profile.sub_score_weights()
    in_force = {
        "local_fit": w.local_fit,
        "chain_completion": w.chain_completion,
        "cluster_strength": w.cluster_strength,
        "strengthen": w.cluster_strength * (1 - w.pull_share),
        "pull": w.cluster_strength * w.pull_share,
    }
    return [
        (labels.get(name, name), fitted, in_force.get(name))
        for name, fitted in result["weights"].items()
    ]
