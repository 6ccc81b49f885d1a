"""Import endpoints: upload with a dry run, confirm, status; admins only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from regions.models import Endowment
from tests.api.conftest import World
from tests.api.helpers import V1, error_of

Api = Callable[[str], APIClient]
pytestmark = pytest.mark.django_db

GOOD = "region_code,factor,value,source\nSD-ZZ,rail,1,test\nSD-WH,rail,1,test\n"
BAD = "region_code,factor,value,source\nSD-ZZ,rail,1,test\nSD-XX,rail,1,test\nSD-WH,rail,-3,t\n"


def upload(client: APIClient, text: str, name: str = "endowments.csv", **extra: Any) -> Any:
    file = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post(f"{V1}/imports/", {"file": file, **extra}, format="multipart")


def test_it_checks_an_upload_without_writing(world: World, api: Api) -> None:
    response = upload(api("admin"), GOOD)
    assert response.status_code == 201
    body = response.json()
    assert (body["state"], body["ok"], body["dry_run"]) == ("checked", True, True)
    assert body["counts"]["endowments"]["created"] == 2
    assert not Endowment.objects.filter(factor="rail").exists()


def test_it_lists_every_problem_by_row_and_writes_nothing(world: World, api: Api) -> None:
    body = upload(api("admin"), BAD).json()
    assert (body["state"], body["ok"]) == ("invalid", False)
    assert {problem["row"] for problem in body["errors"]} == {3, 4}
    assert {problem["column"] for problem in body["errors"]} == {"region_code", "value"}
    assert not Endowment.objects.filter(factor="rail").exists()


def test_it_imports_a_checked_upload_once_on_confirmation(world: World, api: Api) -> None:
    client = api("admin")
    token = upload(client, GOOD).json()["id"]
    status = client.get(f"{V1}/imports/{token}/").json()
    assert (status["finished"], status["percent"]) == (False, 0)
    done = client.post(f"{V1}/imports/{token}/confirm/")
    assert done.status_code == 200
    assert (done.json()["state"], done.json()["dry_run"]) == ("done", False)
    assert Endowment.objects.filter(factor="rail").count() == 2
    world.city_b.refresh_from_db()
    assert world.city_b.score_version == 2  # the import marked the region's scores stale
    status = client.get(f"{V1}/imports/{token}/").json()
    assert (status["finished"], status["percent"]) == (True, 100)
    again = client.post(f"{V1}/imports/{token}/confirm/")
    assert again.status_code == 404
    assert error_of(again)["code"] == "not_found"


def test_it_imports_at_once_without_a_dry_run(world: World, api: Api) -> None:
    body = upload(api("admin"), GOOD, dry_run=False).json()
    assert (body["state"], body["ok"]) == ("done", True)
    assert Endowment.objects.filter(factor="rail").count() == 2


def test_it_refuses_a_file_of_the_wrong_kind_on_the_file_field(world: World, api: Api) -> None:
    response = upload(api("admin"), "hello", name="notes.txt")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["file"]


@pytest.mark.parametrize("persona", ["officer_a", "manager"])
def test_it_keeps_imports_to_admins(world: World, api: Api, persona: str) -> None:
    assert upload(api(persona), GOOD).status_code == 403
    assert api(persona).get(f"{V1}/imports/{'0' * 32}/").status_code == 403


def test_it_says_404_for_an_unknown_upload(world: World, api: Api) -> None:
    assert api("admin").get(f"{V1}/imports/{'0' * 32}/").status_code == 404
    assert api("admin").post(f"{V1}/imports/{'0' * 32}/confirm/").status_code == 404


@pytest.mark.django_db(transaction=True)  # the import commits, then rescoring starts
def test_it_starts_rescoring_after_an_import(world: World, api: Api) -> None:
    body = upload(api("admin"), GOOD, dry_run=False).json()
    assert body["state"] == "done"
    assert body["score_runs"]
    run = api("admin").get(f"{V1}/score-runs/{body['score_runs'][0]}/").json()
    assert run["state"] == "done"
    assert run["total"] >= 1
