"""`manage.py import_region_table PATH --layout long|wide ...`: region-industry rows from tables.

Reads a region x industry table (a yearbook's wide table, or a register's long table such as
County Business Patterns) and upserts RegionIndustry rows by (region, industry, --year; no
--year = undated), all or nothing. Blank and suppressed cells stay unknown (NULL), never
zero; with --missing unknown (the default) the pairs a long table leaves out are written as
unknown too, since CBP drops suppressed cells instead of marking them. Details and examples:
docs/real-data.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from regions.models import UNDATED, Industry, Region, RegionIndustry
from regions.statistics.region_tables import (
    MEASURES,
    SUPPRESSION_MARKERS,
    complete_pairs,
    read_long_table,
    read_wide_table,
)
from screening.invalidation import measures_changed

BATCH_SIZE = 2000
SOURCE_MAX_LENGTH = 200


@dataclass(frozen=True)
class RegionRowsSummary:
    written: int
    existing: int
    unknown: dict[str, int]
    skipped_regions: list[str]
    skipped_industries: list[str]


def _decimal(value: float) -> Decimal | None:
    return None if np.isnan(value) else Decimal(str(round(float(value), 2)))


def _whole(value: float) -> int | None:
    return None if np.isnan(value) else int(value)


_CONVERT = {"employment": _decimal, "output": _decimal, "firms": _whole}


def write_region_rows(
    *, frame: pd.DataFrame, measures: list[str], year: int | None, source: str, replace: bool
) -> int:
    """Upsert RegionIndustry rows (region, industry ids; measures); call inside a transaction.

    Rows are one vintage: `year` (None = undated). Only the given measures and source are set
    on existing rows of that vintage; other measures and other vintages stay. With `replace`
    the regions' other rows of the same vintage are deleted first. Marks the shared measures
    stale.
    """
    vintage = UNDATED if year is None else year
    if replace:
        RegionIndustry.objects.filter(
            region_id__in=frame["region"].unique().tolist(), year=vintage
        ).delete()
    records = frame[["region", "industry", *measures]].itertuples(index=False)
    batch: list[RegionIndustry] = []
    for record in records:
        values = {m: _CONVERT[m](v) for m, v in zip(measures, record[2:], strict=True)}
        batch.append(
            RegionIndustry(
                region_id=record[0], industry_id=record[1], year=vintage, source=source, **values
            )
        )
        if len(batch) == BATCH_SIZE:
            _upsert(batch, measures)
            batch = []
    _upsert(batch, measures)
    measures_changed()
    return len(frame)


def _upsert(batch: list[RegionIndustry], measures: list[str]) -> None:
    if batch:
        RegionIndustry.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["region", "industry", "year"],
            update_fields=[*measures, "source"],
        )


class Command(BaseCommand):
    help = (
        "Upsert region-industry rows from a region x industry statistics table (long or wide). "
        "Blank and suppressed cells stay unknown, never zero."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=".csv / .csv.gz / .txt (UTF-8 or GB18030) or .xlsx")
        parser.add_argument("--layout", required=True, choices=["long", "wide"])
        parser.add_argument("--region-column", required=True, help="column with region codes")
        parser.add_argument("--industry-column", help="long: column with industry codes")
        for measure in MEASURES:
            parser.add_argument(f"--{measure}-column", help=f"long: column with {measure}")
        parser.add_argument(
            "--measure", choices=MEASURES, default="employment", help="wide: what the cells hold"
        )
        parser.add_argument(
            "--industries-in-rows",
            action="store_true",
            help="wide: industries are rows and regions are columns",
        )
        parser.add_argument(
            "--flag-column", help="long: a non-blank cell here makes employment unknown"
        )
        parser.add_argument("--markers", default="", help="extra suppression markers, comma-sep.")
        parser.add_argument(
            "--missing",
            choices=["unknown", "zero"],
            default="unknown",
            help="long: a (region, industry) pair the file leaves out is unknown (default, "
            "as in CBP) or zero (no row written)",
        )
        parser.add_argument("--region-key", choices=["code", "name"], default="code")
        parser.add_argument("--industry-key", choices=["code", "name"], default="code")
        parser.add_argument(
            "--skip-unknown",
            action="store_true",
            help="ignore regions / industries not in the database (default: error)",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete the regions' rows of the same --year first (other vintages stay)",
        )
        parser.add_argument(
            "--year", type=int, help="the vintage these figures describe (default: undated)"
        )
        parser.add_argument("--source", help="stored on every row (default: the file name)")
        parser.add_argument("--sheet", help=".xlsx sheet name (default: the first)")
        parser.add_argument("--skip-rows", type=int, default=0, help="title lines above the header")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        frame, measures = self.read(path, options)
        frame, skipped = self.match_codes(frame, options)
        if options["missing"] == "unknown" and options["layout"] == "long":
            frame = complete_pairs(frame)
        self.check_firms(frame, measures, path)
        unknown = {m: int(frame[m].isna().sum()) for m in measures}
        if options["dry_run"]:
            self.stdout.write(f"Dry run: {len(frame)} rows, unknown cells {unknown}.")
            return
        source = (options["source"] or path.name)[:SOURCE_MAX_LENGTH]
        with transaction.atomic():
            written = write_region_rows(
                frame=frame,
                measures=measures,
                year=options["year"],
                source=source,
                replace=options["replace"],
            )
        self.stdout.write(
            f"Wrote {written} region-industry rows from {path.name} ({', '.join(measures)}); "
            f"unknown cells: {unknown}. Shared measures marked for recompute."
        )
        for kind, codes in skipped.items():
            if codes:
                self.stdout.write(f"Skipped {len(codes)} unknown {kind}: {', '.join(codes[:20])}")

    def read(self, path: Path, options: dict[str, Any]) -> tuple[pd.DataFrame, list[str]]:
        markers = SUPPRESSION_MARKERS | {m.strip() for m in options["markers"].split(",") if m}
        common = {"markers": markers, "sheet": options["sheet"], "skip_rows": options["skip_rows"]}
        try:
            if options["layout"] == "wide":
                frame = read_wide_table(
                    path,
                    region_column=options["region_column"],
                    measure=options["measure"],
                    industries_in_rows=options["industries_in_rows"],
                    **common,
                )
                return frame, [options["measure"]]
            columns = {m: options[f"{m}_column"] for m in MEASURES if options[f"{m}_column"]}
            if not options["industry_column"] or not columns:
                raise CommandError(
                    "--layout long needs --industry-column and at least one of "
                    "--employment-column, --firms-column, --output-column"
                )
            frame = read_long_table(
                path,
                region_column=options["region_column"],
                industry_column=options["industry_column"],
                measure_columns=columns,
                flag_column=options["flag_column"],
                **common,
            )
            return frame, list(columns)
        except (ValueError, OSError) as error:
            raise CommandError(str(error)) from error

    def match_codes(
        self, frame: pd.DataFrame, options: dict[str, Any]
    ) -> tuple[pd.DataFrame, dict[str, list[str]]]:
        """Region and industry ids by code (or name); unknown ones are an error or skipped."""
        regions = _lookup(Region, options["region_key"])
        industries = _lookup(Industry, options["industry_key"])
        frame = frame.assign(
            region_id=frame["region"].map(regions), industry_id=frame["industry"].map(industries)
        )
        skipped = {
            "regions": sorted(set(frame.loc[frame["region_id"].isna(), "region"])),
            "industries": sorted(set(frame.loc[frame["industry_id"].isna(), "industry"])),
        }
        if any(skipped.values()) and not options["skip_unknown"]:
            listed = "; ".join(f"{k}: {', '.join(v[:20])}" for k, v in skipped.items() if v)
            raise CommandError(f"not in the database ({listed}); add them or use --skip-unknown")
        frame = frame.dropna(subset=["region_id", "industry_id"])
        ids = {"region": frame["region_id"], "industry": frame["industry_id"]}
        frame = frame.drop(columns=["region_id", "industry_id"]).assign(**ids)
        return frame.astype({"region": np.int64, "industry": np.int64}), skipped

    def check_firms(self, frame: pd.DataFrame, measures: list[str], path: Path) -> None:
        if "firms" not in measures:
            return
        firms = frame["firms"].dropna()
        if (firms != np.floor(firms)).any():
            raise CommandError(f"{path}: firm counts must be whole numbers")


def _lookup(model: type[Region] | type[Industry], key: str) -> dict[str, int]:
    """Code (or name, and English name) -> primary key."""
    if key == "code":
        return dict(model.objects.values_list("code", "pk"))
    pairs = list(model.objects.values_list("name_en", "pk")) + list(
        model.objects.values_list("name", "pk")
    )
    return {name.strip(): pk for name, pk in pairs if name}
