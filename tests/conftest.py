"""Shared fixtures. Tasks run eagerly unless a test starts a real worker."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _eager_celery(request: pytest.FixtureRequest) -> Iterator[None]:
    """Run tasks in-process, except in tests marked `worker` that start an embedded worker."""
    if request.node.get_closest_marker("worker"):
        yield
        return
    from screening.config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _login_protection_per_test(settings: Any) -> Iterator[None]:
    """Every test starts with no failed sign-ins counted and the API rate limits off.

    The counts live in the shared cache (Redis in CI), so failures of one test (or of an
    earlier run) would lock out the next test's logins from 127.0.0.1. The tests of the
    limits themselves (tests/foundation/test_login_protection.py) set the rates they check.
    """
    settings.API_THROTTLE_RATES = dict.fromkeys(settings.API_THROTTLE_RATES)
    forget_login_failures()
    yield
    forget_login_failures()


def forget_login_failures() -> None:
    """Drop django-axes' failure counts (keys "axes-…") from the cache, whatever its backend.

    With the database handler (no Redis) the counts are rows, rolled back with each test."""
    from django.conf import settings
    from django.core.cache import cache

    if not settings.AXES_HANDLER.endswith("AxesCacheHandler"):
        return
    backend: Any = getattr(cache, "_cache", None)
    if hasattr(backend, "get_client"):  # Django's RedisCache
        client = backend.get_client(write=True)
        keys = list(client.scan_iter(match="*axes-*", count=1000))
        if keys:
            client.delete(*keys)
    else:  # LocMemCache: a dict of made keys
        for key in [k for k in list(getattr(cache, "_cache", {})) if "axes-" in k]:
            cache.delete(key.split(":", 2)[-1])
