"""Reading leads from the database into the numeric core's LeadBatch, in bulk."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from projects.models import Lead
from projects.money import configured_rates
from screening.frames import read_frame_for_ids
from screening.scoring import LeadBatch
from screening.world import LoadedWorld

log = logging.getLogger(__name__)

LEAD_COLUMNS = [
    "id",
    "region_id",
    "industry_id",
    "jobs",
    "capex",
    "currency",
    "land_ha",
    "needs",
    "score_revision",
]


@dataclass(frozen=True)
class LeadRows:
    """The leads of one chunk as read, aligned with the LeadBatch built from them."""

    frame: pd.DataFrame
    batch: LeadBatch


def read_lead_rows(lead_ids: Sequence[int], loaded: LoadedWorld) -> LeadRows:
    """Read the scoring inputs of these leads (ids that no longer exist are skipped)."""
    table = Lead._meta.db_table
    ids = sorted(set(int(i) for i in lead_ids))
    frame = read_frame_for_ids(
        f"SELECT id, region_id, industry_id, jobs, capex, currency, land_ha, needs, score_revision "
        f"FROM {table} WHERE id {{ids}} ORDER BY id",
        ids,
        columns=LEAD_COLUMNS,
    )
    inputs = read_frame_for_ids(
        f"SELECT lead_id, industry_id FROM {Lead.input_industries.through._meta.db_table} "
        f"WHERE lead_id {{ids}} ORDER BY lead_id, industry_id",
        ids,
        columns=["lead_id", "industry_id"],
    )
    return LeadRows(frame=frame, batch=to_batch(frame, inputs, loaded))


def to_batch(frame: pd.DataFrame, inputs: pd.DataFrame, loaded: LoadedWorld) -> LeadBatch:
    """Translate database ids into World positions; amounts stay NaN where unknown."""
    region: np.ndarray = frame["region_id"].map(loaded.region_pos).to_numpy(dtype=np.int64)
    industry: np.ndarray = frame["industry_id"].map(loaded.industry_pos).to_numpy(dtype=np.int64)
    indptr, indices = _inputs_csr(frame["id"].to_numpy(dtype=np.int64), inputs, loaded)
    return LeadBatch(
        region=region,
        industry=industry,
        jobs=pd.to_numeric(frame["jobs"], errors="coerce").to_numpy(dtype=float),
        capex=_capex_in_cny(frame),
        land_ha=pd.to_numeric(frame["land_ha"], errors="coerce").to_numpy(dtype=float),
        needs=_needs_array(frame, loaded.factor_pos),
        inputs_indptr=indptr,
        inputs_indices=indices,
    )


def rows_for_world(rows: LeadRows, loaded: LoadedWorld, read_for: LoadedWorld) -> LeadRows:
    """The same leads (read for `read_for`) for another World over the same regions and
    industries (an edit's preview): only the needs masks depend on the World, through its
    endowment factors, and they are redone only when the factors differ."""
    if loaded.factor_pos == read_for.factor_pos:
        return rows
    batch = dataclasses.replace(rows.batch, needs=_needs_array(rows.frame, loaded.factor_pos))
    return LeadRows(frame=rows.frame, batch=batch)


def _needs_array(frame: pd.DataFrame, factor_pos: dict[str, int]) -> np.ndarray:
    """Each lead's needs as a factor bitmask; leads share a few needs lists, so each distinct
    stored text is decoded once."""
    seen: dict[str, int] = {}
    bits = np.zeros(len(frame), dtype=np.uint64)
    for i, raw in enumerate(frame["needs"]):
        if isinstance(raw, str):
            if raw not in seen:
                seen[raw] = _needs_bits(raw, factor_pos)
            bits[i] = seen[raw]
        else:
            bits[i] = _needs_bits(raw, factor_pos)
    return bits


def _capex_in_cny(frame: pd.DataFrame) -> np.ndarray:
    """Capex in 10k CNY; other currencies at the configured rates (projects.money, the one
    table the pages show), a currency without a rate -> NaN."""
    rates = configured_rates()
    capex = pd.to_numeric(frame["capex"], errors="coerce").to_numpy(dtype=float)
    per_code = {code: rates.rate(str(code)) for code in frame["currency"].unique()}
    rate = frame["currency"].map(lambda c: per_code[c] or np.nan).to_numpy(dtype=float)
    return capex * rate


def _needs_bits(raw: Any, factor_pos: dict[str, int]) -> int:
    names: list[str] = json.loads(raw) if isinstance(raw, str) else list(raw or [])
    bits = 0
    for name in names:
        pos = factor_pos.get(name)
        if pos is None:
            # A need no region records at all: nothing can be said about it anywhere; the
            # import validates factor names, so this only happens for hand-made data.
            log.debug("need %r is not an endowment factor of any region", name)
            continue
        bits |= 1 << pos
    return bits


def _inputs_csr(
    lead_ids: np.ndarray, inputs: pd.DataFrame, loaded: LoadedWorld
) -> tuple[np.ndarray, np.ndarray]:
    """CSR rows (aligned with lead_ids, which are sorted) of each lead's input industries."""
    if len(inputs) == 0:
        return np.zeros(len(lead_ids) + 1, dtype=np.int64), np.zeros(0, dtype=np.int32)
    owners = inputs["lead_id"].to_numpy(dtype=np.int64)
    rows = np.searchsorted(lead_ids, owners)
    counts = np.bincount(rows, minlength=len(lead_ids))
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    indices = inputs["industry_id"].map(loaded.industry_pos).to_numpy(dtype=np.int32)
    return indptr, indices
