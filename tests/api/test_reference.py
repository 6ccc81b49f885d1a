"""Reference data endpoints: every role reads, admins write, writes mark scores stale."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from regions.models import AnchorFirm, Cluster, Endowment, IndustryLink, Region
from screening.models import DataVersion
from tests.api.conftest import World
from tests.api.helpers import V1, error_of

Api = Callable[[str], APIClient]
pytestmark = pytest.mark.django_db

RESOURCES = ["regions", "industries", "clusters", "links", "endowments"]


def measures_version() -> int:
    row = DataVersion.objects.filter(pk=1).first()
    return row.measures_version if row else 1


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("persona", ["officer_a", "manager", "admin"])
def test_it_lets_every_role_read(world: World, api: Api, resource: str, persona: str) -> None:
    response = api(persona).get(f"{V1}/{resource}/")
    assert response.status_code == 200
    assert response.json()["count"] >= 1


@pytest.mark.parametrize("resource", RESOURCES)
def test_it_refuses_reads_without_sign_in(world: World, resource: str) -> None:
    response = APIClient().get(f"{V1}/{resource}/")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


@pytest.mark.parametrize("persona", ["officer_a", "manager"])
def test_it_forbids_writes_to_non_admins(world: World, api: Api, persona: str) -> None:
    client = api(persona)
    body = {"code": "SD-JN", "name": "济南市", "level": "city"}
    assert client.post(f"{V1}/regions/", body, format="json").status_code == 403
    url = f"{V1}/endowments/{Endowment.objects.first().pk}/"  # type: ignore[union-attr]
    assert client.patch(url, {"value": 5}, format="json").status_code == 403
    assert client.delete(url).status_code == 403
    assert not Region.objects.filter(code="SD-JN").exists()


def test_it_creates_an_endowment_and_marks_the_regions_scores_stale(world: World, api: Api) -> None:
    before = world.city_b.score_version
    body = {"region": world.city_b.pk, "factor": "rail", "value": 1}
    response = api("admin").post(f"{V1}/endowments/", body, format="json")
    assert response.status_code == 201
    world.city_b.refresh_from_db()
    world.city_a.refresh_from_db()
    assert world.city_b.score_version == before + 1
    assert world.city_a.score_version == 1


def test_it_marks_both_regions_stale_when_an_endowment_moves(world: World, api: Api) -> None:
    row = Endowment.objects.get(region=world.city_a)
    body = {"region": world.county_a.pk}
    assert api("admin").patch(f"{V1}/endowments/{row.pk}/", body, format="json").status_code == 200
    for region in (world.city_a, world.county_a):
        region.refresh_from_db()
        assert region.score_version == 2


def test_it_bumps_the_shared_measures_on_a_link_change(world: World, api: Api) -> None:
    before = measures_version()
    link = IndustryLink.objects.get()
    response = api("admin").patch(f"{V1}/links/{link.pk}/", {"weight": 0.2}, format="json")
    assert response.status_code == 200
    assert measures_version() == before + 1


def test_it_names_the_field_of_a_self_link(world: World, api: Api) -> None:
    industry = world.lead_a.industry_id
    body = {"supplier": industry, "customer": industry, "weight": 1}
    response = api("admin").post(f"{V1}/links/", body, format="json")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["customer"]


def test_it_names_the_field_of_a_duplicate_code(world: World, api: Api) -> None:
    body = {"code": "SD-ZZ", "name": "又一个", "level": "city"}
    response = api("admin").post(f"{V1}/regions/", body, format="json")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["code"]


def test_it_refuses_a_region_cycle_on_the_parent_field(world: World, api: Api) -> None:
    url = f"{V1}/regions/{world.province.pk}/"
    response = api("admin").patch(url, {"parent": world.county_a.pk}, format="json")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["parent"]
    world.province.refresh_from_db()
    assert world.province.parent is None


def test_it_refuses_to_delete_a_region_in_use_with_409(world: World, api: Api) -> None:
    response = api("admin").delete(f"{V1}/regions/{world.city_b.pk}/")
    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"
    assert Region.objects.filter(pk=world.city_b.pk).exists()


def test_it_reads_a_cluster_with_members_and_anchors(world: World, api: Api) -> None:
    cluster = Cluster.objects.get()
    AnchorFirm.objects.create(cluster=cluster, name="宁德时代")
    body = api("officer_b").get(f"{V1}/clusters/{cluster.pk}/").json()
    assert [m["industry_code"] for m in body["members"]] == ["LIB"]
    assert [a["name"] for a in body["anchors"]] == ["宁德时代"]


def test_it_replaces_cluster_members_and_marks_the_region_stale(world: World, api: Api) -> None:
    cluster = Cluster.objects.get()
    cathode = IndustryLink.objects.get().supplier_id
    body: dict[str, Any] = {
        "members": [{"industry": cathode, "role": "support"}],
        "anchors": [{"name": "比亚迪", "name_en": "BYD"}],
    }
    response = api("admin").patch(f"{V1}/clusters/{cluster.pk}/", body, format="json")
    assert response.status_code == 200, response.json()
    assert [(m["industry"], m["role"]) for m in response.json()["members"]] == [
        (cathode, "support")
    ]
    assert list(cluster.anchors.values_list("name", flat=True)) == ["比亚迪"]
    world.city_a.refresh_from_db()
    assert world.city_a.score_version == 2


def test_it_keeps_cluster_members_when_they_are_not_given(world: World, api: Api) -> None:
    cluster = Cluster.objects.get()
    url = f"{V1}/clusters/{cluster.pk}/"
    assert api("admin").patch(url, {"priority": True}, format="json").status_code == 200
    assert cluster.members.count() == 1


def test_it_rejects_a_member_listed_twice(world: World, api: Api) -> None:
    cluster = Cluster.objects.get()
    member = {"industry": world.lead_a.industry_id, "role": "core"}
    response = api("admin").patch(
        f"{V1}/clusters/{cluster.pk}/", {"members": [member, member]}, format="json"
    )
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["members"]


def test_it_names_nested_fields_with_dots(world: World, api: Api) -> None:
    cluster = Cluster.objects.get()
    body = {"members": [{"industry": world.lead_a.industry_id}, {"industry": 999999}]}
    response = api("admin").patch(f"{V1}/clusters/{cluster.pk}/", body, format="json")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["members.1.industry"]


def test_it_filters_orders_and_pages_regions(world: World, api: Api) -> None:
    client = api("manager")
    cities = client.get(f"{V1}/regions/", {"level": "city", "ordering": "-code"}).json()
    assert [r["code"] for r in cities["results"]] == ["SD-ZZ", "SD-WH"]
    children = client.get(f"{V1}/regions/", {"parent": world.city_a.pk}).json()
    assert [r["code"] for r in children["results"]] == ["SD-ZZ-TE"]
    page = client.get(f"{V1}/regions/", {"page_size": 1, "page": 2}).json()
    assert page["count"] == 4
    assert len(page["results"]) == 1
    assert page["previous"] and page["next"]
