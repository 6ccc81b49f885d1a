"""Reading single cells: the fast paths for plain numbers agree with the general one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from projects.interchange.lead_format import LEADS
from regions.interchange.cells import CellError, format_decimal, format_float, parse_cell
from regions.interchange.formats import REGION_INDUSTRIES, Column

CAPEX = LEADS.by_name["capex"]  # 16 digits, 2 decimal places
JOBS = LEADS.by_name["jobs"]
YEAR = REGION_INDUSTRIES.by_name["year"]
NEEDS = LEADS.by_name["needs"]
INPUTS = LEADS.by_name["input_codes"]


def reason_for(column: Column, text: str) -> str:
    with pytest.raises(CellError) as caught:
        parse_cell(column, text)
    return str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("41000", Decimal(41000)),
        ("4.20", Decimal("4.2")),
        ("007.5", Decimal("7.5")),
        (".5", Decimal("0.5")),
        ("5.", Decimal(5)),
        ("+5", Decimal(5)),
        ("1e3", Decimal(1000)),
        ("-0", Decimal(0)),
        ("12.3400000", Decimal("12.34")),
        (" 3 ", Decimal(3)),
        ("", None),
        ("99999999999999.99", Decimal("99999999999999.99")),
    ],
)
def test_it_reads_decimals(text: str, expected: Decimal | None) -> None:
    assert parse_cell(CAPEX, text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1.005", "too many decimal places: at most 2"),
        ("1e-3", "too many decimal places: at most 2"),
        ("100000000000000", "too large: at most 14 digits before the decimal point"),
        ("1e14", "too large: at most 14 digits before the decimal point"),
        ("1_000", "not a number"),
        ("inf", "not a number"),
        (".", "not a number"),
        ("1.2.3", "not a number"),
        ("-0.01", "must not be negative"),
    ],
)
def test_it_rejects_bad_decimals(text: str, reason: str) -> None:
    assert reason_for(CAPEX, text) == reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [("120", 120), ("0", 0), ("12.0", 12), ("1e2", 100), ("", None), ("2147483647", 2147483647)],
)
def test_it_reads_whole_numbers(text: str, expected: int | None) -> None:
    assert parse_cell(JOBS, text) == expected


def test_it_checks_the_range_of_whole_numbers() -> None:
    assert reason_for(JOBS, "2147483648") == "too large: the limit is 2147483647"
    assert reason_for(YEAR, "40000") == "too large: the limit is 32767"
    assert reason_for(JOBS, "9" * 40) == "too large: the limit is 2147483647"
    assert reason_for(JOBS, "1.5") == "must be a whole number"


def test_it_reads_lists_of_names_and_codes() -> None:
    assert parse_cell(NEEDS, "port; land；port;;") == ["port", "land"]  # full-width ; too
    assert parse_cell(NEEDS, "") == []
    assert parse_cell(INPUTS, "B;A;B") == ("A", "B")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("12.50"), "12.5"),
        (Decimal(100), "100"),
        (Decimal("0.00"), "0"),
        (Decimal("1E+2"), "100"),
    ],
)
def test_it_writes_decimals_without_trailing_zeros(value: Decimal, text: str) -> None:
    assert format_decimal(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(1.0, "1"), (0.25, "0.25"), (1e-05, "1e-05"), (0.1 + 0.2, "0.30000000000000004")],
)
def test_it_writes_floats_exactly_and_briefly(value: float, text: str) -> None:
    assert format_float(value) == text
    assert float(text) == value
