"""Missing records and dead ends (issue 15, item 7): an owner's assignment is in the lead's
timeline; the shortlist's region picker marks regions with nothing scored and the empty
shortlist says why; the cluster list filters by region and chain, priority clusters first;
the no-JavaScript "where else" link answers a whole page."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import LeadActivity
from regions.models import Region
from tests.ui.scenario import Scenario

pytestmark = pytest.mark.django_db


def test_it_notes_an_owner_assignment_in_the_timeline(scenario: Scenario, officer: Client) -> None:
    lead = scenario.leads["parts"]
    officer_jinan = scenario.users["officer_jinan"]
    url = reverse("lead_owner", args=[lead.pk])
    officer.post(url, {"owner": officer_jinan.pk, "ctx": "row"}, headers={"HX-Request": "true"})
    page = officer.get(reverse("lead_detail", args=[lead.pk])).content.decode()
    assert "负责人：未分配 → officer_jinan" in page
    officer.post(url, {"owner": "", "ctx": "row"}, headers={"HX-Request": "true"})
    page = officer.get(reverse("lead_detail", args=[lead.pk])).content.decode()
    assert "负责人：officer_jinan → 未分配" in page
    # Choosing the owner a lead already has changes nothing and notes nothing.
    notes = LeadActivity.objects.filter(lead=lead).count()
    officer.post(url, {"owner": "", "ctx": "row"}, headers={"HX-Request": "true"})
    assert LeadActivity.objects.filter(lead=lead).count() == notes


def test_the_region_picker_marks_regions_with_nothing_scored(
    scenario: Scenario, manager: Client
) -> None:
    county = Region.objects.create(
        code="SD-JN-LC",
        name="历城区",
        name_en="Licheng",
        level="county",
        parent=scenario.cities["JN"],
    )
    html = manager.get(reverse("shortlists:page")).content.decode()
    assert f'<option value="{county.pk}">历城区（无已评分线索）</option>' in html
    jinan = scenario.cities["JN"].pk
    assert re.search(rf'<option value="{jinan}"[^>]*>济南市</option>', html)

    empty = manager.get(reverse("shortlists:page"), {"region": county.pk}).content.decode()
    assert "这个范围里还没有评分过的线索" in empty


def test_an_empty_shortlist_says_when_the_filters_left_nothing(
    scenario: Scenario, manager: Client
) -> None:
    query = {"region": scenario.cities["JN"].pk, "min_confidence": 100}
    html = manager.get(reverse("shortlists:page"), query).content.decode()
    assert "但都不符合所选的状态、阶段或最低置信度" in html


def cluster_names(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/clusters/\d+/">([^<]+)</a>', html)


def test_the_cluster_list_filters_by_region_and_chain(scenario: Scenario, officer: Client) -> None:
    url = reverse("cluster_list")
    everything = cluster_names(officer.get(url).content.decode())
    assert everything == ["济南新能源汽车产业集群", "青岛电子信息产业集群"]  # by region
    qingdao = {"region": scenario.cities["QD"].pk}
    assert cluster_names(officer.get(url, qingdao).content.decode()) == ["青岛电子信息产业集群"]
    nev = {"chain": scenario.industries["NEV"].pk}
    html = officer.get(url, nev).content.decode()
    assert cluster_names(html) == ["济南新能源汽车产业集群"]
    province = {"region": scenario.province.pk, "chain": scenario.industries["ELEC"].pk}
    assert cluster_names(officer.get(url, province).content.decode()) == ["青岛电子信息产业集群"]
    none = {"region": scenario.cities["YT"].pk}
    assert "没有符合筛选的集群" in officer.get(url, none).content.decode()


def test_the_cluster_list_puts_priority_clusters_first_in_a_region(
    scenario: Scenario, officer: Client
) -> None:
    jn = scenario.clusters["JN-NEV"]
    jn.region.clusters.create(code="JN-AAA", name="济南一号集群", priority=False)
    html = officer.get(reverse("cluster_list"), {"region": jn.region_id}).content.decode()
    assert cluster_names(html) == ["济南新能源汽车产业集群", "济南一号集群"]


def test_where_else_without_javascript_is_a_whole_page(scenario: Scenario, officer: Client) -> None:
    url = reverse("lead_elsewhere", args=[scenario.leads["parts"].pk])
    page = officer.get(url).content.decode()
    assert page.lstrip().startswith("<!doctype html>")
    assert "/static/css/app.css" in page and 'class="compact elsewhere"' in page
    assert reverse("lead_detail", args=[scenario.leads["parts"].pk]) in page  # a way back
    fragment = officer.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and 'class="compact elsewhere"' in fragment
