"""Generated outcomes and stage history of the demo's leads (labelled generated; docs/outcomes.md).

Pure Python (no Django), like the lead generator. Which generated leads are decided comes from
the lead generator (its stage and status draws); whether a decided lead **landed** is drawn
here from its decision sub-scores with known weights, so anyone can run `calibrate` on the
demo and check that it recovers them:

    P(landed) = logistic(INTERCEPT + Σ COEFFICIENTS[part] · part / 100)

Every lead draws from its own `random.Random` seeded by (seed, external id), so a lead's
outcome and history do not depend on which other leads are generated or in what order.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass

from projects.demo.tables import REASONS

# The generating model, per 100 points of each decision sub-score. Local fit matters most,
# then chain completion, then strengthening a cluster; anchor pull has no effect at all, so
# the backtest should say plainly that pull predicts nothing in the demo.
COEFFICIENTS = {"local_fit": 4.0, "chain_completion": 3.0, "strengthen": 2.0, "pull": 0.0}
INTERCEPT = -3.7  # about 45 % of the demo's decided leads land
# Normalised to sum 1, as calibrate reports fitted weights.
GENERATING_WEIGHTS = {k: v / sum(COEFFICIENTS.values()) for k, v in COEFFICIENTS.items()}
OUTCOME_SEED_SALT = "outcome"
# The demo's history ends here (after the last received date, 2026-10-31).
HISTORY_ENDS = dt.date(2026, 11, 30)
STAGES = ("lead", "contact", "negotiation", "signed", "registered", "construction", "production")
SIGNED = STAGES.index("signed")
# Median days spent in each stage before the next (lognormal, sigma 0.6).
MEDIAN_DAYS = {
    "lead": 12,
    "contact": 35,
    "negotiation": 50,
    "signed": 45,
    "registered": 90,
    "construction": 200,
}
LOST_AFTER_DAYS = 25  # median days from the last stage change to the loss
WITHDRAWN_SHARE = 0.3  # of the lost leads, the share withdrawn by the investor


def probability_of_landing(parts: Mapping[str, float]) -> float:
    """The generating model's P(landed) for decision sub-scores 0-100 (missing parts: 0)."""
    z = INTERCEPT + sum(c * (parts.get(k) or 0.0) / 100.0 for k, c in COEFFICIENTS.items())
    return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True)
class Move:
    from_stage: str
    to_stage: str
    at: dt.datetime


@dataclass(frozen=True)
class LeadStory:
    """A generated lead's outcome and history: its stage and status now, the dated moves from
    the first stage to the current one, and when it was decided (None: open)."""

    stage: str
    status: str
    status_reason: str
    moves: list[Move]
    decided_at: dt.datetime | None
    landed: bool | None


def lead_rng(seed: int, external_id: str) -> random.Random:
    return random.Random(f"{seed}:{OUTCOME_SEED_SALT}:{external_id}")


def decided_story(
    row: Mapping[str, str], parts: Mapping[str, float], seed: int, tz: dt.tzinfo
) -> LeadStory:
    """A decided lead: landed with the generating model's probability, else lost/withdrawn.

    Landed: its generated stage, at least signed. Lost: its generated stage, at most
    negotiation, status lost or withdrawn with a reason.
    """
    rng = lead_rng(seed, row["external_id"])
    landed = rng.random() < probability_of_landing(parts)
    generated = STAGES.index(row["stage"])
    if landed:
        stage = STAGES[max(generated, SIGNED)]
        moves = _moves(rng, row, stage, tz)
        signed = next(m.at for m in moves if m.to_stage == "signed")
        return LeadStory(stage, "active", "", moves, signed, True)
    stage = STAGES[min(generated, SIGNED - 1)]
    moves = _moves(rng, row, stage, tz)
    status = "withdrawn" if rng.random() < WITHDRAWN_SHARE else "lost"
    reason = rng.choice(REASONS[status])
    lost = _clip(moves[-1].at + _days(rng, LOST_AFTER_DAYS), tz)
    return LeadStory(stage, status, reason, moves, lost, False)


def open_story(row: Mapping[str, str], seed: int, tz: dt.tzinfo) -> LeadStory:
    """An open lead keeps its generated stage and status; only its history is drawn."""
    rng = lead_rng(seed, row["external_id"])
    rng.random()  # the outcome draw of a decided lead: the history stream stays the same
    moves = _moves(rng, row, row["stage"], tz)
    return LeadStory(row["stage"], row["status"], row["status_reason"], moves, None, None)


def _moves(rng: random.Random, row: Mapping[str, str], stage: str, tz: dt.tzinfo) -> list[Move]:
    """Dated moves lead → … → stage, from the received date; squeezed to end by HISTORY_ENDS."""
    received = dt.date.fromisoformat(row["received_on"])
    path = STAGES[: STAGES.index(stage) + 1]
    stays = [_days(rng, MEDIAN_DAYS[s]) for s in path[:-1]]
    room = dt.timedelta(days=max(1, (HISTORY_ENDS - received).days - 1))
    spent = sum(stays, dt.timedelta())
    if spent > room:  # a recent lead moved faster than usual: keep the order, fit the window
        stays = [s * (room / spent) for s in stays]
    at = dt.datetime.combine(received, dt.time(9, 0), tzinfo=tz)
    moves = [Move("", path[0], at)]
    for k, stay in enumerate(stays):
        at = at + stay
        moves.append(Move(path[k], path[k + 1], at))
    return moves


def _days(rng: random.Random, median: float) -> dt.timedelta:
    return dt.timedelta(days=median * rng.lognormvariate(0.0, 0.6))


def _clip(at: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    end = dt.datetime.combine(HISTORY_ENDS, dt.time(18, 0), tzinfo=tz)
    return min(at, end)


def is_decided(row: Mapping[str, str]) -> bool:
    """Decided by the lead generator's draws: signed or later, or lost/withdrawn."""
    return STAGES.index(row["stage"]) >= SIGNED or row["status"] in ("lost", "withdrawn")


def can_sign(row: Mapping[str, str]) -> bool:
    """Signing needs capex and jobs (projects.services.STAGE_REQUIREMENTS)."""
    return bool(row["capex"]) and bool(row["jobs"])


def pending_row(row: Mapping[str, str]) -> dict[str, str]:
    """The row as imported before its outcome is drawn: at most negotiation, active."""
    stage = STAGES[min(STAGES.index(row["stage"]), SIGNED - 1)]
    return {**row, "stage": stage, "status": "active", "status_reason": ""}
