"""Read-side helpers of the lead page: the score card, "where else would it fit"
(screening.selectors.elsewhere), duplicates.

The score card reads the stored explanation JSON (screening.scoring.explain) through `.get`
with defaults, so a field the engine adds or drops never breaks the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q
from django.utils.translation import gettext as _

from projects.models import Lead
from regions.models import Region
from screening.access import visible_leads
from screening.models import LeadScore, ScoreHistory
from screening.scoring import read_sentences
from screening.selectors.decision_view import DecisionView, decision_view
from screening.selectors.elsewhere import lead_in_regions, rank_ranges
from screening.selectors.landing import LANDING_PARTS, Landing, landing_for
from screening.selectors.profiles import profiles_in_force
from screening.selectors.staleness import is_stale, measures_version
from screening.selectors.standing import Standing, lead_standings
from screening.services.explanations import explanation_facts, explanation_for

AnyUser = AbstractBaseUser | AnonymousUser
HISTORY_ROWS = 12


@dataclass(frozen=True)
class ScoreCard:
    score: LeadScore | None
    stale: bool
    sentences: list[str]
    facts: dict[str, Any]
    history: list[ScoreHistory]
    decision: DecisionView | None = None
    standings: tuple[Standing, ...] = ()  # among comparable leads: region, then province
    landing: Landing | None = None  # under a calibration a manager adopted


def score_card(lead: Lead, lang: str) -> ScoreCard:
    """The lead's stored score, whether it is stale, its explanation and its history."""
    score: LeadScore | None = getattr(lead, "score", None)
    profile = profiles_in_force().for_region(lead.region_id)
    stale = is_stale(lead, measures=measures_version(), profile_id=profile.pk)
    explanation: dict[str, Any] = score.explanation if score is not None else {}
    if score is not None and not explanation:  # stored by a bulk rescore: build it now
        explanation = explanation_for(lead) or {}
    sentences = read_sentences(explanation, lang)
    history = list(ScoreHistory.objects.filter(lead=lead).order_by("-computed_at")[:HISTORY_ROWS])
    decision = decision_view(lead.pk, score)
    standings = tuple(lead_standings(score.region_id, score.total)) if score is not None else ()
    landing = None
    if score is not None:
        parts = {name: getattr(score, name) for name in LANDING_PARTS}
        landing = landing_for([(lead.pk, lead.region_id, parts)]).get(lead.pk)
    facts = explanation_facts(explanation)
    return ScoreCard(score, stale, sentences[1:], facts, history, decision, standings, landing)


@dataclass(frozen=True)
class Placement:
    region: Region
    local_fit: float
    chain_completion: float
    cluster_strength: float
    total: float
    confidence: float
    is_target: bool
    band_low: int = 0  # 5-95% rank band among the regions under weights drawn around the
    band_high: int = 0  # lead's own region's weights (as on the shortlist page)
    tied_with_next: bool = False  # the weights cannot tell it from the next region down

    @property
    def could_be_best(self) -> bool:
        return self.band_low == 1


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
    regions = {r.pk: r for r in sibling_regions(lead.region)}
    found = lead_in_regions(lead.pk, list(regions))
    if found is None:
        return []
    scores = found.scores
    bands = rank_ranges(scores, profiles_in_force().for_region(lead.region_id).sub_score_weights())
    placements = [
        Placement(
            regions[region_id],
            float(scores.local_fit[k]),
            float(scores.chain_completion[k]),
            float(scores.cluster_strength[k]),
            float(found.totals[k]),
            float(scores.confidence[k]),
            region_id == lead.region_id,
            band_low=int(bands.rank_p05[k]) if bands else 1,
            band_high=int(bands.rank_p95[k]) if bands else 1,
            tied_with_next=bool(bands and bands.tied_with_next[k]),
        )
        for k, region_id in enumerate(found.region_ids)
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
    same = Q(company=lead.company)
    if lead.firm_id is not None:  # made from the firm directory: the firm is the investor
        same |= Q(firm_id=lead.firm_id)
    others = list(
        Lead.objects.filter(same)
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
