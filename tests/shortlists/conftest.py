"""Fixtures of the shortlist tests: the UI's small Shandong plus more leads, and clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from projects.models import Lead, Stage, Status
from projects.services import lead_create
from screening.services.scores import rescore_leads
from screening.world import forget_world
from shortlists import ranking
from tests.ui.scenario import Scenario, build_scenario

# More leads, so that a cut-off has leads on both sides: (industry, city, stage, status).
EXTRA = [
    ("NEV-PART", "QD", Stage.LEAD, Status.ACTIVE),
    ("ELEC", "QD", Stage.CONTACT, Status.ACTIVE),
    ("CHEM", "YT", Stage.LEAD, Status.ACTIVE),
    ("LIB-CATH", "YT", Stage.NEGOTIATION, Status.ACTIVE),
    ("TEXT", "WF", Stage.LEAD, Status.ACTIVE),
    ("NEV-PART", "WF", Stage.SIGNED, Status.ACTIVE),
    ("STEEL", "ZB", Stage.LEAD, Status.ACTIVE),
    ("LIB-CATH", "ZB", Stage.CONTACT, Status.ACTIVE),
    ("NEV-ASM", "JN", Stage.LEAD, Status.ACTIVE),
    ("ELEC", "JN", Stage.CONTACT, Status.DORMANT),
    ("CHEM", "ZB", Stage.LEAD, Status.ACTIVE),
    ("LIB-CELL", "YT", Stage.LEAD, Status.ACTIVE),
    ("NEV-PART", "JN", Stage.NEGOTIATION, Status.ACTIVE),
    ("TEXT", "QD", Stage.LEAD, Status.ACTIVE),
]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Each test starts without another test's copy of the scores (SQLite reuses ids)."""
    ranking.forget_cache()
    yield
    ranking.forget_cache()


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db: None) -> Scenario:
    """The UI scenario (5 cities, a battery/vehicle chain, 2 clusters, users) + 14 leads."""
    return build_world()


def build_world() -> Scenario:
    forget_world()
    scenario = build_scenario()
    for n, (industry, city, stage, status) in enumerate(EXTRA):
        lead = lead_create(
            user=None,
            external_id=f"X-{n:03d}",
            company=f"扩展企业{n:02d}",
            industry=scenario.industries[industry],
            region=scenario.cities[city],
            capex=10000 * (n + 1),
            jobs=50 * (n + 1),
            stage=stage,
            status=status,
            needs=["port"] if n % 2 else ["industrial_land_ha"],
            status_reason="暂停" if status != Status.ACTIVE else "",
        )
        scenario.leads[f"x{n}"] = lead
    rescore_leads(list(Lead.objects.values_list("pk", flat=True)))
    return scenario


@pytest.fixture
def client_for(world: Scenario) -> Callable[[str], Client]:
    def make(username: str) -> Client:
        client = Client()
        if username != "anonymous":
            client.force_login(world.users[username])
        return client

    return make


@pytest.fixture
def manager(client_for: Callable[[str], Client]) -> Client:
    return client_for("manager")


@pytest.fixture
def officer(client_for: Callable[[str], Client]) -> Client:
    return client_for("officer_jinan")
