"""Charts as inline SVG, drawn on the server from plain numbers (no JS, no CDN).

Each function takes small dataclasses of already-computed figures and returns a SafeString
holding one <svg> with a <title> and <desc>; every text is escaped. The pages show the same
figures as a table beside each chart, for screen readers and for copying.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import npgettext

from projects.money import format_cny_total

INK, INK_2, INK_3, LINE = "#1d2733", "#4a5868", "#5c6a7c", "#dde3ea"
ACCENT, GOOD, WARN, BAD, SOFT = "#1f5fa8", "#1d7a46", "#c08a00", "#b3261e", "#e7f0fb"
FONT = 12


def money(value_wan: float | None, english: bool) -> str:
    """A total in 万元 (10k CNY) in words a reader expects: 亿元 / CNY bn when large."""
    return format_cny_total(value_wan, english=english)


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> SafeString:
    head = (
        # The size in pixels is the one it is drawn for: a page may scale it to its column,
        # but a phone shows it at this size, scrolling in its box, so its text stays readable.
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" class="chart" role="img" font-size="{FONT}" '
        f"font-family=\"system-ui, 'PingFang SC', 'Noto Sans CJK SC', sans-serif\">"
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every text is escaped


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    fill: str = INK,
    size: int = FONT,
    weight: str = "normal",
    halo: bool = False,
) -> str:
    """A text; `halo` outlines it in white so it stays legible over shaded cells."""
    outline = ' stroke="#fff" stroke-width="3" paint-order="stroke"' if halo else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}" '
        f'font-size="{size}" font-weight="{weight}"{outline}>{escape(text)}</text>'
    )


def _width(text: str) -> int:
    """Display width in Latin letters: a CJK character counts two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _short(label: str, limit: int) -> str:
    """The label cut to `limit` Latin-letter widths, with an ellipsis when cut."""
    if _width(label) <= limit:
        return label
    while _width(label) > limit - 1:
        label = label[:-1]
    return label + "…"


def _rect(x: float, y: float, w: float, h: float, fill: str, **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" '
        f'fill="{fill}"{extra}/>'
    )


def _line(
    x1: float, y1: float, x2: float, y2: float, stroke: str = LINE, width: float = 1, dash: str = ""
) -> str:
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}" '
        f'stroke-width="{width}"{dashes}/>'
    )


def empty_chart(message: str, width: int = 640, height: int = 80) -> SafeString:
    return _svg(
        width,
        height,
        message,
        message,
        [_text(width / 2, height / 2, message, anchor="middle", fill=INK_3)],
    )


# --- Feasibility vs attractiveness ------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    x: float  # local fit, 0-100
    y: float  # chain + cluster value, 0-100
    label: str  # short mark drawn beside the dot (the rank)
    title: str  # tooltip: company and scores
    company: str = ""


def scatter_grid(x: np.ndarray, y: np.ndarray, bins: int = 25) -> np.ndarray:
    """Counts of leads per cell of a bins x bins grid over [0, 100]^2 (row 0 = lowest y)."""
    counts, _xe, _ye = np.histogram2d(y, x, bins=bins, range=[[0, 100], [0, 100]])
    return counts


