"""The lead list's fast path (screening/api/lead_rows.py): it must write every lead exactly as
LeadSerializer (and so DRF's generic serializer) does, judge staleness exactly as
screening.selectors.staleness.is_stale does, and keep its query count flat."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from projects.models import Lead
from regions.models import Industry
from screening import invalidation
from screening.api import lead_rows
from screening.api.serializers_leads import LeadSerializer, lazy_staleness
from screening.models import DataVersion, ScoringProfile
from screening.selectors.profiles import ensure_default_profile, profiles_in_force
from screening.selectors.staleness import is_stale, measures_version
from tests.api.conftest import World
from tests.api.helpers import V1, error_of, make_lead, store_score
from tests.factories import IndustryFactory, LeadFactory, UserFactory

Api = Callable[[str], APIClient]
pytestmark = pytest.mark.django_db


def industry(**fields: Any) -> Industry:
    return cast(Industry, IndustryFactory(**fields))


def listed(client: APIClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get(f"{V1}/leads/", {"page_size": 500, **params})
    assert response.status_code == 200, response.content
    rows: list[dict[str, Any]] = response.json()["results"]
    return rows


def one_by_one(ids: list[int]) -> list[dict[str, Any]]:
    """The same leads through LeadSerializer on model instances (the detail endpoint's path)."""
    context = {"staleness": lazy_staleness()}
    leads = Lead.objects.select_related("score", "region").defer("score__explanation")
    return [LeadSerializer(leads.get(pk=pk), context=context).data for pk in ids]


def as_json(rows: list[dict[str, Any]]) -> bytes:
    return JSONRenderer().render(rows)


def varied_leads(world: World) -> list[Lead]:
    """Leads covering the value kinds of a row: no score, a current score, nulls, decimals
    with and without fractions, an owner, needs, several inputs, another region."""
    cathode = industry(code="AAA", name="负极材料")  # codes sort as they are added
    separator = industry(code="AAB", name="隔膜")
    owner = UserFactory(username="owner")
    bare = make_lead(
        region=world.city_a,
        industry=world.lead_a.industry,
        capex=None,
        jobs=None,
        received_on=None,
        investor_type="",
    )
    full = make_lead(
        region=world.county_a,
        industry=world.lead_a.industry,
        capex="1234.5",
        land_ha="0.25",
        power_mw="7",
        investor_type="soe",
        investor_origin="德国",
        needs=["port", "industrial_land_ha"],
        products="电芯",
        source="展会",
        owner=owner,
        status_reason="",
    )
    full.input_industries.add(cathode)  # one by one: the list keeps the order of adding
    full.input_industries.add(separator)
    store_score(full, total=61.25, confidence=0.5)
    store_score(world.lead_b, total=80.0)
    return [bare, full, world.lead_a, world.lead_b]


def test_it_lists_each_lead_byte_for_byte_as_the_serializer_writes_it(
    world: World, api: Api
) -> None:
    leads = varied_leads(world)
    rows = listed(api("manager"))
    assert {row["id"] for row in rows} == {lead.pk for lead in leads}
    expected = one_by_one([row["id"] for row in rows])
    assert as_json(rows) == as_json(expected)  # same keys, same order, same values
    assert [list(row) for row in rows] == [list(LeadSerializer.Meta.fields)] * len(rows)
    full = next(row for row in rows if row["capex"] == "1234.50")
    assert full["land_ha"] == "0.25"
    assert full["score"]["stale"] is False
    assert next(row for row in rows if row["capex"] is None)["score"] is None


def test_it_matches_drfs_generic_serializer_on_every_row(world: World, api: Api) -> None:
    """LeadSerializer is itself an unrolled DRF serializer; hold the list to DRF directly."""
    varied_leads(world)
    rows = listed(api("manager"))
    context = {"staleness": lazy_staleness()}
    leads = Lead.objects.select_related("score", "region")
    for row in rows:
        lead = leads.get(pk=row["id"])
        generic = serializers.ModelSerializer.to_representation(
            LeadSerializer(lead, context=context), lead
        )
        generic["input_industries"] = sorted(generic["input_industries"])
        assert json.loads(as_json([generic]))[0] == row | {
            "input_industries": sorted(row["input_industries"])
        }


@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai", "America/New_York"])
def test_it_writes_times_in_the_current_time_zone(world: World, api: Api, zone: str) -> None:
    varied_leads(world)
    with timezone.override(zone):
        rows = listed(api("manager"))
        expected = one_by_one([row["id"] for row in rows])
    assert as_json(rows) == as_json(expected)
    scored = next(row for row in rows if row["score"])
    if zone == "UTC":
        assert scored["created_at"].endswith("Z")
        assert scored["score"]["computed_at"].endswith("Z")


def test_it_keeps_input_industries_in_the_order_they_were_set(world: World, api: Api) -> None:
    """As the list always did (through-table order); the detail endpoint orders by code."""
    later = industry(code="ZZZ", name="后")
    earlier = industry(code="AAA", name="前")
    lead = world.lead_a
    lead.input_industries.add(later)
    lead.input_industries.add(earlier)
    row = next(r for r in listed(api("manager")) if r["id"] == lead.pk)
    assert row["input_industries"] == [later.pk, earlier.pk]


# --- Staleness ------------------------------------------------------------------------------


def _stale_flags(client: APIClient) -> dict[int, bool | None]:
    return {row["id"]: row["score"] and row["score"]["stale"] for row in listed(client)}


def _expected_flags() -> dict[int, bool | None]:
    measures, profiles = measures_version(), profiles_in_force()
    flags: dict[int, bool | None] = {}
    for lead in Lead.objects.select_related("score", "region"):
        has_score = getattr(lead, "score", None) is not None
        profile = profiles.for_region(lead.region_id).pk
        flags[lead.pk] = (
            is_stale(lead, measures=measures, profile_id=profile) if has_score else None
        )
    return flags


def _edit_lead(world: World) -> None:
    invalidation.leads_changed([world.lead_a.pk])


def _edit_region(world: World) -> None:
    invalidation.regions_changed([world.city_b.pk])


def _edit_measures(world: World) -> None:
    invalidation.measures_changed()


def _move_lead(world: World) -> None:
    Lead.objects.filter(pk=world.lead_a.pk).update(region=world.county_a)


def _regional_profile(world: World) -> None:
    ScoringProfile.objects.create(
        name="zz", region=world.city_a, local_fit=1, chain_completion=0, cluster_strength=0
    )


def _new_default_profile(world: World) -> None:
    ScoringProfile.objects.filter(region__isnull=True).update(is_active=False)
    ScoringProfile.objects.create(name="new", local_fit=1, chain_completion=1, cluster_strength=1)


def _no_default_profile(world: World) -> None:
    ScoringProfile.objects.update(is_active=False)


def _measures_row_missing(world: World) -> None:
    DataVersion.objects.all().delete()


@pytest.mark.parametrize(
    "change",
    [
        _edit_lead,
        _edit_region,
        _edit_measures,
        _move_lead,
        _regional_profile,
        _new_default_profile,
        _no_default_profile,
        _measures_row_missing,
    ],
)
def test_it_judges_staleness_as_is_stale_does(
    world: World, api: Api, change: Callable[[World], None]
) -> None:
    ensure_default_profile()
    DataVersion.objects.get_or_create(pk=1)
    for lead in (world.lead_a, world.lead_b):
        store_score(lead)
    assert set(_stale_flags(api("manager")).values()) == {False}
    change(world)
    flags = _stale_flags(api("manager"))
    assert flags == _expected_flags()
    if change not in (_no_default_profile, _measures_row_missing):
        assert True in flags.values()


# --- Queries --------------------------------------------------------------------------------


def _list_queries(client: APIClient, **params: Any) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"{V1}/leads/", params).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_it_reads_a_page_in_the_same_few_queries_whatever_its_size(world: World, api: Api) -> None:
    client = api("manager")
    small = _list_queries(client)
    for lead in LeadFactory.create_batch(30, region=world.city_a, industry=world.lead_a.industry):
        store_score(lead)
        lead.input_industries.set([world.lead_b.industry_id])
    large = _list_queries(client)
    # Token, roles, the page's ids, its rows (and elsewhere than PostgreSQL, their inputs).
    expected = 4 if connection.vendor == "postgresql" else 5
    assert len(small) == len(large) == expected, large
    assert not any("COUNT(" in sql.upper() for sql in large)
    assert not any("scoringprofile" in sql and "dataversion" not in sql for sql in large)


