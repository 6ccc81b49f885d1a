"""projects.money: amounts as reported, CNY equivalents at a stated rate (no database)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from projects import money

RATES = money.Rates({"USD": 7.1, "EUR": 7.8, "HKD": 0.91, "XXX": 0.0}, "2024-12-31")


def test_it_converts_foreign_amounts_at_the_configured_rate() -> None:
    assert money.to_cny(Decimal("70000"), "USD", RATES) == pytest.approx(497_000)
    assert money.to_cny(9300, "eur", RATES) == pytest.approx(72_540)
    assert money.to_cny(100, "CNY", RATES) == 100
    assert money.to_cny(100, "RMB", RATES) == 100
    assert money.to_cny(100, "", RATES) == 100  # blank is the model's default, yuan


def test_it_leaves_unknown_amounts_and_currencies_without_a_rate_unknown() -> None:
    assert money.to_cny(None, "USD", RATES) is None
    assert money.to_cny(5, "CHF", RATES) is None  # no rate configured
    assert money.to_cny(5, "XXX", RATES) is None  # a zero rate is no rate
    assert money.to_cny(float("nan"), "CNY", RATES) is None


def test_it_shows_the_amount_in_its_own_currency_with_separators() -> None:
    assert money.format_amount(Decimal("70000.00"), "USD", english=False) == "70,000 万美元"
    assert money.format_amount(9300, "EUR", english=False) == "9,300 万欧元"
    assert money.format_amount(30000, "CNY", english=False) == "30,000 万元"
    assert money.format_amount(2.5, "CNY", english=False) == "2.5 万元"
    assert money.format_amount(12, "CHF", english=False) == "12 万 CHF"
    assert money.format_amount(70000, "USD", english=True) == "USD 700.0 m"
    assert money.format_amount(30000, "RMB", english=True) == "CNY 300.0 m"
    assert money.format_amount(None, "USD", english=False) == "–"


def test_totals_are_in_yuan_in_the_unit_a_reader_expects() -> None:
    assert money.format_cny_total(497_000, english=False) == "49.70 亿元"
    assert money.format_cny_total(5_000, english=False) == "5,000 万元"
    assert money.format_cny_total(497_000, english=True) == "CNY 4.97 bn"
    assert money.format_cny_total(5_000, english=True) == "CNY 50.0 m"
    assert money.format_cny_total(None, english=True) == "–"


def test_an_equivalent_states_its_rate_and_its_date() -> None:
    zh = money.equivalent_note(70000, "USD", RATES, english=False)
    assert zh == "≈ 497,000 万元（1 USD = 7.1 CNY，2024-12-31 示意汇率）"
    en = money.equivalent_note(70000, "USD", RATES, english=True)
    assert en == "≈ CNY 4,970.0 m (1 USD = 7.1 CNY, illustrative rate of 2024-12-31)"
    assert money.equivalent_note(30000, "CNY", RATES, english=False) == ""
    assert money.equivalent_note(None, "USD", RATES, english=False) == ""
    assert money.equivalent_note(5, "CHF", RATES, english=False) == "未设置 CHF 汇率"


def test_the_rates_note_names_each_converted_currency_once() -> None:
    note = money.rates_note(["USD", "CNY", "usd", "HKD", None], RATES, english=False)
    assert (
        note
        == "外币金额按 2024-12-31 的固定示意汇率折合人民币：1 HKD = 0.91 CNY；1 USD = 7.1 CNY。"
    )
    assert money.rates_note(["CNY", "RMB", None], RATES, english=True) == ""
    assert "2024-12-31" in money.rates_note(["EUR"], RATES, english=True)


def test_the_site_rates_come_from_settings(settings: Any) -> None:
    settings.CURRENCY_RATES = {"USD": 7.0}
    settings.CURRENCY_RATES_AS_OF = "2025-06-30"
    rates = money.configured_rates()
    assert rates.rate("usd") == 7.0 and rates.as_of == "2025-06-30"


def test_the_audit_trail_keeps_every_digit_in_words_of_each_language() -> None:
    """Issue 15: the English history read "800,000 × 10k CNY"; it now uses the English units of
    the rest of the site (CNY … m) and the Chinese ones (万元, 万美元), digits unrounded."""
    exact = money.format_exact_amount
    assert exact(Decimal("800000.00"), "CNY", english=True) == "CNY 8,000 m"
    assert exact(Decimal("800000.00"), "CNY", english=False) == "800,000 万元"
    assert exact(Decimal("12000.50"), "USD", english=True) == "USD 120.005 m"
    assert exact(Decimal("12000.50"), "USD", english=False) == "12,000.5 万美元"
    assert exact(Decimal("0.01"), "RMB", english=True) == "CNY 0.0001 m"
    assert exact(7, "CHF", english=False) == "7 万 CHF"
    assert exact(Decimal("1E+5"), "", english=False) == "100,000 万元"  # no exponent shown
