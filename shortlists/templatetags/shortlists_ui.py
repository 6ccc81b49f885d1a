"""Template helpers of the shortlist pages: the rank-band strip and signed differences."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()

STRIP_WIDTH = 96


@register.simple_tag
def band_strip(low: int | None, high: int | None, cutoff: int, scale: int) -> SafeString | str:
    """A small strip of ranks 1..scale: the lead's 5-95% band and the cut-off line."""
    if low is None or high is None or scale < 1:
        return ""

    def x(rank: float) -> float:
        return round(STRIP_WIDTH * min(rank, scale) / scale, 1)

    start, end, cut = x(low - 1), x(high), x(cutoff)
    return format_html(
        '<svg class="band-strip" viewBox="0 0 {w} 12" width="{w}" height="12" aria-hidden="true">'
        '<rect x="0" y="5" width="{w}" height="2" fill="#dde3ea"/>'
        '<rect x="{s}" y="2" width="{bw}" height="8" rx="2" fill="#1f5fa8" fill-opacity=".55"/>'
        '<line x1="{c}" y1="0" x2="{c}" y2="12" stroke="#b3261e" stroke-width="1.5"/></svg>',
        w=STRIP_WIDTH,
        s=start,
        bw=max(end - start, 1.5),
        c=cut,
    )


@register.filter
def thousands(value: object) -> str:
    """A whole number with thousands separators (140,000) in every language; '–' if unknown."""
    if value is None or value == "":
        return "–"
    return f"{float(value):,.0f}"  # type: ignore[arg-type]


@register.filter
def signed(value: float | None, digits: int = 1) -> str:
    """+1.5 / −0.3 / ±0 (a real minus sign); '–' when unknown."""
    if value is None:
        return "–"
    rounded = round(float(value), digits)
    if rounded == 0:
        return "±0"
    return f"+{rounded:.{digits}f}" if rounded > 0 else f"−{-rounded:.{digits}f}"


@register.filter
def rank_delta(now: int | None, then: int) -> str:
    """How many places a lead has moved: ▲3 (up), ▼2 (down), = (same); '' when unknown."""
    if now is None:
        return ""
    if now == then:
        return "="
    return f"▲{then - now}" if now < then else f"▼{now - then}"


@register.simple_tag
def landing_note(landing: Mapping[int, Any], lead_id: int) -> SafeString | str:
    """ "Landing 34 % (n = 681)" under a shortlist total, when an adopted calibration covers
    the lead (screening.selectors.landing); nothing otherwise."""
    found = landing.get(lead_id) if landing else None
    if found is None:
        return ""
    text = _("落地概率 %(p)s%%") % {"p": f"{100 * found.probability:.0f}"}
    title = _("依据 %(n)s 条已决策线索的校准") % {"n": found.n}
    return format_html('<span class="landing-note" title="{}">{}</span>', title, text)


@register.simple_tag
def landing_legend(landing: Mapping[int, Any]) -> SafeString | str:
    """Where the shortlist's probabilities of landing come from: the adopted backtests and
    their sample sizes (one line; nothing without an adopted calibration)."""
    runs = sorted({(found.run_id, found.n) for found in (landing or {}).values()})
    if not runs:
        return ""
    sources = "; ".join(
        _("第 %(id)s 次回测，%(n)s 条已决策线索") % {"id": run, "n": n} for run, n in runs
    )
    text = _("落地概率依据已采用的校准（%(sources)s）。") % {"sources": sources}
    return format_html('<p class="hint landing-legend">{}</p>', text)
