"""`manage.py export_scores OUT.csv`: one row per scored lead, safe against CSV injection."""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from screening.csv_safety import safe_cell
from screening.models import LeadScore

HEADER = [
    "external_id",
    "region_code",
    "local_fit",
    "chain_completion",
    "cluster_strength",
    "strengthen",
    "pull",
    "total",
    "computed_at",
]


class Command(BaseCommand):
    help = "Write every stored score to a CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = LeadScore.objects.order_by("lead__external_id").values_list(
            "lead__external_id",
            "lead__region__code",
            "local_fit",
            "chain_completion",
            "cluster_strength",
            "strengthen",
            "pull",
            "total",
            "computed_at",
        )
        count = 0
        with open(options["out"], "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            for ext, region, fit, chain, cluster, *parts, total, at in rows.iterator(
                chunk_size=5000
            ):
                # The parts are empty for a score computed before anchor pull existed.
                part_cells = ["" if v is None else f"{v:.4f}" for v in parts]
                writer.writerow(
                    [
                        safe_cell(ext),
                        safe_cell(region),
                        f"{fit:.4f}",
                        f"{chain:.4f}",
                        f"{cluster:.4f}",
                        *part_cells,
                        f"{total:.4f}",
                        at.isoformat(),
                    ]
                )
                count += 1
        self.stdout.write(f"Wrote {count} score(s) to {options['out']}.")
