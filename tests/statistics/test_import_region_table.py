"""`import_region_table`: region-industry rows from CBP-like and yearbook-like files."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from regions.models import RegionIndustry
from screening.models import DataVersion
from tests.factories import IndustryFactory, RegionFactory, RegionIndustryFactory

pytestmark = pytest.mark.django_db

CBP_OPTIONS = [
    "--layout",
    "long",
    "--region-column",
    "cbsa_code",
    "--industry-column",
    "naics_code",
    "--employment-column",
    "EMP",
    "--firms-column",
    "ESTAB",
    "--flag-column",
    "EMP_NF",
    "--year",
    "2019",
    "--source",
    "CBP 2019",
]


@pytest.fixture
def us_world() -> None:
    for code in ["10000", "20000"]:
        RegionFactory(code=code)
    for code in ["336111", "335911", "334413", "336390"]:
        IndustryFactory(code=code)


def _rows(year: int = 2019) -> dict[tuple[str, str], dict[str, Any]]:
    """The rows of one vintage (the fixture's --year by default)."""
    values = RegionIndustry.objects.filter(year=year).values(
        "region__code", "industry__code", "employment", "firms", "output", "year", "source"
    )
    return {
        (v["region__code"], v["industry__code"]): {
            k: x for k, x in v.items() if k not in ("region__code", "industry__code")
        }
        for v in values
    }


def _version() -> int:
    row = DataVersion.objects.filter(pk=1).first()
    return row.measures_version if row else 1


def _run(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_region_table", str(path), *args, stdout=out)
    return out.getvalue()


def test_it_writes_cbp_cells_with_suppressed_ones_unknown(us_world: None, fixtures: Path) -> None:
    before = _version()

    _run(fixtures / "cbp_like.csv", *CBP_OPTIONS)

    rows = _rows()
    assert len(rows) == 8  # 6 in the file + the 2 pairs CBP left out, as unknown
    assert rows["10000", "336111"]["employment"] == Decimal("1200")
    assert rows["10000", "336111"]["firms"] == 12
    assert rows["10000", "335911"]["employment"] is None  # D
    assert rows["10000", "335911"]["firms"] == 4
    assert rows["10000", "336390"]["employment"] is None  # flagged
    assert rows["20000", "335911"] == {
        "employment": None,
        "firms": None,
        "output": None,
        "year": 2019,
        "source": "CBP 2019",
    }
    assert _version() == before + 1


def test_it_writes_no_row_for_a_left_out_pair_when_missing_means_zero(
    us_world: None, fixtures: Path
) -> None:
    _run(fixtures / "cbp_like.csv", *CBP_OPTIONS, "--missing", "zero")

    assert len(_rows()) == 6
    assert ("20000", "335911") not in _rows()


def test_it_updates_only_the_measures_it_reads(us_world: None, fixtures: Path) -> None:
    RegionIndustryFactory(
        region=RegionFactory(code="10000"),
        industry=IndustryFactory(code="336111"),
        employment=5,
        output=Decimal("777.00"),
        year=2019,
    )

    _run(fixtures / "cbp_like.csv", *CBP_OPTIONS)

    row = _rows()["10000", "336111"]
    assert row["employment"] == Decimal("1200")
    assert row["output"] == Decimal("777.00")


def test_it_writes_a_new_vintage_next_to_the_others(us_world: None, fixtures: Path) -> None:
    RegionIndustryFactory(
        region=RegionFactory(code="10000"), industry=IndustryFactory(code="336111"), year=2017
    )

    _run(fixtures / "cbp_like.csv", *CBP_OPTIONS, "--replace")

    assert _rows(2017)["10000", "336111"]["employment"] == Decimal("1000")
    assert _rows(2019)["10000", "336111"]["employment"] == Decimal("1200")


def test_it_replaces_a_regions_rows_when_asked(us_world: None, fixtures: Path) -> None:
    IndustryFactory(code="999999")
    RegionIndustryFactory(
        region=RegionFactory(code="10000"), industry=IndustryFactory(code="999999"), year=2019
    )

    _run(fixtures / "cbp_like.csv", *CBP_OPTIONS, "--replace")

    assert ("10000", "999999") not in _rows()


def test_it_writes_nothing_when_a_region_is_unknown(fixtures: Path) -> None:
    RegionFactory(code="10000")
    for code in ["336111", "335911", "334413", "336390"]:
        IndustryFactory(code=code)

    with pytest.raises(CommandError, match="regions: 20000"):
        _run(fixtures / "cbp_like.csv", *CBP_OPTIONS)

    assert RegionIndustry.objects.count() == 0


def test_it_skips_unknown_codes_when_asked(fixtures: Path) -> None:
    RegionFactory(code="10000")
    for code in ["336111", "335911", "334413", "336390"]:
        IndustryFactory(code=code)

    out = _run(fixtures / "cbp_like.csv", *CBP_OPTIONS, "--skip-unknown")

    assert {region for region, _ in _rows()} == {"10000"}
    assert "Skipped 1 unknown regions: 20000" in out


def test_it_reads_a_wide_yearbook_table_by_region_name(fixtures: Path) -> None:
    RegionFactory(code="SD-JN", name="济南市")
    RegionFactory(code="SD-QD", name="青岛市")
    IndustryFactory(code="B")
    IndustryFactory(code="C")

    out = _run(
        fixtures / "yearbook_wide.csv",
        "--layout",
        "wide",
        "--region-column",
        "地区",
        "--region-key",
        "name",
        "--skip-unknown",
    )

    rows = _rows(year=0)  # no --year: undated
    assert rows["SD-JN", "B"]["employment"] == Decimal("1500")
    assert rows["SD-JN", "C"]["employment"] is None  # —
    assert rows["SD-QD", "B"]["employment"] is None  # …
    assert rows["SD-QD", "C"]["employment"] == Decimal("320.5")
    assert rows["SD-JN", "B"]["source"] == "yearbook_wide.csv"
    assert "Skipped 1 unknown industries: 合计" in out


def test_it_rejects_a_cell_that_is_not_a_number(us_world: None, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("cbsa_code,naics_code,EMP,ESTAB,EMP_NF\n10000,336111,12x,1,\n")

    with pytest.raises(CommandError, match="'12x'"):
        _run(path, *CBP_OPTIONS)

    assert RegionIndustry.objects.count() == 0


def test_it_rejects_fractional_firm_counts(us_world: None, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("cbsa_code,naics_code,EMP,ESTAB,EMP_NF\n10000,336111,12,1.5,\n")

    with pytest.raises(CommandError, match="whole numbers"):
        _run(path, *CBP_OPTIONS)


def test_it_needs_a_measure_column_for_a_long_table(us_world: None, fixtures: Path) -> None:
    with pytest.raises(CommandError, match="--employment-column"):
        _run(
            fixtures / "cbp_like.csv",
            "--layout",
            "long",
            "--region-column",
            "cbsa_code",
            "--industry-column",
            "naics_code",
        )


def test_it_writes_nothing_on_a_dry_run(us_world: None, fixtures: Path) -> None:
    out = _run(fixtures / "cbp_like.csv", *CBP_OPTIONS, "--dry-run")

    assert RegionIndustry.objects.count() == 0
    assert "Dry run: 8 rows" in out
