"""Every API error in the one body, also those raised outside DRF's views (issue 14, 8)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.http import HttpResponse, JsonResponse
from django.test import Client, RequestFactory
from rest_framework import exceptions
from rest_framework.test import APIClient

from screening import access
from screening.api import errors
from screening.api.middleware import ApiErrorMiddleware
from screening.api.parsers import MAX_JSON_DEPTH, nesting_depth
from tests.api.conftest import World
from tests.api.helpers import V1, error_of

Api = Callable[[str], APIClient]
pytestmark = pytest.mark.django_db


def nested(depth: int) -> str:
    return '{"name": ' + "[" * depth + "]" * depth + "}"


def test_json_nested_10000_deep_is_a_400(world: World, api: Api) -> None:
    response = api("admin").post(
        f"{V1}/regions/", data=nested(10_000), content_type="application/json"
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"


def test_json_nested_past_the_limit_is_a_400_before_any_field_is_read(
    world: World, api: Api
) -> None:
    response = api("officer_a").patch(
        f"{V1}/leads/{world.lead_a.pk}/",
        data=nested(MAX_JSON_DEPTH + 1),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"


def test_json_nested_within_the_limit_reaches_the_fields(world: World, api: Api) -> None:
    response = api("officer_a").patch(
        f"{V1}/leads/{world.lead_a.pk}/",
        data=nested(MAX_JSON_DEPTH - 1),
        content_type="application/json",
    )
    assert response.status_code == 200  # an unknown field, ignored as before


def test_nesting_depth_counts_arrays_and_objects() -> None:
    assert nesting_depth(1) == 0
    assert nesting_depth({"a": [1, {"b": []}]}) == 4
    assert nesting_depth(json.loads("[" * 500 + "]" * 500)) == MAX_JSON_DEPTH + 1  # stops early


def test_a_json_body_over_the_limit_is_a_413(world: World, api: Api, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"code": "XX", "name": "x" * 2000})
    response = api("admin").post(f"{V1}/regions/", data=body, content_type="application/json")
    assert response.status_code == 413
    assert error_of(response)["code"] == "too_large"


def test_a_form_body_over_the_limit_is_a_413(world: World, api: Api, settings: Any) -> None:
    """Django raises RequestDataTooBig reading the form fields (was Django's HTML 400)."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api("admin").post(f"{V1}/imports/", {"dry_run": "x" * 2000}, format="multipart")
    assert response.status_code == 413
    assert error_of(response)["code"] == "too_large"


def test_an_unexpected_error_is_a_500_in_the_error_body(
    world: World, api: Api, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    def broken(user: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(access, "visible_leads", broken)
    client = api("officer_a")
    client.raise_request_exception = False
    response = client.get(f"{V1}/leads/")
    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "server_error"
    assert "a bug" not in response.content.decode()  # no internals to the client…
    assert "a bug" in caplog.text  # …but the traceback is in the log


def test_the_test_client_still_sees_the_exception(
    world: World, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """got_request_exception is still sent, so a failing test shows the real traceback."""

    def broken(user: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(access, "visible_leads", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        api("officer_a").get(f"{V1}/leads/")


def test_a_bad_host_is_a_400_in_the_error_body(world: World) -> None:
    response = Client(HTTP_HOST="evil.example").get(f"{V1}/regions/")
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_request"


@pytest.mark.parametrize(
    ("persona", "method", "path", "kwargs", "status", "code"),
    [
        (None, "get", "/leads/", {}, 401, "not_authenticated"),
        ("norole", "get", "/leads/", {}, 403, "permission_denied"),
        ("officer_a", "get", "/leads/999999/", {}, 404, "not_found"),
        ("officer_a", "put", "/scores/", {}, 405, "method_not_allowed"),
        (
            "admin",
            "post",
            "/regions/",
            {"data": "<x/>", "content_type": "application/xml"},
            415,
            "unsupported_media_type",
        ),
        (
            "admin",
            "post",
            "/regions/",
            {"data": "{", "content_type": "application/json"},
            400,
            "parse_error",
        ),
    ],
)
def test_every_error_status_has_the_error_body(
    world: World,
    api: Api,
    persona: str | None,
    method: str,
    path: str,
    kwargs: dict[str, Any],
    status: int,
    code: str,
) -> None:
    client = api(persona) if persona else APIClient()
    response = getattr(client, method)(f"{V1}{path}", **kwargs)
    assert response.status_code == status
    assert error_of(response)["code"] == code


def test_a_throttled_request_has_the_error_body_and_retry_after() -> None:
    response = errors.api_exception_handler(exceptions.Throttled(wait=7), {})
    assert response is not None
    assert response.status_code == 429
    assert response["Retry-After"] == "7"
    assert response.data["error"]["code"] == "throttled"


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "bad_request"),
        (401, "not_authenticated"),
        (403, "permission_denied"),
        (404, "not_found"),
        (405, "method_not_allowed"),
        (413, "too_large"),
        (415, "unsupported_media_type"),
        (429, "throttled"),
        (500, "server_error"),
        (502, "server_error"),
    ],
)
def test_an_html_error_page_under_api_is_rewritten(status: int, code: str) -> None:
    """Whatever answered with HTML (Django's handlers, another middleware) under /api/."""
    page = HttpResponse("<h1>Error</h1>", status=status, headers={"Retry-After": "3"})
    middleware = ApiErrorMiddleware(lambda request: page)
    response = middleware(RequestFactory().get("/api/v1/anything/"))
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "3"
    assert isinstance(response, JsonResponse)
    body = json.loads(response.content)
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    outside = middleware(RequestFactory().get("/leads/1/"))
    assert outside is page  # the browser pages keep their HTML
