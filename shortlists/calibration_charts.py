"""The calibration page's charts as inline SVG (as shortlists.charts: no JS, a table beside).

`auc_chart`: each score's AUC with its 95 % interval against the 0.5 line of chance.
`reliability_chart`: predicted vs observed landing rate by decile, against the diagonal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from shortlists.charts import ACCENT, BAD, GOOD, INK_3, LINE, _line, _short, _svg, _text

VERDICT_COLOUR = {"predicts": GOOD, "nothing": INK_3, "against": BAD}


def auc_chart(rows: Sequence[tuple[str, Mapping[str, Any]]], *, title: str) -> SafeString:
    """One row per score: a dot at its AUC and a bar over its interval (axis 0.3-1.0)."""
    left, right, top, step = 200, 530, 28, 26
    height = top + step * len(rows) + 34
    lo, hi = 0.3, 1.0

    def x(v: float) -> float:
        return left + (min(max(v, lo), hi) - lo) / (hi - lo) * (right - left)

    body = []
    for tick in (0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0):
        dash = "4 3" if tick == 0.5 else ""
        stroke = INK_3 if tick == 0.5 else LINE
        body.append(_line(x(tick), top - 8, x(tick), height - 28, stroke=stroke, dash=dash))
        body.append(_text(x(tick), height - 12, f"{tick:.1f}", anchor="middle", fill=INK_3))
    body.append(_text(x(0.5), top - 12, _("随机 0.5"), anchor="middle", fill=INK_3))
    for i, (label, row) in enumerate(rows):
        y = top + step * i + step / 2
        colour = VERDICT_COLOUR.get(str(row.get("verdict")), ACCENT)
        body.append(_text(left - 10, y + 4, _short(label, 31), anchor="end"))
        body.append(_line(x(row["low"]), y, x(row["high"]), y, stroke=colour, width=3))
        body.append(f'<circle cx="{x(row["auc"]):.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>')
        body.append(_text(right + 8, y + 4, f"{row['auc']:.2f}", fill=colour))
    desc = "; ".join(
        f"{label}: AUC {row['auc']:.2f} ({row['low']:.2f}–{row['high']:.2f})" for label, row in rows
    )
    return _svg(580, height, title, desc, body)


def reliability_chart(rows: Sequence[Mapping[str, Any]], *, title: str) -> SafeString:
    """Deciles as dots at (mean predicted, observed rate) over the diagonal of perfect
    calibration; axes 0-100 %."""
    left, top, size = 56, 16, 260
    body = []
    for tick in (0, 25, 50, 75, 100):
        pos = tick / 100 * size
        body.append(_line(left + pos, top, left + pos, top + size))
        body.append(_line(left, top + size - pos, left + size, top + size - pos))
        body.append(_text(left + pos, top + size + 16, f"{tick}%", anchor="middle", fill=INK_3))
        body.append(_text(left - 6, top + size - pos + 4, f"{tick}%", anchor="end", fill=INK_3))
    body.append(_line(left, top + size, left + size, top, stroke=INK_3, dash="4 3"))
    for row in rows:
        cx = left + row["predicted"] * size
        cy = top + size - row["observed"] * size
        body.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="{ACCENT}"/>')
    body.append(_text(left + size / 2, top + size + 34, _("预测落地概率"), anchor="middle"))
    body.append(
        _text(14, top + size / 2, _("实际落地比例"), anchor="middle").replace(
            "<text ", f'<text transform="rotate(-90 14 {top + size / 2:.0f})" ', 1
        )
    )
    desc = "; ".join(
        _("第 %(d)s 组：预测 %(p).0f%%，实际 %(o).0f%%")
        % {"d": row["decile"], "p": 100 * row["predicted"], "o": 100 * row["observed"]}
        for row in rows
    )
    return _svg(left + size + 20, top + size + 44, title, desc, body)
