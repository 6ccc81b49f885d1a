"""`manage.py set_baseline YEAR|latest [--note TEXT]`: the region-data vintage scores use."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from regions.services import BaselineError, set_scoring_baseline
from regions.vintages import loaded_years


class Command(BaseCommand):
    help = (
        "Choose the vintage of region data every score uses: per region and industry, the "
        "latest row dated at or before YEAR ('latest': the latest year loaded). Marks every "
        "score stale."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", help="a year such as 2019, or 'latest'")
        parser.add_argument("--note", default="", help="why this baseline (shown with it)")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = options["year"].strip().lower()
        if raw != "latest" and not raw.isdigit():
            raise CommandError(f"year must be a year such as 2019 or 'latest', got {raw!r}")
        try:
            baseline = set_scoring_baseline(
                year=None if raw == "latest" else int(raw), note=options["note"]
            )
        except BaselineError as error:
            raise CommandError(str(error)) from error
        vintages = ", ".join(map(str, loaded_years())) or "none dated"
        how = "chosen" if baseline.chosen else "latest loaded"
        self.stdout.write(
            f"Scores use region data as of {baseline.year or 'undated'} ({how}); vintages "
            f"loaded: {vintages}. Every score is marked for recompute."
        )
