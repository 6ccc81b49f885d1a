"""Export → import into an empty database → export gives the same files; formulas are
neutralised on the way out and restored on the way in; unknown stays unknown, zero stays zero."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from projects.interchange.export import export_bundle
from projects.interchange.importer import import_bundle
from projects.interchange.lead_format import BUNDLE_TABLES as TABLES
from projects.models import Lead
from regions.interchange.cells import neutralise, unneutralise
from regions.interchange.report import ImportReport
from regions.models import Endowment, RegionIndustry
from tests.interchange.bundles import (
    copy_tables,
    counts,
    empty_database,
    workbook_values,
    write_workbook,
)

pytestmark = pytest.mark.django_db


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def reimport(source: Path) -> None:
    empty_database()
    report = import_bundle(source, dry_run=False)
    assert report.ok, report.as_text()


def test_csv_export_import_export_is_byte_identical(tmp_path: Path, imported: ImportReport) -> None:
    first = tmp_path / "first"
    export_bundle(first)
    stored = counts()

    reimport(first)
    second = tmp_path / "second"
    export_bundle(second)

    assert counts() == stored
    names = sorted(path.name for path in first.iterdir())
    assert names == sorted(table.filename for table in TABLES.values())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_xlsx_export_import_export_keeps_every_cell(tmp_path: Path, imported: ImportReport) -> None:
    first = tmp_path / "first.xlsx"
    export_bundle(first)
    stored = counts()

    reimport(first)
    second = tmp_path / "second.xlsx"
    export_bundle(second)

    assert counts() == stored
    before, after = workbook_values(first), workbook_values(second)
    assert list(before) == list(TABLES)
    for sheet in before:
        assert before[sheet] == after[sheet], sheet
    assert len(before["leads"]) == 4


def test_xlsx_and_csv_exports_hold_the_same_data(tmp_path: Path, imported: ImportReport) -> None:
    export_bundle(tmp_path / "book.xlsx")
    reimport(tmp_path / "book.xlsx")
    export_bundle(tmp_path / "from_xlsx")
    empty_database()

    reimport(tmp_path / "from_xlsx")

    assert import_bundle(tmp_path / "book.xlsx", dry_run=True).counts["leads"].unchanged == 3


def test_export_orders_rows_by_business_key(tmp_path: Path, imported: ImportReport) -> None:
    export_bundle(tmp_path)

    assert [row[0] for row in read_rows(tmp_path / "regions.csv")[1:]] == ["SD", "SD-JN", "SD-QD"]
    assert [row[:2] for row in read_rows(tmp_path / "endowments.csv")[1:]] == [
        ["SD-JN", "industrial_land_ha"],
        ["SD-JN", "port"],
        ["SD-QD", "port"],
    ]
    assert (tmp_path / "regions.csv").read_bytes().startswith(b"\xef\xbb\xbfcode,name,")


def test_formula_cells_are_neutralised_in_the_export(
    tmp_path: Path, imported: ImportReport
) -> None:
    export_bundle(tmp_path)
    companies = {row[0]: row[1] for row in read_rows(tmp_path / "leads.csv")[1:]}

    assert companies == {"L1": '\'=HYPERLINK("http://x")', "L2": "'-abc 科技", "L3": "'@home +1"}
    assert Lead.objects.get(external_id="L2").company == "-abc 科技"


def test_neutralised_text_comes_back_exactly(tmp_path: Path, imported: ImportReport) -> None:
    tricky = ["=1+1", "+86 531", "-abc", "@sum", "\tTab", "'=quoted already", "'plain", "''=x"]
    l1 = Lead.objects.get(external_id="L1")
    for index, text in enumerate(tricky):
        Lead.objects.create(
            external_id=f"T{index}", company=text, industry=l1.industry, region=l1.region
        )
    export_bundle(tmp_path / "out")

    reimport(tmp_path / "out")

    stored = dict(
        Lead.objects.filter(external_id__startswith="T").values_list("external_id", "company")
    )
    assert [stored[f"T{i}"] for i in range(len(tricky))] == tricky


@pytest.mark.parametrize("text", ["=x", "-1", "'=x", "''+x", "'a", "a=b", "", "\r"])
def test_unneutralise_undoes_neutralise(text: str) -> None:
    assert unneutralise(neutralise(text)) == text


def test_unknown_and_zero_stay_apart(tmp_path: Path, imported: ImportReport) -> None:
    qingdao = RegionIndustry.objects.get(region__code="SD-QD")
    assert (qingdao.employment, qingdao.output, qingdao.firms) == (Decimal(0), None, None)
    assert Endowment.objects.get(region__code="SD-JN", factor="industrial_land_ha").value is None
    assert Endowment.objects.get(region__code="SD-JN", factor="port").value == 0
    l2, l3 = Lead.objects.filter(external_id__in=["L2", "L3"]).order_by("external_id")
    assert (l2.capex, l2.jobs, l2.land_ha, l2.received_on) == (None, None, None, None)
    assert (l3.capex, l3.jobs, l3.land_ha) == (Decimal(0), 0, Decimal(0))

    export_bundle(tmp_path)

    rows = read_rows(tmp_path / "region_industries.csv")
    assert rows[2] == ["SD-QD", "NEV-BAT", "0", "", "", "2023", ""]
    leads = {row[0]: row for row in read_rows(tmp_path / "leads.csv")[1:]}
    assert leads["L2"][4:8] == ["", "CNY", "", ""]
    assert leads["L3"][4:8] == ["0", "USD", "0", "0"]


def test_numbers_are_written_without_trailing_zeros(tmp_path: Path, imported: ImportReport) -> None:
    export_bundle(tmp_path)

    leads = {row[0]: row for row in read_rows(tmp_path / "leads.csv")[1:]}
    assert leads["L1"][4] == "12.5"  # imported as 12.50
    assert leads["L1"][7] == "3.25"
    ri = read_rows(tmp_path / "region_industries.csv")[1]
    assert ri[2:4] == ["12000", "3500000.5"]
    assert read_rows(tmp_path / "industry_links.csv")[1][2] == "0.8"


def test_the_export_command_writes_every_table(tmp_path: Path, imported: ImportReport) -> None:
    out = io.StringIO()
    call_command("export_data", str(tmp_path / "cmd"), stdout=out)

    assert sorted(p.stem for p in (tmp_path / "cmd").iterdir()) == sorted(TABLES)
    assert "leads" in out.getvalue()


def test_an_empty_database_exports_headers_only(tmp_path: Path) -> None:
    export_bundle(tmp_path)

    assert read_rows(tmp_path / "leads.csv") == [TABLES["leads"].column_names]
    report = import_bundle(tmp_path, dry_run=False)
    assert report.ok and all(c.changed == 0 for c in report.counts.values())


def test_it_reads_typed_workbook_cells_like_csv_text(tmp_path: Path) -> None:
    tables = copy_tables()
    book = write_workbook(
        tmp_path / "typed.xlsx", {k: v for k, v in tables.items() if k != "leads"}
    )
    workbook = openpyxl.load_workbook(book)
    sheet = workbook.create_sheet("leads")
    sheet.append(tables["leads"][0])
    typed: list[object] = list(tables["leads"][1])
    typed[1] = "ACME"  # openpyxl would store "=…" as a formula
    typed[4], typed[6], typed[7] = 12.5, 120, 3.25  # numbers as number cells
    typed[12] = dt.datetime(2026, 1, 15)  # noqa: DTZ001 (Excel date cells have no zone)
    sheet.append(typed)
    workbook.save(book)

    with book.open("rb") as upload:  # as the upload page passes it
        report = import_bundle(upload, dry_run=False)

    assert report.ok, report.as_text()
    lead = Lead.objects.get(external_id="L1")
    assert (lead.capex, lead.jobs, lead.land_ha) == (Decimal("12.5"), 120, Decimal("3.25"))
    assert lead.received_on == dt.date(2026, 1, 15)
