"""Read-side helpers of the lead page: the score card, "where else would it fit", duplicates.

The score card reads the stored explanation JSON (screening.scoring.explain) through `.get`
with defaults, so a field the engine adds or drops never breaks the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext as _

from projects.models import Lead
from regions.models import Region
from screening.access import visible_leads
from screening.models import LeadScore, ScoreHistory
from screening.scoring.engine import apply_weights, score_lead_everywhere
from screening.services.batches import read_lead_rows
from screening.services.profiles import profiles_in_force
from screening.services.staleness import is_stale, measures_version
from screening.world import current_world

AnyUser = AbstractBaseUser | AnonymousUser
HISTORY_ROWS = 12


@dataclass(frozen=True)
class ScoreCard:
    score: LeadScore | None
    stale: bool
    sentences: list[str]
    facts: dict[str, Any]
    history: list[ScoreHistory]


def score_card(lead: Lead, lang: str) -> ScoreCard:
    """The lead's stored score, whether it is stale, its explanation and its history."""
    score: LeadScore | None = getattr(lead, "score", None)
    profile = profiles_in_force().for_region(lead.region_id)
    stale = is_stale(lead, measures=measures_version(), profile_id=profile.pk)
    explanation: dict[str, Any] = score.explanation if score is not None else {}
    sentences = list((explanation.get("sentences") or {}).get(lang) or [])
    history = list(ScoreHistory.objects.filter(lead=lead).order_by("-computed_at")[:HISTORY_ROWS])
    return ScoreCard(score, stale, sentences[1:], explanation_facts(explanation), history)


def explanation_facts(data: dict[str, Any]) -> dict[str, Any]:
    """The named evidence of an explanation, grouped as the score card shows it."""
    local = data.get("local_fit") or {}
    chain = data.get("chain") or {}
    pull = data.get("pull") or {}  # absent in explanations stored before anchor pull
    needs = local.get("needs") or {}
    return {
        "related": local.get("related_present") or [],
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


@dataclass(frozen=True)
class Placement:
    region: Region
    local_fit: float
    chain_completion: float
    cluster_strength: float
    total: float
    confidence: float
    is_target: bool


def sibling_regions(region: Region) -> list[Region]:
    """The region and the others of its level under the same parent (the cities of a province)."""
    return list(
        Region.objects.filter(parent_id=region.parent_id, level=region.level).order_by("code")
    )


def fit_elsewhere(lead: Lead) -> list[Placement]:
    """The lead's scores if it went to each sibling region, best total first.

    Each region's total uses the scoring profile in force there, as a stored score would.
    Empty when the lead cannot be read into the scoring world (e.g. deleted meanwhile).
    """
    loaded = current_world()
    regions = [r for r in sibling_regions(lead.region) if r.pk in loaded.region_pos]
    rows = read_lead_rows([lead.pk], loaded)
    if not regions or len(rows.frame) == 0:
        return []
    positions = np.array([loaded.region_pos[r.pk] for r in regions], dtype=np.int64)
    parts = score_lead_everywhere(loaded.world, rows.batch, 0, positions)
    _, weights, pull_share = profiles_in_force().arrays(np.array([r.pk for r in regions]))
    scores = apply_weights(parts, weights, pull_share)
    placements = [
        Placement(
            region,
            float(scores.local_fit[k]),
            float(scores.chain_completion[k]),
            float(scores.cluster_strength[k]),
            float(scores.total[k]),
            float(scores.confidence[k]),
            region.pk == lead.region_id,
        )
        for k, region in enumerate(regions)
    ]
    return sorted(placements, key=lambda p: (-p.total, p.region.code))


@dataclass(frozen=True)
class Duplicate:
    lead: Lead
    visible: bool


def same_company_elsewhere(user: AnyUser, lead: Lead) -> list[Duplicate]:
    """Leads of the same company aimed at other regions (two cities courting one investor).

    The other region and stage are shown to everyone who sees this lead, so agencies notice;
    a link is offered only when the user may read the other lead.
    """
    others = list(
        Lead.objects.filter(company=lead.company)
        .exclude(region_id=lead.region_id)
        .select_related("region")
        .order_by("region__code")[:10]
    )
    readable = set(
        visible_leads(user).filter(pk__in=[o.pk for o in others]).values_list("pk", flat=True)
    )
    return [Duplicate(o, o.pk in readable) for o in others]


def timeline(lead: Lead) -> list[dict[str, Any]]:
    """Notes, meetings and stage moves, newest first."""
    activities = [
        {
            "when": a.created_at,
            "date": a.happened_on,
            "kind": a.get_kind_display(),
            "text": a.text,
            "who": a.author,
        }
        for a in lead.activities.select_related("author")[:100]
    ]
    moves = [
        {
            "when": s.changed_at,
            "date": s.changed_at,
            "kind": _("阶段"),
            "who": s.changed_by,
            "move": (s.get_from_stage_display(), s.get_to_stage_display()),
        }
        for s in lead.stage_changes.select_related("changed_by").order_by("-changed_at")[:100]
    ]
    return sorted(chain(activities, moves), key=lambda e: e["when"], reverse=True)
