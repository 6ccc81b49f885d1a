"""Template helpers: names in the active language, score bars, factor labels."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from regions.names import is_english, local_name
from screening.access import roles
from screening.scoring import FACTOR_LABELS

register = template.Library()


register.filter("local_name", local_name)

# Han ideographs (CJK unified, extension A, compatibility) and CJK punctuation.
HAN = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
LATIN = re.compile("[A-Za-z]")


@register.filter
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


@register.filter
def factor_label(name: str) -> str:
    """The display name of an endowment factor ('port' -> 港口 / port)."""
    zh, en = FACTOR_LABELS.get(name, (name, name))
    return en if is_english() else zh


@register.filter
def bar_width(value: float | None) -> str:
    """A 0–100 score as a CSS width, clamped; unknown gives 0 (locale-independent digits)."""
    if value is None:
        return "0"
    return f"{max(0.0, min(100.0, float(value))):.0f}"


@register.filter
def band(value: float | None) -> str:
    """A CSS class for a 0–100 score: high, good, mid or low."""
    if value is None:
        return "none"
    if value >= 80:
        return "high"
    if value >= 60:
        return "good"
    return "mid" if value >= 40 else "low"


@register.filter
def percent(value: float | None) -> str:
    """A 0–1 share as a whole percent (locale-independent digits, no sign)."""
    return "–" if value is None else f"{100 * float(value):.0f}"


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: Any) -> str:
    """The current query string with some parameters replaced (None/'' removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    return params.urlencode()


@register.simple_tag(takes_context=True)
def user_roles(context: template.Context) -> set[str]:
    """The signed-in user's roles as plain strings ('officer', 'manager', 'admin')."""
    request = context.get("request")
    return {role.value for role in roles(request.user)} if request is not None else set()


@register.simple_tag
def score_bar(value: float | None, label: str = "", cell: bool = True, wide: bool = False) -> str:
    """A 0–100 score as a small labelled bar (built here, not by an include: inbox rows are
    rendered fifty at a time and an include per bar is the slowest part of the page)."""
    number = "–" if value is None else f"{float(value):.0f}"
    bar = format_html(
        '<span class="scorebar{wide}" role="img" aria-label="{label} {number}/100"'
        ' title="{label} {number}">{caption}<span class="scorebar-track">'
        '<span class="scorebar-fill fill-{band}" style="width: {width}%"></span></span>'
        '<span class="scorebar-num" aria-hidden="true">{number}</span></span>',
        label=label,
        number=number,
        band=band(value),
        width=bar_width(value),
        wide=" scorebar-wide" if wide else "",
        # The phone's inbox cards have no column headers: the label shows above the bar.
        caption=format_html('<span class="scorebar-label">{}</span>', label) if label else "",
    )
    return format_html('<td class="col-score">{}</td>', bar) if cell else bar


@register.simple_tag
def options(choices: Iterable[tuple[Any, Any]], selected: Any) -> str:
    """<option> elements for (value, label) pairs, the one equal to `selected` selected."""
    chosen = "" if selected is None else str(selected)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if str(value) == chosen else "", label)
            for value, label in choices
        ),
    )


@register.simple_tag
def owner_options(owners: Iterable[Any], lead: Any) -> str:
    """The owner choices of an inbox row: unassigned, the officers offered, the current owner."""
    pairs = [(u.pk, u.get_full_name() or u.get_username()) for u in owners]
    if lead.owner_id and all(pk != lead.owner_id for pk, _name in pairs):
        pairs.append((lead.owner_id, lead.owner.get_username()))
    return options([("", _("未分配")), *pairs], lead.owner_id or "")


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)
