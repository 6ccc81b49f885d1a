"""Bulk writes of lead scores: only changed scores are rewritten (with a history row).

On PostgreSQL the rows go through COPY into a temporary table and then one set-based upsert,
one history INSERT … SELECT and one stamp UPDATE; on SQLite the same happens with
bulk_create(update_conflicts=True) and bulk_update. Callers run this inside a transaction.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection

from screening.decisions import fill_pending
from screening.frames import read_frame_for_ids
from screening.models import SCORE_FIELDS as SCORE_FIELDS  # re-exported for the callers
from screening.models import STAMP_FIELDS, LeadScore, ScoreHistory

# Scores are compared at this precision, so float noise between runs is not a "change".
COMPARE_DECIMALS = 6


@dataclass(frozen=True)
class StampRows:
    """Computed scores of n leads (arrays of length n) and the versions they stand on."""

    lead_id: np.ndarray
    region_id: np.ndarray
    local_fit: np.ndarray
    chain_completion: np.ndarray
    cluster_strength: np.ndarray
    strengthen: np.ndarray
    pull: np.ndarray
    total: np.ndarray
    confidence: np.ndarray
    profile_id: np.ndarray
    lead_revision: np.ndarray
    region_version: np.ndarray
    measures_version: np.ndarray
    computed_at: dt.datetime
    weights: np.ndarray  # (n, 3) profile weights each total was computed with
    pull_share: np.ndarray  # (n,) the profiles' share of pull within cluster strengthening

    def frame(self) -> pd.DataFrame:
        data = {
            name: getattr(self, name)
            for name in ["lead_id", "region_id", *SCORE_FIELDS, *STAMP_FIELDS]
        }
        return pd.DataFrame(data)


def stored_scores(lead_ids: Sequence[int]) -> pd.DataFrame:
    """Stored score values and region of these leads, indexed by lead id."""
    ids = [int(i) for i in lead_ids]
    columns = ["lead_id", "region_id", *SCORE_FIELDS, "profile_id"]
    frame = read_frame_for_ids(
        f"SELECT {', '.join(columns)} FROM {LeadScore._meta.db_table} WHERE lead_id {{ids}}",
        ids,
        columns=columns,
    )
    return frame.set_index("lead_id")


def changed_mask(new: pd.DataFrame, old: pd.DataFrame) -> np.ndarray:
    """True where a lead has no stored score or any score value, region or profile differs."""
    aligned = old.reindex(new["lead_id"].to_numpy())
    mask = aligned["total"].isna().to_numpy().copy()
    for field in [*SCORE_FIELDS]:
        a = np.round(new[field].to_numpy(dtype=float), COMPARE_DECIMALS)
        b = np.round(aligned[field].to_numpy(dtype=float), COMPARE_DECIMALS)
        mask |= a != b
    for field in ["region_id", "profile_id"]:
        mask |= new[field].to_numpy() != aligned[field].fillna(-1).to_numpy(dtype=np.int64)
    return mask


def json_safe(value: Any) -> Any:
    """NaN and infinities become None: PostgreSQL's jsonb (rightly) rejects them."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def store_scores(rows: StampRows, *, explain: Callable[[int], dict[str, object]] | None) -> int:
    """Write changed scores (with explanation and history) and move unchanged stamps forward.

    `explain(i)` gives the explanation of row i; it is called for changed rows only. Without
    it the explanation is stored empty, to be built on first read.
    Returns the number of changed scores.
    """
    new = rows.frame()
    changed = changed_mask(new, stored_scores(new["lead_id"].tolist()))
    if changed.any():
        full = new[changed].copy()
        full["explanation"] = [
            json.dumps(json_safe(explain(int(i))) if explain else {}, ensure_ascii=False)
            for i in np.flatnonzero(changed)
        ]
        full["computed_at"] = rows.computed_at
        _upsert(full)
    if (~changed).any():
        _update_stamps(new[~changed])
    # Decisions taken while these leads had no current score keep the one just stored.
    fill_pending(new["lead_id"].tolist())
    return int(changed.sum())


def _upsert(full: pd.DataFrame) -> None:
    if connection.vendor == "postgresql":
        _upsert_postgres(full)
    else:
        _upsert_orm(full)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dict("records")  # type: ignore[return-value]


