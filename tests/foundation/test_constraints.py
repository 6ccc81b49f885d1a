"""Each database constraint rejects its bad row with a clear error and writes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model

from projects.models import Lead
from regions.models import Cluster, Endowment, Industry, IndustryLink, Region, RegionIndustry
from tests.factories import (
    ClusterFactory,
    EndowmentFactory,
    IndustryFactory,
    IndustryLinkFactory,
    LeadFactory,
    RegionFactory,
    RegionIndustryFactory,
)

pytestmark = pytest.mark.django_db


def assert_rejected(model: type[Model], create: Callable[[], object], match: str) -> None:
    """The write fails with an IntegrityError naming the constraint, and the count is unchanged."""
    before = model._default_manager.count()
    with pytest.raises(IntegrityError, match=match), transaction.atomic():
        create()
    assert model._default_manager.count() == before


def test_it_rejects_duplicate_region_code() -> None:
    Region.objects.create(code="SD-JN", name="济南市", level="city")
    assert_rejected(
        Region,
        lambda: Region.objects.create(code="SD-JN", name="又一个", level="city"),
        "code|UNIQUE|unique",
    )


def test_it_rejects_duplicate_industry_code() -> None:
    Industry.objects.create(code="LIB", name="锂电池")
    assert_rejected(
        Industry, lambda: Industry.objects.create(code="LIB", name="x"), "code|UNIQUE|unique"
    )


def test_it_rejects_negative_employment() -> None:
    assert_rejected(
        RegionIndustry,
        lambda: RegionIndustryFactory(employment=-1),
        "region_industry_employment_non_negative",
    )


def test_it_keeps_unknown_employment_as_null() -> None:
    row = RegionIndustryFactory.create(employment=None)
    row.refresh_from_db()
    assert row.employment is None


def test_it_rejects_duplicate_region_industry() -> None:
    row = RegionIndustryFactory.create()
    assert_rejected(
        RegionIndustry,
        lambda: RegionIndustry.objects.create(region=row.region, industry=row.industry),
        "region_industry_unique|UNIQUE|unique",
    )


def test_it_rejects_a_link_from_an_industry_to_itself() -> None:
    industry = IndustryFactory.create()
    assert_rejected(
        IndustryLink,
        lambda: IndustryLink.objects.create(supplier=industry, customer=industry, weight=1),
        "industry_link_not_self",
    )


def test_it_rejects_a_negative_link_weight() -> None:
    assert_rejected(
        IndustryLink, lambda: IndustryLinkFactory(weight=-0.1), "industry_link_weight_non_negative"
    )


def test_it_rejects_a_duplicate_cluster_code_in_one_region() -> None:
    cluster = ClusterFactory.create(code="NEV")
    assert_rejected(
        Cluster,
        lambda: Cluster.objects.create(region=cluster.region, code="NEV", name="x"),
        "cluster_code_unique_in_region|UNIQUE|unique",
    )


def test_it_allows_the_same_cluster_code_in_two_regions() -> None:
    ClusterFactory(code="NEV")
    ClusterFactory(code="NEV")
    assert Cluster.objects.filter(code="NEV").count() == 2


def test_it_rejects_a_negative_endowment() -> None:
    assert_rejected(Endowment, lambda: EndowmentFactory(value=-5), "endowment_value_non_negative")


def test_it_rejects_negative_capex() -> None:
    assert_rejected(Lead, lambda: LeadFactory(capex=-1), "lead_capex_non_negative")


def test_it_rejects_negative_land() -> None:
    assert_rejected(Lead, lambda: LeadFactory(land_ha=-2), "lead_land_non_negative")


def test_it_rejects_an_unknown_stage() -> None:
    assert_rejected(Lead, lambda: LeadFactory(stage="dreaming"), "lead_stage_valid")


def test_it_rejects_a_duplicate_lead_external_id() -> None:
    first = LeadFactory.create(external_id="X1")
    assert_rejected(
        Lead,
        lambda: LeadFactory(external_id="X1", industry=first.industry, region=first.region),
        "external_id|UNIQUE|unique",
    )


def test_it_rejects_a_region_as_its_own_parent() -> None:
    region = RegionFactory.create()
    before = Region.objects.count()
    with pytest.raises(IntegrityError, match="region_not_own_parent"), transaction.atomic():
        Region.objects.filter(pk=region.pk).update(parent=region.pk)
    assert Region.objects.count() == before
    region.refresh_from_db()
    assert region.parent_id is None


def test_it_rejects_a_cycle_in_region_parents() -> None:
    province = RegionFactory.create(level="province")
    city = RegionFactory.create(parent=province)
    county = RegionFactory.create(parent=city, level="county")
    province.parent = county
    with pytest.raises(ValidationError) as error:
        province.save()
    assert list(error.value.message_dict) == ["parent"]
    province.refresh_from_db()
    assert province.parent_id is None