def test_it_pages_through_every_lead_once(world: World, api: Api) -> None:
    LeadFactory.create_batch(11, region=world.city_b, industry=world.lead_a.industry)
    client = api("manager")
    everything = [row["id"] for row in listed(client)]
    for size in (1, 2, 3, 7):
        seen: list[int] = []
        body = client.get(f"{V1}/leads/", {"page_size": size}).json()
        while True:
            assert len(body["results"]) <= size
            seen += [row["id"] for row in body["results"]]
            if not body["next"]:
                break
            body = client.get(body["next"]).json()
        assert seen == everything
    backwards = [row["id"] for row in listed(client, ordering="id")]
    assert backwards == everything[::-1]


def test_it_reuses_the_compiled_rows_query() -> None:
    sizes = {lead_rows._padded_count(connection, n) for n in range(1, 501)}
    assert len(sizes) <= len(lead_rows._ID_COUNTS)


@pytest.mark.parametrize("count", [1, 2, 6, 51, 501])
def test_it_reads_rows_for_any_number_of_ids(world: World, count: int) -> None:
    leads = LeadFactory.create_batch(count, region=world.city_a, industry=world.lead_a.industry)
    ids = [lead.pk for lead in reversed(leads)]
    rows = lead_rows.read_rows(ids)
    assert [row[0] for row in rows] == ids
    assert lead_rows.read_rows([*ids[:1], 10**12]) == rows[:1]  # unknown ids are left out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_it_reads_the_same_rows_from_a_prepared_statement(world: World) -> None:
    """With prepare_threshold set (DATABASE_URL ?prepare_threshold=5), psycopg prepares the
    rows query; the rows must not change."""
    leads = LeadFactory.create_batch(5, region=world.city_a, industry=world.lead_a.industry)
    ids = [lead.pk for lead in leads]
    before = lead_rows.read_rows(ids)
    connection.ensure_connection()
    raw = connection.connection
    threshold, raw.prepare_threshold = raw.prepare_threshold, 0
    try:
        assert [lead_rows.read_rows(ids[:n]) for n in (5, 2, 5)] == [before, before[:2], before]
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            prepared = [row[0] for row in cursor.fetchall()]
    finally:
        raw.prepare_threshold = threshold
    assert any("ANY(" in statement for statement in prepared)


