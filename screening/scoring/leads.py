"""A batch of investment leads as flat arrays (one row per lead), ready for vectorised scoring.

Pure numpy: never imports Django. The Django boundary fills these arrays from the database;
`LeadBatch.from_dicts` is a convenience for tests and small interactive use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from screening.scoring.local_fit import needs_mask

if TYPE_CHECKING:
    from screening.scoring.world import World

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_DTYPES: dict[str, type[np.generic]] = {
    "region": np.int64,
    "industry": np.int64,
    "jobs": np.float64,
    "capex": np.float64,
    "land_ha": np.float64,
    "needs": np.uint64,
    "inputs_indptr": np.int64,
    "inputs_indices": np.int32,
}


@dataclass(frozen=True)
class LeadBatch:
    """n leads. Indices are 0-based positions into the world's code lists.

    jobs (count), capex (one currency unit, e.g. 10k CNY; the caller converts) and land_ha
    (hectares) are NaN when unknown. needs is a uint64 bitmask over world factors (bit f =
    factor_names[f]). The industries a lead buys from are a CSR structure: lead i's inputs are
    inputs_indices[inputs_indptr[i]:inputs_indptr[i + 1]]; an empty row means "not given".
    """

    region: IntArray
    industry: IntArray
    jobs: FloatArray
    capex: FloatArray
    land_ha: FloatArray
    needs: NDArray[np.uint64]
    inputs_indptr: IntArray
    inputs_indices: NDArray[np.int32]

    def __post_init__(self) -> None:
        # Coerce dtypes once (free when they already match): int64 flat indices cannot
        # overflow, and uint64 masks never mix with signed integers.
        for name, dtype in _DTYPES.items():
            object.__setattr__(
                self, name, np.asarray(getattr(self, name)).astype(dtype, copy=False)
            )
        n = self.region.shape[0]
        for name in ("industry", "jobs", "capex", "land_ha", "needs"):
            if getattr(self, name).shape != (n,):
                raise ValueError(f"{name} must have shape ({n},)")
        if self.inputs_indptr.shape != (n + 1,) or self.inputs_indptr[-1] != len(
            self.inputs_indices
        ):
            raise ValueError("inputs_indptr must have n + 1 entries ending at len(inputs_indices)")

    def __len__(self) -> int:
        return int(self.region.shape[0])

    def inputs_of(self, lead: int) -> NDArray[np.int32]:
        """Industry indices lead `lead` says it buys from (empty: not given)."""
        return self.inputs_indices[self.inputs_indptr[lead] : self.inputs_indptr[lead + 1]]

    def take(self, rows: IntArray) -> LeadBatch:
        """A new batch with the given leads, in the given order."""
        rows = np.asarray(rows, dtype=np.int64)
        starts = self.inputs_indptr[rows]
        lengths = self.inputs_indptr[rows + 1] - starts
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        offsets = np.repeat(starts - indptr[:-1], lengths)
        pick = np.arange(indptr[-1], dtype=np.int64) + offsets
        return LeadBatch(
            region=self.region[rows],
            industry=self.industry[rows],
            jobs=self.jobs[rows],
            capex=self.capex[rows],
            land_ha=self.land_ha[rows],
            needs=self.needs[rows],
            inputs_indptr=indptr,
            inputs_indices=self.inputs_indices[pick],
        )

    def placed_in(self, lead: int, regions: IntArray) -> LeadBatch:
        """Lead `lead`'s profile (industry, size, needs, inputs) placed in each given region."""
        regions = np.asarray(regions, dtype=np.int64)
        one = self.take(np.zeros(len(regions), dtype=np.int64) + lead)
        return LeadBatch(
            region=regions,
            industry=one.industry,
            jobs=one.jobs,
            capex=one.capex,
            land_ha=one.land_ha,
            needs=one.needs,
            inputs_indptr=one.inputs_indptr,
            inputs_indices=one.inputs_indices,
        )

    @classmethod
    def from_dicts(cls, world: World, leads: Sequence[Mapping[str, Any]]) -> LeadBatch:
        """Build a batch from dicts with keys region, industry (code or index), and optional
        jobs, capex, land_ha (None/NaN = unknown), needs (factor names), inputs (industry codes
        or indices). Unknown codes or factor names raise ValueError."""
        inputs = world.inputs
        region_index = {c: i for i, c in enumerate(inputs.region_codes)}
        industry_index = {c: i for i, c in enumerate(inputs.industry_codes)}
        rows = [_input_row(lead.get("inputs") or [], industry_index) for lead in leads]
        lengths = [len(r) for r in rows]
        return cls(
            region=np.array([_index(x["region"], region_index) for x in leads], dtype=np.int64),
            industry=np.array(
                [_index(x["industry"], industry_index) for x in leads], dtype=np.int64
            ),
            jobs=_floats(leads, "jobs"),
            capex=_floats(leads, "capex"),
            land_ha=_floats(leads, "land_ha"),
            needs=np.array(
                [needs_mask(inputs.factor_names, list(x.get("needs") or [])) for x in leads],
                dtype=np.uint64,
            ),
            inputs_indptr=np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
            inputs_indices=np.array([i for r in rows for i in r], dtype=np.int32),
        )


def _index(value: str | int, index: Mapping[str, int]) -> int:
    if isinstance(value, str):
        if value not in index:
            raise ValueError(f"unknown code {value!r}")
        return index[value]
    position = int(value)
    if not 0 <= position < len(index):
        raise ValueError(f"index {position} out of range 0..{len(index) - 1}")
    return position


def _input_row(values: Sequence[str | int], index: Mapping[str, int]) -> list[int]:
    return sorted({_index(v, index) for v in values})


def _floats(leads: Sequence[Mapping[str, Any]], key: str) -> FloatArray:
    values = [lead.get(key) for lead in leads]
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
