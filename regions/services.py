"""Write services of the reference data: choosing the scoring baseline (region-data vintage)."""

from __future__ import annotations

from django.db import transaction

from regions.models import ScoringBaseline
from regions.vintages import Baseline, loaded_years, scoring_baseline
from screening import invalidation


class BaselineError(ValueError):
    """A baseline year that cannot be used; the message says why."""


@transaction.atomic
def set_scoring_baseline(*, year: int | None, note: str = "") -> Baseline:
    """Choose the baseline year (None = back to the latest year) and mark every score stale.

    Raises BaselineError for a year before every loaded vintage (nothing would be dated at or
    before it, so every score would rest on undated rows alone).
    """
    years = loaded_years()
    if year is not None and years and year < years[0]:
        raise BaselineError(
            f"no region data is dated {year} or earlier (vintages loaded: "
            f"{', '.join(map(str, years))})"
        )
    ScoringBaseline.objects.update_or_create(pk=1, defaults={"year": year, "note": note})
    invalidation.measures_changed()
    return scoring_baseline()
