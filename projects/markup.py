"""HTML fragments that more than one app's pages show: score bars, Chinese text marked for
screen readers, capex cells. The template tag libraries register them (projects.templatetags
xs_ui and money_ui); code that builds rows in Python (shortlists' ranking rows) calls them
directly, since one app may not import another's template tags."""

from __future__ import annotations

import re

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from projects import money
from regions.names import is_english

# Han ideographs (CJK unified, extension A, compatibility) and CJK punctuation.
HAN = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
LATIN = re.compile("[A-Za-z]")


def cjk(text: object) -> str:
    """Chinese text (company names, notes) marked lang="zh-Hans" on a page in another language,
    so that a screen reader reads it with a Chinese voice (WCAG 3.1.2); unchanged otherwise."""
    value = "" if text is None else str(text)
    if not value or (get_language() or "").startswith("zh"):
        return value  # escaped by the template like any other text
    han = len(HAN.findall(value))
    latin = len(LATIN.findall(value))
    if han == 0 or han < latin:  # "电驱总成 / e-drive units": mostly English, left alone
        return value
    return format_html('<span lang="zh-Hans">{}</span>', value)


def bar_width(value: float | None) -> str:
    """A 0–100 score as a CSS width, clamped; unknown gives 0 (locale-independent digits)."""
    if value is None:
        return "0"
    return f"{max(0.0, min(100.0, float(value))):.0f}"


def band(value: float | None) -> str:
    """A CSS class for a 0–100 score: high, good, mid or low."""
    if value is None:
        return "none"
    if value >= 80:
        return "high"
    if value >= 60:
        return "good"
    return "mid" if value >= 40 else "low"


def percent(value: float | None) -> str:
    """A 0–1 share as a whole percent (locale-independent digits, no sign)."""
    return "–" if value is None else f"{100 * float(value):.0f}"


def score_bar(value: float | None, label: str = "", cell: bool = True, wide: bool = False) -> str:
    """A 0–100 score as a small labelled bar (built here, not by an include: inbox rows are
    rendered fifty at a time and an include per bar is the slowest part of the page).

    An f-string rather than format_html: a shortlist draws 440 bars, and only the label can
    hold text to escape (the number, band and width are digits and fixed words)."""
    number = "–" if value is None else f"{float(value):.0f}"
    text = conditional_escape(label)
    # The phone's inbox cards have no column headers: the label shows above the bar.
    caption = f'<span class="scorebar-label">{text}</span>' if label else ""
    bar = (
        f'<span class="scorebar{" scorebar-wide" if wide else ""}" role="img"'
        f' aria-label="{text} {number}/100" title="{text} {number}">{caption}'
        f'<span class="scorebar-track"><span class="scorebar-fill fill-{band(value)}"'
        f' style="width: {bar_width(value)}%"></span></span>'
        f'<span class="scorebar-num" aria-hidden="true">{number}</span></span>'
    )
    return mark_safe(f'<td class="col-score">{bar}</td>' if cell else bar)  # noqa: S308


def capex_cell(amount: money.Amount, currency: str | None) -> SafeString | str:
    """The amount as reported; a foreign amount gets its CNY equivalent below it (for tables
    where amounts are compared), the rate and its date in the tooltip."""
    english, rates = is_english(), money.configured_rates()
    shown = format_html(
        '<span class="amount">{}</span>', money.format_amount(amount, currency, english=english)
    )
    cny = money.to_cny(amount, currency, rates)
    if money.is_yuan(currency) or cny is None:
        return shown
    return format_html(
        '{}<span class="cny" title="{}">≈ {}</span>',
        shown,
        money.equivalent_note(amount, currency, rates, english=english),
        money.format_wan_cny(cny, english=english),
    )
