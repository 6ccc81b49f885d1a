"""Fixtures of the editor tests: the small Shandong of the UI tests, and a city admin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from regions.models import OfficerRegion
from screening.world import forget_world
from tests.ui.scenario import Scenario, build_scenario


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def scenario(db: None) -> Scenario:
    forget_world()
    return build_scenario()


def regional_admin(scenario: Scenario, username: str, *cities: str) -> User:
    """A regional admin of these cities of the scenario (province: "SD")."""
    user = User.objects.create_user(username, password="x")
    user.groups.add(Group.objects.get_or_create(name="regional_admin")[0])
    for code in cities:
        region = scenario.province if code == "SD" else scenario.cities[code]
        OfficerRegion.objects.create(user=user, region=region)
    return user


@pytest.fixture
def client_for(scenario: Scenario) -> Callable[[str], Client]:
    """A client signed in as a scenario user, or as `jinan_admin` (regional admin of Jinan)
    or `shandong_admin` (regional admin of the province)."""
    made = {
        "jinan_admin": lambda: regional_admin(scenario, "jinan_admin", "JN"),
        "shandong_admin": lambda: regional_admin(scenario, "shandong_admin", "SD"),
    }

    def make(username: str) -> Client:
        user = scenario.users.get(username) or made[username]()
        client = Client()
        client.force_login(user)
        return client

    return make
