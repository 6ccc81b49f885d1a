"""Give the demo's generated leads their generated outcomes, stage history and decision scores.

Runs after the demo's leads were imported and scored (`loaddemo` calls the `demo_outcomes`
command). The draws are in projects.demo.outcomes (pure, documented in docs/outcomes.md);
this writes them: stage and status of the decided leads, dated stage changes of every
generated lead, and decision records dated by the history. Leads that already have a stage
history are left alone, so a second run changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from projects.demo.generate import generate_leads
from projects.demo.outcomes import (
    LeadStory,
    can_sign,
    decided_story,
    is_decided,
    open_story,
    pending_row,
)
from projects.models import Lead, StageChange
from screening.decisions import sync_decisions
from screening.models import LeadScore

PARTS = ("local_fit", "chain_completion", "strengthen", "pull")


@transaction.atomic
def demo_outcomes_apply(*, seed: int, count: int) -> dict[str, int]:
    """Write the stories of the generated leads without a stage history; returns counts."""
    rows = {row["external_id"]: row for row in generate_leads(seed=seed, count=count)}
    leads = dict(
        Lead.objects.filter(external_id__in=list(rows))
        .exclude(stage_changes__isnull=False)
        .values_list("external_id", "pk")
    )
    parts = {
        row["lead_id"]: row
        for row in LeadScore.objects.filter(lead_id__in=leads.values()).values("lead_id", *PARTS)
    }
    tz = timezone.get_default_timezone()
    stories: dict[int, LeadStory] = {}
    for external_id, pk in leads.items():
        row = rows[external_id]
        if is_decided(row) and can_sign(row) and pk in parts:
            stories[pk] = decided_story(row, parts[pk], seed, tz)
        else:
            stories[pk] = open_story(pending_row(row) if is_decided(row) else row, seed, tz)
    _write(stories)
    decided = [s for s in stories.values() if s.landed is not None]
    return {
        "histories": len(stories),
        "landed": sum(1 for s in decided if s.landed),
        "lost": sum(1 for s in decided if not s.landed),
    }


def _write(stories: Mapping[int, LeadStory]) -> None:
    decided = {pk: s for pk, s in stories.items() if s.landed is not None}
    leads = list(Lead.objects.filter(pk__in=list(decided)))
    for lead in leads:
        story = decided[lead.pk]
        lead.stage, lead.status, lead.status_reason = story.stage, story.status, story.status_reason
    Lead.objects.bulk_update(leads, ["stage", "status", "status_reason"], batch_size=2000)
    StageChange.objects.bulk_create(
        [
            StageChange(lead_id=pk, from_stage=m.from_stage, to_stage=m.to_stage, changed_at=m.at)
            for pk, story in stories.items()
            for m in story.moves
        ],
        batch_size=2000,
    )
    sync_decisions(decided, at={pk: s.decided_at for pk, s in decided.items() if s.decided_at})
