"""Shortlists: ranking a scope under a profile or what-if weights, and saving snapshots.

Reads go through shortlists.ranking (stored sub-scores, re-weighted); writes are the keyword-
only services `shortlist_save`, `entry_decide` and `profile_save_what_if`. A saved shortlist
is a snapshot: its entries copy the lead's fields, scores, rank band and explanation text as
they were, and nothing but the manager's decision and comment ever changes them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Lead
from regions.names import local_name
from screening.models import ScoringProfile
from screening.scoring import (
    DEFAULT_PULL_SHARE,
    SubScoreWeights,
    explain_lead,
    rank_robustness,
    read_sentences,
)
from screening.selectors.batches import read_lead_rows
from screening.selectors.profiles import normalised, profiles_in_force
from screening.selectors.staleness import is_stale, measures_version
from screening.services.profiles import profile_save_version
from screening.services.score_store import json_safe
from screening.world import current_world
from shortlists.models import Decision, SavedShortlist, ScopeKind, ShortlistEntry
from shortlists.ranking import LeadFilters, RankedRow, RankRequest, Weights, rank_leads
from shortlists.scopes import Scope, chain_scope, cluster_scope, region_scope
from shortlists.standing import RowStanding, StandingQuery, row_standings

# Robustness is computed among the best POOL leads (POOL_FACTOR x the cut-off, at least
# POOL_MIN): a lead far below the cut-off cannot reach it under weights near the chosen ones,
# so the bands of the leads around the cut-off are those of the whole scope.
POOL_MIN = 150
POOL_FACTOR = 3
POOL_MAX = 1000
EXTRA_ROWS = 10  # rows shown below the cut-off, where the band-crossers sit
ROBUSTNESS_DRAWS = 500
ROBUSTNESS_CONCENTRATION = 50.0
LEAD_RELATED = ("region", "industry", "score")


# The status filter's "all statuses" choice.
ANY_STATUS = "any"


@dataclass(frozen=True)
class ShortlistParams:
    scope: Scope
    profile: ScoringProfile
    weights: Weights  # normalised, sum 1
    cutoff: int
    filters: LeadFilters
    sliders: tuple[int, int, int]  # the weights as set on the sliders (any scale, 0-100)
    pull_share: float = DEFAULT_PULL_SHARE  # share of pull within cluster strengthening

    @property
    def what_if(self) -> bool:
        """True when the weights (or the share of pull) are not the profile's own."""
        same_share = abs(self.pull_share - self.profile.pull_share) < 1e-6
        return not (same_share and same_weights(self.weights, normalised(self.profile)))

    def percents(self) -> tuple[int, int, int]:
        """The normalised weights in whole percent (for display)."""
        return percents_of(self.weights)

    @property
    def pull_percent(self) -> int:
        """The share of pull within cluster strengthening in whole percent."""
        return round(100 * self.pull_share)

    def sub_score_weights(self) -> SubScoreWeights:
        return SubScoreWeights(*self.weights, pull_share=self.pull_share)

    def rank_request(self, limit: int) -> RankRequest:
        return RankRequest(
            weights=self.weights,
            limit=limit,
            region_ids=self.scope.region_ids,
            industry_ids=self.scope.industry_ids,
            filters=self.filters,
            pull_share=self.pull_share,
        )

    def query(self) -> dict[str, Any]:
        """The parameters as the shortlist form's GET data (links, hidden fields, exports)."""
        scope = self.scope
        data: dict[str, Any] = {
            "scope": scope.kind.value,
            "profile": self.profile.pk,
            "cutoff": self.cutoff,
            "status": ",".join(self.filters.statuses) or ANY_STATUS,
        }
        for key, obj in (
            ("region", scope.region),
            ("cluster", scope.cluster),
            ("industry", scope.industry),
        ):
            if obj is not None and not (key == "region" and scope.kind == ScopeKind.CLUSTER):
                data[key] = obj.pk
        data.update(
            zip(
                ("w_local_fit", "w_chain_completion", "w_cluster_strength"),
                self.sliders,
                strict=True,
            )
        )
        data["w_pull_share"] = self.pull_percent
        if self.filters.stages:
            data["stage"] = list(self.filters.stages)
        if self.filters.min_confidence is not None:
            data["min_confidence"] = round(100 * self.filters.min_confidence)
        return data


