"""The demo's generated outcomes and stage history (projects.demo.outcomes, `demo_outcomes`)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from projects.demo.outcomes import (
    GENERATING_WEIGHTS,
    HISTORY_ENDS,
    decided_story,
    open_story,
    probability_of_landing,
)
from projects.models import STAGE_ORDER, Lead, StageChange
from screening.models import LeadDecision

ROW = {
    "external_id": "G000042",
    "stage": "negotiation",
    "status": "lost",
    "status_reason": "x",
    "received_on": "2026-10-20",
    "capex": "100",
    "jobs": "50",
}
TZ = dt.UTC


def test_a_lead_story_is_reproducible_ordered_and_ends_by_the_history_end() -> None:
    parts = {"local_fit": 90.0, "chain_completion": 60.0, "strengthen": 5.0, "pull": 10.0}
    first = decided_story(ROW, parts, seed=1, tz=TZ)
    assert decided_story(ROW, parts, seed=1, tz=TZ) == first
    times = [m.at for m in first.moves]
    assert times == sorted(times) and times[0].date() == dt.date(2026, 10, 20)
    assert first.decided_at is not None and first.decided_at.date() <= HISTORY_ENDS
    assert [m.to_stage for m in first.moves] == STAGE_ORDER[: len(first.moves)]
    if first.landed:
        assert first.stage == "signed" and first.decided_at == first.moves[-1].at
    else:
        assert first.status in {"lost", "withdrawn"} and first.status_reason
    still_open = open_story({**ROW, "status": "active"}, seed=1, tz=TZ)
    assert still_open.decided_at is None and still_open.stage == "negotiation"


def test_the_generating_model_favours_local_fit_and_ignores_pull() -> None:
    low = {"local_fit": 20.0, "chain_completion": 20.0, "strengthen": 0.0, "pull": 0.0}
    assert probability_of_landing({**low, "local_fit": 90.0}) > probability_of_landing(
        {**low, "chain_completion": 90.0}
    )
    assert probability_of_landing({**low, "pull": 90.0}) == probability_of_landing(low)
    assert sum(GENERATING_WEIGHTS.values()) == pytest.approx(1.0)


@pytest.mark.django_db
@pytest.mark.slow
def test_the_demo_gets_dated_history_and_outcomes_that_calibrate_recovers(
    tmp_path: Path,
) -> None:
    with override_settings(DEBUG=True):
        call_command("loaddemo", stdout=io.StringIO())

    generated = Lead.objects.filter(source__startswith="generated")
    assert StageChange.objects.filter(lead__in=generated).values("lead").distinct().count() == (
        generated.count()
    )
    decisions = LeadDecision.objects.filter(lead__in=generated, reopened_at__isnull=True)
    assert decisions.count() > 500 and not decisions.filter(total__isnull=True).exists()
    signed = decisions.filter(outcome="won").first()
    assert signed is not None
    move = StageChange.objects.get(lead=signed.lead_id, to_stage="signed")
    assert signed.decided_at == move.changed_at, "decided when the generated history signed"

    call_command("calibrate", "--out", str(tmp_path), stdout=io.StringIO())
    result = json.loads((tmp_path / "calibration.json").read_text(encoding="utf-8"))
    weights = result["weights"]
    # Documented in docs/outcomes.md: local fit > chain completion > strengthen, pull ~ 0.
    assert weights["local_fit"] > weights["chain_completion"] > weights["strengthen"]
    assert weights["pull"] < 0.05
    assert result["auc"]["fitted"]["verdict"] == "predicts"
