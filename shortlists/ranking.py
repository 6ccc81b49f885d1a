"""Ranking leads under any weights from their stored sub-scores, fast enough for a slider.

The sub-scores (local fit, chain completion, and the two parts of cluster strength:
strengthen st and pull pu) do not depend on the weights, so a what-if ranking needs no
rescoring: total = w1*lf + w2*cc + w3*cs over the stored rows, where cs = (1-m)*st + m*pu
with m the share of pull within cluster strengthening (screening.scoring.weighted_totals, the
core's one re-weighting function, used by both paths below).
A score stored before anchor pull existed has no parts yet: its stored cs stands for both.
Reading a million sub-score rows costs one to three seconds, so each process keeps them in
memory (`ScoreTable`, ~40 bytes a lead) and checks on every request that they are still the
stored ones. The check must be cheap: COUNT(*) or MAX(computed_at) over a million scores scans
the table (120-160 ms measured), so it reads two index ends instead: the newest ScoreHistory id
(the one write path for scores, screening.services.score_store, writes a history row for every
score it changes or creates) and the highest scored lead id.

A request is then answered in two steps:
1. numpy ranks the leads of the scope (regions, industries) from the copy and proposes the
   best candidates in order;
2. the database re-reads those candidates with every filter applied (stage, status,
   confidence, and the scope again), with their current values, so the answer holds exactly
   what the database holds; if too few pass the filters, step 1 proposes more.
When the filters are so narrow that this would walk a large part of the scope, the whole
request goes to SQL instead (ORDER BY the weighted sum LIMIT k), which is always exact.

Totals are computed as ((w1*lf) + (w2*cc)) + (w3*(((1-m)*st) + (m*pu))) in float64 in both
paths, the order in which SQL evaluates the same expression, and ties go to the lower lead id,
so both paths give the same order.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import ExpressionWrapper, F, FloatField, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from projects.models import Lead, Status
from screening.frames import read_frame, read_frame_for_ids
from screening.models import LeadScore, ScoreHistory
from screening.scoring import DEFAULT_PULL_SHARE, cluster_mix, weighted_totals

FloatArray = np.ndarray
Weights = tuple[float, float, float]

# Candidates re-read from the database per round trip, and the depth beyond which a narrow
# filter is handed to SQL instead of walking the candidates further.
CHUNK_MAX = 10_000
FAST_DEPTH_MAX = 50_000
# The first round proposes twice the leads asked for, and at least this many more.
FIRST_EXTRA = 200


@dataclass(frozen=True)
class LeadFilters:
    """Filters on the lead itself (not on its score); empty tuples mean "any"."""

    stages: tuple[str, ...] = ()
    statuses: tuple[str, ...] = (Status.ACTIVE.value,)
    min_confidence: float | None = None  # 0-1

    @property
    def empty(self) -> bool:
        return not (self.stages or self.statuses or self.min_confidence is not None)

    def q(self, prefix: str = "lead__") -> Q:
        """The filters as a Q on LeadScore (prefix 'lead__') or on Lead (prefix '')."""
        query = Q()
        if self.stages:
            query &= Q(**{f"{prefix}stage__in": self.stages})
        if self.statuses:
            query &= Q(**{f"{prefix}status__in": self.statuses})
        if self.min_confidence is not None:
            score = "" if prefix == "lead__" else "score__"
            query &= Q(**{f"{score}confidence__gte": self.min_confidence})
        return query


@dataclass(frozen=True)
class RankRequest:
    """The best `limit` leads under `weights` (normalised, sum 1) within a scope.

    `pull_share` is the share of anchor pull within cluster strengthening. `region_ids` /
    `industry_ids`: the lead's target region / industry must be one of these; None means any.
    """

    weights: Weights
    limit: int
    region_ids: tuple[int, ...] | None = None
    industry_ids: tuple[int, ...] | None = None
    filters: LeadFilters = field(default_factory=LeadFilters)
    pull_share: float = DEFAULT_PULL_SHARE

    def scope_q(self) -> Q:
        query = Q()
        if self.region_ids is not None:
            query &= Q(region_id__in=self.region_ids)
        if self.industry_ids is not None:
            query &= Q(lead__industry_id__in=self.industry_ids)
        return query


@dataclass(frozen=True)
class RankedRow:
    lead_id: int
    local_fit: float
    chain_completion: float
    cluster_strength: float  # the mix of strengthen and pull under the request's pull share
    total: float  # under the request's weights, 0-100
    confidence: float
    strengthen: float
    pull: float

    def sub_scores(self) -> tuple[float, float, float]:
        return (self.local_fit, self.chain_completion, self.cluster_strength)

    def parts(self) -> tuple[float, float, float, float]:
        """Local fit, chain completion, strengthen and pull (for rank bands over all four)."""
        return (self.local_fit, self.chain_completion, self.strengthen, self.pull)


@dataclass(frozen=True)
class Ranking:
    rows: list[RankedRow]
    scored_in_scope: int  # scored leads in the scope, before the lead filters
    path: str  # "cache" or "sql": which path answered
    table: ScoreTable | None = None  # the copy it ranked from (the rows' standings use it too)


def top_positions(totals: FloatArray, k: int) -> np.ndarray:
    """Positions of the k largest totals, best first, ties to the lower position.

    The same rule as screening.scoring.weights.rerank_top (O(n) selection, then a sort of
    the k winners), applied to totals computed as SQL computes them.
    """
    n = totals.size
    if k >= n:
        chosen = np.arange(n)
    else:
        kth = totals[np.argpartition(-totals, k - 1)[:k]].min()
        better, tied = np.flatnonzero(totals > kth), np.flatnonzero(totals == kth)
        chosen = np.concatenate([better, tied[: k - better.size]])
    return chosen[np.lexsort((chosen, -totals[chosen]))]


# --- The per-process copy of the stored sub-scores ------------------------------------------


@dataclass(frozen=True)
class ScoreTable:
    """All stored sub-scores, sorted by lead id, with each lead's region and industry.

    `region_codes[region_pos]` is a lead's region id (likewise for industries): masks over
    a scope are built on the few distinct ids, then gathered per lead. `history_top` is the
    newest ScoreHistory id applied; `pending` the ids below it not seen yet (written by a
    transaction still open when they were passed), with the time they were first missed.
    """

    version: tuple[object, ...]
    lead_id: np.ndarray
    local_fit: FloatArray
    chain_completion: FloatArray
    strengthen: FloatArray
    pull: FloatArray
    region_codes: np.ndarray
    region_pos: np.ndarray
    industry_codes: np.ndarray
    industry_pos: np.ndarray
    history_top: int = 0
    pending: tuple[tuple[int, float], ...] = ()
    # The totals last computed from this copy, by weights and share of pull: a request's
    # ranking and its rows' standings ask for the same million (read-only, shared).
    _recent: dict[tuple[Weights, float], FloatArray] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    @property
    def size(self) -> int:
        return int(self.lead_id.size)

    def scope_mask(
        self, region_ids: Sequence[int] | None, industry_ids: Sequence[int] | None
    ) -> np.ndarray | None:
        """Boolean mask of the leads in scope, or None when the scope is everything."""
        mask = None
        if region_ids is not None:
            wanted = np.isin(self.region_codes, region_ids)
            mask = None if wanted.all() else wanted[self.region_pos]
        if industry_ids is not None:
            by_industry = np.isin(self.industry_codes, industry_ids)[self.industry_pos]
            mask = by_industry if mask is None else mask & by_industry
        return mask

    def cluster_strength(self, pull_share: float) -> FloatArray:
        return cluster_mix(self.strengthen, self.pull, pull_share)

    def totals(self, weights: Weights, pull_share: float) -> FloatArray:
        key = ((float(weights[0]), float(weights[1]), float(weights[2])), float(pull_share))
        found = self._recent.get(key)
        if found is None:
            found = weighted_totals(
                self.local_fit, self.chain_completion, self.strengthen, self.pull, *key
            )
            found.flags.writeable = False
            self._recent.clear()  # one array kept per copy (8 MB a million leads)
            self._recent[key] = found
        return found


_lock = threading.Lock()
_cache: dict[str, ScoreTable] = {}

# Above this many changed leads a refresh reads the whole table again (a bulk rescore: one
# sequential read beats a million look-ups).
REFRESH_MAX_LEADS = 100_000
# History ids below the newest one that are missing when the table is read or refreshed belong
# to a transaction still open (ids are handed out at insert, rows become visible at commit) or
# to one rolled back. They are looked for again until they appear or this many seconds pass
# (a score-store transaction writes one chunk, SCORE_CHUNK_SIZE leads: seconds, not minutes).
PENDING_SECONDS = 900.0
# How far below the newest history id a fresh read looks for such missing ids.
LOAD_LOOKBACK_IDS = 100_000


def score_version() -> tuple[object, ...]:
    """Changes whenever a stored sub-score changes: the newest score-history row (written with
    every changed or new score) and the highest scored lead id; both are index look-ups.

    A deleted score does not change it; the database re-read of the candidates drops it.
    """
    # One statement for both ends: every request asks, and a round trip costs more than the
    # two index look-ups on a busy machine.
    history, scores = ScoreHistory._meta, LeadScore._meta
    lead = scores.get_field("lead").column
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX({history.pk.column}) FROM {history.db_table}), "  # noqa: S608
            f"(SELECT MAX({lead}) FROM {scores.db_table})"
        )
        row = cursor.fetchone()
    return (row[0], row[1])


def score_table() -> ScoreTable:
    """The copy of the stored sub-scores, brought up to date when the stored scores changed.

    The first read loads the whole table; afterwards only the leads named by the score-history
    rows written since the last read are read again and merged in (a request after 1,000
    score changes reads 1,000 rows, not a million).
    """
    version = score_version()
    cached = _cache.get("table")
    if cached is not None and cached.version == version and not cached.pending:
        return cached
    with _lock:
        cached = _cache.get("table")
        if cached is None:
            cached = _load_table(version)
        elif cached.version != version or cached.pending:
            cached = _refresh(cached, version)
        _cache["table"] = cached
    return cached


def forget_cache() -> None:
    with _lock:
        _cache.clear()


_COLUMNS = ["lead_id", "region_id", "industry_id", "local_fit", "chain_completion", "strengthen",
            "pull"]  # fmt: skip


# Table names come from the models, nothing from the request.
_SELECT_ROWS = (
    "SELECT s.lead_id, s.region_id, l.industry_id, s.local_fit, s.chain_completion, "  # noqa: S608
    "COALESCE(s.strengthen, s.cluster_strength), COALESCE(s.pull, s.cluster_strength) "
    f"FROM {LeadScore._meta.db_table} s JOIN {Lead._meta.db_table} l ON l.id = s.lead_id"
)


def _score_rows() -> pd.DataFrame:
    # A score stored before anchor pull existed has NULL parts: its cluster score stands for
    # both (the COALESCEs above).
    return read_frame(f"{_SELECT_ROWS} ORDER BY s.lead_id", columns=_COLUMNS)


def _load_table(version: tuple[object, ...]) -> ScoreTable:
    top = _history_id(version)
    frame = _score_rows()
    regions, region_pos = np.unique(frame["region_id"].to_numpy(np.int64), return_inverse=True)
    industries, industry_pos = np.unique(
        frame["industry_id"].to_numpy(np.int64), return_inverse=True
    )
    seen = ScoreHistory.objects.filter(pk__gt=top - LOAD_LOOKBACK_IDS, pk__lte=top)
    return ScoreTable(
        version=version,
        lead_id=frame["lead_id"].to_numpy(np.int64),
        local_fit=_finite(frame["local_fit"]),
        chain_completion=_finite(frame["chain_completion"]),
        strengthen=_finite(frame["strengthen"]),
        pull=_finite(frame["pull"]),
        region_codes=regions,
        region_pos=region_pos.astype(np.int32),
        industry_codes=industries,
        industry_pos=industry_pos.astype(np.int32),
        history_top=top,
        pending=_missing(
            range(max(1, top - LOAD_LOOKBACK_IDS + 1), top + 1),
            set(seen.values_list("pk", flat=True)),
            {},
        ),
    )


def _history_id(version: tuple[object, ...]) -> int:
    """The newest score-history id of a score_version() (0: no history yet)."""
    top = version[0]
    return int(top) if isinstance(top, int) else 0


def _missing(ids: range, seen: set[int], since: dict[int, float]) -> tuple[tuple[int, float], ...]:
    """The ids of `ids` not in `seen`, each with when it was first missed (kept from `since`),
    those missed for longer than PENDING_SECONDS left out (rolled back or deleted)."""
    now = time.monotonic()
    out = []
    for pk in ids:
        if pk not in seen:
            first = since.get(pk, now)
            if now - first <= PENDING_SECONDS:
                out.append((pk, first))
    return tuple(out)


def _refresh(table: ScoreTable, version: tuple[object, ...]) -> ScoreTable:
    """The table with the leads whose scores changed since it was read, read again."""
    newest = _history_id(version)
    if newest - table.history_top > LOAD_LOOKBACK_IDS:
        return _load_table(version)  # a bulk rescore: read everything once
    since = dict(table.pending)
    low = min([table.history_top, *(pk - 1 for pk in since)])
    rows = list(ScoreHistory.objects.filter(pk__gt=low).order_by("pk").values_list("pk", "lead_id"))
    fresh = [(pk, lead) for pk, lead in rows if pk > table.history_top or pk in since]
    leads = np.unique(np.array([lead for _, lead in fresh], dtype=np.int64))
    if leads.size > REFRESH_MAX_LEADS:
        return _load_table(version)
    top = max([table.history_top, newest, *(pk for pk, _ in fresh)])
    seen = {pk for pk, _ in rows}
    now = time.monotonic()
    still = tuple(
        (pk, first)
        for pk, first in since.items()
        if pk not in seen and now - first <= PENDING_SECONDS
    )
    gaps = _missing(range(max(table.history_top, top - LOAD_LOOKBACK_IDS) + 1, top + 1), seen, {})
    return _merged(table, _changed_rows(leads), version, top, still + gaps)


def _changed_rows(leads: np.ndarray) -> pd.DataFrame:
    """The stored rows of these leads (one array parameter on PostgreSQL: an IN list of a
    thousand ids cost more to build in Python than the query to run)."""
    if not leads.size:
        return pd.DataFrame(columns=_COLUMNS)
    return read_frame_for_ids(
        f"{_SELECT_ROWS} WHERE s.lead_id {{ids}} ORDER BY s.lead_id",
        leads.tolist(),
        columns=_COLUMNS,
    )


def _merged(
    table: ScoreTable,
    frame: pd.DataFrame,
    version: tuple[object, ...],
    top: int,
    pending: tuple[tuple[int, float], ...],
) -> ScoreTable:
    """A new table: `table` with `frame`'s rows (sorted by lead id) in place or inserted.

    A copy, never the old arrays written to: a request may still be ranking with them."""
    ids = frame["lead_id"].to_numpy(np.int64)
    at = np.searchsorted(table.lead_id, ids)
    present = at < table.size
    present[present] = table.lead_id[at[present]] == ids[present]
    region_codes, region_pos = _with_codes(
        table.region_codes,
        table.region_pos,
        frame["region_id"].to_numpy(np.int64),
    )
    industry_codes, industry_pos = _with_codes(
        table.industry_codes,
        table.industry_pos,
        frame["industry_id"].to_numpy(np.int64),
    )
    new_region = np.searchsorted(region_codes, frame["region_id"].to_numpy(np.int64)).astype(
        np.int32
    )
    new_industry = np.searchsorted(
        industry_codes,
        frame["industry_id"].to_numpy(np.int64),
    ).astype(np.int32)
    columns = {
        "lead_id": (table.lead_id, ids),
        "local_fit": (table.local_fit, _finite(frame["local_fit"])),
        "chain_completion": (table.chain_completion, _finite(frame["chain_completion"])),
        "strengthen": (table.strengthen, _finite(frame["strengthen"])),
        "pull": (table.pull, _finite(frame["pull"])),
        "region_pos": (region_pos, new_region),
        "industry_pos": (industry_pos, new_industry),
    }
    inserted = bool((~present).any())
    merged = {}
    for name, (old, new) in columns.items():
        if not inserted and _same_bits(old[at], new):
            # Unchanged (the lead ids, and the codes of leads that did not move, after a
            # rescore): shared with the old table, which nobody writes to.
            merged[name] = old
            continue
        out = old.copy()
        out[at[present]] = new[present]
        merged[name] = np.insert(out, at[~present], new[~present]) if inserted else out
    return ScoreTable(
        version=version,
        region_codes=region_codes,
        industry_codes=industry_codes,
        history_top=top,
        pending=pending,
        **merged,
    )


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal bit for bit (so -0.0 differs from 0.0, as a fresh read could tell them apart)."""
    return a.shape == b.shape and a.tobytes() == b.astype(a.dtype, copy=False).tobytes()


