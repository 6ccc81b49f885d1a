"""The live shortlist: ranking, what-if weights, saving, the AHP page, comparing leads."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from screening.models import PRESET_LABELS
from screening.scoring import PRESETS
from screening.selectors.landing import Landing, landing_for
from screening.services.explanations import explanation_lang
from shortlists.forms import (
    PULL_SHARE_FIELD,
    WEIGHT_FIELDS,
    AhpForm,
    SaveProfileForm,
    SaveShortlistForm,
    ShortlistForm,
    params_from_form,
)
from shortlists.ranking import ranked_row
from shortlists.review import COMPARE_MAX, ahp_evaluate, compare_leads, parse_lead_ids
from shortlists.services import (
    Shortlist,
    ShortlistChanged,
    ShortlistParams,
    build_shortlist,
    percents_of,
    profile_save_what_if,
    shortlist_fingerprint,
    shortlist_save,
)
from shortlists.views.common import (
    hidden_pairs,
    is_partial,
    manager_required,
    query_string,
    signed_in,
)


def presets() -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "label": PRESET_LABELS.get(name, name),
            "percents": percents_of((w.local_fit, w.chain_completion, w.cluster_strength)),
            "pull_percent": round(100 * w.pull_share),
        }
        for name, w in PRESETS.items()
    ]


def page_context(form: ShortlistForm, shortlist: Shortlist | None, **extra: Any) -> dict[str, Any]:
    query = shortlist.params.query() if shortlist else {}
    params = shortlist.params if shortlist else None
    values = (
        params.sliders if params else tuple(_int(form.data.get(name)) for name in WEIGHT_FIELDS)
    )
    pull_value = params.pull_percent if params else _int(form.data.get(PULL_SHARE_FIELD))
    # Without a ranking (the choices have errors) the save form carries the choices as they
    # are and no fingerprint, so a save refuses instead of saving the ranking shown before.
    data = form.data
    submitted = {k: data.getlist(k) for k in data} if isinstance(data, QueryDict) else dict(data)
    context = {
        "form": form,
        "shortlist": shortlist,
        "sliders": [(form[name], values[i]) for i, name in enumerate(WEIGHT_FIELDS)],
        "pull_slider": (form[PULL_SHARE_FIELD], pull_value),
        "presets": presets(),
        "hidden": hidden_pairs(query if shortlist else submitted),
        "fingerprint": shortlist_fingerprint(shortlist) if shortlist else "",
        "query": query_string(query),
        "landing": _landing(shortlist),
        "save_form": SaveShortlistForm(prefix="save"),
        "profile_form": SaveProfileForm(
            prefix="profile",
            initial={
                "name": params.profile.name if params else "",
                "region": params.profile.region_id if params else None,
            },
        ),
    }
    return context | extra


def _landing(shortlist: Shortlist | None) -> dict[int, Landing]:
    """Probability of landing per lead shown, where a manager adopted a calibration."""
    if shortlist is None:
        return {}
    return landing_for(
        (row.lead.pk, row.lead.region_id, asdict(row.scores)) for row in shortlist.rows
    )


def _int(value: object) -> int:
    text = str(value or "")
    return int(text) if text.isdigit() and int(text) <= 100 else 0


@require_GET
@vary_on_headers("HX-Request", "HX-Target")  # the same URL answers a page or a fragment
@manager_required
def shortlist_page(request: HttpRequest) -> HttpResponse:
    """The ranked shortlist; an htmx request (sliders, filters) gets the ranking only."""
    form = ShortlistForm(request.GET)
    shortlist = build_shortlist(params_from_form(form)) if form.is_valid() else None
    context = page_context(form, shortlist)
    if is_partial(request, "ranking"):
        return render(request, "shortlists/_ranking.html", context)
    return render(request, "shortlists/page.html", context)


@require_POST
@manager_required
def shortlist_save_view(request: HttpRequest) -> HttpResponse:
    """Snapshot the shortlist as ranked now (the server ranks again; nothing is trusted), but
    only when that ranking is the one on screen (the form's fingerprint); otherwise the page
    comes back ranked by the submitted settings, nothing saved, saying why."""
    form = ShortlistForm(request.POST)
    name_form = SaveShortlistForm(request.POST, prefix="save")
    if not (form.is_valid() and name_form.is_valid()):
        valid = form.is_valid()
        shortlist = build_shortlist(params_from_form(form)) if valid else None
        context = page_context(
            form, shortlist, save_form=name_form, open_panel="save", save_refused=not valid
        )
        return render(request, "shortlists/page.html", context, status=400)
    params = params_from_form(form)
    try:
        saved = shortlist_save(
            params=params,
            name=name_form.cleaned_data["name"],
            user=signed_in(request),
            fingerprint=request.POST.get("fingerprint", ""),
        )
    except ShortlistChanged:
        context = page_context(
            form, build_shortlist(params), save_form=name_form, open_panel="save", save_refused=True
        )
        return render(request, "shortlists/page.html", context, status=409)
    messages.success(request, _("名单“%(name)s”已保存。") % {"name": saved.name})
    return redirect("shortlists:saved", pk=saved.pk)


@require_POST
@manager_required
def profile_save_view(request: HttpRequest) -> HttpResponse:
    """Save the what-if weights as a new profile version (who, when, why); it goes in force."""
    form = ShortlistForm(request.POST)
    profile_form = SaveProfileForm(request.POST, prefix="profile")
    if not (form.is_valid() and profile_form.is_valid()):
        shortlist = build_shortlist(params_from_form(form)) if form.is_valid() else None
        context = page_context(form, shortlist, profile_form=profile_form, open_panel="profile")
        return render(request, "shortlists/page.html", context, status=400)
    params = params_from_form(form)
    region = profile_form.cleaned_data.get("region")
    profile = profile_save_what_if(
        name=profile_form.cleaned_data["name"],
        weights=params.weights,
        pull_share=params.pull_share,
        region_id=region.pk if region else None,
        user=signed_in(request),
        reason=profile_form.cleaned_data["reason"],
    )
    messages.success(
        request,
        _("已保存为评分方案 %(profile)s 并生效；相关线索的总分正在重新计算。")
        % {"profile": profile},
    )
    query = params.query() | {"profile": profile.pk}
    return redirect(f"{reverse('shortlists:page')}?{query_string(query)}")


@require_GET
@vary_on_headers("HX-Request", "HX-Target")
@manager_required
def ahp_page(request: HttpRequest) -> HttpResponse:
    """Weights from three pairwise judgements (Saaty), and the share of pull within cluster
    strengthening from a fourth; refused when CR >= 0.10."""
    form = AhpForm(request.GET or None)
    outcome = ahp_evaluate(form.matrix(), form.pull_matrix()) if form.is_valid() else None
    context: dict[str, Any] = {"form": form, "outcome": outcome}
    if outcome is not None and outcome.accepted:
        lf, cc, cs = outcome.percents()
        weights = {
            "w_local_fit": lf,
            "w_chain_completion": cc,
            "w_cluster_strength": cs,
            PULL_SHARE_FIELD: outcome.pull_percent,
        }
        context["use_query"] = query_string(weights)
        context["hidden"] = hidden_pairs({"scope": "region", "cutoff": 20, **weights})
        context["profile_form"] = SaveProfileForm(prefix="profile", initial={"name": "ahp"})
    template = (
        "shortlists/_ahp_result.html"
        if is_partial(request, "ahp-result")
        else "shortlists/ahp.html"
    )
    return render(request, template, context)


@require_GET
@manager_required
def compare_page(request: HttpRequest) -> HttpResponse:
    """Up to four leads side by side: fields, sub-scores and explanations."""
    ids = parse_lead_ids(request.GET.getlist("lead"))
    if len(ids) > COMPARE_MAX:
        messages.warning(
            request, _("最多同时比较 %(n)s 条线索，只显示前 %(n)s 条。") % {"n": COMPARE_MAX}
        )
    columns = compare_leads(request.user, ids, explanation_lang())
    form = ShortlistForm(request.GET)
    params = params_from_form(form) if form.is_valid() and form.weights_given() else None
    totals = [_weighted(c.lead, params) if params else None for c in columns]
    back = request.GET.get("back", "")
    return render(
        request,
        "shortlists/compare.html",
        {
            "columns": list(zip(columns, totals, strict=True)),
            "params": params,
            "back": back if back.startswith("/shortlists/") else "",
        },
    )


def _weighted(lead: Any, params: ShortlistParams) -> float | None:
    score = getattr(lead, "score", None)
    if score is None:
        return None
    stored = (score.local_fit, score.chain_completion, score.cluster_strength)
    parts = (score.strengthen, score.pull, score.confidence)
    row = ranked_row(lead.pk, *stored, *parts, w=params.weights, pull_share=params.pull_share)
    return row.total
