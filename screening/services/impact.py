"""What an unsaved edit of a region's clusters or endowments would do to its leads' scores.

The preview scores the region's leads twice with the engine the recompute uses
(`compute_rows`: each lead under its profile in force): against the World in force, and
against a copy that `load_world` builds from the same rows except the draft's, reusing the
shared measures exactly as the rebuild after a real save does. So the "after" figures are the
scores the save will store. It writes nothing. It sits with the write services because it is
the recompute run dry (`compute_rows` lives here); nothing it touches is saved.

Only the region's own leads can move: a region's clusters and endowments enter the scores of
leads aimed at that region alone (see screening.tasks.rescore_regions).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from projects.models import Lead, Status
from screening.frames import read_frame
from screening.selectors.batches import read_lead_rows, rows_for_world
from screening.services.score_store import COMPARE_DECIMALS, SCORE_FIELDS, StampRows
from screening.services.scores import compute_rows
from screening.world import LoadedWorld, RegionDraft, current_world, load_world

SHORTLIST = 20  # the region's shortlist shown before and after
MOVERS = 5  # largest movers shown each way


@dataclass(frozen=True)
class SubScores:
    """A lead's sub-scores; strengthen and pull are the two parts cluster_strength mixes by
    the lead's profile (an edit of clusters moves strengthen; pull stands on region data)."""

    local_fit: float
    chain_completion: float
    cluster_strength: float
    strengthen: float
    pull: float
    total: float


@dataclass(frozen=True)
class Mover:
    lead: Lead
    before: SubScores
    after: SubScores

    @property
    def change(self) -> float:
        return self.after.total - self.before.total

    @property
    def magnitude(self) -> float:
        return abs(self.change)


@dataclass(frozen=True)
class Ranked:
    """A lead of the region's shortlist (active leads by total), before and after the edit;
    a rank is None outside the top SHORTLIST."""

    lead: Lead
    before: float
    after: float
    rank_before: int | None
    rank_after: int | None

    @property
    def moved(self) -> int | None:
        """Places gained (positive) or lost; None when it enters or leaves the shortlist."""
        if self.rank_before is None or self.rank_after is None:
            return None
        return self.rank_before - self.rank_after


@dataclass(frozen=True)
class Impact:
    leads: int  # leads of the region scored
    changed: int  # of them, how many would get a different score
    up: list[Mover]
    down: list[Mover]
    shortlist: list[Ranked]  # the top SHORTLIST after the edit
    dropped: list[Ranked]  # leads of the top SHORTLIST before that would leave it
    seconds: float


def region_edit_impact(draft: RegionDraft) -> Impact:
    """Score the draft's region's leads before and after the draft (writing nothing)."""
    started = time.perf_counter()
    loaded = current_world()
    edited = load_world(loaded.version, previous=loaded, draft=draft)
    if not _same_positions(loaded, edited):  # a region or industry was added meanwhile
        loaded = load_world(edited.version, previous=edited)
    region_leads = read_frame(
        f"SELECT id, status FROM {Lead._meta.db_table} WHERE region_id = %s",
        [draft.region_id],
        columns=["id", "status"],
    )
    status = dict(zip(region_leads["id"].tolist(), region_leads["status"].tolist(), strict=True))
    rows = read_lead_rows(list(status), loaded)
    if len(rows.frame) == 0:
        return Impact(0, 0, [], [], [], [], time.perf_counter() - started)
    before = compute_rows(rows, loaded)
    after = compute_rows(rows_for_world(rows, edited, read_for=loaded), edited)
    changed = _changed(before, after)
    lead_ids = before.lead_id
    delta = after.total - before.total
    order = np.lexsort((lead_ids, -delta))  # largest rise first, ties by lead id
    up = [int(i) for i in order[:MOVERS] if changed[i] and delta[i] > 0]
    order = np.lexsort((lead_ids, delta))
    down = [int(i) for i in order[:MOVERS] if changed[i] and delta[i] < 0]
    active = np.fromiter((status[int(i)] == Status.ACTIVE for i in lead_ids), bool, len(lead_ids))
    top_before = _top(before.total, lead_ids, active)
    top_after = _top(after.total, lead_ids, active)
    shown = {int(lead_ids[i]) for i in [*up, *down, *top_before, *top_after]}
    leads = Lead.objects.select_related("industry").in_bulk(sorted(shown))
    rank_before = {int(i): r for r, i in enumerate(top_before, start=1)}
    rank_after = {int(i): r for r, i in enumerate(top_after, start=1)}

    def mover(i: int) -> Mover:
        return Mover(leads[int(lead_ids[i])], _sub_scores(before, i), _sub_scores(after, i))

    def ranked(i: int) -> Ranked:
        return Ranked(
            leads[int(lead_ids[i])],
            float(before.total[i]),
            float(after.total[i]),
            rank_before.get(i),
            rank_after.get(i),
        )

    return Impact(
        leads=len(lead_ids),
        changed=int(changed.sum()),
        up=[mover(i) for i in up],
        down=[mover(i) for i in down],
        shortlist=[ranked(int(i)) for i in top_after],
        dropped=[ranked(int(i)) for i in top_before if int(i) not in rank_after],
        seconds=time.perf_counter() - started,
    )


def _same_positions(a: LoadedWorld, b: LoadedWorld) -> bool:
    return bool(
        np.array_equal(a.region_ids, b.region_ids)
        and np.array_equal(a.industry_ids, b.industry_ids)
    )


def _changed(before: StampRows, after: StampRows) -> np.ndarray:
    """Leads whose stored score would be rewritten: the store's own comparison (rounded)."""
    mask = np.zeros(len(before.lead_id), dtype=bool)
    for name in SCORE_FIELDS:
        a = np.round(np.asarray(getattr(before, name), dtype=float), COMPARE_DECIMALS)
        b = np.round(np.asarray(getattr(after, name), dtype=float), COMPARE_DECIMALS)
        mask |= a != b
    return mask


def _top(totals: np.ndarray, lead_ids: np.ndarray, eligible: np.ndarray) -> list[int]:
    """Positions of the SHORTLIST best eligible leads (active: the shortlists' default
    status filter), by total, ties by lead id."""
    candidates = np.flatnonzero(eligible)
    order = np.lexsort((lead_ids[candidates], -totals[candidates]))
    return [int(i) for i in candidates[order[:SHORTLIST]]]


def _sub_scores(rows: StampRows, i: int) -> SubScores:
    return SubScores(
        float(rows.local_fit[i]),
        float(rows.chain_completion[i]),
        float(rows.cluster_strength[i]),
        float(rows.strengthen[i]),
        float(rows.pull[i]),
        float(rows.total[i]),
    )
