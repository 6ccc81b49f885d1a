"""A lead's explanation: stored with its score, or computed on first read and then stored.

Writing an explanation costs about a millisecond of Python per lead, which a full rescore of a
million leads cannot afford; so large recomputations store the numbers only (explanation {})
and the explanation is built the first time someone opens the lead. It is a pure function of
the same inputs as the score, so building it later gives exactly what the bulk path would have
stored — as long as the score is not stale, which is checked first.
"""

from __future__ import annotations

from typing import Any

from projects.models import Lead
from regions.names import is_english
from screening.models import LeadScore
from screening.scoring import explain_lead
from screening.selectors.batches import read_lead_rows
from screening.selectors.profiles import profiles_in_force
from screening.selectors.staleness import is_stale, measures_version
from screening.services.score_store import json_safe
from screening.world import current_world


def explanation_for(lead: Lead) -> dict[str, Any] | None:
    """The stored explanation of a lead's current score, built and stored if missing.

    None when the lead has no score yet or its score is stale (the UI says "recomputing").
    """
    score = LeadScore.objects.filter(lead=lead).select_related("profile").first()
    if score is None:
        return None
    profile = profiles_in_force().for_region(lead.region_id)
    if is_stale(lead, measures=measures_version(), profile_id=profile.pk):
        return None
    if score.explanation:
        return dict(score.explanation)
    loaded = current_world()
    rows = read_lead_rows([lead.pk], loaded)
    weights = profile.sub_score_weights()
    explanation = json_safe(explain_lead(loaded.world, rows.batch, 0, weights=weights).to_dict())
    LeadScore.objects.filter(pk=score.pk, computed_at=score.computed_at).update(
        explanation=explanation
    )
    return explanation


def explanation_lang() -> str:
    """The key of the stored explanation sentences for the active language ('zh' or 'en')."""
    return "en" if is_english() else "zh"


def explanation_facts(data: dict[str, Any]) -> dict[str, Any]:
    """The named evidence of an explanation, grouped as the score card shows it."""
    local = data.get("local_fit") or {}
    chain = data.get("chain") or {}
    pull = data.get("pull") or {}  # absent in explanations stored before anchor pull
    needs = local.get("needs") or {}
    return {
        "related": local.get("related_present") or [],
        "basis": local.get("relatedness") or {},
        "suppliers": chain.get("suppliers") or [],
        "customers": chain.get("customers") or [],
        "inputs_absent": (chain.get("inputs") or {}).get("absent") or [],
        "clusters": data.get("clusters") or [],
        "pulled": pull.get("suppliers") or [],
        "pull_missing_share": pull.get("missing_share"),
        "needs_met": needs.get("met") or [],
        "needs_unmet": needs.get("unmet") or [],
        "needs_unknown": needs.get("unknown") or [],
    }