def same_weights(a: Weights, b: Weights) -> bool:
    return all(abs(x - y) < 1e-6 for x, y in zip(a, b, strict=True))


def percents_of(weights: Weights) -> tuple[int, int, int]:
    a, b, c = (round(100 * w) for w in weights)
    return (a, b, c)


def scope_from(kind: str, region: Any, cluster: Any, industry: Any) -> Scope:
    if kind == ScopeKind.CLUSTER:
        return cluster_scope(cluster)
    if kind == ScopeKind.CHAIN:
        return chain_scope(industry, region)
    return region_scope(region)


def profile_for(scope: Scope) -> ScoringProfile:
    """The profile in force for the scope's region (the default profile for no region)."""
    profiles = profiles_in_force()
    return profiles.for_region(scope.region.pk) if scope.region is not None else profiles.default


# --- The ranked shortlist ----------------------------------------------------------------


@dataclass(frozen=True)
class ShortlistRow:
    rank: int
    lead: Lead
    scores: RankedRow  # sub-scores, total under the shortlist's weights, confidence
    band_low: int | None  # 5-95% rank band under weights drawn around the chosen ones
    band_high: int | None
    p_top_k: float | None  # share of draws that keep the lead above the cut-off
    crosses_cutoff: bool
    above_cutoff: bool
    stale: bool  # the lead's inputs changed since its sub-scores were computed
    tied_with_next: bool = False  # the weights cannot tell it from the next lead
    # Among all scored leads of its region, then of its province, under the same weights.
    standings: tuple[RowStanding, ...] = ()


@dataclass(frozen=True)
class Shortlist:
    params: ShortlistParams
    rows: list[ShortlistRow]
    pool_size: int
    scored_in_scope: int
    path: str
    measures_version: int  # of the shared data the rows' staleness was judged against

    @property
    def flagged(self) -> int:
        return sum(row.crosses_cutoff for row in self.rows)

    @property
    def ties(self) -> int:
        """Neighbouring rows the weights cannot tell apart."""
        return sum(row.tied_with_next for row in self.rows[:-1])

    @property
    def chosen(self) -> list[ShortlistRow]:
        return [row for row in self.rows if row.above_cutoff]

    @property
    def band_scale(self) -> int:
        """The deepest rank the band strips must show (the rows shown, or a deeper band)."""
        highs = [row.band_high for row in self.rows if row.band_high is not None]
        return max([len(self.rows), self.params.cutoff, *highs])


def pool_size(cutoff: int) -> int:
    return min(POOL_MAX, max(POOL_MIN, POOL_FACTOR * cutoff))


def build_shortlist(params: ShortlistParams, *, extra_rows: int = EXTRA_ROWS) -> Shortlist:
    """The best leads of the scope under the weights, with rank bands around the cut-off."""
    ranking = rank_leads(params.rank_request(pool_size(params.cutoff)))
    pool = ranking.rows
    bands = _bands(pool, params.sub_score_weights(), params.cutoff)
    shown = pool[: params.cutoff + extra_rows]
    leads = leads_by_id([row.lead_id for row in shown])
    measures = measures_version()
    standings = row_standings(
        [
            StandingQuery(row.lead_id, leads[row.lead_id].region_id, row.total)
            for row in shown
            if row.lead_id in leads
        ],
        params.weights,
        params.pull_share,
        ranking.table,
    )
    rows = [
        ShortlistRow(
            rank=i + 1,
            lead=leads[row.lead_id],
            scores=row,
            band_low=bands[0][i] if bands else None,
            band_high=bands[1][i] if bands else None,
            p_top_k=bands[2][i] if bands else None,
            crosses_cutoff=bool(bands and bands[3][i]),
            tied_with_next=bool(bands and bands[4][i]),
            above_cutoff=i < params.cutoff,
            stale=sub_scores_stale(leads[row.lead_id], measures),
            standings=standings.get(row.lead_id, ()),
        )
        for i, row in enumerate(shown)
        if row.lead_id in leads
    ]
    return Shortlist(params, rows, len(pool), ranking.scored_in_scope, ranking.path, measures)


