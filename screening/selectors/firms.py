"""The firm directory as arrays, read once per version of the directory and kept per process.

A prospect list scores every firm of the directory in one region: a million firms must not be
read from the database on each request. So the directory (one row per firm: id, industry,
employees, country; one row per plant: firm row, region) is read in bulk when the directory's
version (`DataVersion.firms_version`, moved by every write of firms or plants) changes, and
kept in memory like the World (screening.world). Names and the other text are read only for
the firms a page shows.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import pandas as pd

from regions.models import Firm, Plant
from screening.frames import read_frame
from screening.models import DataVersion

_lock = threading.Lock()
_cache: dict[str, FirmDirectory] = {}


@dataclass(frozen=True)
class FirmDirectory:
    """Every firm, as arrays aligned by row (firms ordered by id), and every plant.

    ``employees`` is NaN where unknown (never 0). ``country`` holds an index into
    ``countries`` ("" is a country left blank). ``plant_firm`` is the firm row of each plant,
    ``plant_region`` its Region id.
    """

    version: int
    firm_ids: np.ndarray  # int64 Firm.pk, ascending
    industry_ids: np.ndarray  # int64 Industry.pk
    employees: np.ndarray  # float64, NaN = unknown
    country: np.ndarray  # int32 index into countries
    countries: tuple[str, ...]
    plant_firm: np.ndarray  # int64 row into the firm arrays
    plant_region: np.ndarray  # int64 Region.pk

    def __len__(self) -> int:
        return int(self.firm_ids.shape[0])

    def rows_of(self, firm_ids: list[int]) -> np.ndarray:
        """Rows of these firm ids (ids not in the directory are left out)."""
        return _rows_of(self.firm_ids, np.asarray(firm_ids, dtype=np.int64))

    def with_plant_in(self, region_ids: list[int]) -> np.ndarray:
        """(n,) bool: the firm has a plant in one of these regions."""
        hit = np.isin(self.plant_region, np.asarray(region_ids, dtype=np.int64))
        counts = np.bincount(self.plant_firm[hit], minlength=len(self))
        return counts > 0


def firms_version() -> int:
    found = DataVersion.objects.filter(pk=1).values_list("firms_version", flat=True).first()
    return found or 1


def current_directory() -> FirmDirectory:
    """The directory now in force, read at most once per version in this process."""
    version = firms_version()
    with _lock:
        cached = _cache.get("directory")
        if cached is not None and cached.version == version:
            return cached
        loaded = load_directory(version)
        _cache["directory"] = loaded
        return loaded


def forget_directory() -> None:
    """Drop the per-process copy (tests that rewrite firms under the same version use it)."""
    with _lock:
        _cache.pop("directory", None)


def load_directory(version: int) -> FirmDirectory:
    """Read every firm and plant in bulk (COPY on PostgreSQL)."""
    firms = read_frame(
        f"SELECT id, industry_id, employees, country FROM {Firm._meta.db_table} ORDER BY id",
        columns=["id", "industry_id", "employees", "country"],
    )
    plants = read_frame(
        f"SELECT firm_id, region_id FROM {Plant._meta.db_table}",
        columns=["firm_id", "region_id"],
    )
    firm_ids = firms["id"].to_numpy(dtype=np.int64)
    country_codes, countries = pd.factorize(firms["country"].fillna("").astype(str), sort=True)
    plant_firm_ids = plants["firm_id"].to_numpy(dtype=np.int64)
    # A plant whose firm was written after the firms were read waits for the next version.
    kept = np.isin(plant_firm_ids, firm_ids)
    plant_firm = _rows_of(firm_ids, plant_firm_ids[kept])
    return FirmDirectory(
        version=version,
        firm_ids=firm_ids,
        industry_ids=firms["industry_id"].to_numpy(dtype=np.int64),
        employees=pd.to_numeric(firms["employees"], errors="coerce").to_numpy(dtype=np.float64),
        country=np.asarray(country_codes, dtype=np.int32),
        countries=tuple(str(c) for c in countries),
        plant_firm=plant_firm.astype(np.int64),
        plant_region=plants["region_id"].to_numpy(dtype=np.int64)[kept],
    )


def _rows_of(sorted_ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Positions of `wanted` ids in the ascending `sorted_ids`; ids not there are left out."""
    if sorted_ids.size == 0:
        return np.zeros(0, dtype=np.int64)
    rows = np.minimum(np.searchsorted(sorted_ids, wanted), sorted_ids.size - 1)
    return rows[sorted_ids[rows] == wanted].astype(np.int64)
