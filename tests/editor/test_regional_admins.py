"""Regional admins: one scope rule (the user's regions and below), applied to the API writes
and the upload; admins of every region and reads are unchanged."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from projects.interchange.importer import import_bundle
from regions.models import Cluster, Endowment, OfficerRegion
from screening import access
from tests.editor.conftest import regional_admin
from tests.ui.scenario import Scenario

Api = Callable[[User], APIClient]


@pytest.fixture
def api() -> Api:
    def make(user: User) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


def test_a_city_admin_edits_only_that_city(scenario: Scenario) -> None:
    jinan_admin = regional_admin(scenario, "jinan_admin", "JN")
    assert access.admin_region_ids(jinan_admin) == [scenario.cities["JN"].pk]
    assert access.can_edit_region(jinan_admin, scenario.cities["JN"].pk)
    assert not access.can_edit_region(jinan_admin, scenario.cities["QD"].pk)
    assert not access.can_edit_region(jinan_admin, scenario.province.pk)
    assert not access.can_edit_shared_reference(jinan_admin)
    assert access.admin_region_codes(jinan_admin) == frozenset({"SD-JN"})


def test_a_provincial_admin_edits_the_province_and_its_cities(scenario: Scenario) -> None:
    shandong = regional_admin(scenario, "shandong_admin", "SD")
    scope = access.admin_region_ids(shandong)
    assert scope is not None
    assert set(scope) == {scenario.province.pk, *(c.pk for c in scenario.cities.values())}
    # The same rule as an officer's regions.
    assert scope == access.officer_region_ids(shandong)


def test_admins_edit_every_region_and_others_none(scenario: Scenario) -> None:
    assert access.admin_region_ids(scenario.users["admin"]) is None
    assert access.admin_region_ids(scenario.users["officer_jinan"]) == []
    assert access.admin_region_ids(scenario.users["manager"]) == []


def test_a_regional_admin_with_no_region_edits_nothing(scenario: Scenario) -> None:
    lonely = regional_admin(scenario, "lonely")
    assert access.admin_region_ids(lonely) == []
    assert not access.can_edit_region(lonely, scenario.cities["JN"].pk)


def test_regional_admins_see_and_edit_their_regions_leads(scenario: Scenario) -> None:
    jinan_admin = regional_admin(scenario, "jinan_admin", "JN")
    visible = set(access.visible_leads(jinan_admin).values_list("region_id", flat=True))
    assert visible == {scenario.cities["JN"].pk}
    assert access.can_edit_lead(jinan_admin, scenario.leads["battery"])
    assert not access.can_edit_lead(jinan_admin, scenario.leads["qd_elec"])


def test_the_api_hides_another_citys_cluster_from_a_city_admin(
    scenario: Scenario, api: Api
) -> None:
    client = api(regional_admin(scenario, "jinan_admin", "JN"))
    qingdao = scenario.clusters["QD-ELEC"]
    url = f"/api/v1/clusters/{qingdao.pk}/"
    assert client.get(url).status_code == 200  # reference data is read by every role
    for method in (client.patch, client.put, client.delete):
        assert method(url, {"name": "改名"}, format="json").status_code == 404
    assert Cluster.objects.get(pk=qingdao.pk).name == "青岛电子信息产业集群"
    own = scenario.clusters["JN-NEV"]
    response = client.patch(f"/api/v1/clusters/{own.pk}/", {"priority": False}, format="json")
    assert response.status_code == 200, response.json()


def test_a_city_admin_cannot_move_or_create_rows_elsewhere(scenario: Scenario, api: Api) -> None:
    client = api(regional_admin(scenario, "jinan_admin", "JN"))
    own = scenario.clusters["JN-NEV"]
    qingdao = scenario.cities["QD"].pk
    moved = client.patch(f"/api/v1/clusters/{own.pk}/", {"region": qingdao}, format="json")
    assert moved.status_code == 400 and "region" in moved.json()["error"]["fields"]
    created = client.post(
        "/api/v1/endowments/", {"region": qingdao, "factor": "rail", "value": 1}, format="json"
    )
    assert created.status_code == 400 and "region" in created.json()["error"]["fields"]
    assert not Endowment.objects.filter(factor="rail").exists()
    mine = client.post(
        "/api/v1/endowments/",
        {"region": scenario.cities["JN"].pk, "factor": "rail", "value": 1},
        format="json",
    )
    assert mine.status_code == 201, mine.json()


def test_shared_reference_data_is_for_admins_of_every_region(scenario: Scenario, api: Api) -> None:
    client = api(regional_admin(scenario, "shandong_admin", "SD"))
    response = client.post("/api/v1/industries/", {"code": "NEW", "name": "新"}, format="json")
    assert response.status_code == 403
    admin = api(scenario.users["admin"])
    assert (
        admin.post("/api/v1/industries/", {"code": "NEW", "name": "新"}, format="json").status_code
        == 201
    )


def bundle(files: dict[str, str]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    buffer.seek(0)
    return buffer


LEAD_HEADER = (
    "external_id,company,industry_code,region_code,capex,currency,jobs,land_ha,needs,"
    "input_codes,stage,status,received_on\n"
)


def test_an_upload_is_limited_to_the_admins_regions(scenario: Scenario) -> None:
    files = {
        "endowments.csv": "region_code,factor,value\nSD-JN,rail,1\nSD-QD,rail,1\n",
        "industries.csv": "code,name\nNEW,新产业\n",
        "leads.csv": LEAD_HEADER
        + "N-1,新企业,TEXT,SD-JN,10,CNY,5,,,,lead,active,2026-02-01\n"
        + "N-2,别处企业,TEXT,SD-QD,10,CNY,5,,,,lead,active,2026-02-01\n"
        # T-009 is a Qingdao lead of the scenario: it may not be moved into Jinan by its id.
        + "T-009,改写,ELEC,SD-JN,10,CNY,5,,,,lead,active,2026-02-01\n",
    }
    report = import_bundle(bundle(files), dry_run=False, regions=frozenset({"SD-JN"}))
    assert not report.ok
    found = {(p.file, p.row, p.column) for p in report.errors}
    assert ("endowments.csv", 3, "region_code") in found
    assert ("industries.csv", None, "") in found
    assert ("leads.csv", 3, "region_code") in found
    assert ("endowments.csv", 2, "region_code") not in found
    assert not Endowment.objects.filter(factor="rail").exists()  # all or nothing


def test_the_reference_space_and_economy_are_shared_tables(scenario: Scenario) -> None:
    """industry_relatedness.csv and industry_reference.csv belong to no region: a regional
    admin's upload refuses them; a dated vintage of the admin's own region is theirs."""
    files = {
        "industry_relatedness.csv": "industry_1,industry_2,proximity\nTEXT,CHEM,0.4\n",
        "industry_reference.csv": "industry_code,employment\nTEXT,100000\n",
        "region_industries.csv": "region_code,industry_code,employment,year\n"
        "SD-JN,TEXT,2500,2024\nSD-QD,TEXT,9500,2024\n",
    }
    report = import_bundle(bundle(files), dry_run=True, regions=frozenset({"SD-JN"}))
    found = {(p.file, p.row, p.column) for p in report.errors}
    assert ("industry_relatedness.csv", None, "") in found
    assert ("industry_reference.csv", None, "") in found
    assert ("region_industries.csv", 3, "region_code") in found
    assert ("region_industries.csv", 2, "region_code") not in found
    mine = {
        "region_industries.csv": "region_code,industry_code,employment,year\nSD-JN,TEXT,2500,2024\n"
    }
    assert import_bundle(bundle(mine), dry_run=True, regions=frozenset({"SD-JN"})).ok
    assert import_bundle(bundle(files), dry_run=True, regions=None).ok


def test_a_stored_lead_of_another_region_is_refused(scenario: Scenario) -> None:
    qd_lead = scenario.leads["qd_elec"]
    files = {
        "leads.csv": LEAD_HEADER
        + f"{qd_lead.external_id},改写,ELEC,SD-JN,10,CNY,5,,,,lead,active,2026-02-01\n"
    }
    report = import_bundle(bundle(files), dry_run=True, regions=frozenset({"SD-JN"}))
    assert [(p.row, p.column) for p in report.errors] == [(2, "external_id")]
    everywhere = import_bundle(bundle(files), dry_run=True, regions=None)
    assert everywhere.ok


def test_officer_assignments_are_the_one_source_of_regions(scenario: Scenario) -> None:
    user = regional_admin(scenario, "both", "QD")
    OfficerRegion.objects.create(user=user, region=scenario.cities["JN"])
    assert set(access.admin_region_ids(User.objects.get(pk=user.pk)) or []) == {
        scenario.cities["QD"].pk,
        scenario.cities["JN"].pk,
    }


def test_the_api_reads_and_writes_target_links_through_the_same_service(
    scenario: Scenario, api: Api
) -> None:
    client = api(scenario.users["admin"])
    cluster = scenario.clusters["JN-NEV"]
    tire, asm = scenario.industries["TIRE"], scenario.industries["NEV-ASM"]
    url = f"/api/v1/clusters/{cluster.pk}/"
    done = client.patch(url, {"target_links": [tire.pk]}, format="json")
    assert done.status_code == 200 and done.json()["target_links"] == [tire.pk]
    assert client.get(url).json()["target_links"] == [tire.pk]
    refused = client.patch(url, {"target_links": [asm.pk]}, format="json")  # a member
    assert refused.status_code == 400
    assert "target_links.0" in refused.json()["error"]["fields"]
    assert list(cluster.target_links.values_list("industry_id", flat=True)) == [tire.pk]
    bad = client.patch(url, {"target_links": ["x"]}, format="json")
    assert bad.status_code == 400 and "target_links" in bad.json()["error"]["fields"]
    # Ids no primary key can hold are unknown industries, not a database error.
    huge = client.patch(url, {"target_links": [2**70, -1, 0]}, format="json")
    assert huge.status_code == 400
    assert {"target_links.0", "target_links.1", "target_links.2"} <= set(
        huge.json()["error"]["fields"]
    )


def test_a_timeline_of_another_regions_lead_is_refused(scenario: Scenario) -> None:
    """lead_activities.csv and stage_changes.csv rows belong to their lead's region."""
    qd_lead, jn_lead = scenario.leads["qd_elec"], scenario.leads["cathode"]
    files = {
        "lead_activities.csv": "external_id,happened_on,kind,text,author\n"
        f"{jn_lead.external_id},2026-02-01,note,考察,\n"
        f"{qd_lead.external_id},2026-02-01,note,考察,\n",
    }
    report = import_bundle(bundle(files), dry_run=False, regions=frozenset({"SD-JN"}))
    assert {(p.file, p.row, p.column) for p in report.errors} == {
        ("lead_activities.csv", 3, "external_id")
    }
    assert "SD-QD" in report.errors[0].reason
    assert import_bundle(bundle(files), dry_run=True, regions=None).ok
