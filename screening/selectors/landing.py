"""Probability of landing: a lead's current sub-scores under a calibration a manager adopted.

Shown beside the score (lead page, shortlist) only where an adopted calibration covers the
lead's region: the newest adopted run whose scope (its region and everything below, or every
region) holds it. The probability is that run's fitted model (docs/outcomes.md §3) applied to
the lead's sub-scores now; its sample size is the run's decided leads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from screening.access import descendants_and_self
from screening.models import CalibrationRun
from screening.scoring import predict

# The sub-scores a fitted model may use (the four parts, or the three sub-scores).
LANDING_PARTS = ("local_fit", "chain_completion", "cluster_strength", "strengthen", "pull")


@dataclass(frozen=True)
class Landing:
    probability: float  # 0-1
    n: int  # decided leads the model was fitted on
    run_id: int


@dataclass(frozen=True)
class AdoptedModel:
    run_id: int
    regions: frozenset[int] | None  # None: every region
    parts: tuple[str, ...]
    intercept: float
    coefficients: np.ndarray
    n: int

    def covers(self, region_id: int) -> bool:
        return self.regions is None or region_id in self.regions


def adopted_models() -> list[AdoptedModel]:
    """Adopted calibrations, newest adoption first."""
    runs = CalibrationRun.objects.filter(adopted_at__isnull=False).order_by("-adopted_at", "-id")
    models = []
    for run in runs:
        model = run.result.get("model") or {}
        coefficients = model.get("coefficients") or {}
        parts = tuple(run.result.get("parts") or coefficients)
        scope = None if run.region_id is None else frozenset(descendants_and_self([run.region_id]))
        models.append(
            AdoptedModel(
                run_id=run.pk,
                regions=scope,
                parts=parts,
                intercept=float(model.get("intercept", 0.0)),
                coefficients=np.array([float(coefficients[p]) for p in parts]),
                n=run.n_won + run.n_lost,
            )
        )
    return models


def landing_for(
    leads: Iterable[tuple[int, int, Mapping[str, float | None]]],
    models: list[AdoptedModel] | None = None,
) -> dict[int, Landing]:
    """{lead id: Landing} for (lead id, region id, sub-scores 0-100) where a model covers the
    region; a lead missing a part the model needs gets none (unknown stays unknown)."""
    models = adopted_models() if models is None else models
    if not models:
        return {}
    out: dict[int, Landing] = {}
    for lead_id, region_id, scores in leads:
        model = next((m for m in models if m.covers(region_id)), None)
        if model is None:
            continue
        values = [scores.get(p) for p in model.parts]
        if any(v is None for v in values):
            continue
        x = np.array([[float(v) / 100.0 for v in values if v is not None]])
        p = float(predict(x, model.intercept, model.coefficients)[0])
        out[lead_id] = Landing(p, model.n, model.run_id)
    return out
