"""The audit trail through the API: every edit is recorded with who, when, via, old and new
(issue 14, finding 3), and /changes/ shows it, scoped like the lead itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework.test import APIClient

from regions.models import Endowment, IndustryLink, Region
from tests.api.conftest import World
from tests.api.helpers import V1, error_of

Api = Callable[[str], APIClient]


def changes_of(client: APIClient, url: str) -> list[dict[str, Any]]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def field_change(changes: list[dict[str, Any]], field: str) -> dict[str, Any]:
    found = [c for c in changes if c["field"] == field]
    assert len(found) == 1, (field, changes)
    return found[0]


def test_it_records_field_edits_of_a_lead_with_who_via_old_and_new(world: World, api: Api) -> None:
    client = api("officer_a")
    url = f"{V1}/leads/{world.lead_a.pk}/"
    edit = {"company": "丙电池有限公司", "capex": "12000.50", "region": world.county_a.pk}
    assert client.patch(url, edit, format="json").status_code == 200

    changes = changes_of(client, url + "changes/")
    company = field_change(changes, "company")
    assert (company["old"], company["new"]) == ("甲电池有限公司", "丙电池有限公司")
    assert (company["user"], company["via"], company["action"]) == ("officer_a", "api", "changed")
    capex = field_change(changes, "capex")
    assert (capex["old"], capex["new"]) == ("10000.00", "12000.50")
    assert (capex["old_label"], capex["new_label"]) == ("10,000 万元", "12,000.5 万元")
    region = field_change(changes, "region")
    assert (region["old"], region["new"]) == (world.city_a.pk, world.county_a.pk)
    assert region["old_label"] == "枣庄市 (SD-ZZ)" and region["new_label"] == "滕州市 (SD-ZZ-TE)"


def test_it_lists_changes_newest_first(world: World, api: Api) -> None:
    client = api("officer_a")
    url = f"{V1}/leads/{world.lead_a.pk}/"
    client.patch(url, {"jobs": 100}, format="json")
    client.patch(url, {"jobs": 250}, format="json")
    jobs = [c for c in changes_of(client, url + "changes/") if c["field"] == "jobs"]
    assert [(c["old"], c["new"]) for c in jobs] == [(100, 250), (200, 100)]
    times = [c["at"] for c in changes_of(client, url + "changes/")]
    assert times == sorted(times, reverse=True)


def test_it_records_an_owner_change(world: World, api: Api) -> None:
    client = api("officer_a")
    url = f"{V1}/leads/{world.lead_a.pk}/"
    owner = world.users["officer_a"]
    assert client.post(url + "owner/", {"owner": owner.pk}, format="json").status_code == 200
    change = field_change(changes_of(client, url + "changes/"), "owner")
    assert (change["old"], change["new"], change["new_label"]) == (None, owner.pk, "officer_a")
    assert change["via"] == "api"


def test_it_records_stage_status_and_activities(world: World, api: Api) -> None:
    client = api("officer_a")
    url = f"{V1}/leads/{world.lead_a.pk}/"
    client.post(url + "stage/", {"stage": "contact"}, format="json")
    client.post(url + "status/", {"status": "on_hold", "status_reason": "预算冻结"}, format="json")
    client.post(url + "activities/", {"kind": "call", "text": "电话沟通"}, format="json")
    changes = changes_of(client, url + "changes/")
    assert field_change(changes, "stage")["new"] == "contact"
    assert field_change(changes, "status")["new"] == "on_hold"
    assert field_change(changes, "status_reason")["new"] == "预算冻结"
    activities = [c for c in changes if c["subject"] == "activity" and c["action"] == "created"]
    assert len(activities) == 2  # the status note and the call


def test_it_answers_404_to_an_officer_of_another_region(world: World, api: Api) -> None:
    url = f"{V1}/leads/{world.lead_a.pk}/changes/"
    response = api("officer_b").get(url)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert api("manager").get(url).status_code == 200


def test_it_records_cluster_edits_with_members(world: World, api: Api) -> None:
    client = api("admin")
    cluster = world.city_a.clusters.get()
    url = f"{V1}/clusters/{cluster.pk}/"
    cathode = world.lead_a.industry.__class__.objects.get(code="CAT")
    battery = world.lead_a.industry
    body = {
        "name": "新能源汽车",
        "members": [
            {"industry": battery.pk, "role": "core"},
            {"industry": cathode.pk, "role": "support"},
        ],
    }
    assert client.patch(url, body, format="json").status_code == 200
    changes = changes_of(client, url + "changes/")
    name = field_change(changes, "name")
    assert (name["old"], name["new"], name["user"], name["via"]) == (
        "新能源",
        "新能源汽车",
        "admin",
        "api",
    )
    members = [c for c in changes if c["subject"] == "member"]
    # Newest first: the member the API added, then the one the fixture created (the system).
    assert [(c["subject_label"], c["action"], c["via"]) for c in members] == [
        ("正极材料 (CAT)", "created", "api"),
        ("锂电池 (LIB)", "created", "system"),
    ]


def test_it_records_region_endowment_and_link_edits_through_the_api(world: World, api: Api) -> None:
    client = api("admin")
    client.patch(f"{V1}/regions/{world.city_b.pk}/", {"name": "威海"}, format="json")
    port = Endowment.objects.get(region=world.city_b, factor="port")
    client.patch(f"{V1}/endowments/{port.pk}/", {"value": 0.5}, format="json")
    link = IndustryLink.objects.get()
    client.patch(f"{V1}/links/{link.pk}/", {"weight": 0.3}, format="json")

    for row, field, old, new in [
        (world.city_b, "name", "威海市", "威海"),
        (port, "value", 1.0, 0.5),
        (link, "weight", 0.8, 0.3),
    ]:
        copies = getattr(type(row), "history").filter(id=row.pk).order_by("-history_id")  # noqa: B009
        latest, before = copies[:2]
        assert (getattr(before, field), getattr(latest, field)) == (old, new)
        assert (latest.history_user, latest.history_via) == (world.users["admin"], "api")


def test_it_records_a_region_deleted_through_the_api(world: World, api: Api) -> None:
    spare = Region.objects.create(code="SD-XX", name="空", level="city")
    assert api("admin").delete(f"{V1}/regions/{spare.pk}/").status_code == 204
    deleted = Region.history.get(id=spare.pk, history_type="-")
    assert deleted.history_user == world.users["admin"]
