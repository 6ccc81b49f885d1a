"""Prospect lists as the manager's page, the API, the command and the Excel export ask for them.

The ranking itself is screening.selectors.prospects; here a request's chain, cluster or gap
link becomes the industries to rank (the same scopes as the shortlists: screening's
`chain_industry_ids`, `cluster_industry_ids`), and a ranked firm becomes one export row.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from regions.models import Cluster, Industry, Region
from regions.names import local_name
from screening.csv_safety import safe_cell
from screening.selectors.prospect_text import gap_text
from screening.selectors.prospects import (
    Presence,
    Prospect,
    ProspectFilters,
    ProspectList,
    prospects_for_region,
)
from shortlists.exports import SCORE_XLSX_COLUMNS
from shortlists.scopes import chain_industry_ids, cluster_industry_ids

# The command's and the API's columns, in order (the Excel sheet adds readable ones).
EXPORT_COLUMNS = (
    "firm_id",
    "name",
    "industry_code",
    "local_fit",
    "chain_completion",
    "cluster_strength",
    "total",
    "gap_filled",
)


@dataclass(frozen=True)
class ProspectRequest:
    """What to rank: a region and the filters a person chose (None = not chosen)."""

    region: Region
    chain: Industry | None = None
    cluster: Cluster | None = None
    gap: Industry | None = None
    gaps_only: bool = False
    min_employees: int | None = None
    max_employees: int | None = None
    country: str | None = None
    presence: Presence = Presence.ANY
    limit: int = 50
    offset: int = 0

    def filters(self) -> ProspectFilters:
        """The chain, cluster and gap link narrow the industries together (an intersection)."""
        scopes: list[set[int]] = []
        if self.chain is not None:
            scopes.append(set(chain_industry_ids(self.chain)))
        if self.cluster is not None:
            scopes.append(set(cluster_industry_ids(self.cluster)))
        if self.gap is not None:
            scopes.append({self.gap.pk})
        industries = frozenset(set.intersection(*scopes)) if scopes else None
        return ProspectFilters(
            industry_ids=industries,
            gaps_only=self.gaps_only,
            min_employees=self.min_employees,
            max_employees=self.max_employees,
            country=self.country or None,
            presence=Presence(self.presence),
        )


def prospect_list(request: ProspectRequest) -> ProspectList:
    return prospects_for_region(
        request.region, request.filters(), limit=request.limit, offset=request.offset
    )


def export_row(found: ProspectList, prospect: Prospect) -> dict[str, object]:
    """One ranked firm in the command's and the API's columns (scores rounded to 0.1)."""
    return {
        "firm_id": prospect.firm.code,
        "name": prospect.firm.name,
        "industry_code": prospect.firm.industry.code,
        "local_fit": round(prospect.local_fit, 1),
        "chain_completion": round(prospect.chain_completion, 1),
        "cluster_strength": round(prospect.cluster_strength, 1),
        "total": round(prospect.total, 1),
        "gap_filled": gap_text(found.loaded.world, prospect.gap),
    }


# --- Excel ---------------------------------------------------------------------------------

HEADER_FILL = PatternFill("solid", fgColor="16324F")
# (header, width, number format or None for text)
XLSX_COLUMNS: list[tuple[str, int, str | None]] = [
    (gettext_noop("名次"), 6, "0"),
    (gettext_noop("企业编号"), 14, None),
    (gettext_noop("企业"), 28, None),
    (gettext_noop("产业"), 18, None),
    (gettext_noop("国家/地区"), 10, None),
    (gettext_noop("员工"), 10, "#,##0"),
    *SCORE_XLSX_COLUMNS,
    (gettext_noop("可补的链条缺口"), 50, None),
    (gettext_noop("省内已有工厂"), 18, None),
    (gettext_noop("已是线索"), 18, None),
    (gettext_noop("来源"), 30, None),
]


def prospects_xlsx(found: ProspectList, title: str) -> bytes:
    """One sheet: the region and filters on top, then one row per ranked firm."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("潜在投资方")
    sheet.cell(row=1, column=1, value=safe_cell(title)).font = Font(bold=True)
    lf, cc, cs = (round(100 * float(w)) for w in found.profile.weights)
    weights = " · ".join(f"{w}%" for w in (lf, cc, cs))
    pull = _("（其中带动配套 %(p)s%%）") % {"p": round(100 * found.profile.pull_share)}
    sheet.cell(row=2, column=1, value=safe_cell(_("权重（本地适配 · 补链 · 强群）")))
    sheet.cell(row=2, column=2, value=safe_cell(f"{weights} {pull}"))
    header = 4
    for col, (label, width, _fmt) in enumerate(XLSX_COLUMNS, start=1):
        cell = sheet.cell(row=header, column=col, value=safe_cell(_(label)))
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), HEADER_FILL
        sheet.column_dimensions[get_column_letter(col)].width = width
    for offset, prospect in enumerate(found.prospects, start=1):
        for col, value in enumerate(_xlsx_values(found, prospect), start=1):
            cell = sheet.cell(row=header + offset, column=col, value=value)
            number_format = XLSX_COLUMNS[col - 1][2]
            if number_format:
                cell.number_format = number_format
    sheet.freeze_panes = sheet.cell(row=header + 1, column=4)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_values(found: ProspectList, p: Prospect) -> list[object]:
    firm = p.firm
    return [
        p.rank,
        safe_cell(firm.code),
        safe_cell(local_name(firm)),
        safe_cell(local_name(firm.industry)),
        safe_cell(firm.country),
        firm.employees,
        round(p.local_fit, 1),
        round(p.chain_completion, 1),
        round(p.cluster_strength, 1),
        round(p.pull, 1),
        round(p.total, 1),
        round(p.confidence, 2),
        safe_cell(gap_text(found.loaded.world, p.gap)),
        safe_cell("、".join(local_name(r) for r in p.plants_in_province)),
        safe_cell(
            "、".join(local_name(lead.region) for lead in [*p.leads_here, *p.leads_elsewhere])
        ),
        safe_cell(firm.source),
    ]
