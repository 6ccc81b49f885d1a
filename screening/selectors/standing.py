"""Where a lead's total stands among comparable leads: in its region and in its province.

A total of 49/100 reads as "failing" to someone used to marks; it only means something next
to the totals of other leads. This gives, for the lead's region (its subtree) and for the
province (the root of its tree), the share of the other scored leads there with a lower
total and the lead's rank. Each lead's stored total is under its own region's profile, as
shown in the inbox and on the lead page.

Fast on a million leads: the stored totals are read once, as counts per region and 0.1-point
bin (one GROUP BY), summed up the region tree, and kept in memory until the stored scores
change (`stored_scores_version`: two index look-ups). A lead's standing is then two array
sums. Totals closer than 0.1 points count as ties (half below, half above for the share;
the same rank).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np
from django.db.models import Max

from regions.models import Region
from screening.frames import read_frame
from screening.models import LeadScore, ScoreHistory

BINS = 1001  # totals 0.0 .. 100.0 in steps of 0.1


@dataclass(frozen=True)
class Standing:
    """A lead's place among the scored leads of one area."""

    region: Region
    share_below: int  # % of the area's other scored leads with a lower total (ties half)
    rank: int  # 1 + the area's leads with a higher total
    scored: int  # scored leads in the area, the lead included

    @property
    def rank_text(self) -> str:
        return f"{self.rank:,}"

    @property
    def scored_text(self) -> str:
        return f"{self.scored:,}"


@dataclass(frozen=True)
class _Histograms:
    version: tuple[object, ...]
    subtree: dict[int, np.ndarray]  # region id -> counts per bin of its subtree's leads
    parent: dict[int, int | None]


_lock = threading.Lock()
_cache: dict[str, _Histograms] = {}


def stored_scores_version() -> tuple[object, ...]:
    """Changes whenever a stored total changes or a lead is first scored: the newest
    score-history row (written with every changed or new score) and the highest scored lead."""
    history = ScoreHistory.objects.aggregate(top=Max("pk"))["top"]
    scores = LeadScore.objects.aggregate(top=Max("lead_id"))["top"]
    return (history, scores)


def lead_standings(region_id: int, total: float) -> list[Standing]:
    """The standing of a lead scored `total` in region `region_id`: in that region, then in
    its province (the root of the region tree) when that is another region. Empty when no
    other lead of the area is scored."""
    histograms = _histograms()
    areas = [region_id]
    root = root_of(region_id, histograms.parent)
    if root != region_id:
        areas.append(root)
    regions = Region.objects.in_bulk(areas)
    found = []
    for area in areas:
        counts = histograms.subtree.get(area)
        standing = standing_in(counts, total) if counts is not None else None
        if standing is not None and area in regions:
            found.append(Standing(regions[area], *standing))
    return found


def bin_of(total: float) -> int:
    """The 0.1-point bin of a total, rounded half up as the database rounds it."""
    return min(max(math.floor(total * 10 + 0.5), 0), BINS - 1)


def bins_of(totals: np.ndarray) -> np.ndarray:
    """bin_of for an array of totals (the same float operations, so the same bins)."""
    return np.clip(np.floor(totals * 10 + 0.5), 0, BINS - 1).astype(np.int64)


