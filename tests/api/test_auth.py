"""Authentication: session and tokens (hashed, expiring), revocation by the user, an admin, a
password change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.api.conftest import World
from tests.api.helpers import V1, error_of

Api = Callable[[str], APIClient]
pytestmark = pytest.mark.django_db
PASSWORD = "pw-Xuanshang-2026"  # the factory's


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


def test_it_issues_a_token_for_a_password(world: World) -> None:
    body = {"username": "officer_a", "password": PASSWORD}
    response = APIClient().post(f"{V1}/auth/token/", body, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert AuthToken.objects.get(user=world.users["officer_a"]).token_key == token[:15]
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(f"{V1}/me/").json()["username"] == "officer_a"


def test_it_refuses_a_wrong_password_with_the_error_body(world: World) -> None:
    body = {"username": "officer_a", "password": "wrong"}
    response = APIClient().post(f"{V1}/auth/token/", body, format="json")
    assert response.status_code == 400
    assert error_of(response)["fields"]["non_field_errors"]
    assert not AuthToken.objects.exists()


def test_it_slows_down_password_guessing(world: World, settings: Any) -> None:
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "token": "20/minute"}
    settings.AXES_FAILURE_LIMIT = 1000  # the rate, not the lockout (tests/foundation)
    body = {"username": "officer_a", "password": "wrong"}
    client = APIClient()
    codes = [client.post(f"{V1}/auth/token/", body, format="json").status_code for _ in range(21)]
    assert codes[:20] == [400] * 20
    assert codes[20] == 429


def test_it_lets_a_user_revoke_their_own_token(world: World, api: Api) -> None:
    client = api("manager")
    assert client.delete(f"{V1}/auth/token/").status_code == 204
    response = client.get(f"{V1}/leads/")
    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"


def test_it_stops_a_token_an_admin_deleted_in_the_django_admin(world: World, api: Api) -> None:
    client = api("officer_a")
    assert client.get(f"{V1}/leads/").status_code == 200
    staff = User.objects.create_superuser("root", "root@example.com", PASSWORD)
    browser = Client()
    browser.force_login(staff)
    # The admin lists tokens by their digest and user (Knox → Auth tokens).
    digest = AuthToken.objects.get(user=world.users["officer_a"]).digest
    response = browser.post(f"/admin/knox/authtoken/{digest}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not AuthToken.objects.filter(user=world.users["officer_a"]).exists()
    assert client.get(f"{V1}/leads/").status_code == 401


def test_it_accepts_a_session_and_requires_csrf_for_writes(world: World) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.users["officer_a"])
    assert client.get(f"{V1}/leads/").status_code == 200
    url = f"{V1}/leads/{world.lead_a.pk}/stage/"
    response = client.post(url, {"stage": "contact"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in error_of(response)["message"]


def test_it_tells_who_is_signed_in(world: World, api: Api) -> None:
    body = api("officer_a").get(f"{V1}/me/").json()
    assert body["roles"] == ["officer"]
    assert set(body["region_ids"]) == {world.city_a.pk, world.county_a.pk}


def test_it_counts_a_superuser_as_admin(world: World) -> None:
    root = User.objects.create_superuser("root2", "r@example.com", PASSWORD)
    client = APIClient()
    client.force_authenticate(root)
    body = {"code": "SD-JN", "name": "济南市", "level": "city"}
    assert client.post(f"{V1}/regions/", body, format="json").status_code == 201


def test_it_serves_the_schema_and_swagger_ui_without_a_cdn(world: World) -> None:
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/leads/" in schema.json()["paths"]
    page = Client().get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html


def test_it_is_mounted_in_the_site_urls() -> None:
    """The tests route through tests/api/urls.py; the site itself must mount the same."""
    from django.urls import resolve

    for path in ("/api/v1/leads/", "/api/schema/", "/api/docs/", "/api/v1/imports/"):
        assert resolve(path, urlconf="screening.config.urls").url_name
