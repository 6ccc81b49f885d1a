"""Backtests of decision scores (writes: a CalibrationRun; adopting its weights as a profile).

`calibration_compute` reads the decided leads (screening.selectors.outcomes), runs the core's
backtest and returns the JSON-able result with the per-lead rows; `calibration_run_create`
stores it; `calibration_adopt` turns a run's fitted weights into a new profile version for the
run's region, recording who adopted it, when, and why (the run). docs/outcomes.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Lead
from regions.models import Region
from screening.access import descendants_and_self
from screening.models import CalibrationRun, ScoringProfile
from screening.scoring import BacktestInput, SubScoreWeights, backtest
from screening.selectors.outcomes import decided_leads
from screening.selectors.profiles import profiles_in_force
from screening.services.profiles import profile_save_version

CSV_COLUMNS = [
    "external_id",
    "region_id",
    "received_on",
    "decided_at",
    "stage",
    "status",
    "outcome",
    "local_fit",
    "chain_completion",
    "cluster_strength",
    "strengthen",
    "pull",
    "total",
    "total_in_force",
    "confidence",
    "probability",
    "probability_cv",
]


@dataclass(frozen=True)
class Calibration:
    result: dict[str, Any]  # calibration.json
    rows: pd.DataFrame  # calibration.csv: one row per decided lead


def calibration_compute(region: Region | None = None, since: dt.date | None = None) -> Calibration:
    """The backtest of the region's decided leads (raises TooFewOutcomes below the minimum)."""
    decided = decided_leads(region.pk if region else None, since)
    frame, names = decided.frame, decided.part_names
    result = backtest(_backtest_input(frame, names))
    frame = frame.assign(
        probability=np.asarray(result.pop("p_fit"), dtype=np.float64),
        probability_cv=np.asarray(result.pop("p_cv"), dtype=np.float64),
    )
    profile = profiles_in_force().for_region(region.pk) if region else profiles_in_force().default
    result = {
        "region": region.code if region else None,
        "since": since.isoformat() if since else None,
        "computed_at": timezone.now().isoformat(),
        "parts": list(names),
        "profile_in_force": {"id": profile.pk, "name": profile.name, "version": profile.version},
        "left_out": {"open_now": decided.open_now, "pending": decided.pending},
        "generated_leads": int(frame["external_id"].str.startswith("G").sum()),
        **result,
    }
    return Calibration(result, frame)


def _backtest_input(frame: pd.DataFrame, names: tuple[str, ...]) -> BacktestInput:
    # PostgreSQL hands the times over as text whose fraction and offset vary per row
    # ("…01:00:00+00", "…01:00:00.123456+00:00"): parse each as it comes.
    received = pd.to_datetime(frame["received_on"], format="mixed").fillna(
        pd.to_datetime(frame["decided_at"], utc=True, format="mixed")
        .dt.tz_localize(None)
        .dt.normalize()
    )
    return BacktestInput(
        part_names=names,
        parts=frame[list(names)].to_numpy(dtype=np.float64),
        totals={
            "total_in_force": frame["total_in_force"].to_numpy(dtype=np.float64),
            "total_at_decision": frame["total"].to_numpy(dtype=np.float64),
        },
        won=(frame["outcome"] == "won").to_numpy(),
        order=received.to_numpy(dtype="datetime64[ns]").astype(np.int64).astype(np.float64)
        + frame["lead_id"].to_numpy(dtype=np.float64) * 1e-6,  # ties: by lead id
    )


def calibration_run_create(
    *, region: Region | None, since: dt.date | None, user: AbstractBaseUser | AnonymousUser | None
) -> tuple[CalibrationRun, Calibration]:
    """Compute and store one backtest run."""
    calibration = calibration_compute(region, since)
    run = CalibrationRun.objects.create(
        region=region,
        since=since,
        n_won=calibration.result["n_won"],
        n_lost=calibration.result["n_lost"],
        result=calibration.result,
        created_by_id=user.pk if user is not None and user.is_authenticated else None,
    )
    return run, calibration


@transaction.atomic
def calibration_adopt(
    *, run: CalibrationRun, user: AbstractBaseUser, reason: str = ""
) -> list[ScoringProfile]:
    """New profile versions with the run's fitted weights, put in force where the run's leads
    are scored: the default profile for a run over every region, else the profile of each
    region in the run's scope that has leads (the region itself for a city). The reason
    names the run; a run is adopted once."""
    run = CalibrationRun.objects.select_for_update().get(pk=run.pk)
    if run.adopted_at is not None:
        raise ValidationError({"run": _("These weights were already adopted.")})
    why = _("calibration run #%(id)s (%(won)s landed, %(lost)s lost)") % {
        "id": run.pk,
        "won": run.n_won,
        "lost": run.n_lost,
    }
    weights = _weights(run.result["profile"])
    in_force = profiles_in_force()
    profiles = [
        profile_save_version(
            name=_profile_name(in_force.for_region(region_id) if region_id else None, region_id),
            weights=weights,
            region_id=region_id,
            user_id=user.pk,
            reason=f"{why}: {reason.strip()}" if reason.strip() else why,
        )
        for region_id in _target_regions(run)
    ]
    run.adopted_profiles.set(profiles)
    run.adopted_by_id, run.adopted_at = user.pk, timezone.now()
    run.save(update_fields=["adopted_by", "adopted_at"])
    return profiles


def _target_regions(run: CalibrationRun) -> list[int | None]:
    if run.region_id is None:
        return [None]
    scope = descendants_and_self([run.region_id])
    with_leads = set(
        Lead.objects.filter(region_id__in=scope).values_list("region_id", flat=True).distinct()
    )
    targets: list[int | None] = [*sorted(with_leads)]
    return targets or [run.region_id]


def _profile_name(current: ScoringProfile | None, region_id: int | None) -> str:
    """Keep the name of the profile the region already has of its own; else a new name."""
    if current is None or region_id is None:
        return profiles_in_force().default.name
    if current.region_id == region_id:
        return current.name
    return f"calibrated-{Region.objects.get(pk=region_id).code}"


def _weights(fitted: dict[str, Any]) -> SubScoreWeights:
    return SubScoreWeights.normalised(
        fitted["local_fit"],
        fitted["chain_completion"],
        fitted["cluster_strength"],
        pull_share=_share(fitted.get("pull_share")),
    )


def _share(value: object) -> float:
    """The fitted share of pull; without the parts (old scores) the profile's default."""
    share = float(value) if isinstance(value, int | float) else float("nan")
    return share if np.isfinite(share) else 0.5
