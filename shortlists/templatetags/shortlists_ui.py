"""Template helpers of the shortlist pages: the rank-band strip and signed differences."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import template
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from projects.markup import band, capex_cell, cjk, percent, score_bar
from regions.names import local_name
from shortlists.models import SavedShortlist
from shortlists.scopes import saved_scope_label

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
def scope_now(saved: SavedShortlist) -> str:
    """A saved list's scope in the page's language (the stored label once its objects are gone)."""
    return saved_scope_label(saved)


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


@register.simple_tag
def ranking_rows(
    rows: Sequence[Any], cutoff: int, band_scale: int, landing: Mapping[int, Any]
) -> SafeString:
    """The shortlist table's rows (the <tr>s of its <tbody>), built here in one pass.

    The template language spent about a millisecond a row resolving variables and filters
    cell by cell: with 110 rows, a third of the what-if request the sliders send (issue 17).
    The markup is the one the row template gave, byte for byte
    (tests/shortlists/test_ranking_rows.py renders both).
    """
    # Labels as {% translate "…" as label %} gives them: the catalogue's text, marked safe.
    labels = tuple(mark_safe(_(text)) for text in ("本地适配", "补链", "强群", "带动配套"))  # noqa: S308
    words = _RowWords.now()
    out: list[str] = []
    last = len(rows) - 1
    for i, row in enumerate(rows):
        out.append(_row(row, i == last, cutoff, band_scale, landing, labels, words))
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped in _row


@dataclass(frozen=True)
class _RowWords:
    """The fixed words of a row in the active language (as {% translate %} gives them)."""

    tie: str
    stale_title: str
    stale: str
    flag: str

    @classmethod
    def now(cls) -> _RowWords:
        return cls(
            tie=_("与下一名在权重误差范围内无法区分"),
            stale_title=_("输入数据已变更，正在重新计算，显示的是旧分数"),
            stale=_("待更新"),
            flag=_("临界"),
        )


def _text(value: object) -> str:
    """A value as {{ value }} prints it: localised, then escaped unless marked safe."""
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)  # what localize gives a whole number without grouping: digits
    return str(conditional_escape(str(localize(value))))


def _standings(standings: Sequence[Any]) -> str:
    """The row's place in its region and province (shortlists.standing.RowStanding)."""
    out = []
    for st in standings:
        area = _text(local_name(st.region))
        rank, n = _text(st.rank_text), _text(st.scored_text)
        title = _(
            "在%(area)s全部 %(n)s 条已评分线索中排第 %(rank)s 名，高于其中 %(share)s%% 的线"
            "索（按本名单的权重，不论阶段和状态）"
        ) % {"area": area, "share": _text(st.share_below), "rank": rank, "n": n}
        text = _("%(area)s 第 %(rank)s/%(n)s · 前 %(top)s%%") % {
            "area": area,
            "rank": rank,
            "n": n,
            "top": _text(st.top_percent),
        }
        out.append(f'<span class="row-standing" title="{title}">{text}</span>')
    return "".join(out)


def _row(
    row: Any,
    last: bool,
    cutoff: int,
    band_scale: int,
    landing: Mapping[int, Any],
    labels: tuple[str, ...],
    words: _RowWords,
) -> str:
    lead, s = row.lead, row.scores
    pk = _text(lead.pk)
    classes = "sl-row"
    classes += "" if row.above_cutoff else " is-below"
    classes += " is-flagged" if row.crosses_cutoff else ""
    classes += " is-stale" if row.stale else ""
    tie = ""
    if row.tied_with_next and not last:
        tie = (
            f'<span class="tie" title="{words.tie}"><span aria-hidden="true">≈</span>'
            f'<span class="visually-hidden">{words.tie}</span></span>'
        )
    compare = _("对比 %(company)s") % {"company": _text(lead.company)}
    url = conditional_escape(reverse("lead_detail", args=[lead.pk]))
    bars = "".join(
        str(conditional_escape(score_bar(value, label)))
        for value, label in zip((s.local_fit, s.chain_completion, s.cluster_strength, s.pull),
                                labels, strict=True)
    )  # fmt: skip
    stale = (
        f'<span class="badge badge-stale" title="{words.stale_title}">{words.stale}</span>'
        if row.stale
        else ""
    )
    band_cell = ""
    if row.band_low:
        strip = conditional_escape(band_strip(row.band_low, row.band_high, cutoff, band_scale))
        band_cell = (
            f'{strip}\n      <span class="band-text">{_text(row.band_low)}–'
            f"{_text(row.band_high)}</span>"
        )
    flag = ""
    if row.crosses_cutoff:
        title = _("权重稍有变化就可能落到入围线另一侧；%(p)s%% 的情况下入围") % {
            "p": _text(percent(row.p_top_k))
        }
        flag = f'<span class="badge badge-flag" title="{title}">{words.flag}</span>'
    html = (
        f'\n  <tr class="{classes}" data-lead="{pk}">\n'
        f'    <td class="num rank">{_text(row.rank)}{tie}</td>\n'
        f'    <td><input type="checkbox" class="compare-pick" name="lead" value="{pk}"'
        f' aria-label="{compare}"></td>\n'
        f'    <td class="col-company">\n'
        f'      <a class="company" href="{url}">{_text(cjk(lead.company))}</a>\n'
        f'      <div class="sub">{_text(local_name(lead.industry))} · '
        f"{_text(local_name(lead.region))}</div>\n"
        f"    </td>\n"
        f"    {bars}\n"
        f'    <td class="col-total"><span class="total total-{_text(band(s.total))}">'
        f"{_text(floatformat(s.total, 1))}</span>"
        f"{conditional_escape(landing_note(landing, lead.pk))}\n"
        f"      {stale}\n"
        f"      {_standings(row.standings)}</td>\n"
        f'    <td class="num">{_text(percent(s.confidence))}%</td>\n'
        f'    <td class="num capex">{conditional_escape(capex_cell(lead.capex, lead.currency))}'
        f"</td>\n"
        f'    <td class="num">{_text(thousands(lead.jobs))}</td>\n'
        f'    <td><span class="stage stage-{_text(lead.stage)}">'
        f"{_text(lead.get_stage_display())}</span></td>\n"
        f'    <td class="col-band">\n'
        f"      {band_cell}\n"
        f"      {flag}\n"
        f"    </td>\n"
        f"  </tr>\n  "
    )
    if row.rank == cutoff and not last:
        line = _("入围线 · 前 %(k)s 名") % {"k": _text(cutoff)}
        html += f'\n  <tr class="cutoff-row"><td colspan="13"><span>{line}</span></td></tr>\n  '
    return html + "\n  "
