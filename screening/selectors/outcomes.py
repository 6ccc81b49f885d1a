"""Reads of decided leads for the backtest: decision scores, outcomes, received dates.

One row per current (not archived) lead with a decision in force and a kept score (pending
decisions are counted, not used); the outcome is the lead's state now (the rule of
screening.decisions.outcome_of, written here as set-based columns) and open leads are left out
and counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from projects.models import STAGE_ORDER, Stage, Status
from screening.access import descendants_and_self
from screening.frames import read_frame
from screening.models import SCORE_FIELDS, LeadDecision
from screening.scoring import weighted_totals
from screening.selectors.profiles import profiles_in_force

PARTS = ("local_fit", "chain_completion", "strengthen", "pull")
PARTS_BEFORE_PULL = ("local_fit", "chain_completion", "cluster_strength")
SIGNED_OR_LATER = STAGE_ORDER[STAGE_ORDER.index(Stage.SIGNED) :]
COLUMNS = [
    "lead_id",
    "lead__external_id",
    "lead__region_id",
    "lead__received_on",
    "lead__stage",
    "lead__status",
    "lead__status_reason",
    "decided_at",
    *SCORE_FIELDS,
    "profile_id",
]


@dataclass(frozen=True)
class DecidedLeads:
    """The backtest's rows (`frame`, outcome won/lost) and what was left out, with why."""

    frame: pd.DataFrame
    open_now: int  # decided once, but their state now is open (e.g. lost without a reason)
    pending: int  # decided, still waiting for a current score

    @property
    def part_names(self) -> tuple[str, ...]:
        """Both parts of cluster strengthening when every row has them; else the three."""
        if self.frame[["strengthen", "pull"]].notna().all().all():
            return PARTS
        return PARTS_BEFORE_PULL


def decided_leads(region_id: int | None = None, since: dt.date | None = None) -> DecidedLeads:
    """Decided leads of a region and everything below it (None: all), decided on or after
    `since`; with the total under the profile in force for each lead's region now."""
    # Archived leads are out of every list and ranking (a duplicate, a mistake): out of the
    # backtest too; their decision records are kept.
    decisions = LeadDecision.objects.filter(
        reopened_at__isnull=True, lead__archived_at__isnull=True
    )
    if region_id is not None:
        decisions = decisions.filter(lead__region_id__in=descendants_and_self([region_id]))
    if since is not None:
        decisions = decisions.filter(decided_at__date__gte=since)
    sql, params = decisions.values_list(*COLUMNS).query.sql_with_params()
    frame = read_frame(sql, params, columns=[c.removeprefix("lead__") for c in COLUMNS])
    frame["status_reason"] = frame["status_reason"].fillna("")
    pending = int(frame["total"].isna().sum())
    frame = frame[frame["total"].notna()].copy()
    frame["outcome"] = _outcomes(frame)
    open_now = int(frame["outcome"].isna().sum())
    frame = frame[frame["outcome"].notna()].reset_index(drop=True)
    frame["total_in_force"] = _totals_in_force(frame)
    return DecidedLeads(frame, open_now, pending)


def _outcomes(frame: pd.DataFrame) -> pd.Series:
    terminal = frame["status"].isin([Status.LOST, Status.WITHDRAWN])
    reason = frame["status_reason"].fillna("").str.strip() != ""
    signed = frame["stage"].isin(SIGNED_OR_LATER)
    outcome = pd.Series(None, index=frame.index, dtype=object)
    outcome[signed & ~terminal] = "won"
    outcome[terminal & reason] = "lost"
    return outcome


def _totals_in_force(frame: pd.DataFrame) -> np.ndarray:
    """The decision sub-scores weighed by the profile in force now for each lead's region."""
    if frame.empty:
        return np.zeros(0)
    _, weights, share = profiles_in_force().arrays(frame["region_id"].to_numpy())
    strengthen = frame["strengthen"].fillna(frame["cluster_strength"]).to_numpy(float)
    pull = frame["pull"].fillna(frame["cluster_strength"]).to_numpy(float)
    return weighted_totals(
        frame["local_fit"].to_numpy(float),
        frame["chain_completion"].to_numpy(float),
        strengthen,
        pull,
        weights,
        share,
    )
