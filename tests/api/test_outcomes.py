"""A lead's decision scores over the API: read-only, scoped like the lead."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from projects.services import lead_move_stage
from screening.models import LeadScore
from tests.api.conftest import World
from tests.api.helpers import V1, store_score

Api = Callable[[str], APIClient]
pytestmark = pytest.mark.django_db


def test_it_shows_the_decision_score_taken_at_signing(world: World, api: Api) -> None:
    store_score(world.lead_a, local_fit=70, chain_completion=40, cluster_strength=60)
    lead_move_stage(lead=world.lead_a, user=None, to_stage="signed")
    LeadScore.objects.filter(lead=world.lead_a).update(total=12.0)  # a later recomputation

    rows = api("officer_a").get(f"{V1}/leads/{world.lead_a.pk}/decisions/").json()["results"]

    assert len(rows) == 1
    row = rows[0]
    assert row["in_force"] is True and row["pending"] is False
    assert row["outcome"] == "won" and row["stage"] == "signed"
    assert (row["local_fit"], row["chain_completion"], row["cluster_strength"]) == (70, 40, 60)
    assert row["total"] != 12.0


def test_it_hides_another_regions_decisions_and_refuses_writes(world: World, api: Api) -> None:
    url = f"{V1}/leads/{world.lead_b.pk}/decisions/"
    assert api("officer_a").get(url).status_code == 404
    assert api("officer_b").get(url).status_code == 200
    assert api("officer_b").post(url, {}, format="json").status_code == 405
