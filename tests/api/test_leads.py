"""Lead endpoints: scoping per role, CRUD through the services, workflow actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from projects.models import Lead, LeadActivity, StageChange
from tests.api.conftest import World
from tests.api.helpers import V1, error_of, make_lead, store_score
from tests.factories import LeadFactory

Api = Callable[[str], APIClient]
pytestmark = pytest.mark.django_db


def new_lead(world: World, **overrides: Any) -> dict[str, Any]:
    body = {
        "external_id": "ZZ-2026-001",
        "company": "丙新能源有限公司",
        "industry": world.lead_a.industry_id,
        "region": world.city_a.pk,
        "capex": "50000.00",
        "jobs": 800,
        "needs": ["port"],
        "input_industries": [],
    }
    return body | overrides


def ids(response: Any) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


# --- Reading and scoping -------------------------------------------------------------------


def test_it_lists_only_the_officers_regions(world: World, api: Api) -> None:
    county_lead = make_lead(region=world.county_a, industry=world.lead_a.industry)
    response = api("officer_a").get(f"{V1}/leads/")
    assert response.status_code == 200
    assert ids(response) == {world.lead_a.pk, county_lead.pk}


@pytest.mark.parametrize("persona", ["manager", "admin"])
def test_it_lists_all_leads_for_managers_and_admins(world: World, api: Api, persona: str) -> None:
    response = api(persona).get(f"{V1}/leads/")
    assert ids(response) == {world.lead_a.pk, world.lead_b.pk}


def test_it_lists_nothing_for_a_user_without_a_role(world: World, api: Api) -> None:
    response = api("norole").get(f"{V1}/leads/")
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("patch", "", {"company": "x"}),
        ("put", "", {"company": "x"}),
        ("delete", "", None),
        ("post", "stage/", {"stage": "contact"}),
        ("post", "status/", {"status": "dormant"}),
        ("post", "owner/", {"owner": None}),
        ("get", "best-regions/", None),
        ("get", "activities/", None),
        ("post", "activities/", {"kind": "note", "text": "hi"}),
        ("get", "score-history/", None),
    ],
)
def test_it_hides_another_regions_lead_from_an_officer(
    world: World, api: Api, method: str, suffix: str, body: dict[str, Any] | None
) -> None:
    """Guessing an id of another region's lead gives 404, as for an id that does not exist."""
    client = api("officer_a")
    response = getattr(client, method)(
        f"{V1}/leads/{world.lead_b.pk}/{suffix}", body, format="json"
    )
    missing = getattr(client, method)(f"{V1}/leads/999999/{suffix}", body, format="json")
    assert response.status_code == missing.status_code == 404
    assert error_of(response) == error_of(missing)
    world.lead_b.refresh_from_db()
    assert world.lead_b.company == "乙电池有限公司"
    assert world.lead_b.stage == "lead"


def test_it_hides_another_regions_score(world: World, api: Api) -> None:
    store_score(world.lead_b)
    assert api("officer_a").get(f"{V1}/scores/{world.lead_b.pk}/").status_code == 404
    assert api("officer_b").get(f"{V1}/scores/{world.lead_b.pk}/").status_code == 200


def test_it_shows_a_lead_with_its_score_summary(world: World, api: Api) -> None:
    store_score(world.lead_a, total=77.5)
    body = api("officer_a").get(f"{V1}/leads/{world.lead_a.pk}/").json()
    assert body["company"] == "甲电池有限公司"
    assert body["score"]["total"] == 77.5
    assert body["score"]["stale"] is False


def test_it_marks_the_score_stale_after_an_edit(world: World, api: Api) -> None:
    store_score(world.lead_a)
    client = api("officer_a")
    client.patch(f"{V1}/leads/{world.lead_a.pk}/", {"jobs": 1200}, format="json")
    assert client.get(f"{V1}/leads/{world.lead_a.pk}/").json()["score"]["stale"] is True


def test_it_pages_leads_by_cursor_without_counting(world: World, api: Api) -> None:
    LeadFactory.create_batch(5, region=world.city_a, industry=world.lead_a.industry)
    client = api("manager")
    with CaptureQueriesContext(connection) as queries:
        first = client.get(f"{V1}/leads/", {"page_size": 3})
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    body = first.json()
    assert set(body) == {"next", "previous", "results"}
    second = client.get(body["next"]).json()
    seen = [r["id"] for r in body["results"] + second["results"]]
    assert seen == sorted(seen, reverse=True)
    assert len(set(seen)) == 6


