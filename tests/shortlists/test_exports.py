"""Exports of a saved shortlist: an Excel sheet and a PDF briefing, read back."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from projects.models import Lead
from projects.services import lead_update
from shortlists.models import SavedShortlist
from tests.shortlists.test_pages import save_shortlist
from tests.shortlists.test_ranking import expected_order
from tests.ui.scenario import Scenario

pytestmark = pytest.mark.django_db
HEADER_ROW = 9  # seven facts (the last: the exchange rates), a blank row, then the header


def columns(sheet: Any) -> dict[str, int]:
    """The header's column numbers (1-based) by title."""
    return {c.value: c.column for c in sheet[HEADER_ROW] if c.value}


def saved_with_a_formula(manager: Client, world: Scenario) -> SavedShortlist:
    """A shortlist whose top lead's name and comment look like spreadsheet formulas."""
    top = expected_order((0.4, 0.3, 0.3))[0]
    lead = Lead.objects.get(pk=top)
    lead_update(lead=lead, user=None, company='=HYPERLINK("http://x","点我")')
    saved = save_shortlist(manager, cutoff=5, status="any")
    entry = saved.entries.get(rank=1)
    manager.post(
        reverse("shortlists:decide", args=[saved.pk, entry.pk]),
        {"decision": "pursue", "comment": "@SUM(1+1)"},
    )
    return saved


def test_the_excel_export_has_one_formatted_row_per_lead(manager: Client, world: Scenario) -> None:
    saved = saved_with_a_formula(manager, world)
    response = manager.get(reverse("shortlists:export_xlsx", args=[saved.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    header = [c.value for c in sheet[HEADER_ROW]]
    assert header[:3] == ["名次", "企业", "编号"] and header[-1] == "评分说明"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=HEADER_ROW + 1)]
    entries = list(saved.entries.order_by("rank"))
    assert len(rows) == len(entries) == 5
    col = {title: n - 1 for title, n in columns(sheet).items()}
    for row, entry in zip(rows, entries, strict=True):
        assert row[0] == entry.rank and row[2] == entry.external_id
        assert row[col["带动配套"]] == pytest.approx(entry.pull, abs=0.05)  # a part of cluster
        assert row[col["总分"]] == pytest.approx(entry.total, abs=0.05)  # total, as a number
        assert row[-1] == entry.explanation_zh and row[-1]
    assert rows[0][1] == '\'=HYPERLINK("http://x","点我")'  # shown, never evaluated
    assert rows[0][col["决定"]] == "重点跟进" and rows[0][col["意见"]] == "'@SUM(1+1)"
    assert sheet.cell(row=1, column=2).value == "一季度重点"
    assert sheet.freeze_panes == f"C{HEADER_ROW + 1}"
    assert sheet.cell(row=HEADER_ROW + 1, column=col["总分"] + 1).number_format == "0.0"


def test_the_pdf_export_is_a_summary_and_one_page_per_lead(
    manager: Client, world: Scenario
) -> None:
    saved = saved_with_a_formula(manager, world)
    response = manager.get(reverse("shortlists:export_pdf", args=[saved.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    entries = list(saved.entries.order_by("rank"))
    assert len(reader.pages) == 1 + len(entries)
    summary = reader.pages[0].extract_text()
    assert "一季度重点" in summary
    for page, entry in zip(reader.pages[1:], entries, strict=True):
        text = page.extract_text()
        assert f"第 {entry.rank} 名" in text
        assert entry.company in text.replace("\n", "")
        assert f"{entry.total:.1f}" in text
        assert entry.region_name in text
    assert "重点跟进" in reader.pages[1].extract_text()


def test_exports_follow_the_language(manager: Client, world: Scenario) -> None:
    saved = save_shortlist(manager, cutoff=2)
    manager.cookies["django_language"] = "en"
    response = manager.get(reverse("shortlists:export_xlsx", args=[saved.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    entry = saved.entries.select_related("lead__region", "lead__industry").get(rank=1)
    assert sheet.cell(row=HEADER_ROW + 1, column=len(columns(sheet))).value == (
        entry.explanation_en
    )
    # Names saved in Chinese read in English while the region and industry still bear them.
    assert entry.lead is not None
    row = [c.value for c in sheet[HEADER_ROW + 1]]
    assert entry.region_name != entry.lead.region.name_en
    assert row[3:5] == [entry.lead.region.name_en, entry.lead.industry.name_en]
    assert sheet.cell(row=2, column=2).value == "All regions"


def test_the_excel_export_survives_a_control_character_in_stored_text(
    manager: Client, world: Scenario
) -> None:
    """A name stored before the models refused control characters (issue 14, finding 4):
    openpyxl cannot write one; the export shows U+FFFD instead of answering 500."""
    top = expected_order((0.4, 0.3, 0.3))[0]
    Lead.objects.filter(pk=top).update(company="甲\x01公司")
    saved = save_shortlist(manager, cutoff=5, status="any")

    response = manager.get(reverse("shortlists:export_xlsx", args=[saved.pk]))

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet.cell(row=HEADER_ROW + 1, column=2).value == "甲\ufffd公司"
