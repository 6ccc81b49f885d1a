"""Reading saved shortlists against today's scores, comparing leads, and AHP weights.

Nothing here writes. "What has moved since" re-ranks the saved scope with the saved weights
and filters, and sets each snapshot entry beside the lead as it stands now.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from projects.models import Lead
from regions.names import snapshot_name
from screening.access import AnyUser, visible_leads
from screening.models import LeadScore
from screening.scoring import CR_ACCEPT, DEFAULT_PULL_SHARE, AhpResult, ahp_weights
from screening.services.explanations import explanation_facts, explanation_for
from shortlists.forms import ShortlistForm, params_from_form
from shortlists.models import SavedShortlist, ShortlistEntry
from shortlists.ranking import RankedRow, rank_leads, ranked_rows
from shortlists.services import (
    LEAD_RELATED,
    ShortlistParams,
    explanation_text,
    leads_by_id,
)

COMPARE_MAX = 4
# Today's ranks are looked up this deep (x the cut-off); deeper ones show as "beyond".
MOVED_DEPTH_FACTOR = 3
MOVED_DEPTH_MIN = 100
SUB_SCORE_LABELS = (
    ("local_fit", gettext_noop("本地适配")),
    ("chain_completion", gettext_noop("补链")),
    ("cluster_strength", gettext_noop("强群")),
)


@dataclass(frozen=True)
class EntryNow:
    """A snapshot entry beside its lead today (lead None: deleted since)."""

    entry: ShortlistEntry
    lead: Lead | None
    scores: RankedRow | None  # today's sub-scores and total under the saved weights
    rank_now: int | None  # None: not in scope / filters any more, or beyond the depth looked

    @property
    def delta(self) -> float | None:
        return None if self.scores is None else self.scores.total - self.entry.total

    @property
    def industry_name(self) -> str:
        """The saved industry's name in the page's language while the lead's still bears it."""
        return snapshot_name(self.entry.industry_name, self.lead.industry if self.lead else None)

    @property
    def region_name(self) -> str:
        return snapshot_name(self.entry.region_name, self.lead.region if self.lead else None)

    @property
    def stage_moved(self) -> bool:
        return self.lead is not None and self.lead.stage != self.entry.stage

    @property
    def moved(self) -> bool:
        delta = self.delta
        return (
            self.lead is None
            or self.stage_moved
            or self.rank_now != self.entry.rank
            or (delta is not None and abs(delta) >= 0.05)
        )


@dataclass(frozen=True)
class Movement:
    entries: list[EntryNow]
    entrants: list[tuple[int, Lead, RankedRow]]  # now above the cut-off, not in the snapshot
    depth: int
    params: ShortlistParams | None  # None: the saved scope no longer exists

    @property
    def moved_count(self) -> int:
        return sum(e.moved for e in self.entries)


def saved_params(saved: SavedShortlist) -> ShortlistParams | None:
    """The saved scope, profile, weights and filters as shortlist parameters (None if the
    scope's region, cluster or industry has been deleted since)."""
    data = QueryDict(mutable=True)
    for key, value in saved.filters.items():
        data.setlist(key, [str(v) for v in value] if isinstance(value, list) else [str(value)])
    form = ShortlistForm(data)
    if not form.is_valid():
        return None
    # The exact weights used then (the form's integer percents may round them).
    return replace(params_from_form(form), weights=saved.weights(), pull_share=saved.pull_share)


def movement(saved: SavedShortlist, entries: list[ShortlistEntry]) -> Movement:
    """Each entry then and now, and the leads that have climbed above the cut-off since."""
    params = saved_params(saved)
    depth = max(MOVED_DEPTH_MIN, MOVED_DEPTH_FACTOR * saved.cutoff)
    ranked: list[RankedRow] = []
    if params is not None:
        ranked = rank_leads(params.rank_request(depth)).rows
    position = {row.lead_id: i + 1 for i, row in enumerate(ranked)}
    by_lead = {row.lead_id: row for row in ranked}
    snapshot_ids = {e.lead_id for e in entries if e.lead_id is not None}
    entrant_rows = [
        (i + 1, row)
        for i, row in enumerate(ranked[: saved.cutoff])
        if row.lead_id not in snapshot_ids
    ]
    leads = leads_by_id(sorted(snapshot_ids | {row.lead_id for _i, row in entrant_rows}))
    missing_scores = today_scores(
        [i for i in snapshot_ids if i not in by_lead], saved.weights(), saved.pull_share
    )
    now = [
        EntryNow(
            entry=e,
            lead=leads.get(e.lead_id) if e.lead_id else None,
            scores=_today(e.lead_id, by_lead, missing_scores),
            rank_now=position.get(e.lead_id) if e.lead_id else None,
        )
        for e in entries
    ]
    entrants = [
        (rank, leads[row.lead_id], row) for rank, row in entrant_rows if row.lead_id in leads
    ]
    return Movement(now, entrants, depth, params)