def test_it_filters_leads(world: World, api: Api) -> None:
    client = api("manager")
    assert ids(client.get(f"{V1}/leads/", {"region": world.city_b.pk})) == {world.lead_b.pk}
    assert ids(client.get(f"{V1}/leads/", {"company": "甲电池"})) == {world.lead_a.pk}
    assert ids(client.get(f"{V1}/leads/", {"stage": ["contact", "signed"]})) == set()
    assert ids(client.get(f"{V1}/leads/", {"ordering": "id"})) == {
        world.lead_a.pk,
        world.lead_b.pk,
    }


def test_it_rejects_a_bad_filter_naming_it(world: World, api: Api) -> None:
    response = api("manager").get(f"{V1}/leads/", {"stage": "nowhere", "region": "x"})
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"stage", "region"}


# --- Writing -------------------------------------------------------------------------------


def test_it_creates_a_lead_through_the_service(world: World, api: Api) -> None:
    response = api("officer_a").post(f"{V1}/leads/", new_lead(world), format="json")
    assert response.status_code == 201, response.json()
    lead = Lead.objects.get(pk=response.json()["id"])
    assert lead.owner == world.users["officer_a"]
    assert lead.needs == ["port"]
    assert StageChange.objects.filter(lead=lead, to_stage="lead").exists()
    assert response.json()["score"] is None


