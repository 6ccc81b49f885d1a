"""A saved shortlist as an Excel workbook and as a PDF of one-page briefings per lead.

Both read the snapshot only (what was decided on), plus the decisions and comments since.
Every text cell of the workbook goes through screening.csv_safety.safe_cell, so a company
name or comment starting with "=" is shown, never evaluated. Capex is given as reported (万
units of its currency) with its CNY equivalent beside it; the header block says which rates
of which date converted it (projects.money). The PDF embeds a TrueType CJK font when one is
installed (shortlists.pdf_fonts), else it falls back to the non-embedded STSong-Light.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepInFrame,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from projects import money
from projects.models import Stage
from regions.names import is_english, snapshot_name
from screening.csv_safety import safe_cell
from shortlists.models import Decision, SavedShortlist, ShortlistEntry
from shortlists.pdf_fonts import cjk_font_name
from shortlists.scopes import saved_scope_label

HEADER_FILL = PatternFill("solid", fgColor="16324F")
FLAG_FILL = PatternFill("solid", fgColor="FFF4DC")


def stage_label(value: str) -> str:
    return str(Stage(value).label) if value in Stage.values else value


def decision_label(value: str) -> str:
    return str(Decision(value).label) if value in Decision.values else ""


def band_text(entry: ShortlistEntry) -> str:
    if entry.rank_p05 is None or entry.rank_p95 is None:
        return ""
    return f"{entry.rank_p05}–{entry.rank_p95}"


def standing_text(rank: int | None, scored: int | None) -> str:
    """ "3/120": the rank among that many scored leads (empty when not known)."""
    return "" if rank is None or scored is None else f"{rank}/{scored}"


def weights_text(saved: SavedShortlist) -> str:
    lf, cc, cs = (round(100 * w) for w in saved.weights())
    pu = round(100 * saved.pull_share)
    return _("本地适配 %(lf)s%% · 补链 %(cc)s%% · 强群 %(cs)s%%（其中带动配套 %(pu)s%%）") % {
        "lf": lf,
        "cc": cc,
        "cs": cs,
        "pu": pu,
    }


def meta_rows(
    saved: SavedShortlist, entries: Sequence[ShortlistEntry]
) -> list[tuple[str, str | int]]:
    """The shortlist's facts above its table: what, which scope, which profile, which rates."""
    who = saved.created_by.get_username() if saved.created_by else "–"
    when = timezone.localtime(saved.created_at).strftime("%Y-%m-%d %H:%M")
    return [
        (_("名单"), saved.name),
        (_("范围"), saved_scope_label(saved)),
        (_("评分方案"), str(saved.profile)),
        (_("权重"), weights_text(saved)),
        (_("入围名额"), saved.cutoff),  # a number in the workbook
        (_("保存人与时间"), f"{who} · {when}"),
        (_("汇率"), rates_text(entries)),
    ]


def rates_text(entries: Sequence[ShortlistEntry]) -> str:
    note = money.rates_note(
        (e.currency for e in entries if e.capex is not None),
        money.configured_rates(),
        english=is_english(),
    )
    return note or _("投资额均为人民币，未折算。")


# --- Excel -------------------------------------------------------------------------------------