def feasibility_chart(
    grid: np.ndarray, points: Sequence[Point], *, x_label: str, y_label: str, title: str
) -> SafeString:
    """All leads of the scope as a density grid, the shortlist as numbered dots on top."""
    size, left, top, bottom = 420, 56, 16, 96
    legend, legend_end = _scatter_legend(left, top + size + 52)
    width, height = max(left + size + 20, int(legend_end) + 10), top + size + bottom
    bins = grid.shape[0]
    cell = size / bins
    peak = math.log1p(float(grid.max())) if grid.size and grid.max() > 0 else 1.0
    body = [_rect(left, top, size, size, "#fafbfc", stroke=LINE)]
    for row, col in zip(*np.nonzero(grid), strict=True):
        shade = 0.12 + 0.78 * math.log1p(float(grid[row, col])) / peak
        body.append(
            _rect(
                left + col * cell,
                top + size - (row + 1) * cell,
                cell,
                cell,
                ACCENT,
                fill_opacity=f"{shade:.2f}",
            )
        )
    body += _scatter_axes(left, top, size, x_label, y_label)
    placed: list[tuple[float, float, float, float]] = []
    for p in sorted(points, key=lambda p: _rank_key(p.label)):
        cx, cy = left + size * p.x / 100, top + size * (1 - p.y / 100)
        label = _free_label_spot(cx, cy, len(p.label) * 6.5 + 2, placed)
        mark = (
            _text(
                label[0],
                label[1],
                p.label,
                anchor="start",
                fill=INK,
                size=10,
                weight="600",
                halo=True,
            )
            if label
            else ""
        )
        body.append(
            f'<g class="pt"><title>{escape(p.title)}</title>'
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="{WARN}" stroke="#fff" '
            f'stroke-width="1.5"/>{mark}</g>'
        )
    body += legend
    desc = _("%(n)s 条入围线索叠加在范围内全部线索的密度网格上。") % {"n": len(points)}
    return _svg(width, height, title, desc, body)


def _rank_key(label: str) -> int:
    return int(label) if label.isdigit() else 10**9


def _free_label_spot(
    cx: float, cy: float, width: float, placed: list[tuple[float, float, float, float]]
) -> tuple[float, float] | None:
    """Where a label of this width fits beside the dot without covering an earlier label
    (right, left, above, below); None when every spot is taken (the tooltip remains)."""
    for x, y in (
        (cx + 7, cy + 4),
        (cx - 7 - width, cy + 4),
        (cx - width / 2, cy - 8),
        (cx - width / 2, cy + 15),
    ):
        box = (x, y - 9, x + width, y + 2)
        if not any(
            box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed
        ):
            placed.append(box)
            return (x, y)
    return None


def _scatter_axes(left: float, top: float, size: float, x_label: str, y_label: str) -> list[str]:
    parts = []
    for tick in range(0, 101, 25):
        x, y = left + size * tick / 100, top + size * (1 - tick / 100)
        parts += [
            _line(x, top, x, top + size, dash="2 3" if tick % 50 else ""),
            _line(left, y, left + size, y, dash="2 3" if tick % 50 else ""),
            _text(x, top + size + 16, str(tick), anchor="middle", fill=INK_3, size=10),
            _text(left - 6, y + 4, str(tick), anchor="end", fill=INK_3, size=10),
        ]
    parts.append(_text(left + size / 2, top + size + 36, x_label, anchor="middle", fill=INK_2))
    cx, cy = left - 38, top + size / 2
    parts.append(
        f'<text x="{cx}" y="{cy}" text-anchor="middle" fill="{INK_2}" '
        f'transform="rotate(-90 {cx} {cy})">{escape(y_label)}</text>'
    )
    quadrants = [
        (0.75, 0.06, _("易落地·价值高")),
        (0.25, 0.06, _("难落地·价值高")),
        (0.75, 0.97, _("易落地·价值低")),
        (0.25, 0.97, _("难落地·价值低")),
    ]
    for qx, qy, label in quadrants:
        parts.append(
            _text(
                left + size * qx,
                top + size * qy,
                label,
                anchor="middle",
                fill=INK_2,
                size=10,
                halo=True,
            )
        )
    return parts


def _scatter_legend(x: float, y: float) -> tuple[list[str], float]:
    """One line under the plot (the shading, then the dots) and where it ends."""
    density, dots = _("范围内线索（越深越多）"), _("入围线索（数字为名次）")
    second = x + 26 + 6.5 * _width(density)
    return [
        _rect(x, y, 14, 14, ACCENT, fill_opacity="0.6"),
        _text(x + 20, y + 11, density, fill=INK_2, size=11),
        f'<circle cx="{second + 7:.1f}" cy="{y + 7}" r="6" fill="{WARN}"/>',
        _text(second + 20, y + 11, dots, fill=INK_2, size=11),
    ], second + 20 + 6.5 * _width(dots)


# --- Funnel --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelStep:
    label: str
    count: int
    capex: float | None  # 万元, known amounts only
    jobs: int | None
    reached: int  # leads at this stage or later
    currencies: tuple[str, ...] = ()  # currencies of the amounts summed into `capex`


