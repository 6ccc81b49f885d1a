"""Capex in its own currency on every page that shows it; CNY equivalents, with their rate and
date, wherever amounts are compared or summed (issue 15, item 1); the target chart's labels
name what its bars draw (item 5)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from projects.models import Lead, Stage, StageChange
from projects.services import lead_create, lead_update
from screening.services.scores import rescore_leads
from shortlists.charts import TargetRow, money, targets_chart
from tests.shortlists.test_exports import HEADER_ROW, columns
from tests.shortlists.test_pages import save_shortlist
from tests.ui.scenario import Scenario

pytestmark = pytest.mark.django_db
USD_WAN = Decimal("70000")  # 70,000 万美元 = 700 m USD, 497,000 万元 at 7.1


def make_usd(lead: Lead) -> Lead:
    lead = lead_update(lead=lead, user=None, capex=USD_WAN, currency="USD")
    rescore_leads([lead.pk])
    return Lead.objects.get(pk=lead.pk)


@pytest.fixture
def usd_lead(world: Scenario) -> Lead:
    """The battery lead (济南) reported in US dollars."""
    return make_usd(world.leads["battery"])


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def row_of(html: str, lead: Lead) -> str:
    found = re.search(rf'data-lead="{lead.pk}">(.*?)</tr>', html, re.S)
    assert found, "the lead is on the page"
    return found.group(1)


def test_the_lead_page_shows_dollars_as_dollars_with_the_yuan_equivalent(
    client_for: Callable[[str], Client], usd_lead: Lead
) -> None:
    officer = client_for("officer_jinan")
    html = text_of(officer.get(reverse("lead_detail", args=[usd_lead.pk])).content.decode())
    assert "70,000 万美元" in html
    assert "≈ 497,000 万元（1 USD = 7.1 CNY，2024-12-31 示意汇率）" in html
    assert "投资额（万元）" not in html and "70000 USD" not in html
    officer.cookies["django_language"] = "en"
    html = text_of(officer.get(reverse("lead_detail", args=[usd_lead.pk])).content.decode())
    assert "USD 700.0 m" in html
    assert "≈ CNY 4,970.0 m (1 USD = 7.1 CNY, illustrative rate of 2024-12-31)" in html


def test_the_shortlist_shows_the_currency_and_the_rate_it_compared_at(
    manager: Client, usd_lead: Lead
) -> None:
    html = manager.get(reverse("shortlists:page"), {"status": "any"}).content.decode()
    cells = row_of(html, usd_lead)
    assert "70,000 万美元" in cells and "≈ 497,000 万元" in cells
    assert ">70,000<" not in cells  # never a bare figure under a 万元 heading
    assert "投资额（万元）" not in html
    assert "外币金额按 2024-12-31 的固定示意汇率折合人民币：1 USD = 7.1 CNY。" in html
    assert "不是及格线" in html  # what a 0-100 total means, as on the lead page (item 9)


def test_the_compare_page_shows_each_amount_in_its_currency(
    manager: Client, world: Scenario, usd_lead: Lead
) -> None:
    parts = world.leads["parts"]
    html = manager.get(
        reverse("shortlists:compare"), {"lead": [usd_lead.pk, parts.pk]}
    ).content.decode()
    assert "70,000 万美元" in html and "≈ 497,000 万元" in html
    assert f"{parts.capex:,.0f} 万元" in html
    assert "1 USD = 7.1 CNY" in html and "2024-12-31" in html


def test_a_saved_list_keeps_the_currency_of_each_amount(manager: Client, usd_lead: Lead) -> None:
    saved = save_shortlist(manager, cutoff=20, status="any")
    entry = saved.entries.get(lead=usd_lead)
    assert (entry.capex, entry.currency) == (USD_WAN, "USD")
    html = manager.get(reverse("shortlists:saved", args=[saved.pk])).content.decode()
    assert "70,000 万美元" in html and "1 USD = 7.1 CNY" in html


def test_the_funnel_sums_yuan_only_and_says_at_which_rates(manager: Client, usd_lead: Lead) -> None:
    response = manager.get(reverse("shortlists:charts"), {"status": "any"})
    contact = next(s for s in response.context["funnel"] if s.label == str(Stage.CONTACT.label))
    amounts = Lead.objects.filter(stage=Stage.CONTACT, capex__isnull=False)
    expected = 0.0
    for capex, currency in amounts.values_list("capex", "currency"):
        expected += float(capex or 0) * (7.1 if currency == "USD" else 1.0)
    assert contact.capex == pytest.approx(expected)
    assert "1 USD = 7.1 CNY" in response.content.decode()


def test_signed_foreign_amounts_count_in_yuan_against_the_cluster_target(
    manager: Client, world: Scenario
) -> None:
    """A signed lead without a recorded signing date (as imported) counts as undated."""
    lead = lead_create(
        user=None,
        external_id="USD-1",
        company="美元企业",
        industry=world.industries["NEV-PART"],
        region=world.cities["JN"],
        capex=Decimal("1000"),
        currency="USD",
        jobs=100,
        stage=Stage.SIGNED,
    )
    StageChange.objects.filter(lead=lead).delete()
    response = manager.get(reverse("shortlists:charts"), {"status": "any"})
    row = next(r for r in response.context["targets"].rows if r.label == "济南新能源汽车产业集群")
    assert row.undated_capex == pytest.approx(7100)
    assert row.currencies == ("USD",)
    html = response.content.decode()
    assert "未记日期 7,100 万元" in html and "1 USD = 7.1 CNY" in html


def test_the_target_chart_labels_name_what_its_bars_draw() -> None:
    """Bars of signings whose date is unknown used to sit over "0 万元（未设目标）"."""
    row = TargetRow(
        label="青岛电子信息产业集群",
        target_capex=None,
        signed_capex=0.0,
        undated_capex=12_000.0,
        target_projects=None,
        signed_projects=0,
        undated_projects=3,
    )
    svg = str(targets_chart([row], english=False, year=2026, title="集群目标与签约"))
    assert "当年签约 0 万元 · 未记日期 1.20 亿元" in svg
    assert "当年签约 0 · 未记日期 3" in svg
    assert "未设目标" in svg and "0 万元（未设目标）" not in svg
    assert money(12_000.0, False) == "1.20 亿元"


def test_the_excel_export_gives_amount_currency_and_yuan_with_formats(
    manager: Client, usd_lead: Lead
) -> None:
    saved = save_shortlist(manager, cutoff=20, status="any")
    response = manager.get(reverse("shortlists:export_xlsx", args=[saved.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    col = columns(sheet)
    entry = saved.entries.get(lead=usd_lead)
    row = HEADER_ROW + entry.rank
    assert sheet.cell(row=row, column=col["投资额（万，原币种）"]).value == 70000
    assert sheet.cell(row=row, column=col["币种"]).value == "USD"
    assert sheet.cell(row=row, column=col["折合人民币（万元）"]).value == 497000
    assert sheet.cell(row=row, column=col["折合人民币（万元）"]).number_format == "#,##0"
    assert sheet.cell(row=row, column=col["置信度"]).number_format == "0%"
    total = sheet.cell(row=row, column=col["总分"]).value
    assert total == round(entry.total, 1)  # what the pages show, not 95.7753164556962
    facts = {
        sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=2).value for r in range(1, 8)
    }
    assert facts["范围"] == saved.scope_label and facts["评分方案"] == str(saved.profile)
    assert facts["入围名额"] == 20  # a number, not text
    assert "1 USD = 7.1 CNY" in facts["汇率"] and "2024-12-31" in facts["汇率"]
    assert sheet.column_dimensions["B"].width == 28
    assert sheet.freeze_panes == f"C{HEADER_ROW + 1}"


def test_the_pdf_briefing_shows_the_amount_in_its_currency(manager: Client, usd_lead: Lead) -> None:
    saved = save_shortlist(manager, cutoff=20, status="any")
    entry = saved.entries.get(lead=usd_lead)
    response = manager.get(reverse("shortlists:export_pdf", args=[saved.pk]))
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[entry.rank].extract_text()
    assert "70,000 万美元" in text and "1 USD = 7.1 CNY" in text
