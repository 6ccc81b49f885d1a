"""Inline workflow actions: owner, stage (with what the next stage needs), status, notes."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from projects.models import Lead, LeadActivity, StageChange
from tests.ui.errors import assert_error_tied
from tests.ui.scenario import Scenario

HTMX = {"HX-Request": "true"}


def post_row(client: Client, name: str, lead: Lead, **data: str) -> str:
    response = client.post(
        reverse(name, kwargs={"pk": lead.pk}), {"ctx": "row", **data}, headers=HTMX
    )
    assert response.status_code == 200
    return response.content.decode()


def test_it_moves_a_stage_and_answers_with_the_row(scenario: Scenario, officer: Client) -> None:
    lead = scenario.leads["battery"]
    body = post_row(officer, "lead_stage", lead, stage="negotiation")
    lead.refresh_from_db()
    assert lead.stage == "negotiation"
    assert body.lstrip().startswith(f'<tbody id="lead-{lead.pk}"')
    assert StageChange.objects.filter(lead=lead, to_stage="negotiation").exists()


def test_it_refuses_signed_without_capex_and_jobs_and_says_why(
    scenario: Scenario, officer: Client
) -> None:
    lead = scenario.leads["nocapex"]
    changes = StageChange.objects.filter(lead=lead).count()
    body = post_row(officer, "lead_stage", lead, stage="signed")
    lead.refresh_from_db()
    assert lead.stage == "negotiation"
    assert StageChange.objects.filter(lead=lead).count() == changes
    assert 'class="field-error"' in body and "stage-" in body
    assert "投资额" in body and "就业" in body  # the missing fields, named
    assert '<option value="negotiation" selected>' in body  # the select shows the real stage


def test_it_rejects_an_unknown_stage(scenario: Scenario, officer: Client) -> None:
    lead = scenario.leads["battery"]
    body = post_row(officer, "lead_stage", lead, stage="moon")
    lead.refresh_from_db()
    assert lead.stage == "contact"
    assert "field-error" in body


def test_a_status_that_needs_a_reason_is_refused_without_one(
    scenario: Scenario, officer: Client
) -> None:
    lead = scenario.leads["parts"]
    body = post_row(officer, "lead_status", lead, status="lost", reason=" ", panel="1")
    lead.refresh_from_db()
    assert lead.status == "active"
    assert "field-error" in body and 'id="panel-' in body  # the error shows in the open panel


def test_it_sets_a_status_with_reason(scenario: Scenario, officer: Client) -> None:
    lead = scenario.leads["parts"]
    body = post_row(
        officer, "lead_status", lead, status="lost", reason="选择了江苏", lost_to="苏州", panel="1"
    )
    lead.refresh_from_db()
    assert (lead.status, lead.status_reason, lead.lost_to) == ("lost", "选择了江苏", "苏州")
    assert "状态已更新" in body


def test_it_adds_a_note(scenario: Scenario, officer: Client) -> None:
    lead = scenario.leads["parts"]
    post_row(officer, "lead_note", lead, kind="meeting", text="  约定下周考察  ", panel="1")
    note = LeadActivity.objects.get(lead=lead, kind="meeting")
    assert note.text == "约定下周考察"
    assert note.author == scenario.users["officer_jinan"]


def test_an_empty_note_is_refused_beside_the_field(scenario: Scenario, officer: Client) -> None:
    lead = scenario.leads["parts"]
    before = LeadActivity.objects.filter(lead=lead).count()
    body = post_row(officer, "lead_note", lead, kind="note", text="", panel="1")
    assert LeadActivity.objects.filter(lead=lead).count() == before
    assert_error_tied(body, f"id_{lead.pk}_text")


def test_it_assigns_an_owner_of_the_region_only(scenario: Scenario, officer: Client) -> None:
    lead = scenario.leads["parts"]
    post_row(officer, "lead_owner", lead, owner=str(scenario.users["officer_jinan"].pk))
    lead.refresh_from_db()
    assert lead.owner == scenario.users["officer_jinan"]
    body = post_row(officer, "lead_owner", lead, owner=str(scenario.users["officer_qingdao"].pk))
    lead.refresh_from_db()
    assert lead.owner == scenario.users["officer_jinan"]  # a Qingdao officer cannot own it
    assert "field-error" in body
    post_row(officer, "lead_owner", lead, owner="")
    lead.refresh_from_db()
    assert lead.owner is None


def test_the_lead_page_gets_its_workflow_panel_back(scenario: Scenario, officer: Client) -> None:
    lead = scenario.leads["battery"]
    response = officer.post(
        reverse("lead_note", kwargs={"pk": lead.pk}),
        {"kind": "note", "text": "电话沟通"},
        headers=HTMX,
    )
    body = response.content.decode()
    assert "电话沟通" in body  # the timeline is part of the panel
    assert 'id="lead-badges" hx-swap-oob="true"' in body


def test_without_htmx_it_redirects_to_the_lead_page(scenario: Scenario, officer: Client) -> None:
    lead = scenario.leads["battery"]
    response = officer.post(reverse("lead_stage", kwargs={"pk": lead.pk}), {"stage": "signed"})
    assert response.status_code == 302
    assert response["Location"] == reverse("lead_detail", kwargs={"pk": lead.pk})


def test_the_panel_opens_and_closes(scenario: Scenario, officer: Client) -> None:
    lead = scenario.leads["battery"]
    url = reverse("lead_panel", kwargs={"pk": lead.pk})
    assert f'id="panel-{lead.pk}"' in officer.get(url).content.decode()
    assert f'id="panel-{lead.pk}"' not in officer.get(url, {"close": "1"}).content.decode()


def test_an_admin_may_act_on_any_lead(scenario: Scenario, admin_client_: Client) -> None:
    lead = scenario.leads["qd_elec"]
    post_row(admin_client_, "lead_note", lead, kind="note", text="省厅协调")
    assert LeadActivity.objects.filter(lead=lead, text="省厅协调").exists()
