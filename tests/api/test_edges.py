"""Edges of the API found by a probe (issue 14, finding 8): score runs scoped like leads, and
an external id taken in another region refused without saying where."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from projects.models import Lead
from screening.models import ScoreRun
from tests.api.conftest import World, make_user
from tests.api.helpers import V1, error_of, make_lead

Api = Callable[[str], APIClient]
pytestmark = pytest.mark.django_db


def a_run() -> ScoreRun:
    return ScoreRun.objects.create(reason="17 lead(s) changed", total=17, done=17, state="done")


@pytest.mark.parametrize("persona", ["manager", "admin"])
def test_managers_and_admins_read_score_runs(world: World, api: Api, persona: str) -> None:
    run = a_run()
    listed = api(persona).get(f"{V1}/score-runs/").json()
    assert [row["id"] for row in listed["results"]] == [run.pk]
    assert api(persona).get(f"{V1}/score-runs/{run.pk}/").json()["reason"] == run.reason


def test_an_officer_sees_no_score_run(world: World, api: Api) -> None:
    """Runs are province-wide: none of them belongs to an officer's regions."""
    run = a_run()
    listed = api("officer_a").get(f"{V1}/score-runs/")
    assert (listed.status_code, listed.json()["results"]) == (200, [])
    single = api("officer_a").get(f"{V1}/score-runs/{run.pk}/")
    assert single.status_code == 404
    assert error_of(single)["code"] == "not_found"


def test_a_regional_admin_sees_no_score_run(world: World, api: Api) -> None:
    world.users["regional"] = make_user("regional", "regional_admin", regions=(world.city_a,))
    run = a_run()
    assert api("regional").get(f"{V1}/score-runs/").json()["results"] == []
    assert api("regional").get(f"{V1}/score-runs/{run.pk}/").status_code == 404


def lead_body(world: World, external_id: str) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "company": "丙新能源有限公司",
        "industry": world.lead_a.industry_id,
        "region": world.city_a.pk,
    }


def clash_error(response: Any) -> dict[str, Any]:
    assert response.status_code == 400, response.content
    error = error_of(response)
    assert error["code"] == "invalid"
    assert list(error["fields"]) == ["external_id"]
    # Refused as unavailable, not reported as an existing lead (of somewhere else).
    assert not any(word in str(error).lower() for word in ("exist", "存在", "lead"))
    return error


def test_an_external_id_of_another_region_is_refused_without_saying_where(
    world: World, api: Api
) -> None:
    other = world.lead_b  # city B's lead: officer A cannot see it
    other.external_id = "WH-2026-007"
    other.save(update_fields=["external_id"])
    theirs = clash_error(
        api("officer_a").post(f"{V1}/leads/", lead_body(world, other.external_id), format="json")
    )
    text = str(theirs)
    for revealing in (other.company, other.region.name, other.region.code, str(other.pk)):
        assert revealing not in text
    # The same answer as for an id taken in the officer's own region: nothing tells them apart.
    own = make_lead(region=world.city_a, industry=world.lead_a.industry, external_id="ZZ-1")
    mine = clash_error(
        api("officer_a").post(f"{V1}/leads/", lead_body(world, own.external_id), format="json")
    )
    assert theirs == mine
    assert Lead.objects.filter(external_id=other.external_id).count() == 1


def test_renaming_a_lead_to_another_regions_external_id_is_refused_alike(
    world: World, api: Api
) -> None:
    taken = world.lead_b.external_id
    response = api("officer_a").patch(
        f"{V1}/leads/{world.lead_a.pk}/", {"external_id": taken}, format="json"
    )
    error = clash_error(response)
    assert world.lead_b.company not in str(error)
    world.lead_a.refresh_from_db()
    assert world.lead_a.external_id != taken


def test_an_external_id_taken_meanwhile_is_refused_alike(
    world: World, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two creates with one id at once both pass the checks; the constraint refuses one."""
    from rest_framework.validators import UniqueValidator

    monkeypatch.setattr(UniqueValidator, "__call__", lambda self, value, field: None)
    monkeypatch.setattr(Lead, "validate_unique", lambda self, exclude=None: None)
    response = api("officer_a").post(
        f"{V1}/leads/", lead_body(world, world.lead_b.external_id), format="json"
    )
    clash_error(response)
    assert Lead.objects.filter(external_id=world.lead_b.external_id).count() == 1
