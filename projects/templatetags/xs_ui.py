"""Template helpers: names in the active language, score bars, factor labels."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from screening.access import roles
from screening.scoring.explain_text import FACTOR_LABELS

register = template.Library()


def english() -> bool:
    return (get_language() or "").startswith("en")


@register.filter
def local_name(obj: Any) -> str:
    """A region's, industry's or cluster's name in the active language (Chinese if no English)."""
    if obj is None:
        return ""
    if isinstance(obj, dict):  # an item of a stored explanation: name_zh / name_en
        return str(obj.get("name_en") if english() and obj.get("name_en") else obj.get("name_zh", ""))
    name_en = getattr(obj, "name_en", "")
    return str(name_en if english() and name_en else obj.name)


@register.filter
def factor_label(name: str) -> str:
    """The display name of an endowment factor ('port' -> 港口 / port)."""
    zh, en = FACTOR_LABELS.get(name, (name, name))
    return en if english() else zh


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