def _bands(
    pool: list[RankedRow], weights: SubScoreWeights, cutoff: int
) -> tuple[list[int], list[int], list[float], list[bool], list[bool]] | None:
    """Rank bands under weights drawn around the chosen ones: the three sub-score weights and
    the share of pull within cluster strengthening, i.e. all four part weights."""
    if len(pool) < 2:
        return None
    subs = np.array([row.parts() for row in pool], dtype=np.float64)
    result = rank_robustness(
        subs,
        weights,
        draws=ROBUSTNESS_DRAWS,
        concentration=ROBUSTNESS_CONCENTRATION,
        top_k=min(cutoff, len(pool)),
    )
    return (
        result.rank_p05.tolist(),
        result.rank_p95.tolist(),
        result.p_top_k.tolist(),
        result.crosses_cutoff.tolist(),
        result.tied_with_next.tolist(),
    )


# What the shortlist rows, the staleness check and a snapshot read of a lead.
LEAD_FIELDS = (
    "company",
    "external_id",
    "capex",
    "currency",
    "jobs",
    "stage",
    "status",
    "score_revision",
    "region_id",
    "industry_id",
    "region__name",
    "region__name_en",
    "region__score_version",
    "industry__name",
    "industry__name_en",
    "score__lead_revision",
    "score__region_version",
    "score__measures_version",
    "score__profile_id",
    "score__region_id",
)


def leads_by_id(ids: list[int]) -> dict[int, Lead]:
    leads = Lead.objects.filter(pk__in=ids).select_related(*LEAD_RELATED).only(*LEAD_FIELDS)
    return {lead.pk: lead for lead in leads}


def sub_scores_stale(lead: Lead, measures: int) -> bool:
    """Stale inputs (lead, region, shared measures); the profile only changes the total."""
    score = getattr(lead, "score", None)
    if score is None:
        return True
    return is_stale(lead, measures=measures, profile_id=score.profile_id)


# --- Explanations in bulk ------------------------------------------------------------------


def explanations(leads: list[Lead]) -> dict[int, dict[str, Any] | None]:
    """Each lead's explanation: stored, or built now (not stored); None if stale or unscored.

    The bulk counterpart of screening.services.explanations.explanation_for: one read of the
    leads' inputs for all those whose explanation was left empty by a bulk rescore.
    """
    measures = measures_version()
    found: dict[int, dict[str, Any] | None] = {}
    missing: list[int] = []
    for lead in leads:
        score = getattr(lead, "score", None)
        if score is None or sub_scores_stale(lead, measures):
            found[lead.pk] = None
        elif score.explanation:
            found[lead.pk] = score.explanation
        else:
            missing.append(lead.pk)
    if missing:
        loaded = current_world()
        rows = read_lead_rows(missing, loaded)
        for i, lead_id in enumerate(rows.frame["id"].tolist()):
            found[int(lead_id)] = json_safe(explain_lead(loaded.world, rows.batch, i).to_dict())
    return found


def explanation_text(explanation: dict[str, Any] | None, lang: str) -> str:
    """The explanation's sentences without the headline (whose total is the stored one),
    in today's wording (screening.scoring.read_sentences)."""
    return "\n".join(read_sentences(explanation, lang)[1:])