def area_counts(
    bins: np.ndarray,
    region_pos: np.ndarray,
    region_codes: np.ndarray,
    areas: dict[int, list[int]],
) -> dict[int, np.ndarray]:
    """Counts per bin of the leads of each area, in one pass over the leads.

    Lead i has bin `bins[i]` and region id `region_codes[region_pos[i]]` (the few distinct
    region ids are looked up, then gathered per lead: a million lookups into a sorted array
    would cost ten times more); `areas` maps an area to the region ids it covers (its
    subtree). Leads of no area are skipped, so a million leads cost one bincount whatever the
    number of areas.
    """
    wanted = np.unique(np.fromiter((r for ids in areas.values() for r in ids), dtype=np.int64))
    found = np.searchsorted(wanted, region_codes).clip(0, max(wanted.size - 1, 0))
    is_wanted = wanted[found] == region_codes if wanted.size else np.zeros(0, dtype=bool)
    # Leads of no area count in one extra slot, dropped after: cheaper than selecting the
    # others out of a million (two fewer passes; the shortlist asks on every request).
    slot_of_code = np.where(is_wanted, found, wanted.size).astype(np.int64)
    slot = slot_of_code[region_pos] if region_codes.size else np.zeros(0, dtype=np.int64)
    slot *= BINS
    slot += bins
    flat = np.bincount(slot, minlength=(wanted.size + 1) * BINS)
    per_region = flat[: wanted.size * BINS].reshape(wanted.size, BINS)
    out = {}
    for area, ids in areas.items():
        rows = np.searchsorted(wanted, np.asarray(ids, dtype=np.int64))
        out[area] = per_region[rows].sum(axis=0)
    return out


def subtrees(areas: list[int], parent: dict[int, int | None]) -> dict[int, list[int]]:
    """Each area with the region ids of its subtree, from a parent map (no queries)."""
    out: dict[int, list[int]] = {area: [area] for area in areas}
    for region_id in parent:
        for above in _self_and_ancestors(region_id, parent)[1:]:
            if above in out:
                out[above].append(region_id)
    return out


def standing_in(counts: np.ndarray, total: float) -> tuple[int, int, int] | None:
    """(share below %, rank, scored) of a total among the counts it is part of (None when it
    is alone or not among them)."""
    own = bin_of(total)
    scored = int(counts.sum())
    others = scored - 1
    if others < 1 or counts[own] < 1:  # the lead itself is among the counts
        return None
    below = int(counts[:own].sum())
    tied = int(counts[own]) - 1
    above = others - below - tied
    share = round(100 * (below + tied / 2) / others)
    return share, above + 1, scored


def root_of(region_id: int, parent: dict[int, int | None]) -> int:
    """The root of a region's tree (its province)."""
    current = region_id
    for _ in range(16):  # region trees are shallow; the bound guards against a cycle
        up = parent.get(current)
        if up is None:
            break
        current = up
    return current


def _histograms() -> _Histograms:
    version = stored_scores_version()
    cached = _cache.get("histograms")
    if cached is not None and cached.version == version:
        return cached
    with _lock:
        cached = _cache.get("histograms")
        if cached is None or cached.version != version:
            cached = _load(version)
            _cache["histograms"] = cached
    return cached


def forget_standings() -> None:
    with _lock:
        _cache.clear()


def _load(version: tuple[object, ...]) -> _Histograms:
    # One GROUP BY, read in bulk (COPY on PostgreSQL): up to regions x 1,001 small rows.
    # The table name comes from the model, nothing from a request.
    frame = read_frame(
        f"SELECT region_id, CAST(ROUND(total * 10) AS INTEGER), COUNT(*) "
        f"FROM {LeadScore._meta.db_table} GROUP BY 1, 2",
        columns=["region", "bin", "n"],
    )
    own: dict[int, np.ndarray] = {}
    for region_id, rows in frame.groupby("region"):
        counts = np.zeros(BINS, dtype=np.int64)
        np.add.at(
            counts, rows["bin"].to_numpy(np.int64).clip(0, BINS - 1), rows["n"].to_numpy(np.int64)
        )
        own[int(region_id)] = counts  # type: ignore[arg-type]  # pandas types a group key loosely
    parent: dict[int, int | None] = dict(Region.objects.values_list("pk", "parent_id"))
    subtree: dict[int, np.ndarray] = {}
    for region_id, counts in own.items():
        for area in _self_and_ancestors(region_id, parent):
            if area in subtree:
                subtree[area] += counts
            else:
                subtree[area] = counts.copy()
    return _Histograms(version, subtree, parent)


def _self_and_ancestors(region_id: int, parent: dict[int, int | None]) -> list[int]:
    chain = [region_id]
    for _ in range(16):
        up = parent.get(chain[-1])
        if up is None or up in chain:
            break
        chain.append(up)
    return chain
