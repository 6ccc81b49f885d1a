"""Region x industry tables: long (CBP-like) and wide (yearbook-like); unknown is never zero."""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from regions.statistics.region_tables import (
    SUPPRESSION_MARKERS,
    complete_pairs,
    parse_cells,
    read_long_table,
    read_wide_table,
)


def _cbp(fixtures: Path) -> pd.DataFrame:
    return read_long_table(
        fixtures / "cbp_like.csv",
        region_column="cbsa_code",
        industry_column="naics_code",
        measure_columns={"employment": "EMP", "firms": "ESTAB"},
        flag_column="EMP_NF",
    )


def _cell(frame: pd.DataFrame, region: str, industry: str, measure: str) -> float:
    row = frame[(frame["region"] == region) & (frame["industry"] == industry)]
    assert len(row) == 1
    return float(row[measure].iloc[0])


def test_it_reads_a_long_table_with_suppression_markers(fixtures: Path) -> None:
    frame = _cbp(fixtures)

    assert len(frame) == 6
    assert _cell(frame, "10000", "336111", "employment") == 1200  # "1,200"
    assert math.isnan(_cell(frame, "10000", "335911", "employment"))  # D
    assert _cell(frame, "10000", "335911", "firms") == 4
    assert math.isnan(_cell(frame, "10000", "334413", "firms"))  # (X)
    assert math.isnan(_cell(frame, "20000", "336111", "employment"))  # (D)
    assert math.isnan(_cell(frame, "20000", "334413", "employment"))  # blank


def test_it_makes_a_flagged_rows_employment_unknown(fixtures: Path) -> None:
    frame = _cbp(fixtures)

    assert math.isnan(_cell(frame, "10000", "336390", "employment"))  # EMP 80, flag G
    assert _cell(frame, "10000", "336390", "firms") == 6


def test_it_adds_the_pairs_a_long_table_leaves_out_as_unknown(fixtures: Path) -> None:
    frame = complete_pairs(_cbp(fixtures))

    assert len(frame) == 8  # 2 regions x 4 industries
    assert math.isnan(_cell(frame, "20000", "335911", "employment"))
    assert math.isnan(_cell(frame, "20000", "335911", "firms"))
    assert _cell(frame, "10000", "336111", "employment") == 1200


def test_it_reads_a_wide_yearbook_table(fixtures: Path) -> None:
    frame = read_wide_table(fixtures / "yearbook_wide.csv", region_column="地区")

    assert len(frame) == 6  # every cell is a row, blank or not
    assert _cell(frame, "济南市", "B", "employment") == 1500
    assert math.isnan(_cell(frame, "济南市", "C", "employment"))  # —
    assert math.isnan(_cell(frame, "青岛市", "B", "employment"))  # …
    assert _cell(frame, "青岛市", "C", "employment") == 320.5
    assert math.isnan(_cell(frame, "济南市", "合计", "employment"))  # blank


def test_it_reads_a_wide_table_with_industries_in_rows(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("industry,R1,R2\nB,10,S\nC,,7\n")

    frame = read_wide_table(
        path, region_column="industry", measure="firms", industries_in_rows=True
    )

    assert _cell(frame, "R1", "B", "firms") == 10
    assert math.isnan(_cell(frame, "R2", "B", "firms"))
    assert _cell(frame, "R2", "C", "firms") == 7


def test_it_reads_gb18030_text_as_chinese_excel_saves_it(tmp_path: Path, fixtures: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes((fixtures / "yearbook_wide.csv").read_text("utf-8").encode("gb18030"))

    frame = read_wide_table(path, region_column="地区")

    assert _cell(frame, "济南市", "B", "employment") == 1500


def test_it_reads_an_xlsx_sheet_below_title_rows(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "2020"
    sheet.append(["表 3-1 分地区就业人员"])
    sheet.append(["地区", "B", "C"])
    sheet.append(["济南市", 1500, "…"])
    book.save(tmp_path / "t.xlsx")

    frame = read_wide_table(tmp_path / "t.xlsx", region_column="地区", sheet="2020", skip_rows=1)

    assert _cell(frame, "济南市", "B", "employment") == 1500
    assert math.isnan(_cell(frame, "济南市", "C", "employment"))


def test_it_sniffs_the_delimiter_of_other_text_files(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("地区\tB\tC\n济南市\t1 500\t(D)\n", encoding="utf-8")

    frame = read_wide_table(path, region_column="地区")

    assert _cell(frame, "济南市", "B", "employment") == 1500
    assert math.isnan(_cell(frame, "济南市", "C", "employment"))


def test_it_keeps_leading_zeros_in_codes(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("region,industry,emp\n0101,001,5\n")

    frame = read_long_table(
        path,
        region_column="region",
        industry_column="industry",
        measure_columns={"employment": "emp"},
    )

    assert frame[["region", "industry"]].to_numpy().tolist() == [["0101", "001"]]


@pytest.mark.parametrize("marker", sorted(SUPPRESSION_MARKERS))
def test_it_reads_every_marker_as_unknown(marker: str) -> None:
    assert math.isnan(parse_cells(pd.Series([marker]), "t", markers=SUPPRESSION_MARKERS)[0])


def test_it_rejects_text_that_is_neither_a_number_nor_a_marker() -> None:
    with pytest.raises(ValueError, match="'12a'"):
        parse_cells(pd.Series(["1", "12a"]), "t", markers=SUPPRESSION_MARKERS)


def test_it_rejects_negative_numbers() -> None:
    with pytest.raises(ValueError, match="negative"):
        parse_cells(pd.Series(["-3"]), "t", markers=SUPPRESSION_MARKERS)


def test_it_rejects_a_pair_listed_twice(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("region,industry,emp\nR1,B,5\nR1,B,6\n")

    with pytest.raises(ValueError, match="R1/B"):
        read_long_table(
            path,
            region_column="region",
            industry_column="industry",
            measure_columns={"employment": "emp"},
        )