def _today(lead_id: int | None, *sources: dict[int, RankedRow]) -> RankedRow | None:
    for source in sources if lead_id is not None else ():
        if lead_id in source:
            return source[lead_id]
    return None


def today_scores(
    lead_ids: list[int], weights: tuple[float, float, float], pull_share: float
) -> dict[int, RankedRow]:
    """Today's scores of leads that fell out of the ranking (out of scope, filtered, deep)."""
    rows = ranked_rows(LeadScore.objects.filter(lead_id__in=lead_ids), weights, pull_share)
    return {row.lead_id: row for row in rows}


# --- Compare -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompareColumn:
    lead: Lead
    sentences: list[str]
    facts: dict[str, Any]
    explained: bool  # False: no current explanation (unscored, or being recomputed)


def parse_lead_ids(values: list[str]) -> list[int]:
    """Distinct positive integer ids in the order given; anything else is dropped."""
    ids: list[int] = []
    for value in values:
        if value.isdigit() and int(value) not in ids:
            ids.append(int(value))
    return ids


def compare_leads(user: AnyUser, lead_ids: list[int], lang: str) -> list[CompareColumn]:
    """Up to COMPARE_MAX leads the user may read, in the order asked, with explanations."""
    queryset: QuerySet[Lead] = visible_leads(user).select_related(*LEAD_RELATED, "owner")
    found = {lead.pk: lead for lead in queryset.filter(pk__in=lead_ids[:COMPARE_MAX])}
    columns = []
    for pk in lead_ids[:COMPARE_MAX]:
        lead = found.get(pk)
        if lead is None:
            continue
        explanation = explanation_for(lead)
        text = explanation_text(explanation, lang)
        columns.append(
            CompareColumn(
                lead,
                text.split("\n") if text else [],
                explanation_facts(explanation or {}),
                explanation is not None,
            )
        )
    return columns


# --- AHP ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AhpOutcome:
    result: AhpResult
    accepted: bool
    problem: str  # why the judgements are refused, naming the most inconsistent one

    pull_share: float = DEFAULT_PULL_SHARE  # share of pull within cluster strengthening

    def percents(self) -> tuple[int, int, int]:
        a, b, c = (round(100 * float(w)) for w in self.result.weights)
        return (a, b, c)

    @property
    def pull_percent(self) -> int:
        return round(100 * self.pull_share)


def ahp_evaluate(matrix: list[list[float]], pull_matrix: list[list[float]]) -> AhpOutcome:
    """Saaty weights of the three sub-scores; refused when CR >= 0.10.

    Hierarchical AHP: one more judgement (a 2 x 2 matrix, always consistent) splits cluster
    strengthening between strengthening an existing cluster and anchor pull.
    """
    result = ahp_weights(matrix)
    pull_share = float(ahp_weights(pull_matrix, labels=("strengthen", "pull")).weights[1])
    if result.cr < CR_ACCEPT or result.most_inconsistent is None:
        return AhpOutcome(result, True, "", pull_share)
    i, j = result.most_inconsistent
    implied = float(result.weights[i] / result.weights[j])
    labels = [_(label) for _name, label in SUB_SCORE_LABELS]
    problem = _(
        "判断不一致（CR = %(cr).3f，须小于 %(limit).2f）。请重新考虑“%(a)s 相对 %(b)s”："
        "填写的是 %(entered)s，其他两项判断推出的约为 %(implied)s。"
    ) % {
        "cr": result.cr,
        "limit": CR_ACCEPT,
        "a": labels[i],
        "b": labels[j],
        "entered": saaty_text(float(result.matrix[i, j])),
        "implied": saaty_text(implied),
    }
    return AhpOutcome(result, False, problem, pull_share)


def saaty_text(value: float) -> str:
    """A judgement as written on Saaty's scale: 3, 1/3, or 1.4 for an implied ratio."""
    if value >= 1:
        return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"
    inverse = 1 / value
    return f"1/{inverse:.0f}" if abs(inverse - round(inverse)) < 0.05 else f"1/{inverse:.1f}"
