"""Region-data vintages: which year the scores are computed from, and choosing it.

Region-industry rows carry a year (a vintage; 0 = undated). A lead is judged against the region
as it was when the decision was open, so the installation scores against one baseline year:
per region and industry, the latest row dated at or before it (an undated row counts as the
oldest). Without a chosen year the baseline is the latest year loaded. docs/data-format.md,
"Vintages". Reads only: choosing the baseline is regions.services.set_scoring_baseline.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max

from regions.models import UNDATED, RegionIndustry, ScoringBaseline


@dataclass(frozen=True)
class Baseline:
    """The vintage scores use: `year` (None = undated data only) and whether it was chosen
    (False: the latest year loaded, by default)."""

    year: int | None
    chosen: bool
    note: str = ""


def scoring_baseline() -> Baseline:
    """The baseline in force: the chosen year, else the latest year in the region data."""
    row = ScoringBaseline.objects.filter(pk=1).first()
    if row is not None and row.year:
        return Baseline(row.year, chosen=True, note=row.note)
    latest = RegionIndustry.objects.aggregate(latest=Max("year"))["latest"]
    return Baseline(latest or None, chosen=False)


def loaded_years() -> list[int]:
    """The dated vintages in the region data, oldest first."""
    years = RegionIndustry.objects.exclude(year=UNDATED).values_list("year", flat=True)
    return sorted(set(years))