def test_it_scores_a_new_lead_on_commit(
    world: World, api: Api, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = api("officer_a").post(f"{V1}/leads/", new_lead(world), format="json")
    lead = Lead.objects.get(pk=response.json()["id"])
    assert lead.score.total > 0
    assert lead.score.lead_revision == lead.score_revision


def test_it_refuses_a_lead_in_another_officers_region(world: World, api: Api) -> None:
    body = new_lead(world, region=world.city_b.pk)
    response = api("officer_a").post(f"{V1}/leads/", body, format="json")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["region"]
    assert not Lead.objects.filter(external_id="ZZ-2026-001").exists()


def test_it_lets_an_officer_create_in_a_county_of_their_city(world: World, api: Api) -> None:
    body = new_lead(world, region=world.county_a.pk)
    assert api("officer_a").post(f"{V1}/leads/", body, format="json").status_code == 201


def test_it_forbids_managers_to_write_leads(world: World, api: Api) -> None:
    client = api("manager")
    assert client.post(f"{V1}/leads/", new_lead(world), format="json").status_code == 403
    url = f"{V1}/leads/{world.lead_a.pk}/"
    assert client.patch(url, {"company": "x"}, format="json").status_code == 403
    assert client.post(f"{url}stage/", {"stage": "contact"}, format="json").status_code == 403
    activity = {"kind": "note", "text": "x"}
    assert client.post(f"{url}activities/", activity, format="json").status_code == 403


def test_it_names_every_invalid_field(world: World, api: Api) -> None:
    body = new_lead(world, external_id=world.lead_b.external_id, capex="-5", industry=None)
    response = api("officer_a").post(f"{V1}/leads/", body, format="json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"external_id", "capex", "industry"}


def test_it_updates_scoring_inputs_and_marks_the_score_stale(world: World, api: Api) -> None:
    before = world.lead_a.score_revision
    inputs = [world.lead_b.industry_id]
    response = api("officer_a").patch(
        f"{V1}/leads/{world.lead_a.pk}/", {"jobs": 999, "input_industries": inputs}, format="json"
    )
    assert response.status_code == 200
    world.lead_a.refresh_from_db()
    assert world.lead_a.jobs == 999
    assert world.lead_a.score_revision > before


def test_it_does_not_let_an_officer_move_a_lead_out_of_their_regions(
    world: World, api: Api
) -> None:
    url = f"{V1}/leads/{world.lead_a.pk}/"
    response = api("officer_a").patch(url, {"region": world.city_b.pk}, format="json")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["region"]


def test_it_lets_only_admins_delete_leads(world: World, api: Api) -> None:
    url = f"{V1}/leads/{world.lead_a.pk}/"
    assert api("officer_a").delete(url).status_code == 403
    assert api("admin").delete(url).status_code == 204
    assert not Lead.objects.filter(pk=world.lead_a.pk).exists()


# --- Workflow actions ----------------------------------------------------------------------


def test_it_moves_a_stage_and_records_it(world: World, api: Api) -> None:
    url = f"{V1}/leads/{world.lead_a.pk}/stage/"
    response = api("officer_a").post(url, {"stage": "contact"}, format="json")
    assert response.status_code == 200
    assert response.json()["stage"] == "contact"
    assert StageChange.objects.filter(lead=world.lead_a, to_stage="contact").exists()


def test_it_reports_what_a_stage_still_needs_on_the_stage_field(world: World, api: Api) -> None:
    Lead.objects.filter(pk=world.lead_a.pk).update(land_ha=None)
    url = f"{V1}/leads/{world.lead_a.pk}/stage/"
    response = api("officer_a").post(url, {"stage": "registered"}, format="json")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["stage"]
    world.lead_a.refresh_from_db()
    assert world.lead_a.stage == "lead"


def test_it_requires_a_reason_for_losing_a_lead(world: World, api: Api) -> None:
    url = f"{V1}/leads/{world.lead_a.pk}/status/"
    client = api("officer_a")
    response = client.post(url, {"status": "lost"}, format="json")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["status_reason"]
    body = {"status": "lost", "status_reason": "选了别处", "lost_to": "常州"}
    assert client.post(url, body, format="json").json()["status"] == "lost"
    world.lead_a.refresh_from_db()
    assert world.lead_a.lost_to == "常州"


def test_it_assigns_an_owner_who_can_work_on_the_lead(world: World, api: Api) -> None:
    url = f"{V1}/leads/{world.lead_a.pk}/owner/"
    client = api("admin")
    bad = client.post(url, {"owner": world.users["officer_b"].pk}, format="json")
    assert bad.status_code == 400
    assert list(error_of(bad)["fields"]) == ["owner"]
    good = client.post(url, {"owner": world.users["officer_a"].pk}, format="json")
    assert good.json()["owner"] == world.users["officer_a"].pk
    assert client.post(url, {"owner": None}, format="json").json()["owner"] is None


def test_it_records_and_lists_activities(world: World, api: Api) -> None:
    url = f"{V1}/leads/{world.lead_a.pk}/activities/"
    client = api("officer_a")
    body = {"kind": "visit", "text": "考察园区", "happened_on": "2026-02-03"}
    created = client.post(url, body, format="json")
    assert created.status_code == 201
    assert created.json()["author"] == "officer_a"
    listed = api("manager").get(url).json()
    assert [a["text"] for a in listed["results"]] == ["考察园区"]
    assert listed["count"] == 1
    assert LeadActivity.objects.get().lead == world.lead_a


def test_it_rejects_an_empty_activity_on_the_text_field(world: World, api: Api) -> None:
    url = f"{V1}/leads/{world.lead_a.pk}/activities/"
    response = api("officer_a").post(url, {"kind": "note", "text": "   "}, format="json")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["text"]


def test_it_writes_a_lead_exactly_as_drfs_generic_serializer_would(world: World, api: Api) -> None:
    """LeadSerializer unrolls DRF's representation for speed; it must not change a byte."""
    from rest_framework import serializers

    from screening.api.serializers_leads import (
        LeadSerializer,
        ScoreSummarySerializer,
        lazy_staleness,
    )

    lead = world.lead_a
    Lead.objects.filter(pk=lead.pk).update(
        capex="1234.5", land_ha=None, power_mw="7", investor_type="soe", needs=["port"]
    )
    lead.input_industries.set([world.lead_b.industry_id])
    store_score(lead, total=61.25)
    lead = Lead.objects.select_related("score", "region").get(pk=lead.pk)
    context = {"staleness": lazy_staleness()}
    fast = LeadSerializer(lead, context=context).data
    generic = serializers.ModelSerializer.to_representation(
        LeadSerializer(lead, context=context), lead
    )
    assert fast == generic
    summary = ScoreSummarySerializer(lead.score, context={"stale": False}).data
    assert fast["score"] == summary
    assert fast["created_at"] == serializers.DateTimeField().to_representation(lead.created_at)
    listed = api("officer_a").get(f"{V1}/leads/").json()["results"]
    row = next(row for row in listed if row["id"] == lead.pk)
    assert row == fast
    assert list(row) == list(fast) == list(generic)  # same key order: the same JSON bytes
    assert list(row["score"]) == list(summary)
