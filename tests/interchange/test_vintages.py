"""Region-data vintages: region_industries rows keyed by year, the scoring baseline, and the
World reading the latest row at or before the baseline year."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from projects.interchange.export import export_bundle
from projects.interchange.importer import import_bundle
from regions.models import RegionIndustry
from regions.services import BaselineError, set_scoring_baseline
from regions.vintages import scoring_baseline
from screening.models import DataVersion
from screening.world import current_world, forget_world
from tests.interchange.bundles import copy_tables, write_bundle

pytestmark = pytest.mark.django_db

HEADER = ["region_code", "industry_code", "employment", "output", "firms", "year", "source"]


def with_rows(tmp_path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    tables = copy_tables()
    tables["region_industries"] = [header, *rows]
    return write_bundle(tmp_path / "bundle", tables)


def vintage_rows(tmp_path: Path) -> Path:
    return with_rows(
        tmp_path,
        [
            ["SD-JN", "NEV-ASM", "100", "", "", "2015", "old"],
            ["SD-JN", "NEV-ASM", "12000", "", "", "2023", "new"],
            ["SD-JN", "NEV-BAT", "50", "", "", "", "undated"],
            ["SD-QD", "NEV-BAT", "0", "", "", "2015", ""],
            ["SD-QD", "NEV-BAT", "900", "", "", "2023", ""],
        ],
    )


def employment(code: str, industry: str) -> float:
    world = current_world().world
    inputs = world.inputs
    return float(
        inputs.size[inputs.region_codes.index(code), inputs.industry_codes.index(industry)]
    )


def test_one_pair_may_have_one_row_per_year(tmp_path: Path) -> None:
    report = import_bundle(vintage_rows(tmp_path), dry_run=False)
    assert report.ok, report.as_text()
    years = sorted(RegionIndustry.objects.values_list("year", flat=True))
    assert years == [0, 2015, 2015, 2023, 2023]  # undated is stored as 0


def test_the_same_pair_twice_in_one_year_is_a_duplicate(tmp_path: Path) -> None:
    source = with_rows(
        tmp_path,
        [
            ["SD-JN", "NEV-ASM", "1", "", "", "2015", ""],
            ["SD-JN", "NEV-ASM", "2", "", "", "2015", ""],
            ["SD-QD", "NEV-BAT", "1", "", "", "", ""],
            ["SD-QD", "NEV-BAT", "2", "", "", "", ""],
        ],
    )
    report = import_bundle(source, dry_run=False)
    assert not report.ok
    found = {(p.row, p.reason) for p in report.errors}
    assert found == {(3, "duplicate of row 2"), (5, "duplicate of row 4")}


def test_vintages_round_trip_with_undated_rows_as_empty_cells(tmp_path: Path) -> None:
    assert import_bundle(vintage_rows(tmp_path), dry_run=False).ok
    export_bundle(tmp_path / "out")
    with (tmp_path / "out" / "region_industries.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert ["SD-JN", "NEV-BAT", "50", "", "", "", "undated"] in rows
    assert ["SD-JN", "NEV-ASM", "100", "", "", "2015", "old"] in rows

    again = import_bundle(tmp_path / "out", dry_run=False)
    assert again.ok and not again.counts["region_industries"].changed


def test_a_file_without_years_updates_the_undated_rows(tmp_path: Path) -> None:
    assert import_bundle(vintage_rows(tmp_path), dry_run=False).ok
    source = with_rows(
        tmp_path / "second",
        [["SD-JN", "NEV-BAT", "60"]],
        header=["region_code", "industry_code", "employment"],
    )
    report = import_bundle(source, dry_run=False)
    assert report.ok, report.as_text()
    assert report.counts["region_industries"].updated == 1
    row = RegionIndustry.objects.get(region__code="SD-JN", industry__code="NEV-BAT")
    assert row.employment == 60


def test_scores_read_the_latest_vintage_by_default(tmp_path: Path) -> None:
    assert import_bundle(vintage_rows(tmp_path), dry_run=False).ok
    forget_world()
    assert scoring_baseline().year == 2023 and not scoring_baseline().chosen
    assert employment("SD-JN", "NEV-ASM") == 12000
    assert employment("SD-JN", "NEV-BAT") == 50  # undated: used whatever the baseline
    assert current_world().world.inputs.baseline_year == 2023


def test_a_chosen_baseline_reads_each_cell_as_it_was_then(tmp_path: Path) -> None:
    assert import_bundle(vintage_rows(tmp_path), dry_run=False).ok
    version = DataVersion.objects.get(pk=1).measures_version

    baseline = set_scoring_baseline(year=2019, note="decision year")

    assert (baseline.year, baseline.chosen, baseline.note) == (2019, True, "decision year")
    assert DataVersion.objects.get(pk=1).measures_version == version + 1
    assert employment("SD-JN", "NEV-ASM") == 100  # 2015, the latest at or before 2019
    assert employment("SD-QD", "NEV-BAT") == 0
    assert employment("SD-JN", "NEV-BAT") == 50


def test_a_baseline_before_every_vintage_is_refused(tmp_path: Path) -> None:
    assert import_bundle(vintage_rows(tmp_path), dry_run=False).ok
    with pytest.raises(BaselineError, match="no region data is dated 2010 or earlier"):
        set_scoring_baseline(year=2010)


def test_the_command_sets_and_resets_the_baseline(tmp_path: Path) -> None:
    assert import_bundle(vintage_rows(tmp_path), dry_run=False).ok
    out = io.StringIO()
    call_command("set_baseline", "2015", stdout=out)
    assert "as of 2015 (chosen); vintages loaded: 2015, 2023" in out.getvalue()
    call_command("set_baseline", "latest", stdout=out)
    assert scoring_baseline().year == 2023 and not scoring_baseline().chosen
    with pytest.raises(CommandError, match="a year such as 2019"):
        call_command("set_baseline", "soon", stdout=out)
