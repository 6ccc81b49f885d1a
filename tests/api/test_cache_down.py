"""Redis down: the API goes on answering (bench/bench_faults.py: with Django's RedisCache,
the throttles' cache reads made every request a 500 while Redis restarted)."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.api.conftest import World
from tests.api.helpers import V1

Api = Callable[[str], APIClient]
pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings: Any) -> Iterator[None]:
    """The cache as deployed (settings.CACHES with REDIS_URL) on a port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    deployed = {
        "BACKEND": "screening.config.cache.FailOpenRedisCache",
        "LOCATION": f"redis://127.0.0.1:{port}/0",
    }
    before = settings.CACHES
    settings.CACHES = {"default": deployed}
    settings.API_THROTTLE_RATES = {"user": "600/minute", "anon": "60/minute", "token": None}
    yield
    settings.CACHES = before  # before the shared fixtures clean the real cache up


def test_the_api_answers_while_the_cache_is_unreachable(
    world: World, api: Api, redis_down: None
) -> None:
    client = api("officer_a")
    started = time.monotonic()
    assert client.get(f"{V1}/leads/").status_code == 200
    assert (
        client.patch(f"{V1}/leads/{world.lead_a.pk}/", {"jobs": 321}, format="json").status_code
        == 200
    )
    assert time.monotonic() - started < 10


def test_the_cache_answers_as_empty_while_unreachable(redis_down: None) -> None:
    assert cache.get("k", "default") == "default"
    cache.set("k", 1)
    assert cache.add("k", 1) is False
    assert cache.get_many(["k"]) == {}
    assert cache.has_key("k") is False
    with pytest.raises(ValueError, match="not found"):
        cache.incr("k")
    assert cache.delete("k") is False
