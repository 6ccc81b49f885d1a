"""`manage.py calibrate` on a database whose outcomes were generated from known weights."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from projects.models import Lead
from regions.models import Region
from screening.models import CalibrationRun, LeadDecision
from screening.scoring import predict
from screening.selectors.profiles import ensure_default_profile
from tests.factories import IndustryFactory, RegionFactory

pytestmark = pytest.mark.django_db
KNOWN = np.array([4.0, 2.5, 1.2, 0.0])  # per 100 points: local fit, chain, strengthen, pull


def decided_world(n: int, seed: int = 17) -> dict[str, Region]:
    """n decided leads in two cities of a province; outcomes drawn from KNOWN."""
    rng = np.random.default_rng(seed)
    province = RegionFactory.create(code="P", level="province")
    cities = {c: RegionFactory.create(code=c, parent=province) for c in ("A", "B")}
    industry = IndustryFactory.create()
    parts = rng.uniform(0, 100, size=(n, 4))
    won = rng.random(n) < predict(parts / 100, -3.0, KNOWN)
    leads = Lead.objects.bulk_create(
        Lead(
            external_id=f"D{i:05d}",
            company=f"公司{i}",
            industry=industry,
            region=cities["A" if i % 3 else "B"],
            received_on=dt.date(2025, 1, 1) + dt.timedelta(days=int(i % 500)),
            stage="signed" if won[i] else "negotiation",
            status="active" if won[i] else "lost",
            status_reason="" if won[i] else "went elsewhere",
        )
        for i in range(n)
    )
    profile = ensure_default_profile()
    decided = timezone.now() - dt.timedelta(days=30)
    LeadDecision.objects.bulk_create(
        LeadDecision(
            lead=lead,
            outcome="won" if won[i] else "lost",
            stage=lead.stage,
            status=lead.status,
            decided_at=decided if i % 2 else decided - dt.timedelta(days=400),
            local_fit=parts[i, 0],
            chain_completion=parts[i, 1],
            strengthen=parts[i, 2],
            pull=parts[i, 3],
            cluster_strength=(parts[i, 2] + parts[i, 3]) / 2,
            total=float(parts[i].mean()),
            confidence=0.9,
            profile=profile,
        )
        for i, lead in enumerate(leads)
    )
    return {"P": province, **cities}


def calibrate(out: Path, *args: str) -> str:
    stdout = io.StringIO()
    call_command("calibrate", "--out", str(out), *args, stdout=stdout)
    return stdout.getvalue()


def test_it_writes_the_backtest_and_recovers_the_generating_order(tmp_path: Path) -> None:
    decided_world(1500)

    text = calibrate(tmp_path)

    result = json.loads((tmp_path / "calibration.json").read_text(encoding="utf-8"))
    assert result["n_won"] + result["n_lost"] == 1500
    weights = result["weights"]
    assert sorted(weights, key=lambda k: -weights[k]) == [
        "local_fit",
        "chain_completion",
        "strengthen",
        "pull",
    ]
    assert sum(weights.values()) == pytest.approx(1.0)
    assert set(result["auc"]) >= {
        "local_fit",
        "chain_completion",
        "strengthen",
        "pull",
        "total_in_force",
        "total_at_decision",
        "fitted",
    }
    assert all(row["low"] <= row["auc"] <= row["high"] for row in result["auc"].values())
    assert result["auc"]["pull"]["verdict"] == "nothing"
    assert len(result["reliability"]) == 10 and 0 < result["brier"] < 0.25
    assert result["profile"]["cluster_strength"] == pytest.approx(
        weights["strengthen"] + weights["pull"]
    )
    with (tmp_path / "calibration.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1500 and {"external_id", "outcome", "probability"} <= set(rows[0])
    assert CalibrationRun.objects.get().n_won == result["n_won"]
    assert "cannot be told from chance" in text


def test_it_scopes_by_region_and_decision_date(tmp_path: Path) -> None:
    decided_world(1500)
    calibrate(tmp_path, "--region", "A")
    in_a = json.loads((tmp_path / "calibration.json").read_text(encoding="utf-8"))
    assert in_a["n_won"] + in_a["n_lost"] == 1000 and in_a["region"] == "A"
    since = (timezone.now() - dt.timedelta(days=60)).date().isoformat()
    calibrate(tmp_path, "--since", since)
    recent = json.loads((tmp_path / "calibration.json").read_text(encoding="utf-8"))
    assert recent["n_won"] + recent["n_lost"] == 750


def test_it_refuses_too_few_outcomes_and_says_how_many_more(tmp_path: Path) -> None:
    decided_world(60)
    with pytest.raises(CommandError, match=r"at least 40 of each are needed \(\d+ more landed"):
        calibrate(tmp_path)
    assert not (tmp_path / "calibration.json").exists()
    assert not CalibrationRun.objects.exists()


def test_it_refuses_an_unknown_region_or_date(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--region XX: no region"):
        calibrate(tmp_path, "--region", "XX")
    with pytest.raises(CommandError, match="--since 2025-13-01: not a date"):
        calibrate(tmp_path, "--since", "2025-13-01")
