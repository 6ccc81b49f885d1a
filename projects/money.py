"""Capex amounts in their own currency, and their CNY equivalents at a stated rate.

Leads report capex in 10,000 units (万) of their own currency, as agencies report them. An
amount is shown as given ("70,000 万美元", "USD 700.0 m"); wherever amounts are compared or
summed they are converted to 万元 (10k CNY) at one configured rate per currency, and the page
says which rate and of which date. The rates live in settings (CURRENCY_RATES,
CURRENCY_RATES_AS_OF; illustrative fixed rates, see docs/methods.md) and reach the functions
as a `Rates` value (`configured_rates()`): every function is pure (no database, no request),
so each is tested directly.

Unknown amounts stay unknown ("–"), and an amount in a currency without a rate has no CNY
equivalent (None): it is left out of sums, never counted as zero or as yuan.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

UNKNOWN = "–"
CNY = "CNY"
# Chinese names of the currencies agencies meet most; other codes are shown as their code.
ZH_NAMES = {
    "CNY": "元",
    "RMB": "元",
    "USD": "美元",
    "EUR": "欧元",
    "HKD": "港元",
    "JPY": "日元",
    "KRW": "韩元",
    "GBP": "英镑",
    "TWD": "新台币",
    "SGD": "新加坡元",
}
YUAN = frozenset({"CNY", "RMB"})

Amount = float | Decimal | int | None


@dataclass(frozen=True)
class Rates:
    """CNY per one unit of each currency (upper-case ISO codes), and the date they hold for."""

    cny_per_unit: Mapping[str, float]
    as_of: str  # ISO date, e.g. "2024-12-31"

    def rate(self, currency: str) -> float | None:
        """CNY per unit of `currency`; None when no rate is configured for it."""
        code = normalise(currency)
        if code in YUAN:
            return 1.0
        value = self.cny_per_unit.get(code)
        return float(value) if value is not None and value > 0 else None


def configured_rates() -> Rates:
    """The site's rates (settings.CURRENCY_RATES) and their date (CURRENCY_RATES_AS_OF)."""
    return Rates(settings.CURRENCY_RATES, settings.CURRENCY_RATES_AS_OF)


def normalise(currency: str | None) -> str:
    """The upper-case code; a blank currency is yuan (the model's default)."""
    return (currency or CNY).strip().upper() or CNY


def is_yuan(currency: str | None) -> bool:
    return normalise(currency) in YUAN


def _number(amount: Amount) -> float | None:
    if amount is None:
        return None
    value = float(amount)
    return value if math.isfinite(value) else None


def to_cny(amount: Amount, currency: str | None, rates: Rates) -> float | None:
    """`amount` (万 units of `currency`) in 万元; None when the amount or the rate is unknown."""
    value, rate = _number(amount), rates.rate(normalise(currency))
    if value is None or rate is None:
        return None
    return value * rate


def _figure(value: float) -> str:
    """Thousands separators; decimals only for small amounts (2.5, not 2.50 or 3)."""
    if abs(value) >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def format_amount(amount: Amount, currency: str | None, *, english: bool) -> str:
    """An amount as reported: "70,000 万美元" / "USD 700.0 m"; "–" when unknown."""
    value = _number(amount)
    if value is None:
        return UNKNOWN
    code = normalise(currency)
    if english:
        return f"{CNY if code in YUAN else code} {value / 100:,.1f} m"
    name = ZH_NAMES.get(code)
    return f"{_figure(value)} 万{name}" if name else f"{_figure(value)} 万 {code}"


def format_exact_amount(amount: Decimal | int, currency: str | None, *, english: bool) -> str:
    """An amount with every digit kept, as entered (the audit trail shows what was typed, not a
    rounded figure): "12,000.5 万美元" / "USD 120.005 m"; the units of `format_amount`."""
    value = Decimal(amount)
    code = normalise(currency)
    if english:
        return f"{CNY if code in YUAN else code} {_digits(value / 100)} m"
    name = ZH_NAMES.get(code)
    return f"{_digits(value)} 万{name}" if name else f"{_digits(value)} 万 {code}"


def _digits(value: Decimal) -> str:
    """Thousands separators and every significant decimal (8,000 / 120.005), no exponent."""
    return f"{value.normalize():,f}"


def format_wan_cny(value_wan: float | None, *, english: bool) -> str:
    """A CNY amount in the unit of a column of amounts: "497,000 万元" / "CNY 4,970.0 m"."""
    return format_amount(value_wan, CNY, english=english)


def format_cny_total(value_wan: float | None, *, english: bool) -> str:
    """A CNY total in words a reader expects: 亿元 / CNY bn when large; "–" when unknown."""
    if value_wan is None or not math.isfinite(value_wan):
        return UNKNOWN
    if english:
        if value_wan >= 1e5:
            return f"CNY {value_wan / 1e5:,.2f} bn"
        return f"CNY {value_wan / 100:,.1f} m"
    return f"{value_wan / 1e4:,.2f} 亿元" if value_wan >= 1e4 else f"{value_wan:,.0f} 万元"


def format_rate(currency: str | None, rates: Rates, *, english: bool) -> str:
    """ "1 USD = 7.1 CNY"; "" for yuan; a note of the missing rate otherwise."""
    code = normalise(currency)
    if code in YUAN:
        return ""
    rate = rates.rate(code)
    if rate is None:
        return f"no rate for {code}" if english else f"未设置 {code} 汇率"
    return f"1 {code} = {rate:g} CNY"


def rates_note(currencies: Iterable[str | None], rates: Rates, *, english: bool) -> str:
    """The sentence under a table or chart that converted: which rates, of which date.

    "" when every amount was in yuan (nothing was converted)."""
    codes = sorted({normalise(c) for c in currencies} - YUAN)
    if not codes:
        return ""
    used = ("; " if english else "；").join(format_rate(c, rates, english=english) for c in codes)
    if english:
        return (
            f"Foreign-currency amounts converted to CNY at fixed illustrative rates of "
            f"{rates.as_of}: {used}."
        )
    return f"外币金额按 {rates.as_of} 的固定示意汇率折合人民币：{used}。"


def equivalent_parts(
    amount: Amount, currency: str | None, rates: Rates, *, english: bool
) -> tuple[str, str]:
    """A foreign amount's CNY equivalent and, apart, its rate and date:
    ("≈ 497,000 万元", "（1 USD = 7.1 CNY，2024-12-31 示意汇率）"); ("", "") for yuan or
    unknown amounts; ("", "未设置 CHF 汇率") when the currency has no rate."""
    if is_yuan(currency) or _number(amount) is None:
        return "", ""
    cny = to_cny(amount, currency, rates)
    rate = format_rate(currency, rates, english=english)
    if cny is None:
        return "", rate
    figure = "≈ " + format_wan_cny(cny, english=english)
    if english:
        return figure, f"({rate}, illustrative rate of {rates.as_of})"
    return figure, f"（{rate}，{rates.as_of} 示意汇率）"


def equivalent_note(amount: Amount, currency: str | None, rates: Rates, *, english: bool) -> str:
    """The equivalent and its rate in one line:
    "≈ 497,000 万元（1 USD = 7.1 CNY，2024-12-31 示意汇率）"; "" for yuan or unknown amounts."""
    figure, rate = equivalent_parts(amount, currency, rates, english=english)
    return f"{figure} {rate}" if english and figure else figure + rate
