"""Bad input: every problem is reported with file, row, column, value and reason; nothing is
written (row counts before == after)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from projects.interchange.importer import import_bundle
from regions.interchange.readers import GBK_WARNING
from regions.interchange.report import ImportReport
from regions.models import Region
from tests.interchange.bundles import (
    BASE,
    copy_tables,
    counts,
    write_bundle,
    write_csv,
    write_workbook,
)

pytestmark = pytest.mark.django_db


def reject(source: Path) -> ImportReport:
    """Import that must fail and leave every table as it was."""
    before = counts()
    report = import_bundle(source, dry_run=False)
    assert not report.ok
    assert counts() == before
    return report


def problem(report: ImportReport, file: str, row: int | None, column: str) -> tuple[str, str]:
    """(value, reason) of the one problem at this place."""
    found = [p for p in report.errors if (p.file, p.row, p.column) == (file, row, column)]
    assert len(found) == 1, report.as_text()
    return found[0].value, found[0].reason


def edited(tmp_path: Path, table: str, row: int, column: str, value: str) -> Path:
    """BASE with one cell changed (row counted as in a spreadsheet: header = 1)."""
    tables = copy_tables()
    header = tables[table][0]
    tables[table][row - 1][header.index(column)] = value
    return write_bundle(tmp_path / "bundle", tables)


def test_it_reports_unknown_codes_in_every_file(tmp_path: Path) -> None:
    tables = copy_tables()
    tables["leads"][1][3] = "SD-XX"  # region_code
    tables["leads"][3][9] = "NEV-ASM;NOPE"  # input_codes
    tables["anchor_firms"][1][1] = "JN-NONE"  # cluster_code
    tables["region_industries"][1][1] = "NEV-XX"  # industry_code
    report = reject(write_bundle(tmp_path / "b", tables))

    value, reason = problem(report, "leads.csv", 2, "region_code")
    assert value == "SD-XX"
    assert reason == "unknown region code (not in the database or in regions.csv)"
    assert problem(report, "leads.csv", 4, "input_codes")[0] == "NOPE"
    assert problem(report, "region_industries.csv", 2, "industry_code")[1].startswith(
        "unknown industry code"
    )
    assert (
        "unknown cluster of region SD-JN"
        in problem(report, "anchor_firms.csv", 2, "cluster_code")[1]
    )
    assert report.error_count == 4


def test_it_accepts_codes_already_in_the_database(tmp_path: Path, imported: ImportReport) -> None:
    only_leads = write_bundle(tmp_path / "leads_only", only=["leads"])

    report = import_bundle(only_leads, dry_run=False)

    assert report.ok, report.as_text()
    assert report.counts["leads"].unchanged == 3


def test_it_reports_duplicate_keys_with_the_first_row(tmp_path: Path) -> None:
    tables = copy_tables()
    tables["regions"].append(["SD-JN", "又一个", "", "city", "SD"])
    tables["leads"].append(list(tables["leads"][2]))
    report = reject(write_bundle(tmp_path / "b", tables))

    assert problem(report, "regions.csv", 5, "code") == ("SD-JN", "duplicate of row 2")
    assert problem(report, "leads.csv", 5, "external_id") == ("L2", "duplicate of row 3")


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("capex", "-5", "must not be negative"),
        ("capex", "12,5", "not a number"),
        ("capex", "abc", "not a number"),
        ("capex", "NaN", "not a number"),
        ("capex", "1.234", "too many decimal places: at most 2"),
        ("capex", "1" * 15, "too large: at most 14 digits before the decimal point"),
        ("jobs", "1.5", "must be a whole number"),
        ("jobs", "-1", "must not be negative"),
        ("received_on", "2026-02-30", "not a valid date (expected YYYY-MM-DD, e.g. 2026-01-15)"),
        ("received_on", "15/01/2026", "not a valid date (expected YYYY-MM-DD, e.g. 2026-01-15)"),
        (
            "stage",
            "won",
            "not one of: lead, contact, negotiation, signed, registered, construction, production",
        ),
        ("company", "", "a value is required"),
    ],
)
def test_it_rejects_bad_lead_cells(tmp_path: Path, column: str, value: str, reason: str) -> None:
    report = reject(edited(tmp_path, "leads", 3, column, value))

    assert problem(report, "leads.csv", 3, column) == (value, reason)
    assert report.error_count == 1


def test_it_rejects_a_negative_weight_and_a_wrong_level(tmp_path: Path) -> None:
    tables = copy_tables()
    tables["industry_links"][1][2] = "-0.5"
    tables["regions"][1][3] = "town"
    report = reject(write_bundle(tmp_path / "b", tables))

    assert problem(report, "industry_links.csv", 2, "weight")[1] == "must not be negative"
    assert problem(report, "regions.csv", 2, "level") == (
        "town",
        "not one of: province, city, county, zone",
    )


def test_it_lists_every_problem_not_only_the_first(tmp_path: Path) -> None:
    tables = copy_tables()
    for row in tables["leads"][1:]:
        row[4] = "-1"  # capex
        row[6] = "x"  # jobs
    tables["endowments"][1][2] = "lots"
    report = reject(write_bundle(tmp_path / "b", tables))

    assert report.error_count == 7
    assert {(p.file, p.row, p.column) for p in report.errors} == {
        ("leads.csv", row, column) for row in (2, 3, 4) for column in ("capex", "jobs")
    } | {("endowments.csv", 2, "value")}


def test_it_writes_nothing_if_only_the_last_file_is_bad(tmp_path: Path) -> None:
    report = reject(edited(tmp_path, "leads", 4, "status", "maybe"))

    assert report.counts["regions"].created == 3  # counted, but rolled back
    assert not Region.objects.exists()


def test_it_reads_a_gbk_file_with_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "gbk"
    folder.mkdir()
    write_csv(folder / "regions.csv", BASE["regions"], encoding="gbk")

    report = import_bundle(folder, dry_run=False)

    assert report.ok, report.as_text()
    assert [(w.file, w.reason) for w in report.warnings] == [("regions.csv", GBK_WARNING)]
    assert "decoded as GBK/GB18030" in GBK_WARNING
    assert Region.objects.get(code="SD-JN").name == "济南市"


def test_it_rejects_text_that_is_neither_utf8_nor_gbk(tmp_path: Path) -> None:
    folder = tmp_path / "binary"
    folder.mkdir()
    (folder / "regions.csv").write_bytes(b"code,name\n\xff\xfe\x80\x80\n")
    report = reject(folder)

    _value, reason = problem(report, "regions.csv", None, "")
    assert reason.startswith("cannot read the text: the file is neither UTF-8 nor GBK/GB18030")


def test_it_accepts_a_utf8_byte_order_mark(tmp_path: Path) -> None:
    folder = tmp_path / "bom"
    folder.mkdir()
    write_csv(folder / "regions.csv", BASE["regions"], encoding="utf-8-sig")

    report = import_bundle(folder, dry_run=False)

    assert report.ok, report.as_text()
    assert not report.warnings
    assert Region.objects.count() == 3


def test_it_reports_missing_and_unknown_columns(tmp_path: Path) -> None:
    tables = copy_tables()
    for row in tables["leads"]:
        del row[10]  # stage
        row.append("x")
    tables["leads"][0][-1] = "priority"
    report = reject(write_bundle(tmp_path / "b", tables))

    assert problem(report, "leads.csv", 1, "stage") == ("", "required column is missing")
    _value, reason = problem(report, "leads.csv", 1, "priority")
    assert reason.startswith("unknown column; the columns of leads.csv are: external_id, ")


def test_it_accepts_documented_optional_columns_left_out(tmp_path: Path) -> None:
    tables = copy_tables()
    tables["leads"] = [row[:13] for row in tables["leads"]]  # no products … source
    tables["clusters"] = [row[:5] for row in tables["clusters"]]  # no name_en, priority, source

    report = import_bundle(write_bundle(tmp_path / "b", tables), dry_run=False)

    assert report.ok, report.as_text()


def test_it_reports_a_value_right_of_the_last_column(tmp_path: Path) -> None:
    tables = copy_tables()
    tables["regions"][2].append("stray")
    report = reject(write_bundle(tmp_path / "b", tables))

    assert problem(report, "regions.csv", 3, "(column 6)")[1] == (
        "a value to the right of the last named column"
    )


def test_it_accepts_a_header_only_file_as_nothing_to_do(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    write_csv(folder / "leads.csv", BASE["leads"][:1])

    report = import_bundle(folder, dry_run=False)

    assert report.ok, report.as_text()
    assert report.counts["leads"].changed == 0


def test_it_rejects_a_zero_byte_file(tmp_path: Path) -> None:
    folder = write_bundle(tmp_path / "b", only=["regions"])
    (folder / "industries.csv").write_bytes(b"")
    report = reject(folder)

    assert problem(report, "industries.csv", None, "") == (
        "",
        "file is empty, expected a header row",
    )


def test_it_names_the_limit_of_a_too_long_cell(tmp_path: Path) -> None:
    report = reject(edited(tmp_path, "regions", 2, "name", "长" * 101))

    value, reason = problem(report, "regions.csv", 2, "name")
    assert reason == "too long: 101 characters, the limit is 100 characters"
    assert value.endswith("…")  # shortened for display


def test_it_rejects_control_characters(tmp_path: Path) -> None:
    report = reject(edited(tmp_path, "leads", 2, "company", "ACME\x07 Ltd"))

    assert problem(report, "leads.csv", 2, "company")[1] == (
        "contains a control character (U+0007)"
    )


def test_it_rejects_an_industry_linked_to_itself(tmp_path: Path) -> None:
    report = reject(edited(tmp_path, "industry_links", 2, "supplier_code", "NEV-ASM"))

    assert problem(report, "industry_links.csv", 2, "customer_code") == (
        "NEV-ASM",
        "an industry cannot supply itself",
    )


def test_it_rejects_a_region_that_is_its_own_parent(tmp_path: Path) -> None:
    report = reject(edited(tmp_path, "regions", 4, "parent_code", "SD"))

    assert problem(report, "regions.csv", 4, "parent_code") == (
        "SD",
        "a region cannot be its own parent",
    )
    assert report.error_count == 1


def test_it_rejects_a_cycle_of_region_parents(tmp_path: Path) -> None:
    tables = copy_tables()
    tables["regions"] += [
        ["A", "甲", "", "zone", "B"],
        ["B", "乙", "", "zone", "C"],
        ["C", "丙", "", "zone", "A"],
    ]
    report = reject(write_bundle(tmp_path / "b", tables, only=["regions"]))

    assert problem(report, "regions.csv", 5, "parent_code") == (
        "B",
        "the parent chain loops: A → B → C → A",
    )
    assert [p.row for p in report.errors] == [5, 6, 7]


def test_it_rejects_a_cycle_through_stored_parents(tmp_path: Path, imported: ImportReport) -> None:
    # SD-JN's parent is SD (stored); making SD a child of SD-JN closes a loop.
    tables = {"regions": [BASE["regions"][0], ["SD", "山东省", "Shandong", "province", "SD-JN"]]}
    report = reject(write_bundle(tmp_path / "b", tables))

    assert (
        "the parent chain loops: SD → SD-JN → SD"
        in problem(report, "regions.csv", 2, "parent_code")[1]
    )


def test_it_rejects_cluster_rows_that_disagree(tmp_path: Path) -> None:
    report = reject(edited(tmp_path, "clusters", 3, "name", "另一个名字"))

    _value, reason = problem(report, "clusters.csv", 3, "name")
    assert reason.startswith("differs from row 2 of the same cluster")


def test_it_accepts_a_workbook_missing_some_sheets(tmp_path: Path) -> None:
    book = write_workbook(
        tmp_path / "part.xlsx", {"regions": BASE["regions"], "industries": BASE["industries"]}
    )

    report = import_bundle(book, dry_run=False)

    assert report.ok, report.as_text()
    assert list(report.counts) == ["regions", "industries"]


def test_it_rejects_an_unknown_sheet(tmp_path: Path) -> None:
    book = write_workbook(
        tmp_path / "odd.xlsx", {"regions": BASE["regions"], "Sheet1": [["a"], ["b"]]}
    )
    report = reject(book)

    _value, reason = problem(report, "odd.xlsx[Sheet1]", None, "")
    assert reason.startswith("unknown table 'Sheet1'; expected one of: regions, industries")


def test_it_reports_sheet_cells_with_the_workbook_and_sheet(tmp_path: Path) -> None:
    tables = copy_tables()
    tables["regions"][2][3] = "town"
    book = write_workbook(tmp_path / "b.xlsx", {"regions": tables["regions"]})
    report = reject(book)

    assert problem(report, "b.xlsx[regions]", 3, "level")[0] == "town"


def test_it_rejects_an_unknown_csv_file(tmp_path: Path) -> None:
    folder = write_bundle(tmp_path / "b", only=["regions"])
    write_csv(folder / "people.csv", [["name"], ["x"]])
    report = reject(folder)

    assert problem(report, "people.csv", None, "")[1].startswith("unknown table 'people'")


def test_it_reports_a_missing_path(tmp_path: Path) -> None:
    report = reject(tmp_path / "nowhere")

    assert problem(report, "nowhere", None, "")[1].startswith("no such file or folder")


def test_the_command_exits_non_zero_and_prints_every_problem(tmp_path: Path) -> None:
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written: 1 problem"):
        call_command("import_data", str(edited(tmp_path, "leads", 2, "capex", "-1")), stdout=out)

    assert 'leads.csv row 2, column capex "-1": must not be negative' in out.getvalue()


def test_it_reports_a_bad_cell_in_a_row_that_exists(tmp_path: Path, imported: ImportReport) -> None:
    report = reject(edited(tmp_path, "regions", 2, "level", "town"))

    assert problem(report, "regions.csv", 2, "level")[0] == "town"


def test_it_reports_a_missing_key_column_of_a_stored_table(
    tmp_path: Path, imported: ImportReport
) -> None:
    tables = {"endowments": [row[1:] for row in BASE["endowments"]]}  # no region_code
    report = reject(write_bundle(tmp_path / "b", tables))

    assert problem(report, "endowments.csv", 1, "region_code")[1] == "required column is missing"


def test_it_reports_where_a_csv_stops_being_readable(tmp_path: Path) -> None:
    folder = write_bundle(tmp_path / "b", only=["regions"])
    huge = "x" * 200_000  # beyond the csv module's field limit
    text = (folder / "regions.csv").read_text(encoding="utf-8").replace("Qingdao", huge)
    (folder / "regions.csv").write_text(text, encoding="utf-8")
    report = reject(folder)

    _value, reason = problem(report, "regions.csv", 3, "")
    assert reason == "cannot read the CSV: field larger than field limit (131072)"


def test_it_rejects_a_nul_character_as_a_control_character(tmp_path: Path) -> None:
    report = reject(edited(tmp_path, "regions", 3, "name", "青岛\x00市"))

    assert problem(report, "regions.csv", 3, "name")[1] == "contains a control character (U+0000)"
