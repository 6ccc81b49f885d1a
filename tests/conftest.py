"""Shared fixtures. Tasks run eagerly unless a test starts a real worker."""

from __future__ import annotations

from collections.abc import Iterator

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
