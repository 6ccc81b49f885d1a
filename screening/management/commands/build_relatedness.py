"""`manage.py build_relatedness REGION_INDUSTRIES.csv --out industry_relatedness.csv
[--concordance CONCORDANCE.csv] [--min-regions N] [--source TEXT]`: a reference industry space.

Reads any number of regions in the interchange region_industries format (streamed), maps the
industries onto the agency's classification through the concordance (sizes aggregated first),
and writes proximity phi for every related pair in the industry_relatedness.csv format. The
file is then imported like any other table (`import_data`). Method: docs/scoring.md.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from screening.scoring import (
    MIN_REGIONS_FOR_ESTIMATED_PROXIMITY,
    RelatednessError,
    apply_concordance,
    proximity_pairs,
    read_concordance,
    read_size_table,
    reference_space,
    write_pairs,
)


class Command(BaseCommand):
    help = (
        "Estimate proximity phi from a large region_industries table (region_code, "
        "industry_code, employment) and write industry_relatedness.csv."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", help="region_industries CSV (any number of regions)")
        parser.add_argument("--out", required=True, help="industry_relatedness.csv to write")
        parser.add_argument(
            "--concordance",
            help="CSV source_code,target_code,weight mapping the input's industry codes onto "
            "the agency's (weight = share of the source code's size in the target code)",
        )
        parser.add_argument(
            "--min-regions",
            type=int,
            default=MIN_REGIONS_FOR_ESTIMATED_PROXIMITY,
            help="refuse an input with fewer regions (default %(default)s; see docs/scoring.md)",
        )
        parser.add_argument("--threshold", type=float, default=1.0, help="RCA presence cut-off")
        parser.add_argument(
            "--source", help="the source column's text (default: input name and region count)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            table = read_size_table(options["input"])
            if options["concordance"]:
                table = apply_concordance(table, read_concordance(options["concordance"]))
            space = reference_space(
                table, threshold=options["threshold"], min_regions=options["min_regions"]
            )
        except (RelatednessError, OSError) as error:
            raise CommandError(str(error)) from error
        source = options["source"] or _default_source(options, space.n_regions)
        pairs = proximity_pairs(space, source)
        write_pairs(pairs, options["out"])
        for note in space.notes:
            self.stderr.write(f"note: {note}")
        self.stdout.write(
            f"Wrote {len(pairs):,} related pairs of {len(space.industries):,} industries "
            f"(phi from {space.n_regions:,} regions) to {options['out']} in "
            f"{time.perf_counter() - started:.1f} s."
        )


def _default_source(options: dict[str, Any], n_regions: int) -> str:
    text = f"{Path(options['input']).name}, {n_regions} regions"
    if options["concordance"]:
        text += f", via concordance {Path(options['concordance']).name}"
    return text
