"""An officer's scope: the assigned regions and everything below them, in one query."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from regions.models import OfficerRegion, Region
from screening.access import officer_region_ids
from tests.factories import RegionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_includes_descendants_but_not_siblings() -> None:
    province = RegionFactory.create(level="province")
    city = RegionFactory.create(parent=province)
    county = RegionFactory.create(parent=city, level="county")
    zone = RegionFactory.create(parent=county, level="zone")
    sibling = RegionFactory.create(parent=province)
    officer: User = UserFactory.create()
    OfficerRegion.objects.create(user=officer, region=city)
    with CaptureQueriesContext(connection) as queries:
        scope = officer_region_ids(officer)
    assert scope == sorted([city.pk, county.pk, zone.pk])
    assert sibling.pk not in scope
    assert len(queries) == 1


def test_a_cycle_in_region_parents_does_not_hang_it() -> None:
    a = RegionFactory.create()
    b = RegionFactory.create(parent=a)
    Region.objects.filter(pk=a.pk).update(parent=b)  # bulk update bypasses the model check
    officer: User = UserFactory.create()
    OfficerRegion.objects.create(user=officer, region=a)
    assert officer_region_ids(officer) == sorted([a.pk, b.pk])
