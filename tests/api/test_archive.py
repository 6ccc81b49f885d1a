"""Leads are archived, not deleted (issue 14, finding 3): deleting through the API or the admin
keeps the stage history and activities; the lead leaves lists, rankings and shortlists; only a
superuser purges, and the purge is recorded."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from rest_framework.test import APIClient

from projects import services
from projects.models import Lead, LeadActivity, StageChange
from screening.models import LeadScore, ScoreHistory
from tests.api.conftest import World
from tests.api.helpers import V1, store_score

Api = Callable[[str], APIClient]


def with_history(world: World, api: Api) -> Lead:
    """Lead A after a stage move and a call, both through the API, with a stored score."""
    url = f"{V1}/leads/{world.lead_a.pk}/"
    api("officer_a").post(url + "stage/", {"stage": "contact"}, format="json")
    api("officer_a").post(url + "activities/", {"kind": "call", "text": "电话"}, format="json")
    store_score(world.lead_a)
    return world.lead_a


def test_deleting_a_lead_through_the_api_keeps_its_stage_history_and_activities(
    world: World, api: Api
) -> None:
    lead = with_history(world, api)
    stages = StageChange.objects.filter(lead_id=lead.pk).count()
    assert stages >= 1 and LeadActivity.objects.filter(lead_id=lead.pk).count() == 1

    assert api("admin").delete(f"{V1}/leads/{lead.pk}/").status_code == 204

    assert StageChange.objects.filter(lead_id=lead.pk).count() == stages
    assert LeadActivity.objects.filter(lead_id=lead.pk).count() == 1
    assert ScoreHistory.objects.filter(lead_id=lead.pk).exists()
    assert Lead.all_objects.get(pk=lead.pk).archived_at is not None
    record = Lead.history.filter(id=lead.pk).latest()
    assert record.archived_at is not None
    assert (record.history_user, record.history_via) == (world.users["admin"], "api")


def test_an_archived_lead_leaves_lists_scores_and_shortlists(world: World, api: Api) -> None:
    lead = with_history(world, api)
    api("admin").delete(f"{V1}/leads/{lead.pk}/")
    manager = api("manager")
    assert manager.get(f"{V1}/leads/{lead.pk}/").status_code == 404
    assert lead.pk not in [row["id"] for row in manager.get(f"{V1}/leads/").json()["results"]]
    assert lead.pk not in [row["lead"] for row in manager.get(f"{V1}/scores/").json()["results"]]
    shortlist = manager.get(f"{V1}/shortlists/", {"k": 10}).json()["results"]
    assert lead.pk not in [row["lead"]["id"] for row in shortlist]
    assert not LeadScore.objects.filter(lead_id=lead.pk).exists()
    assert lead.pk not in Lead.objects.values_list("pk", flat=True)


def test_only_admins_archive_through_the_api(world: World, api: Api) -> None:
    assert api("officer_a").delete(f"{V1}/leads/{world.lead_a.pk}/").status_code == 403
    assert Lead.objects.filter(pk=world.lead_a.pk).exists()


@pytest.fixture
def superuser_client(world: World) -> tuple[User, Client]:
    root = User.objects.create_superuser("root", "root@example.org", "x")
    client = Client()
    client.force_login(root)
    return root, client


def test_deleting_in_the_admin_archives(
    world: World, api: Api, superuser_client: tuple[User, Client]
) -> None:
    lead = with_history(world, api)
    _root, client = superuser_client
    stages = StageChange.objects.filter(lead_id=lead.pk).count()
    url = f"/admin/projects/lead/{lead.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert StageChange.objects.filter(lead_id=lead.pk).count() == stages >= 1
    assert Lead.all_objects.get(pk=lead.pk).archived_at is not None
    assert Lead.history.filter(id=lead.pk).latest().history_via == "admin"


def test_a_superuser_purges_in_the_admin_and_the_purge_is_recorded(
    world: World, api: Api, superuser_client: tuple[User, Client]
) -> None:
    lead = with_history(world, api)
    root, client = superuser_client
    body = {"action": "purge", "_selected_action": [lead.pk]}
    assert client.post("/admin/projects/lead/", body).status_code == 302
    assert not Lead.all_objects.filter(pk=lead.pk).exists()
    purge = Lead.history.get(id=lead.pk, history_type="-")
    assert (purge.history_user, purge.history_via, purge.company) == (root, "admin", lead.company)


def test_no_one_but_a_superuser_may_purge(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.lead_purge(lead=world.lead_a, user=world.users["admin"])
    assert Lead.objects.filter(pk=world.lead_a.pk).exists()
