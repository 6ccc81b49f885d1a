"""The audit trail of the browser paths (via ui, admin, import) and the history panels
(修改记录) of the lead and cluster pages (issue 14, finding 3)."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from projects.models import Lead, StageChange
from regions.models import Endowment, Industry
from tests.ui.scenario import Scenario

HTMX = {"HX-Request": "true"}


def upload(files: dict[str, str]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8"))
    return SimpleUploadedFile("data.zip", buffer.getvalue(), content_type="application/zip")


def test_a_stage_move_in_the_browser_is_recorded_as_ui_and_shown_on_the_lead_page(
    scenario: Scenario, officer: Client
) -> None:
    lead = scenario.leads["battery"]
    officer.post(reverse("lead_stage", kwargs={"pk": lead.pk}), {"stage": "negotiation"})
    latest = lead.history.latest()
    assert (latest.stage, latest.history_via) == ("negotiation", "ui")
    assert latest.history_user == scenario.users["officer_jinan"]

    page = officer.get(reverse("lead_detail", kwargs={"pk": lead.pk})).content.decode()
    panel = page[page.index('id="history"') :]
    assert "修改记录" in panel and "officer_jinan" in panel and "网页" in panel
    assert "接洽/考察" in panel and "洽谈" in panel  # the stage, old → new, by its label


def test_the_history_panel_speaks_english(scenario: Scenario, officer: Client) -> None:
    lead = scenario.leads["battery"]
    officer.post(reverse("lead_stage", kwargs={"pk": lead.pk}), {"stage": "negotiation"})
    officer.cookies["django_language"] = "en"
    page = officer.get(reverse("lead_detail", kwargs={"pk": lead.pk})).content.decode()
    panel = page[page.index('id="history"') :]
    assert "Change history" in panel and "web page" in panel and "Negotiation" in panel


def test_an_officer_of_another_region_cannot_read_the_lead_or_its_history(
    scenario: Scenario, client_for: object
) -> None:
    lead = scenario.leads["battery"]
    other = client_for("officer_qingdao")  # type: ignore[operator]
    assert other.get(reverse("lead_detail", kwargs={"pk": lead.pk})).status_code == 404


def test_a_cluster_edit_is_shown_on_the_cluster_page(
    scenario: Scenario, admin_client_: Client
) -> None:
    cluster = next(iter(scenario.clusters.values()))
    old_name = cluster.name
    cluster.name = "改名后的集群"
    cluster.save()
    page = admin_client_.get(reverse("cluster_profile", kwargs={"pk": cluster.pk}))
    panel = page.content.decode()[page.content.decode().index('id="history"') :]
    assert old_name in panel and "改名后的集群" in panel


def test_an_admin_edit_is_recorded_as_admin(scenario: Scenario, admin_client_: Client) -> None:
    industry = Industry.objects.filter(parent__isnull=True).first()
    assert industry is not None
    url = reverse("admin:regions_industry_change", args=[industry.pk])
    body = {"code": industry.code, "name": "改过的名字", "name_en": industry.name_en, "parent": ""}
    assert admin_client_.post(url, body).status_code == 302
    latest = Industry.history.filter(id=industry.pk).latest()
    assert (latest.name, latest.history_via) == ("改过的名字", "admin")
    assert latest.history_user == scenario.users["admin"]


def test_an_upload_is_recorded_as_an_import_with_its_batch(
    scenario: Scenario, admin_client_: Client
) -> None:
    endowments = "region_code,factor,value,source\nSD-JN,rail,1,test\n"
    dry = admin_client_.post(
        reverse("data_upload"), {"file": upload({"endowments.csv": endowments})}
    )
    token = dry.context["token"]
    admin_client_.post(reverse("data_upload_confirm", kwargs={"token": token}), headers=HTMX)
    rail = Endowment.objects.get(factor="rail")
    copy = Endowment.history.get(id=rail.pk)
    assert (copy.history_via, copy.history_batch, copy.history_type) == ("import", token, "+")
    assert copy.history_user == scenario.users["admin"]


def test_an_admin_archives_a_lead_in_the_browser_and_its_history_stays(
    scenario: Scenario, admin_client_: Client, officer: Client
) -> None:
    lead = scenario.leads["battery"]
    officer.post(reverse("lead_stage", kwargs={"pk": lead.pk}), {"stage": "negotiation"})
    stages = StageChange.objects.filter(lead_id=lead.pk).count()
    page = admin_client_.get(reverse("lead_detail", kwargs={"pk": lead.pk})).content.decode()
    assert reverse("lead_archive", kwargs={"pk": lead.pk}) in page
    url = reverse("lead_archive", kwargs={"pk": lead.pk})
    assert officer.post(url).status_code == 403  # officers close leads by status instead

    assert admin_client_.post(url).status_code == 302

    assert Lead.all_objects.get(pk=lead.pk).archived_at is not None
    assert StageChange.objects.filter(lead_id=lead.pk).count() == stages
    assert officer.get(reverse("lead_detail", kwargs={"pk": lead.pk})).status_code == 404
    assert lead.company not in officer.get(reverse("inbox")).content.decode()
    assert Lead.history.filter(id=lead.pk).latest().history_via == "ui"


def test_a_capex_change_reads_in_the_units_of_each_language(
    scenario: Scenario, officer: Client
) -> None:
    """Issue 15: the English panel showed "800,000 × 10k CNY"."""
    lead = scenario.leads["battery"]
    Lead.objects.filter(pk=lead.pk).update(capex=None)  # a known starting point, unrecorded
    lead.refresh_from_db()
    lead.capex, lead.currency = 800000, "CNY"
    lead.save()
    lead.capex = 812345.5
    lead.save()
    url = reverse("lead_detail", kwargs={"pk": lead.pk})
    chinese = officer.get(url).content.decode()
    chinese = chinese[chinese.index('id="history"') :]
    assert "800,000 万元" in chinese and "812,345.5 万元" in chinese
    officer.cookies["django_language"] = "en"
    english = officer.get(url).content.decode()
    english = english[english.index('id="history"') :]
    assert "CNY 8,000 m" in english and "CNY 8,123.455 m" in english
    assert "10k" not in english and "万" not in english
