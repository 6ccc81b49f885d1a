"""Template helpers for capex: the amount as reported, and its CNY equivalent with its rate.

Every page that shows capex uses these (lead page, shortlist, compare, saved lists), so an
amount in US dollars never appears under a 万元 label. The rules live in projects.money.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from projects import money
from projects.markup import capex_cell
from regions.names import is_english

register = template.Library()


@register.simple_tag
def capex(amount: money.Amount, currency: str | None) -> str:
    """The amount as reported: "70,000 万美元" / "USD 700.0 m"; "–" when unknown."""
    return money.format_amount(amount, currency, english=is_english())


register.simple_tag(capex_cell)


@register.simple_tag
def capex_equivalent(amount: money.Amount, currency: str | None) -> SafeString | str:
    """A foreign amount's CNY equivalent, then its rate and date kept on one line where the
    width allows; "" for yuan."""
    english = is_english()
    figure, rate = money.equivalent_parts(amount, currency, _rates(), english=english)
    if not rate:
        return ""
    return format_html(
        '<span class="cny">{}{}<span class="rate">{}</span></span>',
        figure,
        " " if english and figure else "",
        rate,
    )


@register.simple_tag
def rates_note(items: Iterable[Any], path: str = "currency") -> str:
    """The sentence saying which rates converted the foreign amounts among `items` (each
    item's currency read at the dotted `path`, e.g. "lead.currency" or "0.lead.currency");
    "" when all are yuan."""
    return money.rates_note(
        (_attribute(item, path) for item in items), _rates(), english=is_english()
    )


def _attribute(item: Any, path: str) -> str | None:
    for name in path.split("."):
        item = item[int(name)] if name.isdigit() else getattr(item, name, None)
    return None if item is None else str(item)


def _rates() -> money.Rates:
    return money.configured_rates()
