"""Whatever the API saves can be exported and imported again: it refuses, field by field, the
values the importer refuses (issue 14, findings 4 and 8), through the same validators."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from projects.interchange.lead_format import LEADS
from projects.models import Lead, LeadActivity
from regions.interchange.cells import CellError, parse_cell
from tests.api.conftest import World
from tests.api.helpers import V1, error_of

Api = Callable[[str], APIClient]
pytestmark = pytest.mark.django_db


def new_lead(world: World, **overrides: Any) -> dict[str, Any]:
    body = {
        "external_id": "ZZ-2026-101",
        "company": "丙新能源有限公司",
        "industry": world.lead_a.industry_id,
        "region": world.city_a.pk,
        "needs": ["port"],
        "input_industries": [],
    }
    return body | overrides


# (API field, bad value, the leads.csv column and the same value as a cell, or None when the
# file cannot say it: a list of needs is one cell)
BAD_LEAD_VALUES: list[tuple[str, Any, str, str]] = [
    ("company", "甲\x01公司", "company", "甲\x01公司"),
    ("external_id", "ZZ\x1b-1", "external_id", "ZZ\x1b-1"),
    ("products", "x" * 1_000_000, "products", "x" * 1_000_000),
    ("products", "电\x0c池", "products", "电\x0c池"),
    ("source", "展会\x00", "source", "展会\x00"),
    ("investor_origin", "深圳\x07", "investor_origin", "深圳\x07"),
    ("currency", "XYZ", "currency", "XYZ"),
    ("currency", "RMB", "currency", "RMB"),
    ("received_on", "2999-01-01", "received_on", "2999-01-01"),
    ("received_on", "1899-12-31", "received_on", "1899-12-31"),
]


@pytest.mark.parametrize(("field", "value", "column", "cell"), BAD_LEAD_VALUES)
def test_it_refuses_on_create_what_an_import_refuses(
    world: World, api: Api, field: str, value: Any, column: str, cell: str
) -> None:
    with pytest.raises(CellError):
        parse_cell(LEADS.by_name[column], cell)

    response = api("officer_a").post(
        f"{V1}/leads/", new_lead(world, **{field: value}), format="json"
    )

    assert response.status_code == 400, response.content[:300]
    assert field in error_of(response)["fields"]
    assert not Lead.objects.filter(external_id="ZZ-2026-101").exists()


@pytest.mark.parametrize(("field", "value", "_column", "_cell"), BAD_LEAD_VALUES)
def test_it_refuses_on_update_what_an_import_refuses(
    world: World, api: Api, field: str, value: Any, _column: str, _cell: str
) -> None:
    before = Lead.objects.values().get(pk=world.lead_a.pk)

    response = api("officer_a").patch(
        f"{V1}/leads/{world.lead_a.pk}/", {field: value}, format="json"
    )

    assert response.status_code == 400, response.content[:300]
    assert field in error_of(response)["fields"]
    assert Lead.objects.values().get(pk=world.lead_a.pk) == before


def test_it_refuses_needs_that_no_region_records(world: World, api: Api) -> None:
    response = api("officer_a").post(
        f"{V1}/leads/", new_lead(world, needs=["port", "unobtainium"]), format="json"
    )
    assert response.status_code == 400
    assert "unobtainium" in " ".join(error_of(response)["fields"]["needs"])
    good = api("officer_a").post(f"{V1}/leads/", new_lead(world, needs=["port"]), format="json")
    assert good.status_code == 201, good.content


def test_a_known_currency_is_kept(world: World, api: Api) -> None:
    response = api("officer_a").post(
        f"{V1}/leads/", new_lead(world, currency="EUR", capex="100"), format="json"
    )
    assert response.status_code == 201, response.content
    assert Lead.objects.get(external_id="ZZ-2026-101").currency == "EUR"


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "note", "text": "考察\x02园区"},
        {"kind": "note", "text": "x" * 10_001},
        {"kind": "visit", "text": "考察园区", "happened_on": "2999-02-03"},
    ],
)
def test_it_refuses_an_activity_no_export_could_restore(
    world: World, api: Api, body: dict[str, str]
) -> None:
    url = f"{V1}/leads/{world.lead_a.pk}/activities/"
    response = api("officer_a").post(url, body, format="json")
    assert response.status_code == 400, response.content[:300]
    assert set(error_of(response)["fields"]) <= {"text", "happened_on"}
    assert not LeadActivity.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"status": "lost", "status_reason": "选了\x0b别处", "lost_to": "常州"},
        {"status": "lost", "status_reason": "选了别处", "lost_to": "常\x1f州"},
    ],
)
def test_it_refuses_a_status_reason_with_a_control_character(
    world: World, api: Api, body: dict[str, str]
) -> None:
    response = api("officer_a").post(f"{V1}/leads/{world.lead_a.pk}/status/", body, format="json")
    assert response.status_code == 400, response.content[:300]
    world.lead_a.refresh_from_db()
    assert world.lead_a.status == "active"
    assert not LeadActivity.objects.exists()


def test_it_refuses_a_cluster_description_no_export_could_restore(world: World, api: Api) -> None:
    cluster = world.city_a.clusters.get()
    for description in ["锂电\x01集群", "锂电" * 5_001]:
        response = api("admin").patch(
            f"{V1}/clusters/{cluster.pk}/", {"description": description}, format="json"
        )
        assert response.status_code == 400, response.content[:300]
        assert "description" in error_of(response)["fields"]


def lead_form_data(world: World, **overrides: Any) -> dict[str, Any]:
    lead = world.lead_a
    data = {
        "external_id": lead.external_id,
        "company": lead.company,
        "industry": lead.industry_id,
        "region": lead.region_id,
        "currency": "CNY",
        "stage": lead.stage,
        "status": lead.status,
        "needs": ["port"],
    }
    return data | overrides


FORM_CASES = [
    ("currency", "xyz"),
    ("received_on", "2999-01-01"),
    ("company", "甲\x01公司"),
    ("products", "x" * 10_001),
    ("needs", ["unobtainium"]),
]


@pytest.mark.parametrize(("field", "value"), FORM_CASES)
def test_the_lead_form_and_the_admin_refuse_the_same_values(
    world: World, field: str, value: Any
) -> None:
    from projects.forms import LeadAdminForm, LeadForm
    from regions.models import Region

    data = lead_form_data(world, **{field: value})
    form = LeadForm(data, instance=world.lead_a, regions=Region.objects.all())
    admin_form = LeadAdminForm(data, instance=world.lead_a)

    assert not form.is_valid() and field in form.errors
    assert not admin_form.is_valid() and field in admin_form.errors
    world.lead_a.refresh_from_db()  # the forms set the values they read on the instance
    good = LeadForm(lead_form_data(world), instance=world.lead_a, regions=Region.objects.all())
    assert good.is_valid(), good.errors