# (header, width, number format or None for text); headers are translated when written.
# The sub-scores, total and confidence as every workbook shows them (header, width, format).
SCORE_XLSX_COLUMNS: list[tuple[str, int, str | None]] = [
    (gettext_noop("本地适配"), 9, "0.0"),
    (gettext_noop("补链"), 8, "0.0"),
    (gettext_noop("强群"), 8, "0.0"),
    (gettext_noop("带动配套"), 9, "0.0"),
    (gettext_noop("总分"), 8, "0.0"),
    (gettext_noop("置信度"), 8, "0%"),
]
COLUMNS: list[tuple[str, int, str | None]] = [
    (gettext_noop("名次"), 6, "0"),
    (gettext_noop("企业"), 28, None),
    (gettext_noop("编号"), 14, None),
    (gettext_noop("目标地区"), 12, None),
    (gettext_noop("产业"), 16, None),
    (gettext_noop("阶段"), 10, None),
    (gettext_noop("投资额（万，原币种）"), 14, "#,##0"),
    (gettext_noop("币种"), 7, None),
    (gettext_noop("折合人民币（万元）"), 14, "#,##0"),
    (gettext_noop("就业"), 8, "#,##0"),
    *SCORE_XLSX_COLUMNS,
    (gettext_noop("地区内名次/已评分"), 12, None),
    (gettext_noop("全省名次/已评分"), 12, None),
    (gettext_noop("排名区间（5–95%）"), 12, None),
    (gettext_noop("跨越入围线"), 10, None),
    (gettext_noop("决定"), 10, None),
    (gettext_noop("意见"), 30, None),
    (gettext_noop("评分说明"), 70, None),
]


def shortlist_xlsx(saved: SavedShortlist, entries: Sequence[ShortlistEntry], lang: str) -> bytes:
    """One sheet: the shortlist's facts on top, then one formatted row per lead."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("名单")
    facts = meta_rows(saved, entries)
    for i, (label, value) in enumerate(facts, start=1):
        sheet.cell(row=i, column=1, value=safe_cell(label)).font = Font(bold=True)
        sheet.cell(row=i, column=2, value=value if isinstance(value, int) else safe_cell(value))
    header_row = len(facts) + 2
    _write_header(sheet, header_row)
    for offset, entry in enumerate(entries, start=1):
        _write_entry(sheet, header_row + offset, entry, lang)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
    last = get_column_letter(len(COLUMNS))
    sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + len(entries)}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_header(sheet: Worksheet, row: int) -> None:
    for col, (header, width, _fmt) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=row, column=col, value=safe_cell(_(header)))
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(col)].width = width


def region_name(entry: ShortlistEntry) -> str:
    """The saved region name in the export's language while the lead's region still bears it
    (as on the saved list's page, shortlists.review)."""
    return snapshot_name(entry.region_name, entry.lead.region if entry.lead else None)


def industry_name(entry: ShortlistEntry) -> str:
    return snapshot_name(entry.industry_name, entry.lead.industry if entry.lead else None)


def entry_values(entry: ShortlistEntry, lang: str) -> list[object]:
    """The row of one entry: numbers as numbers (scores to the 0.1 the pages show, capex in
    万 of its own currency and in 万元), texts neutralised against formulas."""
    texts = [
        entry.company,
        entry.external_id,
        region_name(entry),
        industry_name(entry),
        stage_label(entry.stage),
    ]
    capex = float(entry.capex) if entry.capex is not None else None
    cny = money.to_cny(entry.capex, entry.currency, money.configured_rates())
    amounts = [capex, safe_cell(money.normalise(entry.currency)), _rounded(cny, 0), entry.jobs]
    scores = [
        entry.local_fit,
        entry.chain_completion,
        entry.cluster_strength,
        entry.pull,
        entry.total,
    ]
    numbers = [*amounts, *(_rounded(s, 1) for s in scores), _rounded(entry.confidence, 2)]
    tail = [
        standing_text(entry.region_rank, entry.region_scored),
        standing_text(entry.province_rank, entry.province_scored),
        band_text(entry),
        _("是") if entry.crosses_cutoff else "",
        decision_label(entry.decision),
        entry.comment,
        entry.explanation(lang),
    ]
    return [entry.rank, *(safe_cell(t) for t in texts), *numbers, *(safe_cell(t) for t in tail)]


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def _write_entry(sheet: Worksheet, row: int, entry: ShortlistEntry, lang: str) -> None:
    for col, value in enumerate(entry_values(entry, lang), start=1):
        cell = sheet.cell(row=row, column=col, value=value)
        fmt = COLUMNS[col - 1][2]
        if fmt:
            cell.number_format = fmt
        cell.alignment = Alignment(vertical="top", wrap_text=fmt is None)
        if entry.crosses_cutoff:
            cell.fill = FLAG_FILL


# --- PDF -----------------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=cjk_font_name(), fontSize=10, leading=14, wordWrap="CJK")
    return {
        "base": base,
        "small": ParagraphStyle(
            "small", parent=base, fontSize=8.5, leading=11, textColor=colors.HexColor("#4a5868")
        ),
        "h1": ParagraphStyle("h1", parent=base, fontSize=18, leading=24, spaceAfter=4),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontSize=12,
            leading=16,
            spaceBefore=8,
            spaceAfter=4,
            textColor=colors.HexColor("#16324f"),
        ),
        "flag": ParagraphStyle("flag", parent=base, textColor=colors.HexColor("#9a6200")),
    }


