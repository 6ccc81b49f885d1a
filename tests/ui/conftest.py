"""Fixtures of the browser-app view tests: the small Shandong scenario and signed-in clients."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from screening.world import forget_world
from tests.ui.scenario import Scenario, build_scenario

ROLES = ("officer_jinan", "officer_qingdao", "manager", "admin", "nobody")


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """Hashing five users' passwords with PBKDF2 per test is most of the setup time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def scenario(db: None) -> Scenario:
    forget_world()
    return build_scenario()


@pytest.fixture
def client_for(scenario: Scenario) -> Callable[[str], Client]:
    """A client signed in as one of the scenario's users (or anonymous for 'anonymous')."""

    def make(username: str) -> Client:
        client = Client()
        if username != "anonymous":
            client.force_login(scenario.users[username])
        return client

    return make


@pytest.fixture
def officer(client_for: Callable[[str], Client]) -> Client:
    return client_for("officer_jinan")


@pytest.fixture
def manager(client_for: Callable[[str], Client]) -> Client:
    return client_for("manager")


@pytest.fixture
def admin_client_(client_for: Callable[[str], Client]) -> Client:
    return client_for("admin")