# --- Filters --------------------------------------------------------------------------------


def test_it_filters_plain_ids_without_the_form_and_the_same_way(world: World, api: Api) -> None:
    client = api("manager")
    region = world.city_b.pk
    assert {r["id"] for r in listed(client, region=region)} == {world.lead_b.pk}
    # Spellings only the form understands give the same answer through it.
    assert {r["id"] for r in listed(client, region=f"{region}.0")} == {world.lead_b.pk}
    assert {r["id"] for r in listed(client, region=f" {region}")} == {world.lead_b.pk}
    both = listed(client, region=region, industry=world.lead_b.industry_id)
    assert {r["id"] for r in both} == {world.lead_b.pk}
    assert listed(client, region=region, industry=world.lead_b.industry_id + 1000) == []
    with_stage = listed(client, region=region, stage="lead")
    assert {r["id"] for r in with_stage} == {world.lead_b.pk}


@pytest.mark.parametrize("value", ["x", "0", "-3", "9" * 20, "1e3"])
def test_it_still_rejects_a_bad_id_filter_naming_it(world: World, api: Api, value: str) -> None:
    response = api("manager").get(f"{V1}/leads/", {"region": value})
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["region"]


def test_it_keeps_the_officers_scope_under_an_id_filter(world: World, api: Api) -> None:
    client = api("officer_a")
    assert listed(client, region=world.city_b.pk) == []
    assert {r["id"] for r in listed(client, region=world.city_a.pk)} == {world.lead_a.pk}
