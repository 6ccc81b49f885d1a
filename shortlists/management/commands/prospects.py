"""`manage.py prospects REGION_CODE --out OUT.csv [--chain CODE] [--limit N]`: the region's best
prospects from the firm directory, as CSV (safe against CSV injection)."""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from regions.models import Industry, Region
from screening.csv_safety import safe_cell
from screening.selectors.prospects import MAX_LIMIT
from shortlists.prospecting import EXPORT_COLUMNS, ProspectRequest, export_row, prospect_list


class Command(BaseCommand):
    help = "Rank the firm directory for a region: who would fill its chain gaps, best first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("region_code", help="the region to rank firms for, e.g. SD-ZZ")
        parser.add_argument("--out", required=True, help="the CSV file to write")
        parser.add_argument(
            "--chain",
            metavar="CODE",
            help="only firms in this industry's chain (it, its sub-industries, direct "
            "suppliers and customers)",
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=100,
            help=f"how many firms (default 100, at most {MAX_LIMIT})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        region = Region.objects.filter(code=options["region_code"]).first()
        if region is None:
            raise CommandError(f"unknown region code {options['region_code']!r}")
        chain = None
        if options["chain"]:
            chain = Industry.objects.filter(code=options["chain"]).first()
            if chain is None:
                raise CommandError(f"unknown industry code {options['chain']!r} for --chain")
        if not 1 <= options["limit"] <= MAX_LIMIT:
            raise CommandError(f"--limit must be between 1 and {MAX_LIMIT}")
        found = prospect_list(ProspectRequest(region=region, chain=chain, limit=options["limit"]))
        with open(options["out"], "w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(EXPORT_COLUMNS)
            for prospect in found.prospects:
                row = export_row(found, prospect)
                writer.writerow([_cell(row[name]) for name in EXPORT_COLUMNS])
        self.stdout.write(
            f"Wrote {len(found.prospects)} of {found.matched} firm(s) for {region.code} "
            f"to {options['out']}."
        )


def _cell(value: object) -> str:
    return f"{value:.1f}" if isinstance(value, float) else safe_cell(value)
