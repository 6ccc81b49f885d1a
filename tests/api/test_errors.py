"""The one error body: every failure has {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework import exceptions
from rest_framework.test import APIClient

from screening.api.errors import error_body, flatten_detail
from tests.api.conftest import World
from tests.api.helpers import V1, error_of

Api = Callable[[str], APIClient]


def test_it_flattens_nested_field_errors_to_dotted_names() -> None:
    detail = {"members": [{}, {"industry": ["bad"]}], "code": ["taken"]}
    assert flatten_detail(detail) == {"members.1.industry": ["bad"], "code": ["taken"]}


def test_it_puts_errors_without_a_field_under_non_field_errors() -> None:
    body = error_body(exceptions.ValidationError("Nope."))
    assert body == {
        "error": {"code": "invalid", "message": "Nope.", "fields": {"non_field_errors": ["Nope."]}}
    }


def test_it_names_the_first_field_in_the_message() -> None:
    body = error_body(exceptions.ValidationError({"region": ["Pick one."]}))
    assert body["error"]["message"] == "region: Pick one."


@pytest.mark.django_db
def test_it_answers_a_wrong_method_in_the_error_body(world: World, api: Api) -> None:
    response = api("admin").post(f"{V1}/scores/", {}, format="json")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


@pytest.mark.django_db
def test_it_answers_malformed_json_in_the_error_body(world: World, api: Api) -> None:
    response = api("admin").post(
        f"{V1}/regions/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"


@pytest.mark.django_db
def test_it_answers_unknown_api_paths_in_the_error_body(world: World, api: Api) -> None:
    response = api("admin").get("/api/v1/nowhere/")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


@pytest.mark.django_db
def test_it_answers_a_bad_page_in_the_error_body(world: World, api: Api) -> None:
    response = api("admin").get(f"{V1}/regions/", {"page": 99})
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