def funnel_chart(steps: Sequence[FunnelStep], *, english: bool, title: str) -> SafeString:
    """One centred bar per stage (width = leads now at that stage), figures to the right."""
    if not any(s.count for s in steps):
        return empty_chart(_("范围内没有线索。"))
    row, bar_w, left, label_w = 34, 260, 130, 330
    width, height = left + bar_w + label_w, row * len(steps) + 10
    peak = max(s.count for s in steps) or 1
    body = []
    for i, step in enumerate(steps):
        y = 5 + i * row
        w = max(2.0, bar_w * step.count / peak) if step.count else 0.0
        body.append(_text(left - 8, y + 19, step.label, anchor="end", fill=INK_2))
        body.append(
            _rect(
                left + (bar_w - w) / 2,
                y + 4,
                w,
                row - 10,
                ACCENT,
                rx="3",
                fill_opacity=f"{0.35 + 0.65 * (i + 1) / len(steps):.2f}",
            )
        )
        figures = npgettext(
            "funnel bar",
            "%(n)s 条 · %(capex)s · 就业 %(jobs)s",
            "%(n)s 条 · %(capex)s · 就业 %(jobs)s",
            step.count,
        ) % {
            "n": f"{step.count:,}",
            "capex": money(step.capex, english),
            "jobs": "–" if step.jobs is None else f"{step.jobs:,}",
        }
        body.append(_text(left + bar_w + 10, y + 19, figures, fill=INK))
    desc = "; ".join(f"{s.label} {s.count}" for s in steps)
    return _svg(width, height, title, desc, body)


# --- Time in stage -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StageTime:
    label: str
    n: int  # completed stays
    p25: float | None  # days
    median: float | None
    p75: float | None
    current: int  # leads in this stage now (stay not over yet)
    current_median: float | None


def stage_time_chart(rows: Sequence[StageTime], *, title: str) -> SafeString:
    """Per stage: the middle half (p25-p75) of completed stays, the median marked."""
    if not any(r.n or r.current for r in rows):
        return empty_chart(_("范围内尚无阶段变更记录。"))
    row, left, plot, right = 34, 130, 300, 230
    width, height = left + plot + right, row * len(rows) + 36
    top_days = max([r.p75 or 0 for r in rows] + [r.current_median or 0 for r in rows] + [1])
    scale = plot / _nice(top_days)
    body = _day_axis(left, plot, scale, row * len(rows) + 8)
    for i, r in enumerate(rows):
        y = 8 + i * row
        body.append(_text(left - 8, y + 16, r.label, anchor="end", fill=INK_2))
        if r.median is not None and r.p25 is not None and r.p75 is not None:
            body.append(
                _rect(left + r.p25 * scale, y + 6, (r.p75 - r.p25) * scale, 14, SOFT, stroke=ACCENT)
            )
            mx = left + r.median * scale
            body.append(_line(mx, y + 3, mx, y + 23, stroke=ACCENT, width=3))
        if r.current_median is not None:
            cx = left + r.current_median * scale
            body.append(
                f'<circle cx="{cx:.1f}" cy="{y + 13}" r="4" fill="none" '
                f'stroke="{WARN}" stroke-width="2"/>'
            )
        done, now = _stage_time_note(r)
        body.append(_text(left + plot + 10, y + 12, done, fill=INK, size=11))
        if now:
            body.append(_text(left + plot + 10, y + 26, now, fill=INK_3, size=10))
    desc = _("方框为已结束停留的四分位区间，竖线为中位数，圆圈为当前停留的中位天数。")
    medians = [
        _("%(stage)s %(days)s 天") % {"stage": r.label, "days": f"{r.median:.0f}"}
        for r in rows
        if r.median is not None
    ]
    if medians:
        desc += " " + _("已结束停留的中位天数：%(list)s。") % {"list": _listed(medians)}
    return _svg(width, height, title, desc, body)


def _listed(items: Sequence[str]) -> str:
    """Items of a sentence joined the way the language lists them (、 or a comma)."""
    return _("、").join(items)


