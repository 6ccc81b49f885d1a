"""What the screenshot walk (tests/browser/test_walk.py) found in the wrong language, fixed, as
fast unit tests: upload reasons, the profile in force, names of regions and industries in the
admin, the admin's API-token section, the change history of a cluster's anchors, count
headers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from projects.templatetags.xs_ui import report_reason
from regions.models import AnchorFirm
from screening.models import ScoringProfile
from screening.selectors.changes import cluster_changes
from shortlists.forms import ShortlistForm
from tests.shortlists.test_pages import save_shortlist
from tests.ui.scenario import Scenario

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("reason", "chinese"),
    [
        (
            "unknown industry code (not in the database or in industries.csv)",
            "未知产业代码（数据库和 industries.csv 中都没有）",
        ),
        (
            "unknown region code (not in the database or in regions.csv)",
            "未知地区代码（数据库和 regions.csv 中都没有）",
        ),
    ],
)
def test_unknown_codes_in_an_upload_read_in_chinese(reason: str, chinese: str) -> None:
    with translation.override("zh-hans"):
        assert report_reason(reason) == chinese
    with translation.override("en"):
        assert report_reason(reason) == reason


def test_the_profile_in_force_is_marked_in_the_pages_language(scenario: Scenario) -> None:
    profile = ScoringProfile.objects.filter(is_active=True).first()
    assert profile is not None
    field = ShortlistForm().fields["profile"]
    with translation.override("en"):
        assert field.label_from_instance(profile).endswith(" · in force")  # type: ignore[attr-defined]
    with translation.override("zh-hans"):
        assert field.label_from_instance(profile).endswith(" · 在用")  # type: ignore[attr-defined]


def test_regions_and_industries_are_named_in_the_pages_language(scenario: Scenario) -> None:
    jinan, cells = scenario.cities["JN"], scenario.industries["LIB-CELL"]
    with translation.override("en"):
        assert (str(jinan), str(cells)) == ("Jinan (SD-JN)", "Battery cells (LIB-CELL)")
    with translation.override("zh-hans"):
        assert (str(jinan), str(cells)) == ("济南市 (SD-JN)", "动力电池 (LIB-CELL)")


def test_the_admin_index_names_the_api_tokens_in_chinese(
    scenario: Scenario, admin_client_: Client
) -> None:
    html = admin_client_.get(reverse("admin:index")).content.decode()
    assert "API 令牌" in html and "Auth tokens" not in html
    assert "修改或查看列表链接" in html  # Django's own string, missing from its catalogue


def test_a_clusters_anchor_changes_name_the_anchor_in_english(scenario: Scenario) -> None:
    cluster = scenario.clusters["JN-NEV"]
    assert AnchorFirm.objects.filter(cluster=cluster, name_en="BYD").exists()
    with translation.override("en"):
        labels = {c.subject_label for c in cluster_changes(cluster.pk) if c.subject == "anchor"}
    assert labels == {"BYD"}


def test_count_columns_say_how_many_leads(scenario: Scenario, manager: Client) -> None:
    save_shortlist(manager, cutoff=3, status="any")
    manager.cookies["django_language"] = "en"
    html = manager.get(reverse("shortlists:saved_list")).content.decode()
    assert ">Leads</th>" in html and ">Saved by, at</th>" in html
