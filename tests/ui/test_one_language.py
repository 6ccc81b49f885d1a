"""One language per page (issue 15, item 2): what the system wrote in English — an upload's
error reasons, a score run's reason, the default profile's note — shows in the page's
language."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import Lead, Status
from screening.models import ScoreRun
from tests.ui.scenario import Scenario
from tests.ui.test_regions_pages import ENDOWMENTS_BAD, bundle

pytestmark = pytest.mark.django_db


def in_english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_upload_errors_read_in_the_page_language(scenario: Scenario, admin_client_: Client) -> None:
    upload = {"file": bundle({"endowments.csv": ENDOWMENTS_BAD})}
    chinese = admin_client_.post(reverse("data_upload"), upload).content.decode()
    assert "不能为负数" in chinese and "不是数字" in chinese
    assert "must not be negative" not in chinese and "not a number" not in chinese
    upload = {"file": bundle({"endowments.csv": ENDOWMENTS_BAD})}
    english = in_english(admin_client_).post(reverse("data_upload"), upload).content.decode()
    assert "must not be negative" in english and "不能为负数" not in english


def test_score_run_reasons_read_in_the_page_language(scenario: Scenario, manager: Client) -> None:
    ScoreRun.objects.create(reason="stale scores", state=ScoreRun.State.DONE)
    ScoreRun.objects.create(reason="3 lead(s) changed", state=ScoreRun.State.DONE)
    ScoreRun.objects.create(reason="region data changed (1 region(s))", state=ScoreRun.State.DONE)
    chinese = manager.get(reverse("runs")).content.decode()
    assert "补算过期的分数" in chinese and "3 条线索有变更" in chinese
    assert "地区数据有变更（1 个地区）" in chinese
    assert "stale scores" not in chinese and "lead(s) changed" not in chinese
    english = in_english(manager).get(reverse("runs")).content.decode()
    assert "Rescoring stale scores" in english and "3 leads changed" in english
    assert "Region data changed (1 region)" in english


def test_the_default_profile_note_reads_in_the_page_language(
    scenario: Scenario, manager: Client
) -> None:
    chinese = manager.get(reverse("shortlists:page")).content.decode()
    assert "Default profile" not in chinese and "docs/scoring.md" not in chinese
    assert "默认方案：均衡权重，本地适配 40%、补链 30%、强群 30%。" in chinese
    english = in_english(manager).get(reverse("shortlists:page")).content.decode()
    assert "docs/scoring.md" not in english
    assert "local fit 40%, chain completion 30%, cluster strengthening 30%" in english


def test_built_in_profiles_are_named_in_the_page_language(
    scenario: Scenario, manager: Client
) -> None:
    """The seeded profile is the "balanced" preset: its name reads as the preset buttons do."""
    chinese = manager.get(reverse("shortlists:page")).content.decode()
    assert "均衡 v1" in chinese and "balanced v1" not in chinese
    english = in_english(manager).get(reverse("shortlists:page")).content.decode()
    assert "Balanced v1" in english and "balanced v1" not in english


def test_texts_given_in_both_languages_show_the_page_language(
    scenario: Scenario, officer: Client
) -> None:
    """The demo's status reasons and products come as "中文 / English": a page shows its half
    (the inbox cut "用地指标不足 / no lan…" mid-English)."""
    lead = scenario.leads["parts"]
    Lead.objects.filter(pk=lead.pk).update(
        status=Status.ON_HOLD,
        status_reason="用地指标不足 / no land quota available",
        products="电驱动系统 / electric drive systems",
    )
    chinese = officer.get(reverse("inbox")).content.decode()
    assert ">用地指标不足</div>" in chinese and ">电驱动系统</div>" in chinese
    assert "no land quota" not in strip_titles(chinese)
    english = in_english(officer).get(reverse("inbox")).content.decode()
    assert "no land quota available" in english and "electric drive systems" in english
    page = officer.get(reverse("lead_detail", args=[lead.pk])).content.decode()
    assert "no land quota available" in page and "用地指标不足" not in strip_titles(page)


def strip_titles(html: str) -> str:
    """The page without its tooltips and form values (they keep the whole text as stored)."""
    return re.sub(r'(title|value)="[^"]*"', "", html)


def test_an_investor_origin_given_in_both_languages_shows_the_page_language(
    scenario: Scenario, officer: Client, manager: Client
) -> None:
    """The demo writes origins "广东深圳 / Shenzhen, Guangdong" (they read "Suzhou, Jiangsu" on
    Chinese pages): the lead page and the comparison show the page's half."""
    lead = scenario.leads["battery"]
    Lead.objects.filter(pk=lead.pk).update(investor_origin="广东深圳 / Shenzhen, Guangdong")
    detail = reverse("lead_detail", args=[lead.pk])
    compare = reverse("shortlists:compare")
    for client, url, query in ((officer, detail, {}), (manager, compare, {"lead": lead.pk})):
        chinese = strip_titles(client.get(url, query).content.decode())
        assert "广东深圳" in chinese and "Shenzhen" not in chinese, url
        english = strip_titles(in_english(client).get(url, query).content.decode())
        assert "Shenzhen, Guangdong" in english and "广东深圳" not in english, url