def _upsert_orm(full: pd.DataFrame) -> None:
    objects = [
        LeadScore(
            lead_id=int(r["lead_id"]),
            region_id=int(r["region_id"]),
            local_fit=float(r["local_fit"]),
            chain_completion=float(r["chain_completion"]),
            cluster_strength=float(r["cluster_strength"]),
            strengthen=float(r["strengthen"]),
            pull=float(r["pull"]),
            total=float(r["total"]),
            confidence=float(r["confidence"]),
            explanation=json.loads(r["explanation"]),
            profile_id=int(r["profile_id"]),
            lead_revision=int(r["lead_revision"]),
            region_version=int(r["region_version"]),
            measures_version=int(r["measures_version"]),
            computed_at=r["computed_at"],
        )
        for r in _records(full)
    ]
    update = [
        "region",
        *SCORE_FIELDS,
        "explanation",
        "profile",
        "lead_revision",
        "region_version",
        "measures_version",
        "computed_at",
    ]
    LeadScore.objects.bulk_create(
        objects,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["lead"],
        update_fields=update,
    )
    ScoreHistory.objects.bulk_create(
        [
            ScoreHistory(
                lead_id=o.lead_id,
                local_fit=o.local_fit,
                chain_completion=o.chain_completion,
                cluster_strength=o.cluster_strength,
                strengthen=o.strengthen,
                pull=o.pull,
                total=o.total,
                confidence=o.confidence,
                profile_id=o.profile_id,
                measures_version=o.measures_version,
                computed_at=o.computed_at,
            )
            for o in objects
        ],
        batch_size=2000,
    )


def _update_stamps(rows: pd.DataFrame) -> None:
    if connection.vendor == "postgresql":
        _update_stamps_postgres(rows)
        return
    objects = [
        LeadScore(
            lead_id=int(r["lead_id"]),
            profile_id=int(r["profile_id"]),
            lead_revision=int(r["lead_revision"]),
            region_version=int(r["region_version"]),
            measures_version=int(r["measures_version"]),
        )
        for r in _records(rows)
    ]
    LeadScore.objects.bulk_update(
        objects, ["profile", "lead_revision", "region_version", "measures_version"], batch_size=2000
    )


# --- PostgreSQL: COPY into a temporary table, then set-based statements ---------------------

_FULL_COLUMNS = ["lead_id", "region_id", *SCORE_FIELDS, "explanation", *STAMP_FIELDS, "computed_at"]
_TEMP_FULL = """
CREATE TEMPORARY TABLE IF NOT EXISTS tmp_score_full (
  lead_id bigint, region_id bigint, local_fit double precision,
  chain_completion double precision, cluster_strength double precision,
  strengthen double precision, pull double precision,
  total double precision, confidence double precision, explanation jsonb,
  profile_id bigint, lead_revision integer, region_version integer,
  measures_version integer, computed_at timestamptz
) ON COMMIT DELETE ROWS
"""
_TEMP_STAMPS = """
CREATE TEMPORARY TABLE IF NOT EXISTS tmp_score_stamps (
  lead_id bigint, profile_id bigint, lead_revision integer, region_version integer,
  measures_version integer
) ON COMMIT DELETE ROWS
"""


def _copy_frame(cursor: object, table: str, frame: pd.DataFrame, columns: list[str]) -> None:
    buffer = io.StringIO()
    frame[columns].to_csv(buffer, header=False, index=False)
    buffer.seek(0)
    raw = cursor.cursor  # type: ignore[attr-defined]
    with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)") as copy:
        while data := buffer.read(1 << 20):
            copy.write(data)


def _upsert_postgres(full: pd.DataFrame) -> None:
    table = LeadScore._meta.db_table
    history = ScoreHistory._meta.db_table
    assignments = ", ".join(f"{c} = EXCLUDED.{c}" for c in _FULL_COLUMNS if c != "lead_id")
    with connection.cursor() as cursor:
        cursor.execute(_TEMP_FULL)
        _copy_frame(cursor, "tmp_score_full", full, _FULL_COLUMNS)
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(_FULL_COLUMNS)}) "
            f"SELECT {', '.join(_FULL_COLUMNS)} FROM tmp_score_full "
            f"ON CONFLICT (lead_id) DO UPDATE SET {assignments}"
        )
        hist_cols = ["lead_id", *SCORE_FIELDS, "profile_id", "measures_version", "computed_at"]
        cursor.execute(
            f"INSERT INTO {history} ({', '.join(hist_cols)}) "
            f"SELECT {', '.join(hist_cols)} FROM tmp_score_full"
        )
        cursor.execute("TRUNCATE tmp_score_full")


def _update_stamps_postgres(rows: pd.DataFrame) -> None:
    table = LeadScore._meta.db_table
    columns = ["lead_id", *STAMP_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(_TEMP_STAMPS)
        _copy_frame(cursor, "tmp_score_stamps", rows, columns)
        cursor.execute(
            f"UPDATE {table} AS s SET profile_id = t.profile_id, lead_revision = t.lead_revision, "
            "region_version = t.region_version, measures_version = t.measures_version "
            "FROM tmp_score_stamps AS t WHERE s.lead_id = t.lead_id"
        )
        cursor.execute("TRUNCATE tmp_score_stamps")