def _stage_time_note(r: StageTime) -> tuple[str, str]:
    done = (
        _("中位 %(d)s 天（%(n)s 次停留）") % {"d": f"{r.median:.0f}", "n": r.n}
        if r.median is not None
        else _("无已结束的停留")
    )
    now = (
        _("现有 %(n)s 条，已停留中位 %(d)s 天") % {"n": r.current, "d": f"{r.current_median:.0f}"}
        if r.current_median is not None
        else ""
    )
    return done, now


def _nice(value: float) -> float:
    """A round axis end at or above value (1, 2, 5 x 10^k)."""
    exponent = 10 ** math.floor(math.log10(max(value, 1e-9)))
    for step in (1, 2, 5, 10):
        if step * exponent >= value:
            return float(step * exponent)
    return float(10 * exponent)


def _day_axis(left: float, plot: float, scale: float, y: float) -> list[str]:
    end = plot / scale
    parts = [_line(left, y, left + plot, y)]
    for k in range(5):
        days = end * k / 4
        x = left + days * scale
        label = f"{days:.0f}" if end >= 4 else f"{days:.2g}"
        parts += [
            _line(x, 4, x, y, dash="2 3"),
            _text(x, y + 14, label, anchor="middle", fill=INK_3, size=10),
        ]
    parts.append(_text(left + plot, y + 26, _("天"), anchor="end", fill=INK_3, size=10))
    return parts


# --- Score distribution per region -------------------------------------------------------------


@dataclass(frozen=True)
class Distribution:
    label: str
    n: int
    p05: float
    p25: float
    p50: float
    p75: float
    p95: float


def distribution_chart(
    rows: Sequence[Distribution], *, cutoff_total: float | None, title: str
) -> SafeString:
    """Box plots of the total (0-100) per region: 5-95% whiskers, quartile box, median."""
    if not rows:
        return empty_chart(_("范围内没有已评分的线索。"))
    row, left, plot, right = 26, 130, 420, 90
    width, height = left + plot + right, row * len(rows) + 40
    scale = plot / 100
    bottom = row * len(rows) + 8
    body = []
    for tick in range(0, 101, 20):
        x = left + tick * scale
        body += [
            _line(x, 4, x, bottom, dash="2 3"),
            _text(x, bottom + 14, str(tick), anchor="middle", fill=INK_3, size=10),
        ]
    for i, d in enumerate(rows):
        y = 8 + i * row
        mid = y + row / 2 - 2
        body.append(_text(left - 8, mid + 4, _short(d.label, 20), anchor="end", fill=INK_2))
        body.append(_line(left + d.p05 * scale, mid, left + d.p95 * scale, mid, stroke=INK_3))
        body.append(
            _rect(left + d.p25 * scale, mid - 7, (d.p75 - d.p25) * scale, 14, SOFT, stroke=ACCENT)
        )
        body.append(
            _line(
                left + d.p50 * scale, mid - 8, left + d.p50 * scale, mid + 8, stroke=ACCENT, width=3
            )
        )
        body.append(_text(left + plot + 8, mid + 4, f"n = {d.n:,}", fill=INK_3, size=11))
    if cutoff_total is not None:
        x = left + cutoff_total * scale
        body += [
            _line(x, 2, x, bottom, stroke=BAD, width=1.5, dash="5 3"),
            _text(
                x,
                bottom + 28,
                _("入围线 %(t)s") % {"t": f"{cutoff_total:.1f}"},
                anchor="middle",
                fill=BAD,
                size=11,
            ),
        ]
    desc = _("各地区线索总分的分布：须线为 5–95%，方框为四分位区间，粗线为中位数。")
    desc += " " + _("总分中位数：%(list)s。") % {
        "list": _listed([f"{d.label} {d.p50:.0f}" for d in rows])
    }
    if cutoff_total is not None:
        desc += " " + _("入围线 %(t)s") % {"t": f"{cutoff_total:.1f}"}
    return _svg(width, height, title, desc, body)