def shortlist_pdf(saved: SavedShortlist, entries: Sequence[ShortlistEntry], lang: str) -> bytes:
    """A summary page, then one page per lead for the meeting (shrunk to fit if need be)."""
    styles = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=saved.name,
        author=saved.created_by.get_username() if saved.created_by else "",
        initialFontName=cjk_font_name(),  # not Helvetica: every font of the file is embedded
    )
    story: list[object] = [*_summary(saved, entries, styles)]
    for entry in entries:
        story += [
            PageBreak(),
            KeepInFrame(
                doc.width, doc.height, _briefing(saved, entry, lang, styles), mode="shrink"
            ),
        ]
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return out.getvalue()


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _summary(
    saved: SavedShortlist, entries: Sequence[ShortlistEntry], styles: dict[str, ParagraphStyle]
) -> list[object]:
    facts = _table(
        [
            [_p(k, styles["small"]), _p(str(v), styles["base"])]
            for k, v in meta_rows(saved, entries)
        ],
        [28 * mm, 150 * mm],
    )
    head = [_("名次"), _("企业"), _("目标地区"), _("阶段"), _("总分"), _("排名区间"), _("决定")]
    rows = [[_p(h, styles["small"]) for h in head]] + [
        [
            _p(str(e.rank), styles["base"]),
            _p(e.company, styles["base"]),
            _p(region_name(e), styles["base"]),
            _p(stage_label(e.stage), styles["base"]),
            _p(f"{e.total:.1f}", styles["base"]),
            _p(band_text(e).replace("–", "-") + (" △" if e.crosses_cutoff else ""), styles["base"]),
            _p(decision_label(e.decision), styles["base"]),
        ]
        for e in entries
    ]
    table = _table(
        rows,
        [12 * mm, 62 * mm, 26 * mm, 20 * mm, 14 * mm, 24 * mm, 20 * mm],
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#16324f")),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#dde3ea")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        repeat_rows=1,
    )
    return [_p(saved.name, styles["h1"]), facts, Spacer(1, 6 * mm), table]


def _table(
    rows: list[list[object]],
    widths: list[float],
    *commands: tuple[object, ...],
    repeat_rows: int = 0,
) -> Table:
    """A table whose cells default to the CJK font (reportlab's default is a non-embedded
    Helvetica, set even around cells that hold only paragraphs)."""
    table = Table(rows, colWidths=widths, repeatRows=repeat_rows)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), cjk_font_name()), *commands]))
    return table


def _briefing(
    saved: SavedShortlist, entry: ShortlistEntry, lang: str, styles: dict[str, ParagraphStyle]
) -> list[object]:
    head = _("%(name)s · 第 %(rank)s 名（共 %(n)s 名入围）") % {
        "name": saved.name,
        "rank": entry.rank,
        "n": saved.cutoff,
    }
    parts: list[object] = [
        _p(head, styles["small"]),
        _p(entry.company, styles["h1"]),
        _facts_table(entry, styles),
        _p(_("评分"), styles["h2"]),
        _scores_table(entry, styles),
    ]
    if entry.crosses_cutoff:
        parts.append(_p("△ " + _("权重稍有变化，该线索就可能落到入围线另一侧。"), styles["flag"]))
    parts += [
        _p(_("决定与意见"), styles["h2"]),
        _p(
            f"{decision_label(entry.decision) or _('未决定')}"
            + (f"：{entry.comment}" if entry.comment else ""),
            styles["base"],
        ),
        _p(_("评分说明"), styles["h2"]),
    ]
    sentences = entry.explanation(lang).split("\n") if entry.explanation(lang) else []
    parts += [_p("· " + s, styles["base"]) for s in sentences] or [
        _p(_("保存时评分正在重新计算，没有说明。"), styles["small"])
    ]
    return parts


