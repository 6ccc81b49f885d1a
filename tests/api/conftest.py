"""Personas and a small world for the API tests.

Two cities of one province, each with a lead; an officer for each city, a manager, an admin
and a signed-in user with no role. `api(persona)` gives a client authenticated by token.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.test import APIClient

from projects.models import Lead
from regions.models import OfficerRegion, Region
from screening.api.tokens import issue_token
from shortlists.ranking import forget_cache
from tests.api.helpers import make_lead, make_region
from tests.factories import (
    ClusterFactory,
    ClusterIndustryFactory,
    EndowmentFactory,
    IndustryFactory,
    IndustryLinkFactory,
    RegionIndustryFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _api_settings(settings: Any, tmp_path: Any) -> None:
    settings.ROOT_URLCONF = "tests.api.urls"
    settings.MEDIA_ROOT = tmp_path / "media"  # uploads are kept here until confirmed
    # Personas are created per test; the production hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Shortlists rank from a per-process copy of the scores; ids repeat across tests.
    forget_cache()


@dataclass
class World:
    province: Region
    city_a: Region
    city_b: Region
    county_a: Region
    lead_a: Lead
    lead_b: Lead
    users: dict[str, User]


def make_user(name: str, *roles: str, regions: tuple[Region, ...] = ()) -> User:
    user = cast(User, UserFactory(username=name))
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    for region in regions:
        OfficerRegion.objects.create(user=user, region=region)
    return user


@pytest.fixture
def world(db: None) -> World:
    province = make_region(code="SD", name="山东省", level="province")
    city_a = make_region(code="SD-ZZ", name="枣庄市", level="city", parent=province)
    city_b = make_region(code="SD-WH", name="威海市", level="city", parent=province)
    county_a = make_region(code="SD-ZZ-TE", name="滕州市", level="county", parent=city_a)
    battery = IndustryFactory(code="LIB", name="锂电池")
    cathode = IndustryFactory(code="CAT", name="正极材料")
    IndustryLinkFactory(supplier=cathode, customer=battery, weight=0.8)
    for region, size in [(city_a, 5000), (city_b, 300), (county_a, 800)]:
        RegionIndustryFactory(region=region, industry=battery, employment=size)
        RegionIndustryFactory(region=region, industry=cathode, employment=size / 2)
    cluster = ClusterFactory(region=city_a, code="NEV", name="新能源")
    ClusterIndustryFactory(cluster=cluster, industry=battery)
    EndowmentFactory(region=city_a, factor="port", value=0)
    EndowmentFactory(region=city_b, factor="port", value=1)
    users = {
        "officer_a": make_user("officer_a", "officer", regions=(city_a,)),
        "officer_b": make_user("officer_b", "officer", regions=(city_b,)),
        "manager": make_user("manager", "manager"),
        "admin": make_user("admin", "admin"),
        "norole": make_user("norole"),
    }
    lead_a = make_lead(region=city_a, industry=battery, company="甲电池有限公司")
    lead_b = make_lead(region=city_b, industry=battery, company="乙电池有限公司")
    return World(province, city_a, city_b, county_a, lead_a, lead_b, users)


@pytest.fixture
def api(world: World) -> Callable[[str], APIClient]:
    """api("officer_a") -> an APIClient authenticated with that persona's token."""

    def client_for(persona: str) -> APIClient:
        client = APIClient()
        token, _ = issue_token(world.users[persona])
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return client_for
