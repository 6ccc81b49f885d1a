"""API tokens (issue 14, finding 6): hashed at rest, expiring, revoked by a password change.

Before, a token was DRF's: its key stood in the database in plain text, never expired and
survived a password change.
"""

from __future__ import annotations

import glob
import importlib
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.api.conftest import World
from tests.api.helpers import V1, error_of

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Xuanshang-2026"  # the factory's


def token_for(username: str, password: str = PASSWORD) -> dict[str, Any]:
    body = {"username": username, "password": password}
    response = APIClient().post(f"{V1}/auth/token/", body, format="json")
    assert response.status_code == 200, response.content
    return dict(response.json())


def me(token: str) -> int:
    return APIClient(HTTP_AUTHORIZATION=f"Token {token}").get(f"{V1}/me/").status_code


def database_text() -> str:
    """Every column of every token row, as text: what a stolen backup would hold."""
    rows = AuthToken.objects.values_list("digest", "token_key", "user_id", "created", "expiry")
    return " ".join(str(cell) for row in rows for cell in row)


def test_the_token_is_not_stored(world: World) -> None:
    token = token_for("officer_a")["token"]
    assert me(token) == 200
    assert AuthToken.objects.count() == 1
    assert token not in database_text()


def test_a_token_expires(world: World, settings: Any) -> None:
    body = token_for("officer_a")
    expiry = AuthToken.objects.get().expiry
    assert expiry is not None
    assert body["expiry"] and body["expiry"].startswith(str(expiry.year))
    AuthToken.objects.update(expiry=expiry - settings.REST_KNOX["TOKEN_TTL"] - timedelta(1))
    response = APIClient(HTTP_AUTHORIZATION=f"Token {body['token']}").get(f"{V1}/me/")
    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"


def test_the_lifetime_is_configurable(world: World, settings: Any) -> None:
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(hours=2)}
    token_for("officer_a")
    token = AuthToken.objects.get()
    assert token.expiry is not None
    assert timedelta(minutes=119) < token.expiry - token.created <= timedelta(hours=2)


def test_a_password_change_revokes_every_token(world: World, settings: Any) -> None:
    settings.ROOT_URLCONF = "screening.config.urls"  # the browser's password change page
    first = token_for("officer_a")["token"]
    second = token_for("officer_a")["token"]
    other = token_for("officer_b")["token"]
    browser = Client()
    browser.force_login(world.users["officer_a"])
    new = "Zaozhuang-2026-new!"
    data = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    assert browser.post("/accounts/password_change/", data).status_code == 302
    assert me(first) == 401 and me(second) == 401
    assert me(other) == 200
    assert me(token_for("officer_a", new)["token"]) == 200


def test_an_admin_setting_a_password_revokes_tokens_too(world: World) -> None:
    token = token_for("officer_a")["token"]
    user = User.objects.get(username="officer_a")
    user.set_password("Another-2026-pass!")
    user.save()
    assert me(token) == 401


def test_rehashing_the_same_password_keeps_the_tokens(world: World, settings: Any) -> None:
    """Django re-hashes a password at sign-in when the hasher changes: same password."""
    token = token_for("officer_a")["token"]
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    before = User.objects.get(username="officer_a").password
    assert Client().login(username="officer_a", password=PASSWORD)
    assert User.objects.get(username="officer_a").password != before  # it was re-hashed
    assert me(token) == 200


def test_an_unusable_password_revokes_tokens(world: World) -> None:
    token = token_for("officer_a")["token"]
    user = User.objects.get(username="officer_a")
    user.set_unusable_password()
    user.save()
    assert me(token) == 401


def test_saving_a_user_without_a_new_password_keeps_the_tokens(world: World) -> None:
    token = token_for("officer_a")["token"]
    user = User.objects.get(username="officer_a")
    user.first_name = "Zhang"
    user.save()
    assert me(token) == 200


def test_each_client_gets_its_own_token_and_old_ones_are_pruned(
    world: World, settings: Any
) -> None:
    settings.API_TOKENS_PER_USER = 3
    tokens = [token_for("officer_a")["token"] for _ in range(5)]
    assert AuthToken.objects.filter(user=world.users["officer_a"]).count() == 3
    assert [me(t) for t in tokens] == [401, 401, 200, 200, 200]


def test_delete_revokes_all_of_your_tokens(world: World) -> None:
    first, second = token_for("officer_a")["token"], token_for("officer_a")["token"]
    client = APIClient(HTTP_AUTHORIZATION=f"Token {first}")
    assert client.delete(f"{V1}/auth/token/").status_code == 204
    assert me(first) == 401 and me(second) == 401


def test_an_old_plain_text_token_is_hashed_by_the_migration_and_keeps_working(
    world: World,
) -> None:
    """An installation upgraded from DRF's tokens: its clients' keys keep working, and the
    plain-text table is emptied."""
    key = "0123456789abcdef0123456789abcdef01234567"  # DRF's 40 hex characters
    user = world.users["officer_a"]
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE TABLE "authtoken_token" ("key" varchar(40) PRIMARY KEY, '
            '"created" timestamp NOT NULL, "user_id" integer NOT NULL)'
        )
        cursor.execute(
            'INSERT INTO "authtoken_token" ("key", "created", "user_id") VALUES (%s, %s, %s)',
            [key, "2026-01-01 00:00:00", user.pk],
        )
    migrations = Path(__file__).resolve().parents[2] / "screening" / "migrations"
    (path,) = glob.glob(str(migrations / "*_trust_login_hashed_tokens.py"))
    migration = importlib.import_module(f"screening.migrations.{Path(path).stem}")
    migration.hash_old_tokens(apps, SimpleNamespace(connection=connection))
    assert me(key) == 200
    assert key not in database_text()
    with connection.cursor() as cursor:
        cursor.execute('SELECT COUNT(*) FROM "authtoken_token"')
        assert cursor.fetchone() == (0,)
        cursor.execute('DROP TABLE "authtoken_token"')