def _facts_table(entry: ShortlistEntry, styles: dict[str, ParagraphStyle]) -> Table:
    english, rates = is_english(), money.configured_rates()
    capex = _("未知")
    if entry.capex is not None:
        capex = money.format_amount(entry.capex, entry.currency, english=english)
        equivalent = money.equivalent_note(entry.capex, entry.currency, rates, english=english)
        capex += f"\n{equivalent}" if equivalent else ""
    cells = [
        (_("编号"), entry.external_id),
        (_("目标地区"), region_name(entry)),
        (_("产业"), industry_name(entry)),
        (_("阶段"), stage_label(entry.stage)),
        (_("投资额"), capex),
        (_("就业"), f"{entry.jobs:,}" if entry.jobs is not None else _("未知")),
    ]
    rows = [
        [
            _p(k, styles["small"]),
            _p(v, styles["base"]),
            _p(k2, styles["small"]),
            _p(v2, styles["base"]),
        ]
        for (k, v), (k2, v2) in zip(cells[0::2], cells[1::2], strict=True)
    ]
    return _table(rows, [22 * mm, 67 * mm, 22 * mm, 67 * mm])


def _bar(value: float) -> Drawing:
    drawing = Drawing(60 * mm, 4 * mm)
    drawing.initialFontName = cjk_font_name()  # it draws no text: no Helvetica in the file
    drawing.add(Rect(0, 0, 60 * mm, 3 * mm, fillColor=colors.HexColor("#eef2f6"), strokeColor=None))
    drawing.add(
        Rect(
            0,
            0,
            60 * mm * max(0.0, min(value, 100.0)) / 100,
            3 * mm,
            fillColor=colors.HexColor("#1f5fa8"),
            strokeColor=None,
        )
    )
    return drawing


def _scores_table(entry: ShortlistEntry, styles: dict[str, ParagraphStyle]) -> Table:
    rows = [
        [_p(label, styles["base"]), _bar(value), _p(f"{value:.1f}", styles["base"])]
        for label, value in (
            (_("本地适配"), entry.local_fit),
            (_("补链"), entry.chain_completion),
            (_("强群"), entry.cluster_strength),
            *([(_("带动配套"), entry.pull)] if entry.pull is not None else []),
            (_("总分"), entry.total),
        )
    ]
    rows.append(
        [_p(_("置信度"), styles["base"]), "", _p(f"{100 * entry.confidence:.0f}%", styles["base"])]
    )
    if entry.rank_p05 is not None:
        rows.append(
            [
                _p(_("排名区间"), styles["base"]),
                _p(
                    _("权重扰动下 90%% 的情况排在第 %(a)s–%(b)s 名")
                    % {"a": entry.rank_p05, "b": entry.rank_p95},
                    styles["small"],
                ),
                "",
            ]
        )
    return _table(rows, [28 * mm, 64 * mm, 20 * mm], ("VALIGN", (0, 0), (-1, -1), "MIDDLE"))


def _footer(canvas: Canvas, doc: SimpleDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont(cjk_font_name(), 8)
    canvas.setFillColor(colors.HexColor("#6b7a8c"))
    canvas.drawRightString(A4[0] - 16 * mm, 10 * mm, str(canvas.getPageNumber()))
    canvas.drawString(16 * mm, 10 * mm, _("选商 · 招商线索筛选"))
    canvas.restoreState()