def shortlist_fingerprint(shortlist: Shortlist) -> str:
    """A digest of what a ranking shown on screen was built from and what it chose: its
    settings (scope, profile and its version, weights, share of pull, cut-off, filters), the
    version of the shared data, and the leads above the cut-off in order with their totals.

    The save form carries the digest of the ranking on screen; a save whose ranking, redone
    at that moment, digests differently is refused (ShortlistChanged): the manager would have
    saved something other than what they looked at.
    """
    params = shortlist.params
    made_of = {
        "settings": params.query(),
        "profile_version": params.profile.version,
        "measures_version": shortlist.measures_version,  # read once with the ranking
        "chosen": [[row.lead.pk, round(row.scores.total, 3)] for row in shortlist.chosen],
    }
    text = json.dumps(made_of, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class ShortlistChanged(Exception):
    """The shortlist to save is not the ranking the manager saw: its settings differ from
    those on screen, or the data or scores moved since it was shown."""


# --- Writes ------------------------------------------------------------------------------------


@transaction.atomic
def shortlist_save(
    *, params: ShortlistParams, name: str, user: User, fingerprint: str
) -> SavedShortlist:
    """Rank the scope now and keep the leads above the cut-off as they stand, with their bands.

    `fingerprint` is the `shortlist_fingerprint` of the ranking the manager saw; when the
    ranking redone now differs, nothing is saved and ShortlistChanged is raised.
    """
    shortlist = build_shortlist(params, extra_rows=0)
    if fingerprint != shortlist_fingerprint(shortlist):
        raise ShortlistChanged
    scope = params.scope
    saved = SavedShortlist.objects.create(
        name=name.strip(),
        scope_kind=scope.kind,
        region=scope.region,
        cluster=scope.cluster,
        industry=scope.industry,
        scope_label=scope.label,
        filters=params.query(),
        profile=params.profile,
        local_fit_weight=params.weights[0],
        chain_completion_weight=params.weights[1],
        cluster_strength_weight=params.weights[2],
        pull_share=params.pull_share,
        cutoff=params.cutoff,
        created_by=user,
    )
    texts = explanations_full([row.lead.pk for row in shortlist.chosen])
    ShortlistEntry.objects.bulk_create([_entry(saved, row, texts) for row in shortlist.chosen])
    return saved


def explanations_full(ids: list[int]) -> dict[int, dict[str, Any] | None]:
    """Explanations of these leads, their stored explanation JSON included."""
    return explanations(list(Lead.objects.filter(pk__in=ids).select_related(*LEAD_RELATED)))


def _entry(
    saved: SavedShortlist, row: ShortlistRow, texts: dict[int, dict[str, Any] | None]
) -> ShortlistEntry:
    lead, scores = row.lead, row.scores
    return ShortlistEntry(
        shortlist=saved,
        lead=lead,
        rank=row.rank,
        external_id=lead.external_id,
        company=lead.company,
        region_name=local_name(lead.region),
        industry_name=local_name(lead.industry),
        stage=lead.stage,
        capex=lead.capex,
        currency=lead.currency,
        jobs=lead.jobs,
        local_fit=scores.local_fit,
        chain_completion=scores.chain_completion,
        cluster_strength=scores.cluster_strength,
        strengthen=scores.strengthen,
        pull=scores.pull,
        total=scores.total,
        confidence=scores.confidence,
        rank_p05=row.band_low,
        rank_p95=row.band_high,
        p_top_k=row.p_top_k,
        crosses_cutoff=row.crosses_cutoff,
        **_standing_fields(row),
        explanation_zh=explanation_text(texts.get(lead.pk), "zh"),
        explanation_en=explanation_text(texts.get(lead.pk), "en"),
    )


def _standing_fields(row: ShortlistRow) -> dict[str, int | None]:
    """The row's standing in its region and in its province (which it need not have)."""
    fields: dict[str, int | None] = {}
    region = next((s for s in row.standings if s.region.pk == row.lead.region_id), None)
    province = next((s for s in row.standings if s.region.parent_id is None), None)
    for prefix, found in (("region", region), ("province", province)):
        fields[f"{prefix}_rank"] = found.rank if found else None
        fields[f"{prefix}_scored"] = found.scored if found else None
    return fields


@transaction.atomic
def entry_decide(
    *, entry: ShortlistEntry, decision: str, comment: str, user: User
) -> ShortlistEntry:
    """Record a manager's decision (pursue / hold / drop, or none) and comment on one entry.

    Only these fields are written, so the entry's snapshot of scores stays as it was saved.
    """
    if decision not in ("", *Decision.values):
        raise ValidationError({"decision": _("Unknown decision %(d)s.") % {"d": decision}})
    fields = {
        "decision": decision,
        "comment": comment.strip(),
        "decided_by_id": user.pk,
        "decided_at": timezone.now(),
    }
    ShortlistEntry.objects.filter(pk=entry.pk).update(**fields)
    for name, value in fields.items():
        setattr(entry, name, value)
    return entry


def profile_save_what_if(
    *,
    name: str,
    weights: Weights,
    pull_share: float,
    region_id: int | None,
    user: User,
    reason: str,
) -> ScoringProfile:
    """Save what-if weights (and the share of pull within cluster strengthening) as the next
    version of a profile and put it in force for its region (or as the default); the leads
    under it are rescored after the commit."""
    return profile_save_version(
        name=name.strip(),
        weights=SubScoreWeights.normalised(*weights, pull_share=pull_share),
        region_id=region_id,
        user_id=user.pk,
        reason=reason.strip(),
    )
