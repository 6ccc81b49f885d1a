"""Decision scores: the score a lead had when it was decided, kept apart from recomputation.

A lead is *decided* when it has reached signed (or a later stage) or its status is lost or
withdrawn. `sync_decisions` is the one rule that keeps the records in line with the pipeline;
every write path that can change a stage or status calls it (through screening.invalidation):

- decided, no decision in force → take one now: the stored score if it is current, else a
  pending record that the next stored score fills (`fill_pending`);
- no longer decided (moved back below signed, or reopened from lost/withdrawn) → the record
  in force is closed (`reopened_at`) and kept as history; the next decision takes a new one;
- decided and a record in force → nothing: the decision score never moves. A signed lead
  that is later withdrawn keeps the score taken at signing; its outcome becomes lost.

The outcome a backtest uses is the lead's state now (`outcome_of`): won = signed or later and
not lost/withdrawn; lost = lost or withdrawn *with a reason*; anything else is open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db.models import Q
from django.utils import timezone

from projects.models import STAGE_ORDER, Lead, Stage, Status
from screening.models import SCORE_FIELDS, STAMP_FIELDS, LeadDecision, LeadScore, Outcome
from screening.selectors.staleness import stale_leads

SIGNED_OR_LATER = STAGE_ORDER[STAGE_ORDER.index(Stage.SIGNED) :]
TERMINAL_STATUSES = (Status.LOST.value, Status.WITHDRAWN.value)
SCORE_COPY = [*SCORE_FIELDS, *STAMP_FIELDS, "computed_at"]


def decided_q(prefix: str = "") -> Q:
    """Leads that are decided now (signed or later, or lost/withdrawn)."""
    return Q(**{f"{prefix}stage__in": SIGNED_OR_LATER}) | Q(
        **{f"{prefix}status__in": TERMINAL_STATUSES}
    )


def outcome_of(stage: str, status: str, status_reason: str) -> str | None:
    """Won, lost or None (open) for a lead's pipeline state now.

    Lost needs a reason: a lead marked lost without one is left out rather than guessed.
    """
    if status in TERMINAL_STATUSES:
        return Outcome.LOST.value if status_reason.strip() else None
    if stage in SIGNED_OR_LATER:
        return Outcome.WON.value
    return None


def sync_decisions(lead_ids: Iterable[int], *, at: Mapping[int, dt.datetime] | None = None) -> None:
    """Open and close decision records of these leads to match their stage and status.

    `at` gives the moment of decision per lead (a generated history); default now. Runs in the
    caller's transaction.
    """
    ids = sorted(set(lead_ids))
    if not ids:
        return
    now = timezone.now()
    in_force = set(
        LeadDecision.objects.filter(lead_id__in=ids, reopened_at__isnull=True).values_list(
            "lead_id", flat=True
        )
    )
    # Archived leads too: archiving hides a lead, it does not undo its decision.
    leads = Lead.all_objects.filter(pk__in=ids).values_list("pk", "stage", "status")
    decided = {pk: (stage, status) for pk, stage, status in leads if _is_decided(stage, status)}
    undone = in_force - set(decided)
    if undone:
        LeadDecision.objects.filter(lead_id__in=undone, reopened_at__isnull=True).update(
            reopened_at=now
        )
    new = sorted(set(decided) - in_force)
    if new:
        _take(new, decided, at or {}, now)


def sync_all_decisions() -> None:
    """Sync every lead whose decided state and decision records disagree (after a bulk import).

    Two set-based reads find them; leads already in line are not touched.
    """
    in_force = LeadDecision.objects.filter(reopened_at__isnull=True).values("lead_id")
    undecided = Lead.all_objects.filter(decided_q()).exclude(pk__in=in_force)
    undone = LeadDecision.objects.filter(reopened_at__isnull=True).exclude(
        lead__in=Lead.all_objects.filter(decided_q())
    )
    sync_decisions(
        [*undecided.values_list("pk", flat=True), *undone.values_list("lead_id", flat=True)]
    )


def _is_decided(stage: str, status: str) -> bool:
    return stage in SIGNED_OR_LATER or status in TERMINAL_STATUSES


def _take(
    ids: list[int],
    state: Mapping[int, tuple[str, str]],
    at: Mapping[int, dt.datetime],
    now: dt.datetime,
) -> None:
    stale = set(stale_leads().filter(pk__in=ids).values_list("pk", flat=True))
    current = {
        row["lead_id"]: row
        for row in LeadScore.objects.filter(lead_id__in=set(ids) - stale).values(
            "lead_id", *SCORE_COPY
        )
    }
    records = []
    for pk in ids:
        stage, status = state[pk]
        won = stage in SIGNED_OR_LATER and status not in TERMINAL_STATUSES
        score = current.get(pk, {})
        records.append(
            LeadDecision(
                lead_id=pk,
                outcome=Outcome.WON if won else Outcome.LOST,
                stage=stage,
                status=status,
                decided_at=at.get(pk, now),
                **{name: score.get(name) for name in SCORE_COPY},
            )
        )
    LeadDecision.objects.bulk_create(records, batch_size=2000)


def fill_pending(lead_ids: Iterable[int]) -> int:
    """Give pending decisions of these leads the score just stored; returns how many.

    Called by the score store after it wrote current scores. Pending decisions are few (those
    taken while a recompute was on its way), so they are read first and matched in memory.
    """
    wanted = set(lead_ids)
    pending = [
        d
        for d in LeadDecision.objects.filter(total__isnull=True, reopened_at__isnull=True)
        if d.lead_id in wanted
    ]
    if not pending:
        return 0
    scores = {
        row["lead_id"]: row
        for row in LeadScore.objects.filter(lead_id__in=[d.lead_id for d in pending]).values(
            "lead_id", *SCORE_COPY
        )
    }
    filled = [d for d in pending if d.lead_id in scores]
    for decision in filled:
        for name in SCORE_COPY:
            setattr(decision, name, scores[decision.lead_id][name])
    LeadDecision.objects.bulk_update(filled, SCORE_COPY)
    return len(filled)


def decision_in_force(lead_id: int) -> LeadDecision | None:
    """The lead's decision record in force (None while the lead is open)."""
    return (
        LeadDecision.objects.select_related("profile")
        .filter(lead_id=lead_id, reopened_at__isnull=True)
        .first()
    )