def _with_codes(
    codes: np.ndarray, positions: np.ndarray, ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct ids with `ids` added, and the old positions mapped onto them."""
    if np.isin(ids, codes).all():
        return codes, positions
    union = np.union1d(codes, ids)
    return union, np.searchsorted(union, codes).astype(np.int32)[positions]


def _finite(column: object) -> FloatArray:
    values = np.ascontiguousarray(column.to_numpy(np.float64))  # type: ignore[attr-defined]
    return np.nan_to_num(values, nan=0.0)


# --- Ranking ----------------------------------------------------------------------------------


def rank_leads(request: RankRequest) -> Ranking:
    """The best `request.limit` leads of the scope under the weights, best first."""
    table = score_table()
    mask = table.scope_mask(request.region_ids, request.industry_ids)
    positions = np.flatnonzero(mask) if mask is not None else None
    in_scope = table.size if positions is None else int(positions.size)
    totals = table.totals(request.weights, request.pull_share)
    if positions is not None:
        totals = totals[positions]
    rows = _walk_candidates(request, table, positions, totals)
    if rows is None:
        return Ranking(rank_leads_sql(request), in_scope, "sql", table)
    return Ranking(rows, in_scope, "cache", table)


def _walk_candidates(
    request: RankRequest, table: ScoreTable, positions: np.ndarray | None, totals: FloatArray
) -> list[RankedRow] | None:
    """Propose candidates best first until `limit` pass the database's filters.

    None when the filters are too narrow for this to stay cheap (the caller asks SQL).
    """
    n, limit = int(totals.size), request.limit
    found: dict[int, RankedRow] = {}
    # Without lead filters only a lead deleted since the copy was made can fail the re-read.
    first = limit + 10 if request.filters.empty else max(2 * limit, limit + FIRST_EXTRA)
    done, depth = 0, min(n, first)
    while done < n:
        order = top_positions(totals, depth)[done:depth]
        ids = table.lead_id[order if positions is None else positions[order]]
        for start in range(0, ids.size, CHUNK_MAX):
            found.update(_verified(request, ids[start : start + CHUNK_MAX]))
        done = depth
        if len(found) >= limit or depth >= n:
            break
        if depth >= FAST_DEPTH_MAX:
            return None
        pass_rate = max(len(found) / depth, 1e-3)
        depth = min(n, max(2 * depth, math.ceil(1.5 * limit / pass_rate)))
    return sortranked_rows(list(found.values()))[:limit]


def _verified(request: RankRequest, lead_ids: np.ndarray) -> dict[int, RankedRow]:
    """Those of these leads that pass scope and filters now, with their current values."""
    queryset = LeadScore.objects.filter(
        request.scope_q() & request.filters.q(), lead_id__in=lead_ids.tolist()
    )
    rows = ranked_rows(queryset, request.weights, request.pull_share)
    return {row.lead_id: row for row in rows}


def rank_leads_sql(request: RankRequest) -> list[RankedRow]:
    """The same answer by one SQL query: ORDER BY the weighted sum DESC, lead id LIMIT k."""
    w, m = request.weights, request.pull_share
    cluster = Value(1.0 - m) * Coalesce(F("strengthen"), F("cluster_strength")) + Value(m) * (
        Coalesce(F("pull"), F("cluster_strength"))
    )
    expression = ExpressionWrapper(
        Value(w[0]) * F("local_fit") + Value(w[1]) * F("chain_completion") + Value(w[2]) * cluster,
        output_field=FloatField(),
    )
    queryset = (
        LeadScore.objects.filter(request.scope_q() & request.filters.q())
        .annotate(weighted=expression)
        .order_by("-weighted", "lead_id")[: request.limit]
    )
    return ranked_rows(queryset, w, m)


def ranked_rows(
    queryset: QuerySet[LeadScore], w: Weights, pull_share: float = DEFAULT_PULL_SHARE
) -> list[RankedRow]:
    """Rows with their cluster score mixed and their total weighted as the request says."""
    values = queryset.values_list(
        "lead_id",
        "local_fit",
        "chain_completion",
        "cluster_strength",
        "strengthen",
        "pull",
        "confidence",
    )
    return _ranked(list(values), w, pull_share)


StoredRow = tuple[int, float, float, float, float | None, float | None, float]


def _ranked(rows: list[StoredRow], w: Weights, pull_share: float) -> list[RankedRow]:
    """Stored rows (lead id, lf, cc, stored cs, st, pu, confidence) under weights `w` and a
    share of pull, by the core's one re-weighting function (elementwise, so each row's bits
    are those of the cache path and of SQL). A score computed before anchor pull existed has
    no parts: its stored cluster score stands for both."""
    if not rows:
        return []
    parts = np.array(
        [
            (lf, cc, cs if st is None else st, cs if pu is None else pu)
            for _, lf, cc, cs, st, pu, _ in rows
        ],
        dtype=np.float64,
    )
    lf, cc, st, pu = parts.T
    cluster = cluster_mix(st, pu, pull_share)
    totals = weighted_totals(lf, cc, st, pu, w, pull_share)
    return [
        RankedRow(
            int(row[0]),
            float(lf[i]),
            float(cc[i]),
            float(cluster[i]),
            float(totals[i]),
            float(row[6]),
            float(st[i]),
            float(pu[i]),
        )
        for i, row in enumerate(rows)
    ]


def ranked_row(
    lead_id: int,
    lf: float,
    cc: float,
    stored_cs: float,
    st: float | None,
    pu: float | None,
    confidence: float,
    *,
    w: Weights,
    pull_share: float,
) -> RankedRow:
    """One stored score under weights `w` and a share of pull (see _ranked)."""
    return _ranked([(lead_id, lf, cc, stored_cs, st, pu, confidence)], w, pull_share)[0]


def sortranked_rows(rows: list[RankedRow]) -> list[RankedRow]:
    """Best total first; ties to the lower lead id."""
    return sorted(rows, key=lambda r: (-r.total, r.lead_id))


def scope_totals(request: RankRequest) -> tuple[np.ndarray, FloatArray, FloatArray]:
    """Every scored lead of the scope (lead filters not applied): region ids, totals, and the
    (n, 3) sub-scores; from the in-memory copy, for charts over the whole scope."""
    table = score_table()
    mask = table.scope_mask(request.region_ids, request.industry_ids)
    select = slice(None) if mask is None else mask
    cluster = table.cluster_strength(request.pull_share)
    subs = np.column_stack(
        [table.local_fit[select], table.chain_completion[select], cluster[select]]
    )
    regions = table.region_codes[table.region_pos[select]]
    return regions, table.totals(request.weights, request.pull_share)[select], subs
