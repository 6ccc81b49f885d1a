"""Password guessing: the lockout on every sign-in path, the client address it counts, API rates.

The attacker of issue 14 sent 30 wrong passwords, then the right one, and was signed in (the
login page and the Django admin had no limit; the token endpoint counted per client-sent
X-Forwarded-For, so varying it escaped the limit). Every attempt here comes from one socket
address; the client varies only what it controls.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from screening.client_address import client_address

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Xuanshang-2026"
ATTACKER = "203.0.113.7"  # the socket address every attempt comes from (TEST-NET-3)
GUESSES = 30


@pytest.fixture(autouse=True)
def _fast_hashes(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def officer(db: None) -> User:
    return User.objects.create_user("officer_zz", password=PASSWORD)


@pytest.fixture
def root(db: None) -> User:
    return User.objects.create_superuser("root", "root@example.org", PASSWORD)


def spoofed(i: int) -> dict[str, Any]:
    """A different made-up X-Forwarded-For on every request, from the same socket."""
    return {"REMOTE_ADDR": ATTACKER, "HTTP_X_FORWARDED_FOR": f"198.51.100.{i % 250 + 1}"}


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_lock_the_login_page(officer: User) -> None:
    client = Client()
    for i in range(GUESSES):
        client.post("/accounts/login/", {"username": "officer_zz", "password": "x"}, **spoofed(i))
    response = client.post(
        "/accounts/login/", {"username": "officer_zz", "password": PASSWORD}, **spoofed(99)
    )
    assert response.status_code == 429
    assert not signed_in(client)
    assert "Retry-After" in response


def test_thirty_wrong_passwords_lock_the_django_admin_login(root: User) -> None:
    client = Client()
    for i in range(GUESSES):
        client.post("/admin/login/", {"username": "root", "password": "x"}, **spoofed(i))
    response = client.post(
        "/admin/login/", {"username": "root", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 429
    assert not signed_in(client)


def test_thirty_wrong_passwords_lock_the_token_endpoint(officer: User) -> None:
    client = APIClient()
    url = "/api/v1/auth/token/"
    for i in range(GUESSES):
        client.post(url, {"username": "officer_zz", "password": "x"}, format="json", **spoofed(i))
    body = {"username": "officer_zz", "password": PASSWORD}
    response = client.post(url, body, format="json", **spoofed(99))
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "locked_out"
    assert "token" not in response.json()


def test_trying_many_usernames_from_one_address_is_locked_too(officer: User) -> None:
    """Password spraying: one guess per username, a new X-Forwarded-For each time."""
    client = Client()
    for i in range(GUESSES):
        client.post("/accounts/login/", {"username": f"u{i}", "password": "x"}, **spoofed(i))
    response = client.post(
        "/accounts/login/", {"username": "officer_zz", "password": PASSWORD}, **spoofed(99)
    )
    assert response.status_code == 429
    assert not signed_in(client)


def test_a_guesser_at_another_address_does_not_lock_out_this_one(officer: User) -> None:
    """Counted per address and per username: another user at another address signs in."""
    User.objects.create_user("officer_wh", password=PASSWORD)
    guesser = Client()
    for i in range(GUESSES):
        guesser.post("/accounts/login/", {"username": "officer_zz", "password": "x"}, **spoofed(i))
    colleague = Client(REMOTE_ADDR="192.0.2.10")
    response = colleague.post("/accounts/login/", {"username": "officer_wh", "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in(colleague)


def test_the_lockout_page_says_why_in_both_languages(officer: User, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        Client().post("/accounts/login/", {"username": "officer_zz", "password": "x"})
    right = {"username": "officer_zz", "password": PASSWORD}
    zh = Client().post("/accounts/login/", right)
    assert zh.status_code == 429
    assert "登录失败次数过多" in zh.content.decode()
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en = english.post("/accounts/login/", right)
    assert en.status_code == 429
    assert "Too many failed sign-ins" in en.content.decode()


# --- The client address ---------------------------------------------------------------------


def request_from(remote: str, forwarded: str | None = None) -> Any:
    extra: dict[str, Any] = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_only_the_socket_address_counts(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request_from("203.0.113.7", "1.2.3.4")) == "203.0.113.7"


def test_behind_one_proxy_the_entry_it_appended_counts(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    # The client sent "1.2.3.4"; the proxy appended the address it saw, 203.0.113.7.
    assert client_address(request_from("10.0.0.2", "1.2.3.4, 203.0.113.7")) == "203.0.113.7"
    assert client_address(request_from("10.0.0.2", "203.0.113.7")) == "203.0.113.7"


def test_behind_two_proxies_the_second_entry_from_the_right_counts(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 2
    forwarded = "1.2.3.4, 203.0.113.7, 10.0.0.1"
    assert client_address(request_from("10.0.0.2", forwarded)) == "203.0.113.7"


@pytest.mark.parametrize("forwarded", [None, "", "not-an-address", " , "])
def test_a_missing_or_malformed_header_falls_back_to_the_socket(
    settings: Any, forwarded: str | None
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request_from("10.0.0.2", forwarded)) == "10.0.0.2"


def test_behind_a_proxy_a_spoofed_prefix_does_not_escape_the_lockout(
    officer: User, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client()
    for i in range(GUESSES):
        forwarded = f"198.51.100.{i + 1}, {ATTACKER}"  # the client's part varies
        client.post(
            "/accounts/login/",
            {"username": f"u{i}", "password": "x"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forwarded,
        )
    response = client.post(
        "/accounts/login/",
        {"username": "officer_zz", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=f"192.0.2.200, {ATTACKER}",
    )
    assert response.status_code == 429


# --- API rates ------------------------------------------------------------------------------


def test_the_api_answers_429_past_the_per_user_rate(officer: User, settings: Any) -> None:
    settings.API_THROTTLE_RATES = {"user": "5/minute", "anon": None, "token": None}
    client = APIClient()
    client.force_authenticate(officer)
    codes = [client.get("/api/v1/me/", **spoofed(i)).status_code for i in range(6)]
    assert codes == [200] * 5 + [429]
    response = client.get("/api/v1/me/")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert "Retry-After" in response


def test_anonymous_requests_are_counted_per_address_not_per_header(settings: Any) -> None:
    """Anonymous requests reach a view only where no sign-in is needed (elsewhere the 401
    comes first): the token endpoint here, with its own rate off."""
    settings.API_THROTTLE_RATES = {"user": None, "anon": "3/minute", "token": None}
    client = APIClient()
    body = {"username": "nobody", "password": "x"}
    codes = [
        client.post("/api/v1/auth/token/", body, format="json", **spoofed(i)).status_code
        for i in range(4)
    ]
    assert codes == [400, 400, 400, 429]


def test_the_token_endpoint_rate_ignores_a_varied_forwarded_header(
    officer: User, settings: Any
) -> None:
    settings.API_THROTTLE_RATES = {"user": None, "anon": None, "token": "5/minute"}
    settings.AXES_FAILURE_LIMIT = 1000  # the rate, not the lockout, is under test
    client = APIClient()
    body = {"username": "officer_zz", "password": "x"}
    codes = [
        client.post("/api/v1/auth/token/", body, format="json", **spoofed(i)).status_code
        for i in range(6)
    ]
    assert codes == [400] * 5 + [429]


def test_the_api_rates_are_on_by_default() -> None:
    from screening.config import settings as site

    assert site.API_THROTTLE_RATES["user"] and site.API_THROTTLE_RATES["anon"]
    assert site.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]


def test_a_request_without_a_socket_address_gets_a_storable_ip_address(settings: Any) -> None:
    # The test client's force_login builds such a request; axes' database handler stores the
    # address in an IP column, which PostgreSQL validates (a word there failed every sign-in).
    import ipaddress

    from django.http import HttpRequest

    settings.TRUSTED_PROXY_COUNT = 0
    ipaddress.ip_address(client_address(HttpRequest()))


@pytest.mark.django_db
def test_force_login_works_with_the_database_lockout_store(officer: User, settings: Any) -> None:
    from axes.handlers.proxy import AxesProxyHandler
    from axes.models import AccessLog

    original = settings.AXES_HANDLER
    settings.AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
    AxesProxyHandler.get_implementation(force=True)
    try:
        client = Client()
        client.force_login(officer)
        assert signed_in(client)
        assert AccessLog.objects.filter(username=officer.username).exists()
    finally:
        settings.AXES_HANDLER = original
        AxesProxyHandler.get_implementation(force=True)
