"""Labels a person read raw or wrong on the walk's screenshots: stage codes in the admin's
inline headings, a 万元 target in English, table names in the upload check, and a capex label
that said 万元 for an amount in any currency."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from projects.models import Stage, StageChange
from screening.models import LeadDecision, Outcome
from tests.ui.scenario import Scenario
from tests.ui.test_one_language import in_english
from tests.ui.test_regions_pages import bundle

ENDOWMENTS_OK = "region_code,factor,value,source\nSD-JN,rail,1,test\nSD-QD,rail,1,test\n"


def test_a_stage_change_is_named_by_its_stages(scenario: Scenario) -> None:
    lead = scenario.leads["parts"]
    moved = StageChange(
        lead=lead, from_stage=Stage.LEAD, to_stage=Stage.CONTACT, changed_at=timezone.now()
    )
    new = StageChange(lead=lead, from_stage="", to_stage=Stage.LEAD, changed_at=timezone.now())
    with translation.override("zh-hans"):
        assert str(moved) == "线索 → 接洽/考察"
        assert str(new) == "新建 → 线索"
    with translation.override("en"):
        assert str(moved) == "Lead → Contact / visit"
        assert str(new) == "Created → Lead"


def test_a_decision_is_named_by_its_outcome(scenario: Scenario) -> None:
    decision = LeadDecision(lead=scenario.leads["parts"], outcome=Outcome.choices[0][0])
    decision.decided_at = timezone.now()
    with translation.override("en"):
        assert str(Outcome.choices[0][1]) in str(decision)
        assert f" {Outcome.choices[0][0]} " not in str(decision)


def test_the_cluster_target_is_money_in_the_page_language(
    scenario: Scenario, officer: Client
) -> None:
    url = reverse("cluster_profile", args=[scenario.clusters["JN-NEV"].pk])
    chinese = officer.get(url).content.decode()
    assert "年度签约目标 500,000 万元" in chinese
    english = in_english(officer).get(url).content.decode()
    assert "Yearly signing target CNY 5,000.0 m" in english
    assert "10k CNY" not in english


def test_the_upload_check_names_its_tables(scenario: Scenario, admin_client_: Client) -> None:
    files = {"file": bundle({"endowments.csv": ENDOWMENTS_OK})}
    chinese = admin_client_.post(reverse("data_upload"), files).content.decode()
    assert "<code>endowments.csv</code>" in chinese
    assert '<th scope="row">要素禀赋 <code>endowments.csv</code></th>' in chinese
    files = {"file": bundle({"endowments.csv": ENDOWMENTS_OK})}
    english = in_english(admin_client_).post(reverse("data_upload"), files).content.decode()
    assert '<th scope="row">Endowments <code>endowments.csv</code></th>' in english


def test_the_capex_label_names_no_currency(scenario: Scenario, admin_client_: Client) -> None:
    lead = scenario.leads["parts"]
    for url in (reverse("lead_edit", args=[lead.pk]), f"/admin/projects/lead/{lead.pk}/change/"):
        chinese = admin_client_.get(url).content.decode()
        assert "投资额（万，按所填币种）" in chinese and "投资额（万元）" not in chinese, url
        english = in_english(admin_client_).get(url).content.decode()
        assert "Capex (in 10,000s of the chosen currency)" in english, url
        assert "Capex (10k)" not in english, url
        admin_client_.cookies.pop("django_language")