# --- Cluster targets -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRow:
    label: str
    target_capex: float | None  # 万元 per year
    signed_capex: float  # signed in the year (dated)
    undated_capex: float  # at signed or later, date of signing not recorded
    target_projects: int | None
    signed_projects: int
    undated_projects: int
    currencies: tuple[str, ...] = ()  # currencies of the amounts summed (in 万元)


def targets_chart(rows: Sequence[TargetRow], *, english: bool, year: int, title: str) -> SafeString:
    """Per cluster, two bullet bars: signed capex and projects against the yearly targets."""
    if not rows:
        return empty_chart(_("范围内没有产业集群。"))
    row, left, bar, gap = 64, 190, 230, 40
    width, height = left + 2 * bar + gap + 20, row * len(rows) + 34
    capex_top = max(
        [max(r.target_capex or 0, r.signed_capex + r.undated_capex) for r in rows] + [1]
    )
    proj_top = max(
        [max(r.target_projects or 0, r.signed_projects + r.undated_projects) for r in rows] + [1]
    )
    body = [
        _text(left, 14, _("签约投资额"), fill=INK_2, weight="600"),
        _text(left + bar + gap, 14, _("签约项目数"), fill=INK_2, weight="600"),
    ]
    for i, r in enumerate(rows):
        y = 26 + i * row
        body.append(
            f"<g><title>{escape(r.label)}</title>"
            + _text(left - 8, y + 16, _short(r.label, 28), anchor="end", fill=INK)
            + "</g>"
        )
        body += _bullet(
            left,
            y,
            bar,
            capex_top,
            r.target_capex,
            r.signed_capex,
            r.undated_capex,
            _capex_note(r, english),
        )
        body += _bullet(
            left + bar + gap,
            y,
            bar,
            proj_top,
            r.target_projects,
            r.signed_projects,
            r.undated_projects,
            _projects_note(r),
        )
    desc = _(
        "%(year)s 年已签约（深色）与签约日期未记录（浅色）的投资额和项目数，竖线为年度目标。"
    ) % {"year": year}
    figures = [
        _("%(cluster)s：投资额 %(capex)s，项目 %(projects)s")
        % {
            "cluster": r.label,
            "capex": "，".join(_capex_note(r, english)),
            "projects": "，".join(_projects_note(r)),
        }
        for r in rows
    ]
    desc += " " + _listed(figures) + _("。")
    return _svg(width, height, title, desc, body)


def _capex_note(r: TargetRow, english: bool) -> tuple[str, str]:
    return _bullet_note(
        money(r.signed_capex, english),
        money(r.undated_capex, english) if r.undated_capex else None,
        money(r.target_capex, english) if r.target_capex else None,
    )


def _projects_note(r: TargetRow) -> tuple[str, str]:
    return _bullet_note(
        str(r.signed_projects),
        str(r.undated_projects) if r.undated_projects else None,
        str(r.target_projects) if r.target_projects else None,
    )


def _bullet_note(signed: str, undated: str | None, target: str | None) -> tuple[str, str]:
    """Two lines under a bullet bar that name what it draws: the dark part (signed in the
    year), the light part (signed, date not recorded) when there is one, then the target."""
    drawn = _("当年签约 %(signed)s") % {"signed": signed}
    if undated is not None:
        drawn += " · " + _("未记日期 %(undated)s") % {"undated": undated}
    goal = _("目标 %(target)s") % {"target": target} if target is not None else _("未设目标")
    return drawn, goal


def _bullet(
    x: float,
    y: float,
    width: float,
    top: float,
    target: float | None,
    signed: float,
    undated: float,
    note: tuple[str, str],
) -> list[str]:
    scale = width / top
    parts = [
        _rect(x, y + 4, width, 16, "#f2f4f7"),
        _rect(x, y + 4, signed * scale, 16, GOOD),
        _rect(x + signed * scale, y + 4, undated * scale, 16, GOOD, fill_opacity="0.3"),
    ]
    if target:
        tx = x + target * scale
        parts.append(_line(tx, y, tx, y + 24, stroke=INK, width=2.5))
    parts.append(_text(x, y + 35, note[0], fill=INK_2, size=11))
    parts.append(_text(x, y + 49, note[1], fill=INK_2, size=11))
    return parts
