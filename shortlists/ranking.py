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
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db.models import ExpressionWrapper, F, FloatField, Max, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from projects.models import Lead, Status
from screening.frames import read_frame
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
    a scope are built on the few distinct ids, then gathered per lead.
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
        return weighted_totals(
            self.local_fit, self.chain_completion, self.strengthen, self.pull, weights, pull_share
        )


_lock = threading.Lock()
_cache: dict[str, ScoreTable] = {}


def score_version() -> tuple[object, ...]:
    """Changes whenever a stored sub-score changes: the newest score-history row (written with
    every changed or new score) and the highest scored lead id; both are index look-ups.

    A deleted score does not change it; the database re-read of the candidates drops it.
    """
    history = ScoreHistory.objects.aggregate(top=Max("pk"))["top"]
    scores = LeadScore.objects.aggregate(top=Max("lead_id"))["top"]
    return (history, scores)


def score_table() -> ScoreTable:
    """The copy of the stored sub-scores, reloaded when the stored scores have changed."""
    version = score_version()
    cached = _cache.get("table")
    if cached is not None and cached.version == version:
        return cached
    with _lock:
        cached = _cache.get("table")
        if cached is None or cached.version != version:
            cached = _load_table(version)
            _cache["table"] = cached
    return cached


def forget_cache() -> None:
    with _lock:
        _cache.clear()


def _load_table(version: tuple[object, ...]) -> ScoreTable:
    columns = [
        "lead_id",
        "region_id",
        "industry_id",
        "local_fit",
        "chain_completion",
        "strengthen",
        "pull",
    ]
    # Table names come from the models, nothing from the request. A score stored before
    # anchor pull existed has NULL parts: its cluster score stands for both.
    frame = read_frame(
        f"SELECT s.lead_id, s.region_id, l.industry_id, s.local_fit, s.chain_completion, "  # noqa: S608
        f"COALESCE(s.strengthen, s.cluster_strength), COALESCE(s.pull, s.cluster_strength) "
        f"FROM {LeadScore._meta.db_table} s "
        f"JOIN {Lead._meta.db_table} l ON l.id = s.lead_id ORDER BY s.lead_id",
        columns=columns,
    )
    regions, region_pos = np.unique(frame["region_id"].to_numpy(np.int64), return_inverse=True)
    industries, industry_pos = np.unique(
        frame["industry_id"].to_numpy(np.int64), return_inverse=True
    )
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
    )


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
        return Ranking(rows=rank_leads_sql(request), scored_in_scope=in_scope, path="sql")
    return Ranking(rows=rows, scored_in_scope=in_scope, path="cache")


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
